"""A crash inside a career-site route is the documented 500, with the rate-limit headers
every counted response carries, logged once in api_logs and in the server log."""

from __future__ import annotations

import logging
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hireloop.app import create_app
from hireloop.domain.applications.models import Application
from hireloop.domain.audit.models import ApiLog
from hireloop.domain.careers import service
from tests.api.careers.conftest import CV_PDF, form_fields

INTERNAL_ERROR = {"status": "error", "data": None, "message": "Internal server error"}


def _boom(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


def test_a_crash_is_the_500_with_the_rate_limit_headers(
    client, auth, session, job, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    first = client.get(f"/api/job_offers/{job.public_id}", headers=auth)
    assert first.status_code == 200
    remaining = int(first.headers["X-RateLimit-Remaining"])

    monkeypatch.setattr(service, "get_job_offer", _boom)
    with caplog.at_level(logging.ERROR, logger="hireloop.app"):
        r = client.get(f"/api/job_offers/{job.public_id}", headers=auth)
    assert r.status_code == 500
    assert r.json() == INTERNAL_ERROR
    assert r.headers["content-type"] == "application/json"
    assert r.headers["X-RateLimit-Limit"] == "100"
    assert r.headers["X-RateLimit-Remaining"] == str(remaining - 1)
    # Logged once, with its traceback.
    crashes = [rec for rec in caplog.records if rec.getMessage().startswith("unhandled error")]
    assert len(crashes) == 1 and crashes[0].exc_info is not None

    monkeypatch.setattr(service, "submit_application", _boom)
    r = client.post(
        "/api/job_applications",
        headers=auth,
        data=form_fields(job.public_id),
        files={"cv": ("cv.pdf", CV_PDF, "application/pdf")},
    )
    assert (r.status_code, r.json()) == (500, INTERNAL_ERROR)
    assert r.headers["X-RateLimit-Remaining"] == str(remaining - 2)
    assert session.scalar(select(func.count()).select_from(Application)) == 0

    session.expire_all()
    rows = list(session.scalars(select(ApiLog).order_by(ApiLog.id)))
    assert [(row.method, row.status) for row in rows] == [("GET", 200), ("GET", 500), ("POST", 500)]


def test_a_head_crash_carries_the_headers_too(client, auth, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(service, "get_application", _boom)
    r = client.head(f"/api/job_applications/{uuid.uuid4()}", headers=auth)
    assert r.status_code == 500 and r.content == b""
    assert {"x-ratelimit-limit", "x-ratelimit-remaining"} <= set(r.headers)


def test_the_crash_still_reaches_the_server(
    settings, session_factory, auth, job, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # The exception is re-raised after the 500 went out: the server logs it, a test client
    # that raises server exceptions sees it.
    monkeypatch.setattr(service, "get_job_offer", _boom)
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app) as client, pytest.raises(RuntimeError, match="boom"):
        client.get(f"/api/job_offers/{job.public_id}", headers=auth)
