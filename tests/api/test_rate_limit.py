"""RateLimitMiddleware on a tiny app: headers, the seed's 429, the window, client IPs
behind trusted proxies, memory and Redis storages."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from limits import RateLimitItemPerMinute

from hireloop.api import rate_limit
from hireloop.api.rate_limit import RateLimitMiddleware, client_ip, parse_networks
from hireloop.config import Settings
from tests.smtp_server import free_port

REDIS_URL = "redis://127.0.0.1:6379/14"
TOO_MANY = {"status": "error", "data": None, "message": "Too many requests. Please retry later."}


def too_many_requests(request: Request, retry_after: int) -> Response:
    return JSONResponse(TOO_MANY, status_code=429)


def make_app(calls: list[str] | None = None, **options: object) -> FastAPI:
    """/api/job_offers and /api/job_applications (which checks a key and reads the body),
    hosted pages under /careers/, and /healthz outside the limit."""
    calls = calls if calls is not None else []
    app = FastAPI()

    @app.get("/api/job_offers")
    def job_offers() -> dict[str, str]:
        calls.append("job_offers")
        return {"status": "success"}

    @app.post("/api/job_applications")
    async def job_applications(request: Request) -> Response:
        calls.append("job_applications")
        if request.headers.get("x-api-key") != "sk_test":
            return JSONResponse({"status": "error", "message": "Invalid API key"}, 401)
        await request.body()
        return JSONResponse({"status": "success"}, 201)

    @app.api_route("/careers/{slug}/apply", methods=["GET", "POST"])
    def apply(slug: str) -> dict[str, str]:
        return {"page": slug}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    settings = {
        "prefixes": ("/api/job_offers", "/api/job_applications", "POST /careers/"),
        "limit_per_minute": 100,
        "response_for": too_many_requests,
        **options,
    }
    app.add_middleware(RateLimitMiddleware, **settings)  # type: ignore[arg-type]
    return app


@pytest.fixture
def redis_storage() -> Iterator[tuple[str, str]]:
    """(storage URI, key prefix of this test): a namespace under hireloop:career: per
    test instead of flushing a Redis database other runs may share."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    key_prefix = f"hireloop:career:test-{uuid.uuid4().hex[:12]}"
    yield REDIS_URL, key_prefix
    for key in client.scan_iter(f"{key_prefix}:*"):
        client.delete(key)
    client.close()


def test_every_response_under_the_prefixes_carries_the_limit_headers() -> None:
    with TestClient(make_app()) as client:
        first = client.get("/api/job_offers")
        assert first.status_code == 200
        assert first.headers["X-RateLimit-Limit"] == "100"
        assert first.headers["X-RateLimit-Remaining"] == "99"
        unauthorized = client.post("/api/job_applications", data={"a": "b"})
        assert unauthorized.status_code == 401
        assert unauthorized.headers["X-RateLimit-Remaining"] == "98"
        missing = client.get("/api/job_offers/nope")
        assert missing.status_code == 404 and missing.headers["X-RateLimit-Remaining"] == "97"
        posted = client.post("/careers/acme/apply")
        assert posted.headers["X-RateLimit-Remaining"] == "96"
        # Outside the limit: other paths, and the hosted pages' GETs.
        for response in (
            client.get("/healthz"),
            client.get("/careers/acme/apply"),
            client.get("/api/job_offersX"),
        ):
            assert "X-RateLimit-Limit" not in response.headers
        assert client.get("/api/job_offers").headers["X-RateLimit-Remaining"] == "95"


def test_the_101st_request_gets_the_seed_429_before_key_check_or_body_read() -> None:
    calls: list[str] = []
    with TestClient(make_app(calls)) as client:
        for i in range(100):
            path = "/api/job_offers" if i % 2 else "/api/job_applications"
            response = (
                client.get(path) if i % 2 else client.post(path, headers={"X-API-Key": "sk_test"})
            )
            assert response.status_code in (200, 201)
            assert response.headers["X-RateLimit-Remaining"] == str(99 - i)
        assert len(calls) == 100

        refused = client.post(
            "/api/job_applications",
            headers={"X-API-Key": "wrong"},
            files={"cv": ("cv.pdf", b"%PDF-1.4 " * 1000, "application/pdf")},
        )
        assert refused.status_code == 429
        assert refused.json() == TOO_MANY
        assert refused.headers["Content-Type"] == "application/json"
        assert refused.headers["X-RateLimit-Limit"] == "100"
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert client.get("/api/job_offers").status_code == 429
        assert len(calls) == 100, "the app never saw the refused requests"
        assert client.get("/healthz").status_code == 200


