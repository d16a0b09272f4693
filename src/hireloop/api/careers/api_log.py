"""One ``api_logs`` row per call under the career-site prefixes, whatever answered it: a
route, the router (404 on an unknown sub-path, a trailing-slash redirect), the rate limiter
(429) or the error handlers (500).

A pure ASGI middleware outside the rate limiter: it watches the status sent and hands the
row to the app's ``ApiLogWriter`` (domain/audit/api_log.py: queued and written in batches
a moment after the response; no database work in the request). The company and key come
from the request's state, where the key check put them (``routes.career_key``); the
client address from where the rate limiter put it (X-Forwarded-For from a trusted proxy).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import String
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hireloop.db import utcnow
from hireloop.domain.audit.api_log import ApiLogWriter
from hireloop.domain.audit.models import ApiLog

# The String columns' sizes: a value is cut to its column, so that no database refuses the
# row (PostgreSQL's VARCHAR(n) does; a method is any HTTP token, a path any text).
_SIZES: dict[str, int] = {
    column.name: column.type.length
    for column in ApiLog.__table__.columns
    if isinstance(column.type, String) and column.type.length
}


def _fit(value: str | None, column: str) -> str | None:
    """``value`` as its column holds it: without null characters (PostgreSQL's text cannot
    hold one) and cut to the column's size; None when nothing is left."""
    if not value:
        return None
    return value.replace("\x00", "")[: _SIZES[column]] or None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def log_row(scope: Scope, status: int, latency_ms: int) -> dict[str, Any]:
    """The ``api_logs`` row of a call (an error response is logged too)."""
    state = scope.get("state") or {}
    client = scope.get("client")
    ip = state.get("client_ip") or (client[0] if client else None)
    return {
        "company_id": state.get("career_company_id"),
        "api_key_id": state.get("career_api_key_id"),
        "face": "career",
        "method": _fit(scope["method"], "method") or "",
        "endpoint": _fit(scope["path"], "endpoint") or "",
        "status": status,
        "latency_ms": latency_ms,
        "ip": _fit(ip, "ip"),
        "user_agent": _fit(_header(scope, b"user-agent"), "user_agent"),
        "created_at": utcnow(),
    }


class ApiLogMiddleware:
    """Logs every HTTP call to ``prefixes`` (each path and everything below it)."""

    def __init__(self, app: ASGIApp, *, prefixes: Iterable[str], writer: ApiLogWriter) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)
        self.below = tuple(prefix + "/" for prefix in self.prefixes)
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path in self.prefixes or path.startswith(self.below)):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes is answered 500 by the outermost handler

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            row = log_row(scope, status, round((time.perf_counter() - started) * 1000))
            if self.writer.buffered:
                self.writer.write(row)  # a queue append: no reason to leave the event loop
            else:
                await run_in_threadpool(self.writer.write, row)
