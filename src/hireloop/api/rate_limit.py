"""Per-IP request limits for the career-site routes, as a pure ASGI middleware.

A fixed window, as the ``limits`` library counts one: one counter per client IP, created
by the client's first request and expiring a minute later. The
check runs before anything else of the request — API key, body — so a flood costs one
counter increment per request.

Counters live in this process's memory (``memory://``, the default: a dict, see
``_MemoryCounter``) or in Redis (a ``redis://``/``rediss://`` URL, through ``limits``), where every server process pointing at the same Redis
shares one limit. Redis keys start with ``hireloop:career:``.

If the storage fails (Redis down or slow), requests are let through and a warning is
logged: an outage of the limiter must not take the career site down with it. For
``STORAGE_RETRY_SECONDS`` after a failure the storage is not asked again, so requests
do not each wait for a dead Redis.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItemPerMinute
from limits.aio.strategies import FixedWindowRateLimiter as AsyncFixedWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

KEY_PREFIX = "hireloop:career"
STORAGE_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5
WINDOW_SECONDS = 60  # the fixed window: the limit is per minute
REDIS_TTL_ROUNDING = 0.5  # seconds Redis' TTL may be short of the key's real expiry

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Hit:
    allowed: bool
    remaining: int
    reset_at: float  # epoch seconds at which the window ends


class _Counter(Protocol):
    async def hit(self, client: str) -> Hit: ...


class _MemoryCounter:
    """This process's counters: the fixed window of ``limits`` (a client's window starts
    with its first request and lasts a minute), kept in a dict and called inline (no I/O).

    Not ``limits``' own ``MemoryStorage``: it expires keys from a timer thread that it
    starts again at any request coming more than 10 ms after the previous one, and that
    thread walks every client's counter each time. With 20,000 clients in the window that
    was ~2.9 ms of CPU per request (holding the GIL), and ~0.5 ms with one client
    (bench/career_apply.py). Here an expired window is replaced when its client comes
    back, and expired windows are dropped in one pass once per window length."""

    def __init__(self, item: RateLimitItemPerMinute) -> None:
        self.limit = item.amount
        self.seconds = item.get_expiry()
        self._windows: dict[str, list[float]] = {}  # client -> [window end, requests]
        self._next_sweep = time.time() + self.seconds

    async def hit(self, client: str) -> Hit:
        now = time.time()
        if now >= self._next_sweep:
            self._windows = {k: w for k, w in self._windows.items() if w[0] > now}
            self._next_sweep = now + self.seconds
        window = self._windows.get(client)
        if window is None or window[0] <= now:
            window = self._windows[client] = [now + self.seconds, 0]
        allowed = window[1] < self.limit
        if allowed:
            window[1] += 1
        return Hit(allowed, self.limit - int(window[1]), window[0])


class _RedisCounter:
    """The async Redis storage (redis-py client), so a slow Redis never blocks the loop.

    Its connections belong to one event loop: a new loop (a test client, a reload) gets
    a storage of its own."""

    def __init__(self, item: RateLimitItemPerMinute, uri: str, key_prefix: str) -> None:
        self.item = item
        self.uri = uri
        self.key_prefix = key_prefix
        self._loop: asyncio.AbstractEventLoop | None = None
        self._limiter: AsyncFixedWindowRateLimiter | None = None
        self._make_limiter()  # reports a bad URL now, not at the first request

    def _make_limiter(self) -> AsyncFixedWindowRateLimiter:
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        storage = storage_from_string(
            "async+" + self.uri,
            implementation="redispy",
            key_prefix=self.key_prefix,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            # Fail fast: a request must not wait for reconnection attempts.
            retry=Retry(NoBackoff(), 0),
        )
        return AsyncFixedWindowRateLimiter(storage)  # type: ignore[arg-type]

    async def hit(self, client: str) -> Hit:
        loop = asyncio.get_running_loop()
        if self._limiter is None or loop is not self._loop:
            self._loop, self._limiter = loop, self._make_limiter()
        allowed = await self._limiter.hit(self.item, client)
        stats = await self._limiter.get_window_stats(self.item, client)
        # The window's end comes from Redis' TTL, whole seconds rounded to the nearest: up
        # to half a second early, and a client that waited Retry-After got another 429.
        return Hit(allowed, stats.remaining, stats.reset_time + REDIS_TTL_ROUNDING)


def _counter(uri: str, item: RateLimitItemPerMinute, key_prefix: str) -> _Counter:
    scheme = uri.split("://", 1)[0].lower()
    if scheme in ("memory", "async+memory"):
        return _MemoryCounter(item)
    if scheme in ("redis", "rediss", "redis+unix"):
        return _RedisCounter(item, uri, key_prefix)
    raise ValueError(f"unsupported rate-limit storage {scheme}:// (use memory:// or redis://)")


def parse_networks(spec: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` (or a list of such entries) as networks."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in parts if p.strip())


def _parse_ip(value: str) -> IPAddress | None:
    value = value.strip().strip('"')
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # "203.0.113.7:5123"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, proxies: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in proxies)


def client_ip(scope: Scope, trusted_proxies: tuple[IPNetwork, ...]) -> str:
    """The socket peer; when the peer is a trusted proxy, the right-most X-Forwarded-For
    address that is not itself a trusted proxy (addresses to its left were written by the
    client and prove nothing)."""
    peer = scope.get("client")
    host = peer[0] if peer else ""
    address = _parse_ip(host) if host else None
    if address is None:
        return host or "unknown"
    if not trusted_proxies or not _trusted(address, trusted_proxies):
        return str(address)
    hops = [
        hop
        for name, value in scope.get("headers") or []
        if name.lower() == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
    ]
    for hop in reversed(hops):
        hop_address = _parse_ip(hop)
        if hop_address is None:
            # Not an address: stop at the nearest hop we could read.
            break
        address = hop_address
        if not _trusted(address, trusted_proxies):
            break
    return str(address)


def _rule(entry: str) -> tuple[frozenset[str] | None, str]:
    """``"/api/job_offers"`` (any method) or ``"POST /careers/"`` (that method only)."""
    method, _, path = entry.strip().rpartition(" ")
    methods = frozenset(m.upper() for m in method.split(",") if m) if method else None
    return methods, path


class RateLimitMiddleware:
    """Counts every request under ``prefixes`` against ``limit_per_minute`` per client IP.

    ``prefixes`` entries are paths (``"/api/job_offers"`` covers that path and everything
    below it; a trailing slash, as in ``"/careers/"``, covers what starts with it),
    optionally preceded by methods: ``"POST /careers/"``. Every response under them gets
    ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``; past the limit the answer is
    ``response_for(request, retry_after)`` with ``Retry-After`` (seconds to the window's
    end) and ``X-RateLimit-Remaining: 0``, and the app is not called.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        prefixes: Iterable[str],
        limit_per_minute: int,
        storage_uri: str = "memory://",
        trusted_proxies: str | Iterable[str] = "",
        response_for: Callable[[Request, int], Response],
        key_prefix: str = KEY_PREFIX,
    ) -> None:
        self.app = app
        self.rules = tuple(_rule(p) for p in prefixes)
        self.limit = limit_per_minute
        self.trusted_proxies = parse_networks(trusted_proxies)
        self.response_for = response_for
        self.storage_uri = storage_uri
        self.counter = _counter(
            storage_uri, RateLimitItemPerMinute(limit_per_minute, namespace="ip"), key_prefix
        )
        self._storage_down_until = 0.0

    def _applies(self, scope: Scope) -> bool:
        path: str = scope["path"]
        method: str = scope["method"]
        for methods, prefix in self.rules:
            if methods is not None and method not in methods:
                continue
            if path == prefix or path.startswith(prefix if prefix.endswith("/") else prefix + "/"):
                return True
        return False

    async def _hit(self, client: str) -> Hit | None:
        if time.monotonic() < self._storage_down_until:
            return None
        try:
            return await self.counter.hit(client)
        except Exception as exc:  # noqa: BLE001 - fail open, see the module docstring
            self._storage_down_until = time.monotonic() + STORAGE_RETRY_SECONDS
            log.warning(
                "rate-limit storage %s unavailable, letting requests through for %gs: %s",
                self.storage_uri.split("://", 1)[0] + "://",
                STORAGE_RETRY_SECONDS,
                exc,
            )
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._applies(scope):
            await self.app(scope, receive, send)
            return
        ip = client_ip(scope, self.trusted_proxies)
        # The client's address as decided here (trusted proxies included), for the API log.
        scope.setdefault("state", {})["client_ip"] = ip
        hit = await self._hit(ip)
        limit_headers = [(b"x-ratelimit-limit", str(self.limit).encode())]
        if hit is not None:
            limit_headers.append((b"x-ratelimit-remaining", str(hit.remaining).encode()))

        if hit is not None and not hit.allowed:
            # Never more than the window itself (the Redis margin could round to 61).
            retry_after = min(WINDOW_SECONDS, max(1, math.ceil(hit.reset_at - time.time())))
            response = self.response_for(Request(scope), retry_after)
            response.headers["Retry-After"] = str(retry_after)
            response.headers["X-RateLimit-Limit"] = str(self.limit)
            response.headers["X-RateLimit-Remaining"] = "0"
            await response(scope, receive, send)
            return

        async def send_with_limit(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in limit_headers}
                message["headers"] = [
                    (name, value)
                    for name, value in message.get("headers") or []
                    if name.lower() not in names
                ] + limit_headers
            await send(message)

        await self.app(scope, receive, send_with_limit)
