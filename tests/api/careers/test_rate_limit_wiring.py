"""The career-site routes of the real app are rate limited with the seed's 429."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hireloop.app import create_app
from hireloop.config import Settings


def test_career_routes_are_limited_per_ip(settings, session_factory):  # type: ignore[no-untyped-def]
    limited = Settings(**{**settings.model_dump(), "career_rate_limit_per_ip": 3})
    with TestClient(create_app(limited, session_factory=session_factory)) as client:
        answers = [client.get("/api/job_offers", headers={"X-API-Key": "nope"}) for _ in range(4)]
        assert [r.status_code for r in answers] == [401, 401, 401, 429]
        assert answers[0].headers["X-RateLimit-Limit"] == "3"
        assert answers[2].headers["X-RateLimit-Remaining"] == "0"
        last = answers[-1]
        assert last.json() == {
            "status": "error",
            "data": None,
            "message": "Too many requests. Please retry later.",
        }
        assert int(last.headers["Retry-After"]) > 0
        # The other faces are not limited by the career site's limit.
        assert client.get("/v1/partner/jobs").status_code == 401


def test_the_api_log_records_the_forwarded_client_behind_a_trusted_proxy(settings, session_factory):  # type: ignore[no-untyped-def]
    import asyncio

    import httpx
    from sqlalchemy import select

    from hireloop.domain.audit.models import ApiLog

    proxied = Settings(**{**settings.model_dump(), "trusted_proxies": "127.0.0.1"})
    app = create_app(proxied, session_factory=session_factory)

    async def call() -> int:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://hireloop") as client:
            r = await client.get("/api/job_offers", headers={"X-Forwarded-For": "203.0.113.9"})
            return r.status_code

    assert asyncio.run(call()) == 401
    with session_factory() as session:
        row = session.scalars(select(ApiLog).order_by(ApiLog.id.desc())).first()
    assert row is not None and row.status == 401
    assert row.ip == "203.0.113.9"