def test_the_window_resets_after_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    with TestClient(make_app(limit_per_minute=2)) as client:
        assert [client.get("/api/job_offers").status_code for _ in range(3)] == [200, 200, 429]
        now[0] += 45
        refused = client.get("/api/job_offers")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "15"
        now[0] += 16
        again = client.get("/api/job_offers")
        assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "1"


def test_memory_counters_are_per_client_and_forgotten_once_their_window_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    counter = rate_limit._MemoryCounter(RateLimitItemPerMinute(2))

    def hit(client: str) -> rate_limit.Hit:
        return asyncio.run(counter.hit(client))

    for i in range(500):  # a crowd of addresses, one request each
        assert hit(f"198.51.100.{i}").remaining == 1
    assert [hit("203.0.113.7").allowed for _ in range(3)] == [True, True, False]
    now[0] += 30
    later = hit("203.0.113.9")
    assert later.allowed and later.reset_at == now[0] + 60
    refused = hit("203.0.113.7")
    assert not refused.allowed and refused.remaining == 0 and refused.reset_at == now[0] + 30
    now[0] += 31  # the first windows ended, the one of 203.0.113.9 has not
    assert hit("203.0.113.7").remaining == 1
    assert sorted(counter._windows) == ["203.0.113.7", "203.0.113.9"], (
        "ended windows are dropped, not kept forever"
    )


def _scope(peer: str, forwarded: list[str] | None = None) -> dict[str, object]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded or []]
    return {"type": "http", "client": (peer, 1234), "headers": headers}


def test_client_ip_believes_x_forwarded_for_only_from_trusted_proxies() -> None:
    proxies = parse_networks(" 10.0.0.0/8, 192.168.1.5 ,2001:db8::/32")
    assert len(proxies) == 3
    # No trusted proxy: the socket peer, whatever the header says.
    assert client_ip(_scope("203.0.113.9", ["1.2.3.4"]), ()) == "203.0.113.9"
    # An untrusted peer cannot choose its key with the header.
    assert client_ip(_scope("203.0.113.9", ["1.2.3.4"]), proxies) == "203.0.113.9"
    # Through one proxy.
    assert client_ip(_scope("10.0.0.2", ["198.51.100.7"]), proxies) == "198.51.100.7"
    # The right-most address that is not a proxy: what the client wrote before is ignored.
    assert (
        client_ip(_scope("10.0.0.2", ["6.6.6.6, 198.51.100.7, 192.168.1.5"]), proxies)
        == "198.51.100.7"
    )
    # Several headers are one list; ports and IPv4-mapped IPv6 addresses are normalised.
    assert client_ip(_scope("10.1.1.1", ["6.6.6.6", "198.51.100.7:5123"]), proxies) == (
        "198.51.100.7"
    )
    assert client_ip(_scope("::ffff:10.0.0.3", ["[2001:db9::5]:443"]), proxies) == "2001:db9::5"
    # Nothing but proxies, or garbage: the nearest address we could read.
    assert client_ip(_scope("10.0.0.2", ["10.0.0.9"]), proxies) == "10.0.0.9"
    assert client_ip(_scope("10.0.0.2", ["unknown"]), proxies) == "10.0.0.2"
    assert client_ip(_scope("10.0.0.2"), proxies) == "10.0.0.2"
    assert client_ip({"type": "http", "headers": []}, proxies) == "unknown"


def test_x_forwarded_for_through_the_middleware() -> None:
    app = make_app(limit_per_minute=1, trusted_proxies="127.0.0.1")
    with TestClient(app, client=("127.0.0.1", 5000)) as via_proxy:
        assert (
            via_proxy.get("/api/job_offers", headers={"X-Forwarded-For": "1.1.1.1"}).status_code
            == 200
        )
        assert (
            via_proxy.get("/api/job_offers", headers={"X-Forwarded-For": "1.1.1.1"}).status_code
            == 429
        )
        # Another client behind the same proxy has its own count.
        assert (
            via_proxy.get("/api/job_offers", headers={"X-Forwarded-For": "2.2.2.2"}).status_code
            == 200
        )
    with TestClient(app, client=("203.0.113.50", 5000)) as direct:
        # Not a trusted proxy: its header does not buy it a fresh count per spoofed address.
        assert (
            direct.get("/api/job_offers", headers={"X-Forwarded-For": "3.3.3.3"}).status_code == 200
        )
        assert (
            direct.get("/api/job_offers", headers={"X-Forwarded-For": "4.4.4.4"}).status_code == 429
        )


