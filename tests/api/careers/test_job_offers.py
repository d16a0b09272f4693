"""GET /api/job_offers and /api/job_offers/{id}: auth, filters, pagination, strict UUIDs,
and the API log of every call under the career prefixes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.domain.applications.models import Application
from hireloop.domain.audit.models import ApiLog
from hireloop.domain.companies.models import ApiKey
from tests.api.careers.conftest import CV_PDF, form_fields
from tests.factories import Factory


def err(r, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.json() == {"status": "error", "data": None, "message": message}


def test_list_envelope_and_markdown(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/job_offers?status=open&per_page=20", headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "success"
    assert body["pagination"] == {"page": 1, "per_page": 20, "total": 1, "total_pages": 1}
    offer = body["data"][0]
    assert set(offer) == {
        "id", "title", "description", "location", "job_type", "published_at", "status",
        "updated_at",
    }  # fmt: skip
    assert offer["id"] == job.public_id
    assert offer["description"].startswith("# About the role")
    assert offer["location"] == "Paris, France"
    assert offer["job_type"] == "CDI"
    assert offer["status"] == "open"
    assert offer["published_at"].endswith("Z")


def test_bearer_header_works_too(client, key, job) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/job_offers", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and len(r.json()["data"]) == 1


def test_auth_errors(client, factory: Factory, company, job) -> None:  # type: ignore[no-untyped-def]
    err(client.get("/api/job_offers"), 401, "API key is required")
    err(client.get("/api/job_offers", headers={"X-API-Key": ""}), 401, "API key is required")
    err(
        client.get("/api/job_offers", headers={"Authorization": "Bearer "}),
        401,
        "API key is required",
    )
    err(
        client.get("/api/job_offers", headers={"X-API-Key": "sk_live_nope"}), 401, "Invalid API key"
    )
    partner_only = factory.api_key(company, scope="partner")
    err(client.get("/api/job_offers", headers={"X-API-Key": partner_only}), 401, "Invalid API key")
    disabled = factory.api_key(company, scope="career")
    api_key = factory.session.scalar(select(ApiKey).where(ApiKey.key_prefix == disabled[:12]))
    api_key.active = False
    factory.session.commit()
    err(client.get("/api/job_offers", headers={"X-API-Key": disabled}), 401, "Invalid API key")
    assert (
        client.get(
            "/api/job_offers", headers={"X-API-Key": factory.api_key(company, scope="all")}
        ).status_code
        == 200
    )


def test_status_default_and_filter(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    factory.job(company, title="Open one", status="open")
    factory.job(company, title="Draft one", status="draft")
    factory.job(company, title="Closed one", status="closed")
    factory.job(company, title="Active one", status="active")
    titles = lambda r: sorted(o["title"] for o in r.json()["data"])  # noqa: E731
    assert titles(client.get("/api/job_offers", headers=auth)) == ["Open one"]
    assert titles(client.get("/api/job_offers?status=closed", headers=auth)) == ["Closed one"]
    assert titles(client.get("/api/job_offers?status=draft", headers=auth)) == ["Draft one"]
    assert titles(client.get("/api/job_offers?status=active", headers=auth)) == ["Active one"]


def test_location_job_type_and_dates(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    factory.job(company, title="A", city="Paris", country="France", job_type="CDI",
                published_at=datetime(2024, 1, 15, 10, tzinfo=UTC))  # fmt: skip
    factory.job(company, title="B", city="Lyon", country="France", job_type="CDD",
                published_at=datetime(2024, 3, 1, tzinfo=UTC))  # fmt: skip
    factory.job(company, title="C", city="Berlin", country="Germany", job_type="Freelance",
                published_at=datetime(2024, 6, 1, tzinfo=UTC))  # fmt: skip

    def titles(q):
        return sorted(
            o["title"] for o in client.get("/api/job_offers?" + q, headers=auth).json()["data"]
        )  # noqa: E731

    assert titles("location=paris") == ["A"]
    assert titles("location=FRANCE") == ["A", "B"]
    assert titles("location=paris,%20fr") == ["A"]
    assert titles("location=%25") == []  # LIKE wildcards are literal
    assert titles("job_type=CDI") == ["A"]
    assert titles("job_type=cdi") == []  # exact
    assert titles("published_after=2024-02-01") == ["B", "C"]
    assert titles("published_before=2024-03-01T00:00:00Z") == ["A", "B"]
    assert titles(
        "published_after=2024-01-15T10:00:00Z&published_before=2024-01-15T10:00:00%2B00:00"
    ) == ["A"]
    # A "+" not encoded arrives as a space: the offset is read as meant.
    assert titles("published_before=2024-01-15T11:00:00+01:00") == ["A"]
    assert titles("published_before=2024-01-15T10:59:59.9+01:00") == []
    assert titles("published_after=2024-01-15 11:00:00+01") == ["A", "B", "C"]
    # Most recently published first.
    data = client.get("/api/job_offers", headers=auth).json()["data"]
    assert [o["title"] for o in data] == ["C", "B", "A"]


def test_location_ignores_case_beyond_ascii(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    factory.job(company, title="D", city="Paris", state="Île-de-France", country="France")
    factory.job(company, title="E", city="Zürich", country="Schweiz")

    def titles(q):
        return sorted(
            o["title"] for o in client.get("/api/job_offers?" + q, headers=auth).json()["data"]
        )

    # On SQLite too, whose own lower() folds ASCII only.
    assert titles("location=%C3%AEle") == ["D"]  # "île"
    assert titles("location=%C3%8ELE-DE") == ["D"]  # "ÎLE-DE"
    assert titles("location=Z%C3%9CRICH") == ["E"]  # "ZÜRICH"


def test_pagination_and_per_page_cap(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        factory.job(company, title=f"Job {i}")
    r = client.get("/api/job_offers?per_page=2&page=3", headers=auth).json()
    assert r["pagination"] == {"page": 3, "per_page": 2, "total": 5, "total_pages": 3}
    assert len(r["data"]) == 1
    r = client.get("/api/job_offers?per_page=500", headers=auth).json()
    assert r["pagination"]["per_page"] == 100 and len(r["data"]) == 5
    r = client.get("/api/job_offers?page=9", headers=auth).json()
    assert r["data"] == [] and r["pagination"]["total"] == 5
    assert client.get("/api/job_offers", headers=auth).json()["pagination"]["per_page"] == 20
    # However large, per_page is capped; a page past the end is empty, and echoed as asked.
    r = client.get("/api/job_offers?per_page=1000000000000000000000000", headers=auth)
    assert r.status_code == 200 and r.json()["pagination"]["per_page"] == 100
    r = client.get("/api/job_offers?page=9007199254740991&per_page=2", headers=auth)
    assert r.status_code == 200 and r.json()["data"] == []
    assert r.json()["pagination"] == {
        "page": 9007199254740991, "per_page": 2, "total": 5, "total_pages": 3
    }  # fmt: skip
    # Beyond 2^53 - 1 a JavaScript client could not read the echoed page exactly: refused.
    for page in ("9007199254740992", "100000000000000000000000"):
        err(
            client.get(f"/api/job_offers?page={page}", headers=auth),
            400,
            "page must be an integer between 1 and 9007199254740991",
        )


def test_bad_query_parameters(client, auth) -> None:  # type: ignore[no-untyped-def]
    err(
        client.get("/api/job_offers?page=0", headers=auth),
        400,
        "page must be an integer greater than or equal to 1",
    )
    err(
        client.get("/api/job_offers?page=abc", headers=auth),
        400,
        "page must be an integer greater than or equal to 1",
    )
    err(
        client.get("/api/job_offers?per_page=0", headers=auth),
        400,
        "per_page must be an integer greater than or equal to 1",
    )
    err(
        client.get("/api/job_offers?published_after=yesterday", headers=auth),
        400,
        "published_after must be an ISO 8601 date or date-time",
    )
    err(
        client.get("/api/job_offers?published_before=2024-13-01", headers=auth),
        400,
        "published_before must be an ISO 8601 date or date-time",
    )


def test_other_company_only_sees_its_own(client, factory: Factory, job) -> None:  # type: ignore[no-untyped-def]
    other = factory.company("Other")
    other_key = factory.api_key(other, scope="career")
    assert client.get("/api/job_offers", headers={"X-API-Key": other_key}).json()["data"] == []


def test_get_offer(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/job_offers/{job.public_id}", headers=auth)
    assert r.status_code == 200
    assert r.json()["status"] == "success"
    assert r.json()["data"]["id"] == job.public_id
    assert r.json()["data"]["title"] == "Full Stack Developer"
    # Upper-case hex is still a UUID.
    assert client.get(f"/api/job_offers/{job.public_id.upper()}", headers=auth).status_code == 200


def test_get_offer_errors(client, auth, factory: Factory, job) -> None:  # type: ignore[no-untyped-def]
    other = factory.company("Other")
    theirs = factory.job(other, title="Theirs")
    err(
        client.get(f"/api/job_offers/{theirs.public_id}", headers=auth),
        403,
        "Job offer does not belong to your company",
    )
    err(
        client.get("/api/job_offers/550e8400-e29b-41d4-a716-446655440000", headers=auth),
        404,
        "Job offer not found",
    )
    invalid = "Invalid job_offer_id: expected a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
    for bad in ("123", "not-a-uuid", "550e8400e29b41d4a716446655440000",
                "{550e8400-e29b-41d4-a716-446655440000}", "550e8400-e29b-41d4-a716-44665544000g",
                f"%20{job.public_id}", f"{job.public_id}%0A", f"%09{job.public_id}"):  # fmt: skip
        err(client.get(f"/api/job_offers/{bad}", headers=auth), 400, invalid)
    err(client.get(f"/api/job_offers/{job.public_id}"), 401, "API key is required")


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        # The API log row is written after the answer, and the savepoints are the test
        # harness's (one rolled-back transaction per test); every other statement counts.
        harness = statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))
        if "api_logs" not in statement and not harness:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_malformed_uuid_makes_no_query(client, auth, engine: Engine, job) -> None:  # type: ignore[no-untyped-def]
    with counting(engine) as statements:
        r = client.get("/api/job_offers/not-a-uuid", headers=auth)
        r2 = client.get("/api/job_applications/42", headers=auth)
    assert r.status_code == 400 and r2.status_code == 400
    assert statements == []
    with counting(engine) as statements:
        assert client.get(f"/api/job_offers/{job.public_id}", headers=auth).status_code == 200
    assert statements  # the control: a valid one does query


def test_every_call_is_logged(client, auth, session, company, job) -> None:  # type: ignore[no-untyped-def]
    client.get("/api/job_offers", headers={**auth, "User-Agent": "career-site/1.0"})
    client.get("/api/job_offers", headers={"X-API-Key": "wrong", "User-Agent": "bad/1.0"})
    client.get("/api/job_offers/nope", headers=auth)
    rows = session.scalars(select(ApiLog).order_by(ApiLog.id)).all()
    assert [(r.endpoint, r.status, r.company_id) for r in rows[-3:]] == [
        ("/api/job_offers", 200, company.id),
        ("/api/job_offers", 401, None),
        # A malformed id is refused before the key is looked up (no query at all).
        ("/api/job_offers/nope", 400, None),
    ]
    # A method the route does not take is answered 404 "Route not found": logged as 404.
    assert client.delete(f"/api/job_offers/{job.public_id}", headers=auth).status_code == 404
    last = session.scalars(select(ApiLog).order_by(ApiLog.id.desc())).first()
    assert (last.method, last.status) == ("DELETE", 404)
    first = rows[-3]
    assert first.face == "career" and first.method == "GET"
    assert first.user_agent == "career-site/1.0" and first.ip
    assert first.latency_ms >= 0 and first.api_key_id is not None


def test_a_null_character_in_a_text_filter_is_a_400(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL's text cannot hold one (it was a 500 there and an empty page on SQLite).
    for name in ("status", "job_type", "location"):
        err(
            client.get(f"/api/job_offers?{name}=op%00en", headers=auth),
            400,
            f"{name} must not contain null characters",
        )


def test_dates_without_a_utc_equivalent_are_a_400(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    # Valid ISO 8601, but before 0001-01-01 or after 9999-12-31 once in UTC (was a 500).
    err(
        client.get("/api/job_offers?published_after=9999-12-31T23:00:00-05:00", headers=auth),
        400,
        "published_after must be an ISO 8601 date or date-time",
    )
    err(
        client.get("/api/job_offers?published_before=0001-01-01T00:00:00%2B01:00", headers=auth),
        400,
        "published_before must be an ISO 8601 date or date-time",
    )
    # The ends of the range themselves are fine.
    r = client.get("/api/job_offers?published_before=9999-12-31T23:59:59.5Z", headers=auth)
    assert r.status_code == 200 and [o["id"] for o in r.json()["data"]] == [job.public_id]
    r = client.get("/api/job_offers?published_after=9999-12-31T23:59:59.5Z", headers=auth)
    assert r.status_code == 200 and r.json()["data"] == []
    r = client.get("/api/job_offers?published_after=0001-01-01T00:00:00Z", headers=auth)
    assert r.status_code == 200 and len(r.json()["data"]) == 1


def test_date_bounds_compare_published_at_as_shown(client, auth, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    offer = factory.job(company, title="Precise",
                        published_at=datetime(2024, 1, 15, 10, 0, 0, 500000, tzinfo=UTC))  # fmt: skip
    shown = client.get(f"/api/job_offers/{offer.public_id}", headers=auth).json()["data"]
    assert shown["published_at"] == "2024-01-15T10:00:00Z"

    def titles(q):
        return [o["title"] for o in client.get("/api/job_offers?" + q, headers=auth).json()["data"]]

    # The offer's own published_at as either bound (both inclusive) includes it.
    assert titles("published_before=2024-01-15T10:00:00Z") == ["Precise"]
    assert titles("published_after=2024-01-15T10:00:00Z") == ["Precise"]
    assert titles("published_after=2024-01-15T10:00:00Z&published_before=2024-01-15T10:00:00Z") == [
        "Precise"
    ]
    assert titles("published_before=2024-01-15T10:00:00.2Z") == ["Precise"]
    # Its shown second is before these, after those.
    assert titles("published_after=2024-01-15T10:00:00.7Z") == []
    assert titles("published_after=2024-01-15T10:00:01Z") == []
    assert titles("published_before=2024-01-15T09:59:59.9Z") == []


def _exit_interview(factory: Factory, company):  # type: ignore[no-untyped-def]
    campaign = factory.job(company, title="Exit interview - departing staff")
    campaign.campaign_type = "exit_interview"
    factory.session.commit()
    return campaign


def test_campaigns_that_are_not_job_offers_do_not_exist_here(
    client, auth, factory: Factory, company, job
) -> None:  # type: ignore[no-untyped-def]
    campaign = _exit_interview(factory, company)
    assert campaign.status == "open"
    data = client.get("/api/job_offers", headers=auth).json()["data"]
    assert [o["id"] for o in data] == [job.public_id]
    err(client.get(f"/api/job_offers/{campaign.public_id}", headers=auth), 404,
        "Job offer not found")  # fmt: skip
    # Nor of another company's key: not a job offer at all.
    other = {"X-API-Key": factory.api_key(factory.company("Other"), scope="career")}
    err(client.get(f"/api/job_offers/{campaign.public_id}", headers=other), 404,
        "Job offer not found")  # fmt: skip
    r = client.post(
        "/api/job_applications",
        headers=auth,
        data=form_fields(campaign.public_id),
        files={"cv": ("cv.pdf", CV_PDF, "application/pdf")},
    )
    err(r, 404, "Job offer not found")
    assert (
        factory.session.scalars(select(Application).where(Application.job_id == campaign.id)).all()
        == []
    )


def test_missing_offer_id_is_a_400_not_a_redirect(client, auth) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/job_offers/", headers=auth, follow_redirects=False)
    err(r, 400, "job_offer_id is required")
    err(client.get("/api/job_offers/"), 401, "API key is required")


def test_head_answers_like_get_without_a_body(client, auth, job) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/job_offers", f"/api/job_offers/{job.public_id}",
                 "/api/job_offers/550e8400-e29b-41d4-a716-446655440000",
                 "/api/job_applications/550e8400-e29b-41d4-a716-446655440000"):  # fmt: skip
        got, head = client.get(path, headers=auth), client.head(path, headers=auth)
        assert head.status_code == got.status_code, path
        assert head.headers["content-length"] == got.headers["content-length"], path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.content == b""
    assert client.head("/api/job_offers").status_code == 401
    # HEAD is not a second operation in the OpenAPI document.
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/api/job_offers"]) == {"get"}


def test_location_folds_dotted_capital_i_as_postgresql_does(
    client, auth, factory: Factory, company
) -> None:  # type: ignore[no-untyped-def]
    factory.job(company, title="Ist", city="İstanbul", country="Türkiye")
    factory.job(company, title="Izmir", city="IZMIR", country="Türkiye")

    def titles(q):
        return sorted(
            o["title"] for o in client.get("/api/job_offers?" + q, headers=auth).json()["data"]
        )

    # The same answers on SQLite (Python's lower() made "İ" an "i" plus a combining dot).
    assert titles("location=istanbul") == ["Ist"]
    assert titles("location=%C4%B0STANBUL") == ["Ist"]  # "İSTANBUL"
    assert titles("location=izmir") == ["Izmir"]
    assert titles("location=%C4%B1zmir") == []  # dotless "ızmir": a letter of its own


# --- API log: every call under the prefixes, exactly once ----------------------------------


def _log_rows(session) -> list[ApiLog]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(select(ApiLog).order_by(ApiLog.id)))


def test_router_answers_are_logged_once_each(client, auth, session, company, job) -> None:  # type: ignore[no-untyped-def]
    calls = [
        ("GET", f"/api/job_offers/{job.public_id}/extra", 404),
        ("GET", "/api/job_applications/x/y", 404),
        ("GET", f"/api/job_offers/{job.public_id}/", 307),  # the trailing-slash redirect
        ("GET", "/api/job_offers/", 400),
        ("HEAD", "/api/job_offers", 200),
        ("GET", "/api/job_offers", 200),
    ]
    for method, path, status in calls:
        before = len(_log_rows(session))
        r = client.request(method, path, headers=auth, follow_redirects=False)
        assert r.status_code == status, (path, r.text)
        rows = _log_rows(session)
        assert len(rows) == before + 1, path
        assert (rows[-1].method, rows[-1].endpoint, rows[-1].status) == (method, path, status)
    assert rows[-1].company_id == company.id and rows[-1].api_key_id is not None


def test_rate_limited_calls_are_logged(settings, session_factory) -> None:  # type: ignore[no-untyped-def]
    limited = Settings(**{**settings.model_dump(), "career_rate_limit_per_ip": 1})
    with TestClient(create_app(limited, session_factory=session_factory)) as client:
        statuses = [client.get("/api/job_offers").status_code for _ in range(3)]
    assert statuses == [401, 429, 429]
    with session_factory() as session:
        rows = _log_rows(session)
    assert [(r.endpoint, r.status) for r in rows[-3:]] == [
        ("/api/job_offers", 401), ("/api/job_offers", 429), ("/api/job_offers", 429)
    ]  # fmt: skip
    assert len(rows) == 3 and rows[-1].ip


def test_log_values_are_cut_to_their_columns(client, auth, session) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL refused both rows (VARCHAR(10) for a 12-letter method, a null character in
    # the path), so such calls left no trace there.
    before = len(_log_rows(session))
    r = client.request("PROPPATCHXYZ", "/api/job_offers", headers={**auth, "User-Agent": "u" * 600})
    assert r.status_code == 404
    assert client.get("/api/job_offers/%00", headers=auth).status_code == 400
    rows = _log_rows(session)
    assert len(rows) == before + 2
    assert (rows[-2].method, rows[-2].status, rows[-2].user_agent) == ("PROPPATCHX", 404, "u" * 500)
    assert (rows[-1].endpoint, rows[-1].status) == ("/api/job_offers/", 400)
