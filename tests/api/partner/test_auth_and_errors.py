"""Partner API authentication and the error envelope for every kind of failure."""

from __future__ import annotations

import json

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hireloop.api.deps import SessionDep
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.models import ApiKey
from hireloop.domain.companies.service import hash_secret, revoke_api_key
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.models import OutboxEvent

P = "/v1/partner"
CANDIDATE = {"firstName": "Ana", "lastName": "Cruz", "email": "ana@example.com"}
JOB = {"title": "Backend Engineer", "city": "Manila", "state": "NCR", "country": "Philippines"}

# Every Partner endpoint, with a request that is valid apart from authentication.
ENDPOINTS = [
    ("GET", "/jobs", None),
    ("GET", "/jobs/1", None),
    ("POST", "/jobs", JOB),
    ("GET", "/candidates/list", None),
    ("GET", "/candidates/1", None),
    ("POST", "/candidates", CANDIDATE),
    ("POST", "/candidates/bulk-fetch", {"candidateIds": [1]}),
    ("GET", "/job-candidates/job/1/candidates", None),
    ("POST", "/job-candidates/bulk-fetch", {"jobCandidateIds": [1]}),
]
ENDPOINT_IDS = [f"{m} {p}" for m, p, _ in ENDPOINTS]

UNAUTHORIZED = {
    "error": {
        "code": "UNAUTHORIZED",
        "type": "authentication_error",
        "message": "Missing or invalid API key.",
        "details": {},
    }
}


def counts(session) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Candidate, Application, Job, OutboxEvent)
    )


def call(client, method, path, body, headers):  # type: ignore[no-untyped-def]
    return client.request(method, P + path, json=body, headers=headers)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def api_key_row(session, raw: str) -> ApiKey:  # type: ignore[no-untyped-def]
    return session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(raw)))


def assert_unauthorized(r) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 401, r.text
    assert r.json() == UNAUTHORIZED


# --- Authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_missing_authorization_header_is_401_everywhere(client, session, method, path, body):
    before = counts(session)
    assert_unauthorized(call(client, method, path, body, {}))
    assert counts(session) == before


@pytest.mark.parametrize(
    "header",
    [
        "Basic {key}",
        "Token {key}",
        "{key}",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "",
        "Bearer{key}",
    ],
)
def test_authorization_must_be_a_bearer_key(client, key, header):
    r = client.get(f"{P}/jobs", headers={"Authorization": header.format(key=key)})
    assert_unauthorized(r)


