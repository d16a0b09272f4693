"""Refuse request bodies over a size limit before they are read into memory."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body exceeds {limit} bytes.")
        self.limit = limit


class BodyLimitMiddleware:
    """Counts body bytes (Content-Length and chunked alike) for paths under ``prefixes``.

    Multipart uploads have their own limits, set by the routes that accept files.
    """

    def __init__(self, app: ASGIApp, *, limit: int, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.limit = limit
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
        if headers.get(b"content-type", b"").startswith(b"multipart/"):
            await self.app(scope, receive, send)
            return
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            scope.setdefault("state", {})["body_too_large"] = True
        received = 0
        limit = self.limit

        async def limited_receive() -> Message:
            nonlocal received
            if scope.get("state", {}).get("body_too_large"):
                raise BodyTooLarge(limit)
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message  # type: ignore[return-value]

        await self.app(scope, limited_receive, send)