def test_redis_storage_is_shared_by_two_app_instances(redis_storage: tuple[str, str]) -> None:
    uri, key_prefix = redis_storage
    one = make_app(limit_per_minute=3, storage_uri=uri, key_prefix=key_prefix)
    two = make_app(limit_per_minute=3, storage_uri=uri, key_prefix=key_prefix)
    with TestClient(one) as a, TestClient(two) as b:
        statuses = [(a if i % 2 else b).get("/api/job_offers") for i in range(5)]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
        assert [r.headers["X-RateLimit-Remaining"] for r in statuses] == ["2", "1", "0", "0", "0"]
        assert statuses[3].json() == TOO_MANY
        assert 55 <= int(statuses[3].headers["Retry-After"]) <= 60

    import redis

    client = redis.Redis.from_url(uri)
    [key] = list(client.scan_iter(f"{key_prefix}:*"))
    assert key.decode().startswith("hireloop:career:")
    # The window ends when the key expires.
    client.expire(key, 1)
    time.sleep(1.2)
    with TestClient(one) as a:
        again = a.get("/api/job_offers")
    assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "2"
    client.close()


def test_redis_retry_after_is_never_short_of_the_window(redis_storage: tuple[str, str]) -> None:
    import redis

    uri, key_prefix = redis_storage
    app = make_app(limit_per_minute=1, storage_uri=uri, key_prefix=key_prefix)
    client = redis.Redis.from_url(uri)
    with TestClient(app) as c:
        assert c.get("/api/job_offers").status_code == 200
        [key] = list(client.scan_iter(f"{key_prefix}:*"))
        # 1.4 s left: Redis' TTL says 1 (rounded); waiting 1 s would meet another 429.
        client.pexpire(key, 1400)
        limited = c.get("/api/job_offers")
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 2
    client.close()


def test_storage_down_lets_requests_through_with_a_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rate_limit, "STORAGE_RETRY_SECONDS", 0.0)
    app = make_app(limit_per_minute=1, storage_uri=f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="hireloop.api.rate_limit"), TestClient(app) as c:
        responses = [c.get("/api/job_offers") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].headers["X-RateLimit-Limit"] == "1"
    assert "X-RateLimit-Remaining" not in responses[0].headers, "unknown while storage is down"
    assert "rate-limit storage redis:// unavailable" in caplog.text


def test_storage_is_not_asked_again_for_a_while_after_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(storage_uri=f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="hireloop.api.rate_limit"), TestClient(app) as c:
        for _ in range(5):
            assert c.get("/api/job_offers").status_code == 200
    assert caplog.text.count("unavailable") == 1


def test_settings_choose_the_storage() -> None:
    assert Settings().resolved_rate_limit_storage_url == "memory://"
    assert Settings(redis_url="redis://r:6379/0").resolved_rate_limit_storage_url == (
        "redis://r:6379/0"
    )
    assert (
        Settings(
            redis_url="redis://r:6379/0", rate_limit_storage_url="memory://"
        ).resolved_rate_limit_storage_url
        == "memory://"
    )
    settings = Settings()
    assert settings.career_rate_limit_per_ip == 100 and settings.trusted_proxies == ""
    with pytest.raises(ValueError, match="unsupported"):
        make_app(storage_uri="memcached://127.0.0.1:11211").build_middleware_stack()


def test_the_limit_is_read_from_the_seeds_variable_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREER_API_RATE_LIMIT_PER_IP", "5")
    assert Settings().career_rate_limit_per_ip == 5
    # Ours wins when both are set.
    monkeypatch.setenv("HIRELOOP_CAREER_RATE_LIMIT_PER_IP", "7")
    assert Settings().career_rate_limit_per_ip == 7
    monkeypatch.setenv("HIRELOOP_CAREER_RATE_LIMIT_PER_IP", "0")
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        Settings()
