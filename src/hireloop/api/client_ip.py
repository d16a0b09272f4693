"""The client address of every HTTP request, for the companies' IP allow-lists.

A pure ASGI middleware on the whole app: it reads the client address the way the rate
limiter does (the socket peer, or X-Forwarded-For from a trusted proxy; see
``rate_limit.client_ip``) and puts it in ``domain.companies.access.request_ip`` for the
request's duration (API key checks read it there) and in ``request.state.client_ip``
(the web app reads it there).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from hireloop.api.rate_limit import client_ip, parse_networks
from hireloop.domain.companies.access import request_ip


class ClientIpMiddleware:
    def __init__(self, app: ASGIApp, *, trusted_proxies: str | Iterable[str] = "") -> None:
        self.app = app
        self.trusted_proxies = parse_networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ip = client_ip(scope, self.trusted_proxies)
        scope.setdefault("state", {}).setdefault("client_ip", ip)
        token = request_ip.set(ip)
        try:
            await self.app(scope, receive, send)
        finally:
            request_ip.reset(token)