def test_bearer_scheme_is_case_insensitive(client, key):
    r = client.get(f"{P}/jobs", headers={"Authorization": f"bearer {key}"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "bad_key",
    ["sk_live_AbCdEfGhIjKlMnOpQrStUv", "sk_test_0000000000000000000000", "nonsense"],
)
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_unknown_key_is_401(client, session, bad_key, method, path, body):
    before = counts(session)
    assert_unauthorized(call(client, method, path, body, bearer(bad_key)))
    assert counts(session) == before


def test_a_near_miss_of_a_real_key_is_401(client, key):
    assert_unauthorized(client.get(f"{P}/jobs", headers=bearer(key[:-1])))
    assert_unauthorized(client.get(f"{P}/jobs", headers=bearer(key.upper())))


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_revoked_key_is_401(client, session, company, key, auth, method, path, body):
    assert client.get(f"{P}/jobs", headers=auth).status_code == 200
    revoke_api_key(session, company.id, api_key_row(session, key).id)
    session.commit()
    before = counts(session)
    assert_unauthorized(call(client, method, path, body, auth))
    assert counts(session) == before


def test_revoking_one_key_leaves_the_others_working(client, session, factory, company, key):
    other_key = factory.api_key(company)
    revoke_api_key(session, company.id, api_key_row(session, key).id)
    session.commit()
    assert_unauthorized(client.get(f"{P}/jobs", headers=bearer(key)))
    assert client.get(f"{P}/jobs", headers=bearer(other_key)).status_code == 200


@pytest.mark.parametrize("scope", ["career", "leads", "profiles"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_key_of_another_scope_is_401(client, session, factory, company, scope, method, path, body):
    other_scope_key = factory.api_key(company, scope=scope)
    before = counts(session)
    assert_unauthorized(call(client, method, path, body, bearer(other_scope_key)))
    assert counts(session) == before


def test_key_of_scope_all_is_accepted(client, factory, company):
    all_key = factory.api_key(company, scope="all")
    r = client.post(f"{P}/candidates", json=CANDIDATE, headers=bearer(all_key))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_inactive_company_is_403_account_inactive(
    client, session, company, auth, method, path, body
):
    company.active = False
    session.commit()
    before = counts(session)
    r = call(client, method, path, body, auth)
    assert r.status_code == 403, r.text
    assert r.json() == {
        "error": {
            "code": "ACCOUNT_INACTIVE",
            "type": "permission_error",
            "message": "Your account is inactive.",
            "details": {},
        }
    }
    assert counts(session) == before


def test_reactivated_company_works_again(client, session, company, auth):
    company.active = False
    session.commit()
    assert client.get(f"{P}/jobs", headers=auth).status_code == 403
    company.active = True
    session.commit()
    assert client.get(f"{P}/jobs", headers=auth).status_code == 200


# --- Malformed and mistyped bodies ------------------------------------------------------

JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"firstName": "Ana", "lastName": "Cruz", "email": "ana@example.com"',
        b'{"firstName": "Ana",}',
        b"{firstName: 'Ana'}",
        b"not json at all",
        b'{"firstName": "Ana"} trailing',
    ],
)
@pytest.mark.parametrize("path", ["/candidates", "/jobs", "/candidates/bulk-fetch"])
def test_malformed_json_is_400_and_writes_nothing(client, auth, session, raw, path):
    before = counts(session)
    r = client.post(P + path, content=raw, headers={**auth, **JSON_HEADERS})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert error["type"] == "invalid_request_error"
    assert error["message"] == "Malformed JSON in request body."
    assert error["details"] == {}
    assert counts(session) == before


def test_empty_body_is_400(client, auth, session):
    before = counts(session)
    r = client.post(f"{P}/candidates", content=b"", headers={**auth, **JSON_HEADERS})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "INVALID_REQUEST"
    assert counts(session) == before


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_body_must_be_sent_as_json(client, auth, session, content_type):
    before = counts(session)
    headers = dict(auth)
    if content_type:
        headers["Content-Type"] = content_type
    r = client.post(f"{P}/candidates", content=json.dumps(CANDIDATE), headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "INVALID_REQUEST"
    assert counts(session) == before


def test_json_content_type_with_charset_is_accepted(client, auth):
    headers = {**auth, "Content-Type": "application/json; charset=utf-8"}
    r = client.post(f"{P}/candidates", content=json.dumps(CANDIDATE), headers=headers)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "body",
    [[CANDIDATE], "a string", 42, None, True],
    ids=["array", "string", "number", "null", "bool"],
)
@pytest.mark.parametrize("path", ["/candidates", "/jobs", "/candidates/bulk-fetch"])
def test_body_that_is_not_an_object_is_400(client, auth, session, body, path):
    before = counts(session)
    r = client.post(P + path, content=json.dumps(body), headers={**auth, **JSON_HEADERS})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert isinstance(error["details"], dict)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        (
            "/candidates",
            {**CANDIDATE, "firstName": 123},
            "firstName",
            '"firstName" must be a string',
        ),
        ("/candidates", {**CANDIDATE, "email": ["a@b.co"]}, "email", '"email" must be a string'),
        ("/candidates", {**CANDIDATE, "jobId": "twelve"}, None, None),
        ("/candidates", {**CANDIDATE, "skills": {"a": 1}}, "skills", '"skills" must be an array'),
        (
            "/candidates",
            {**CANDIDATE, "shouldParseResume": "false"},
            "shouldParseResume",
            '"shouldParseResume" must be a boolean',
        ),
        (
            "/jobs",
            {**JOB, "salaryRangeFrom": "lots", "salaryRangeTo": 10, "salaryCurrency": "USD"},
            "salaryRangeFrom",
            '"salaryRangeFrom" must be a number',
        ),
        ("/jobs", {**JOB, "yearOfExperience": "five"}, "yearOfExperience", None),
        ("/jobs", {**JOB, "title": ["Engineer"]}, "title", '"title" must be a string'),
        (
            "/candidates/bulk-fetch",
            {"candidateIds": ["one"]},
            "candidateIds[0]",
            '"candidateIds[0]" must be a number',
        ),
        (
            "/job-candidates/bulk-fetch",
            {"jobCandidateIds": [{"id": 1}]},
            "jobCandidateIds[0]",
            '"jobCandidateIds[0]" must be a number',
        ),
    ],
)
def test_wrong_json_types_are_400(client, auth, session, path, body, field, message):
    before = counts(session)
    r = client.post(P + path, json=body, headers=auth)
    if field is None:
        # A jobId that is not a number (nor a job's public id) names no job.
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "NOT_FOUND"
    else:
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert (error["code"], error["type"]) == ("INVALID_REQUEST", "validation_error")
        assert field in error["details"]
        if message is not None:
            assert error["details"][field] == message
    assert counts(session) == before


