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
