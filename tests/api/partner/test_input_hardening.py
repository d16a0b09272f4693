"""Inputs an integrator can send that once answered 500 or were silently misread: Unicode
digits in IDs, huge page numbers, blank strings, bodies that are not UTF-8 or nested too
deep, long filters, Joi wordings and lenient types. Each one gets its documented 4xx in
the Partner envelope, and a refused request writes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from hireloop.domain.applications.models import Application
from hireloop.domain.batches.models import ResumeBatch, ResumeBatchItem
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.models import OutboxEvent

P = "/v1/partner"
JOB = {"title": "Backend Engineer", "city": "Manila", "state": "NCR", "country": "Philippines"}
CANDIDATE = {"firstName": "Ana", "lastName": "Cruz", "email": "ana@example.com"}
JSON_HEADERS = {"Content-Type": "application/json"}
UNAUTHORIZED = {
    "error": {
        "code": "UNAUTHORIZED",
        "type": "authentication_error",
        "message": "Missing or invalid API key.",
        "details": {},
    }
}
MALFORMED = {
    "error": {
        "code": "INVALID_REQUEST",
        "type": "invalid_request_error",
        "message": "Malformed JSON in request body.",
        "details": {},
    }
}


def counts(session) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Candidate, Application, Job, OutboxEvent, ResumeBatch, ResumeBatchItem)
    )


def not_found(message: str) -> dict[str, object]:
    return {
        "error": {
            "code": "NOT_FOUND",
            "type": "not_found_error",
            "message": message,
            "details": {},
        }
    }


def invalid(details: dict[str, str]) -> dict[str, object]:
    return {
        "error": {
            "code": "INVALID_REQUEST",
            "type": "validation_error",
            "message": "One or more fields are invalid.",
            "details": details,
        }
    }


def arabic_indic(number: int) -> str:
    return "".join(chr(0x0660 + int(d)) for d in str(number))


# --- 1. Unicode digits in IDs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/jobs/%E2%82%81", "Job not found."),  # ₁
        ("GET", "/jobs/%C2%B2", "Job not found."),  # ²
        ("GET", "/candidates/%C2%B2", "Candidate not found."),
        ("GET", "/candidates/batch/%C2%B2", "Batch not found."),
        ("GET", "/job-candidates/job/%C2%B2/candidates", "Job not found."),
        ("GET", "/candidates/%C2%B2/resume.json", "Candidate not found."),
        ("POST", "/jobs/%C2%B2/questions", "Job not found."),
    ],
)
def test_unicode_digit_path_ids_are_404(client, auth, session, method, path, message):
    before = counts(session)
    r = client.request(method, P + path, headers=auth)
    assert r.status_code == 404, r.text
    assert r.json() == not_found(message)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/candidates/{}", "Candidate not found."),
        ("/candidates/{}/resume.json", "Candidate not found."),
        ("/jobs/{}", "Job not found."),
        ("/job-candidates/job/{}/candidates", "Job not found."),
    ],
)
def test_arabic_indic_digits_do_not_name_an_existing_record(
    client, auth, factory, company, path, message
):
    job = factory.job(company)
    candidate = factory.candidate(company)
    record = job if "job" in path else candidate
    # The record exists under its ASCII id...
    assert client.get(P + path.format(record.id), headers=auth).status_code == 200
    # ...but ٣ is not 3.
    r = client.get(P + path.format(arabic_indic(record.id)), headers=auth)
    assert r.status_code == 404, r.text
    assert r.json() == not_found(message)


def test_unicode_digit_job_id_in_a_multipart_upload_is_404_and_writes_nothing(
    client, auth, session
):
    before = counts(session)
    r = client.post(
        f"{P}/job-candidates/bulk/resume",
        data={"jobId": "²"},
        files=[("resumes", ("cv.txt", b"Ana Cruz\nana@example.com\n", "text/plain"))],
        headers=auth,
    )
    assert r.status_code == 404, r.text
    assert r.json() == not_found("Job not found.")
    assert counts(session) == before


@pytest.mark.parametrize("job_id", ["²", "٣", "₁"])
def test_unicode_digit_job_id_in_a_json_body_is_404_and_writes_nothing(
    client, auth, session, factory, company, job_id
):
    factory.job(company)  # job 1 (or 3) may well exist: it must not be picked
    before = counts(session)
    r = client.post(f"{P}/candidates", json={**CANDIDATE, "jobId": job_id}, headers=auth)
    assert r.status_code == 404, r.text
    assert r.json() == not_found("Job not found.")
    assert counts(session) == before


@pytest.mark.parametrize(
    ("path", "field"),
    [("/candidates/bulk-fetch", "candidateIds"), ("/job-candidates/bulk-fetch", "jobCandidateIds")],
)
@pytest.mark.parametrize("value", ["²", "٣", "1_0"])
def test_unicode_digit_body_ids_are_a_joi_validation_error(client, auth, path, field, value):
    r = client.post(P + path, json={field: [value]}, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid({f"{field}[0]": f'"{field}[0]" must be a number'})


def test_unicode_digit_job_id_of_a_json_bulk_upload_is_a_joi_validation_error(
    client, auth, session
):
    before = counts(session)
    r = client.post(
        f"{P}/job-candidates/bulk/resume",
        json={"jobId": "²", "resumeURLs": ["https://example.com/cv.pdf"]},
        headers=auth,
    )
    assert r.status_code == 400, r.text
    assert r.json() == invalid({"jobId": '"jobId" must be a number'})
    assert counts(session) == before


def test_digit_strings_are_still_ids(client, auth, factory, company):
    candidate = factory.candidate(company)
    r = client.post(
        f"{P}/candidates/bulk-fetch", json={"candidateIds": [f" {candidate.id} "]}, headers=auth
    )
    assert [c["id"] for c in r.json()["data"]] == [candidate.id]


@pytest.mark.parametrize("term", ["²", "٣", "²²²²"])
def test_unicode_digit_search_is_a_plain_search(client, auth, factory, company, term):
    # No digit in the name: names are matched NFKD-folded, where "²" is "2".
    factory.candidate(company, last_name="Cruz", email="ana.cruz@example.com")
    r = client.get(f"{P}/candidates/list", params={"search": term}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["candidates"] == []


# --- 2. Page numbers ----------------------------------------------------------------------

LISTS = [
    "/jobs",
    "/candidates/list",
    "/job-candidates/job/{job}/candidates",
    "/candidates/batch/{batch}",
]


@pytest.fixture
def list_paths(client, auth, factory, company):  # type: ignore[no-untyped-def]
    job = factory.job(company)
    r = client.post(
        f"{P}/candidates/bulk/resume",
        json={"resumeURLs": ["https://example.com/cv.pdf"]},
        headers=auth,
    )
    batch = r.json()["data"]["batchId"]
    return [p.format(job=job.id, batch=batch) for p in LISTS]


@pytest.mark.parametrize(
    "page", ["9223372036854775807", "99999999999999999999999", "1000000001", "9" * 5000]
)
def test_huge_page_numbers_are_a_joi_validation_error(client, auth, list_paths, page):
    for path in list_paths:
        for name in ("pageNumber", "page"):
            r = client.get(f"{P}{path}?{name}={page}", headers=auth)
            assert r.status_code == 400, (path, r.text)
            assert r.json() == invalid(
                {"pageNumber": '"pageNumber" must be less than or equal to 1000000000'}
            )


def test_the_highest_page_is_an_empty_page(client, auth, list_paths):
    for path in list_paths:
        r = client.get(f"{P}{path}?pageNumber=1000000000&perPage=100", headers=auth)
        assert r.status_code == 200, (path, r.text)
        body = r.json()
        items = body["jobs"] if path == "/jobs" else body["data"]
        if isinstance(items, dict):
            items = next(v for k, v in items.items() if isinstance(v, list))
        assert items == []


@pytest.mark.parametrize("page", ["٣", "²", "1_0", "1.5", ""])
def test_non_ascii_or_non_integer_page_numbers_are_not_numbers(client, auth, page):
    r = client.get(f"{P}/jobs", params={"pageNumber": page}, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid({"pageNumber": '"pageNumber" must be a number'})


# --- 3, 4. Blank strings are trimmed before they are checked ------------------------------


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            {**JOB, "title": "   "},
            {"title": '"title" is not allowed to be empty'},
        ),
        (
            {"title": "  ab  ", "city": "   ", "state": "\t", "country": " "},
            {
                "title": '"title" length must be at least 3 characters long',
                "city": '"city" is not allowed to be empty',
                "state": '"state" is not allowed to be empty',
                "country": '"country" is not allowed to be empty',
            },
        ),
        (
            {**JOB, "screeningQuestion": [{"question": "  "}]},
            {
                "screeningQuestion[0].question": '"screeningQuestion[0].question" is not allowed to be empty'
            },
        ),
    ],
)
def test_blank_job_fields_are_400_and_write_nothing(client, auth, session, body, details):
    before = counts(session)
    r = client.post(f"{P}/jobs", json=body, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid(details)
    assert counts(session) == before


def test_job_fields_are_stored_trimmed(client, auth):
    body = {"title": "  Backend Engineer ", "city": " Manila", "state": "NCR\t", "country": " PH "}
    r = client.post(f"{P}/jobs", json=body, headers=auth)
    assert r.status_code == 200, r.text
    job = r.json()
    assert (job["title"], job["city"], job["state"], job["country"]) == (
        "Backend Engineer",
        "Manila",
        "NCR",
        "PH",
    )


@pytest.mark.parametrize("role", ["", "   ", "\t\n"])
def test_blank_role_is_400(client, auth, session, role):
    before = counts(session)
    r = client.post(f"{P}/questions", json={"role": role}, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid({"role": '"role" is not allowed to be empty'})
    assert counts(session) == before


def test_role_is_trimmed(client, auth):
    r = client.post(
        f"{P}/questions", json={"role": "  Warehouse supervisor ", "count": 2}, headers=auth
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["questions"]) == 2


# --- 5. Bodies the framework cannot decode ------------------------------------------------

NOT_UTF8 = b'{"title":"Caf\xe9","city":"X","state":"Y","country":"Z","firstName":"Caf\xe9"}'
TOO_DEEP = b"[" * 5000 + b"]" * 5000
DEEP_OBJECT = b'{"a":' * 5000 + b"1" + b"}" * 5000
UNDECODABLE = [NOT_UTF8, TOO_DEEP, DEEP_OBJECT]
BODY_PATHS = [
    "/jobs",
    "/candidates",
    "/candidates/bulk-fetch",
    "/job-candidates/bulk-fetch",
    "/candidates/bulk/resume",
    "/job-candidates/bulk/resume",
    "/questions",
]


@pytest.mark.parametrize("raw", UNDECODABLE, ids=["not-utf8", "deep-array", "deep-object"])
@pytest.mark.parametrize("path", BODY_PATHS)
def test_undecodable_body_is_malformed_json_in_the_partner_envelope(
    client, auth, session, path, raw
):
    before = counts(session)
    r = client.post(P + path, content=raw, headers={**auth, **JSON_HEADERS})
    assert r.status_code == 400, r.text
    assert r.json() == MALFORMED
    assert counts(session) == before


@pytest.mark.parametrize("raw", UNDECODABLE, ids=["not-utf8", "deep-array", "deep-object"])
@pytest.mark.parametrize("path", BODY_PATHS)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk_live_nope"}])
def test_undecodable_body_without_a_valid_key_is_401(client, session, path, raw, headers):
    before = counts(session)
    r = client.post(P + path, content=raw, headers={**headers, **JSON_HEADERS})
    assert r.status_code == 401, r.text
    assert r.json() == UNAUTHORIZED
    assert counts(session) == before


def test_undecodable_job_questions_body(client, auth, factory, company):
    job = factory.job(company)
    r = client.post(
        f"{P}/jobs/{job.id}/questions", content=NOT_UTF8, headers={**auth, **JSON_HEADERS}
    )
    assert (r.status_code, r.json()) == (400, MALFORMED)
    r = client.post(f"{P}/jobs/{job.id}/questions", content=NOT_UTF8, headers=JSON_HEADERS)
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)


# --- 6. Nesting depth ---------------------------------------------------------------------


def nested(levels: int) -> dict[str, object]:
    value: dict[str, object] = {"leaf": "x"}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/candidates", {**CANDIDATE, "customAttributes": nested(500)}, "customAttributes"),
        ("/candidates", {**CANDIDATE, "consents": nested(33)}, "consents"),
        ("/candidates", {**CANDIDATE, "educations": [nested(40)]}, "educations"),
        ("/jobs", {**JOB, "criterionDetails": nested(500)}, "criterionDetails"),
        (
            "/jobs",
            {**JOB, "criterionDetails": [[[["x"]]]] * 1 + [json.loads("[" * 40 + "]" * 40)]},
            "criterionDetails",
        ),
    ],
)
def test_deeply_nested_values_are_400_and_write_nothing(client, auth, session, path, body, field):
    before = counts(session)
    r = client.post(P + path, json=body, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid({field: f'"{field}" must not be nested more than 32 levels deep'})
    assert counts(session) == before


def test_32_levels_are_accepted(client, auth):
    r = client.post(
        f"{P}/candidates", json={**CANDIDATE, "customAttributes": nested(32)}, headers=auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["customAttributes"] == nested(32)
    r = client.post(f"{P}/jobs", json={**JOB, "criterionDetails": nested(32)}, headers=auth)
    assert r.status_code == 200, r.text


# --- 7. Skills filter ---------------------------------------------------------------------


def test_too_many_skills_in_the_filter_is_400(client, auth):
    skills = ",".join(f"x{i}" for i in range(1000))
    r = client.get(f"{P}/candidates/list", params={"skills": skills}, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid({"skills": '"skills" must contain less than or equal to 50 items'})
    # Repeated parameters count together.
    r = client.get(
        f"{P}/candidates/list", params=[("skills", f"a{i},b{i}") for i in range(26)], headers=auth
    )
    assert r.json() == invalid({"skills": '"skills" must contain less than or equal to 50 items'})


def test_50_skills_are_a_filter(client, auth, factory, company):
    factory.candidate(company, skills=[f"x{i}" for i in range(50)])
    skills = ",".join(f"x{i}" for i in range(50))
    r = client.get(f"{P}/candidates/list", params={"skills": skills}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["pagination"]["total"] == 1


# --- 8, 11. Joi wordings and types --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "details"),
    [
        (
            "/jobs",
            {**JOB, "degreeLevel": "PhD"},
            {
                "degreeLevel": '"degreeLevel" must be one of [Bachelor\'s, High School, M.B.A., '
                "Master's, Other, Ph.D.]"
            },
        ),
        (
            "/jobs",
            {**JOB, "criterionDetails": "text"},
            {"criterionDetails": '"criterionDetails" must be of type object'},
        ),
        (
            "/jobs",
            {**JOB, "potentialAmount": 10, "potentialAmountCurrency": "usd"},
            {
                "potentialAmountCurrency": '"potentialAmountCurrency" with value "usd" fails to '
                "match the required pattern: /^[A-Z]{3}$/"
            },
        ),
        (
            "/candidates",
            {**CANDIDATE, "majors": "x" * 501},
            {"majors": '"majors" length must be less than or equal to 500 characters long'},
        ),
        (
            "/candidates",
            {**CANDIDATE, "majors": ["x" * 300, "y" * 300]},
            {"majors": '"majors" length must be less than or equal to 500 characters long'},
        ),
        (
            "/jobs",
            {**JOB, "salaryRangeFrom": True, "salaryRangeTo": 10, "salaryCurrency": "USD"},
            {"salaryRangeFrom": '"salaryRangeFrom" must be a number'},
        ),
        (
            "/jobs",
            {**JOB, "yearOfExperience": False, "potentialHiresCount": True},
            {
                "yearOfExperience": '"yearOfExperience" must be a number',
                "potentialHiresCount": '"potentialHiresCount" must be a number',
            },
        ),
        (
            "/jobs",
            {**JOB, "autoRejectThreshold": True},
            {"autoRejectThreshold": '"autoRejectThreshold" must be a number'},
        ),
        (
            "/jobs",
            {**JOB, "salaryRangeFrom": "NaN", "salaryRangeTo": "Infinity", "salaryCurrency": "USD"},
            {
                "salaryRangeFrom": '"salaryRangeFrom" must be a number',
                "salaryRangeTo": '"salaryRangeTo" must be a number',
            },
        ),
        (
            "/candidates",
            {**CANDIDATE, "majors": [1, 2]},
            {"majors[0]": '"majors[0]" must be a string'},
        ),
        (
            "/candidates",
            {**CANDIDATE, "majors": ["Math", None]},
            {"majors[1]": '"majors[1]" must be a string'},
        ),
        ("/questions", {"role": "Clerk", "count": True}, {"count": '"count" must be a number'}),
    ],
)
def test_joi_messages(client, auth, session, path, body, details):
    before = counts(session)
    r = client.post(P + path, json=body, headers=auth)
    assert r.status_code == 400, r.text
    assert r.json() == invalid(details)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("path", "raw", "details"),
    [
        (
            "/jobs",
            '{"title":"Clerk","city":"A","state":"B","country":"C","salaryRangeFrom":NaN,'
            '"salaryRangeTo":Infinity,"salaryCurrency":"USD","potentialAmount":-Infinity,'
            '"potentialAmountCurrency":"USD"}',
            {
                "salaryRangeFrom": '"salaryRangeFrom" must be a number',
                "salaryRangeTo": '"salaryRangeTo" must be a number',
                "potentialAmount": '"potentialAmount" must be a number',
            },
        ),
        (
            "/jobs",
            '{"title":"Clerk","city":"A","state":"B","country":"C","yearOfExperience":NaN,'
            '"salaryRangeFrom":1e400,"salaryRangeTo":1,"salaryCurrency":"USD"}',
            {
                "yearOfExperience": '"yearOfExperience" must be a number',
                "salaryRangeFrom": '"salaryRangeFrom" must be a number',
            },
        ),
        ("/questions", '{"role":"Clerk","count":NaN}', {"count": '"count" must be a number'}),
        (
            "/candidates",
            '{"firstName":"Ana","lastName":"Cruz","email":"ana@example.com","city":"\\ud800"}',
            {"city": '"city" must be a string'},
        ),
        (
            "/candidates",
            '{"firstName":"\\udfff","lastName":"Cruz","email":"ana@example.com",'
            '"majors":"\\ud800x"}',
            {"firstName": '"firstName" must be a string', "majors": '"majors" must be a string'},
        ),
        (
            "/candidates",
            '{"firstName":"Ana","lastName":"Cruz","email":"ana@example.com",'
            '"customAttributes":{"a":[1,{"b":"\\ud800"}]}}',
            {"customAttributes.a[1].b": '"customAttributes.a[1].b" must be a string'},
        ),
        (
            "/jobs",
            '{"title":"Clerk","city":"A","state":"B","country":"C",'
            '"criterionDetails":{"mustHave":["\\ud800"]}}',
            {"criterionDetails.mustHave[0]": '"criterionDetails.mustHave[0]" must be a string'},
        ),
    ],
)
def test_non_numbers_and_lone_surrogates_in_raw_json(client, auth, session, path, raw, details):
    before = counts(session)
    r = client.post(P + path, content=raw.encode(), headers={**auth, **JSON_HEADERS})
    assert r.status_code == 400, r.text
    assert r.json() == invalid(details)
    assert counts(session) == before


def test_numeric_strings_are_still_numbers(client, auth, factory, company):
    body = {
        **JOB,
        "salaryRangeFrom": "18000",
        "salaryRangeTo": 22000.5,
        "salaryCurrency": "PHP",
        "yearOfExperience": "3",
    }
    r = client.post(f"{P}/jobs", json=body, headers=auth)
    assert r.status_code == 200, r.text
    job = r.json()
    assert (job["salaryRangeFrom"], job["salaryRangeTo"], job["yearOfExperience"]) == (
        18000,
        22000.5,
        3,
    )
    r = client.post(
        f"{P}/candidates",
        json={**CANDIDATE, "jobId": str(job["id"]), "majors": ["Math", "Physics"]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["majors"] == "Math, Physics"
    assert r.json()["data"]["jobIds"] == [job["id"]]