# --- Body size limit --------------------------------------------------------------------

ONE_MB = 1_048_576
TOO_LARGE = {
    "error": {
        "code": "INVALID_REQUEST",
        "type": "invalid_request_error",
        "message": "Request body must not exceed 1 MB.",
        "details": {},
    }
}


def padded(size: int) -> bytes:
    """A valid candidate body of exactly ``size`` bytes (the padding field is ignored)."""
    base = json.dumps({**CANDIDATE, "padding": ""}).encode()
    body = json.dumps({**CANDIDATE, "padding": "x" * (size - len(base))}).encode()
    assert len(body) == size
    return body


def test_body_of_exactly_1_mb_is_accepted(client, auth):
    r = client.post(f"{P}/candidates", content=padded(ONE_MB), headers={**auth, **JSON_HEADERS})
    assert r.status_code == 200, r.text


def test_body_over_1_mb_with_content_length_is_400(client, auth, session):
    before = counts(session)
    body = padded(ONE_MB + 1)
    r = client.post(f"{P}/candidates", content=body, headers={**auth, **JSON_HEADERS})
    assert r.request.headers["content-length"] == str(ONE_MB + 1)
    assert r.status_code == 400, r.text
    assert r.json() == TOO_LARGE
    assert counts(session) == before


def test_body_over_1_mb_sent_chunked_is_400(client, auth, session):
    before = counts(session)
    body = padded(2 * ONE_MB)

    def chunks():  # type: ignore[no-untyped-def]
        for i in range(0, len(body), 64 * 1024):
            yield body[i : i + 64 * 1024]

    request = client.build_request(
        "POST", f"{P}/candidates", content=chunks(), headers={**auth, **JSON_HEADERS}
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    r = client.send(request)
    assert r.status_code == 400, r.text
    assert r.json() == TOO_LARGE
    assert counts(session) == before


def test_chunked_body_under_the_limit_is_accepted(client, auth):
    body = json.dumps(CANDIDATE).encode()
    request = client.build_request(
        "POST",
        f"{P}/candidates",
        content=iter([body[:10], body[10:]]),
        headers={**auth, **JSON_HEADERS},
    )
    r = client.send(request)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["email"] == "ana@example.com"


def asgi_post(app, path: str, chunks: list[bytes], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """POST straight to the ASGI app, one ``http.request`` message per chunk."""
    messages = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    sent: list[dict] = []  # type: ignore[type-arg]

    async def receive():  # type: ignore[no-untyped-def]
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("testclient", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body)


def test_many_small_chunks_adding_up_to_over_1_mb_are_400(app, auth, session):
    before = counts(session)
    body = padded(ONE_MB + 10)
    chunks = [body[i : i + 8192] for i in range(0, len(body), 8192)]
    status, payload = asgi_post(app, f"{P}/candidates", chunks, {**auth, **JSON_HEADERS})
    assert status == 400
    assert payload == TOO_LARGE
    assert counts(session) == before


def test_understated_content_length_does_not_bypass_the_limit(app, auth, session):
    before = counts(session)
    body = padded(ONE_MB + 10)
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    headers = {**auth, **JSON_HEADERS, "Content-Length": "100"}
    status, payload = asgi_post(app, f"{P}/candidates", chunks, headers)
    assert status == 400
    assert payload == TOO_LARGE
    assert counts(session) == before


# --- Unknown routes and server errors ---------------------------------------------------

NOT_FOUND_ROUTE = {
    "error": {
        "code": "NOT_FOUND",
        "type": "not_found_error",
        "message": "Resource not found.",
        "details": {},
    }
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("GET", "/candidate/1"),
        ("GET", "/candidates/1/resume"),
        ("POST", "/jobs/1/publish"),
        ("GET", "/job-candidates/job/1"),
        ("GET", ""),
        ("DELETE", "/jobs/1"),
        ("PUT", "/candidates/1"),
    ],
)
def test_unknown_route_is_404_in_the_envelope(client, auth, method, path):
    r = client.request(method, P + path, headers=auth)
    assert r.status_code == 404, r.text
    assert r.json() == NOT_FOUND_ROUTE


def test_unknown_route_is_404_even_without_a_key(client):
    r = client.get(f"{P}/nope")
    assert r.status_code == 404
    assert r.json() == NOT_FOUND_ROUTE


def test_unexpected_error_is_500_internal_error_and_rolls_back(app, auth, company, session):
    @app.post(f"{P}/_test_boom")
    def boom(session: SessionDep) -> dict[str, str]:
        create_candidate(session, company.id, CandidateData(first_name="A", email="a@b.co"))
        session.flush()
        raise RuntimeError("secret internal detail")

    before = counts(session)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(f"{P}/_test_boom", headers=auth)
    assert r.status_code == 500
    assert r.json() == {
        "error": {
            "code": "INTERNAL_ERROR",
            "type": "api_error",
            "message": "An unexpected error occurred.",
            "details": {},
        }
    }
    assert "secret internal detail" not in r.text
    assert "RuntimeError" not in r.text
    assert counts(session) == before


# --- NUL characters (PostgreSQL cannot store or compare them) ---------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/candidates", {**CANDIDATE, "firstName": "A\u0000na"}, "firstName"),
        ("/candidates", {**CANDIDATE, "skills": ["Python", "S\u0000QL"]}, "skills"),
        ("/candidates", {**CANDIDATE, "skills": "Python,S\u0000QL"}, "skills"),
        ("/candidates", {**CANDIDATE, "customAttributes": {"k": "v\u0000"}}, "customAttributes"),
        ("/candidates", {**CANDIDATE, "educations": [{"school": "\u0000"}]}, "educations"),
        ("/jobs", {**JOB, "description": "Nice\u0000job"}, "description"),
        ("/jobs", {**JOB, "screeningQuestion": [{"question": "Why\u0000?"}]}, "screeningQuestion"),
        ("/jobs", {**JOB, "criterionDetails": {"Must Have": ["\u0000"]}}, "criterionDetails"),
    ],
)
def test_nul_character_in_the_body_is_400_and_writes_nothing(
    client, auth, session, path, body, field
):
    before = counts(session)
    r = client.post(P + path, json=body, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["details"] == {field: f'"{field}" must not contain null characters'}
    assert counts(session) == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("search=a%00", "search"),
        ("email=a%00@b.co", "email"),
        ("city=%00", "city"),
        ("country=%00", "country"),
        ("source=%00", "source"),
        ("skills=py,%00", "skills"),
    ],
)
def test_nul_character_in_the_candidate_list_query_is_400(client, auth, query, field):
    r = client.get(f"{P}/candidates/list?{query}", headers=auth)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["details"] == {field: f'"{field}" must not contain null characters'}


@pytest.mark.parametrize(("query", "field"), [("search=%00", "search"), ("source=x%00", "source")])
def test_nul_character_in_the_job_candidates_query_is_400(
    client, auth, factory, company, query, field
):
    job = factory.job(company)
    r = client.get(f"{P}/job-candidates/job/{job.id}/candidates?{query}", headers=auth)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["details"] == {field: f'"{field}" must not contain null characters'}


def test_nul_character_query_without_a_key_is_still_401(client):
    assert_unauthorized(client.get(f"{P}/candidates/list?search=%00"))


def test_credentials_are_checked_before_the_body(client, auth):
    """A caller without a valid key learns that first, whatever its body looks like."""
    bad_json = b'{"firstName": '
    for headers in ({}, {"Authorization": "Bearer sk_live_nope"}):
        r = client.post(
            "/v1/partner/candidates",
            content=bad_json,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 401, r.text
        r = client.post("/v1/partner/jobs", json={"title": "x"}, headers=headers)
        assert r.status_code == 401
        r = client.post(
            "/v1/partner/candidates",
            content=b"{" + b" " * 1_100_000 + b"}",
            headers={**headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 401
    r = client.post(
        "/v1/partner/candidates",
        content=bad_json,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
