"""Partner API candidates: add (with dedupe), list with filters, get one, bulk fetch."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.outbox.models import OutboxEvent

# The request of the Taptalent docs ("Add candidate"), field for field.
SEED_CANDIDATE = {
    "firstName": "John",
    "lastName": "Doe",
    "email": "john.doe@example.com",
    "phone": "+1 415 555 0132",
    "resume": "https://example.com/resumes/john-doe.pdf",
    "currentJobTitle": "Software Engineer",
    "currentCompany": "Tech Corp",
    "city": "San Francisco",
    "country": "United States",
    "skills": ["JavaScript", "React", "Node.js"],
    "linkedin": "https://linkedin.com/in/johndoe",
    "coverLetter": "I would love to join.",
    "gender": "male",
    "dateOfBirth": "1990-01-15",
    "nationality": "American",
    "industry": "Software",
    "category": "Engineering",
    "majors": "Computer Science",
    "shouldParseResume": False,
}

URL = "/v1/partner/candidates"


def counts(session) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(candidates, applications, outbox events): what a write would change."""
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model))
        for model in (Candidate, Application, OutboxEvent)
    )


def add(client, auth, **fields):  # type: ignore[no-untyped-def]
    return client.post(URL, json={**SEED_CANDIDATE, **fields}, headers=auth)


# --- POST /candidates -------------------------------------------------------------------


def test_add_candidate_with_the_seed_request(client, auth, session):
    before = counts(session)
    r = client.post(URL, json=SEED_CANDIDATE, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    data = body["data"]
    assert isinstance(data["id"], int)
    assert data["isExistingCandidate"] is False
    assert data["jobCandidate"] is None
    assert (data["firstName"], data["lastName"]) == ("John", "Doe")
    assert data["email"] == "john.doe@example.com"
    assert data["resume"] == "https://example.com/resumes/john-doe.pdf"
    assert data["currentJobTitle"] == "Software Engineer"
    assert data["currentCompany"] == "Tech Corp"
    assert (data["city"], data["country"]) == ("San Francisco", "United States")
    assert data["skills"] == ["JavaScript", "React", "Node.js"]
    assert data["linkedin"] == "https://linkedin.com/in/johndoe"
    assert data["gender"] == "male"
    assert data["dateOfBirth"] == "1990-01-15"
    assert data["nationality"] == "American"
    assert data["majors"] == "Computer Science"
    assert data["source"] == "partner_api"
    assert data["jobIds"] == []
    assert isinstance(data["createdAt"], int)
    # One candidate and its "candidate.created" event; no application without a job.
    assert counts(session) == (before[0] + 1, before[1], before[2] + 1)


def test_added_candidate_can_be_read_back(client, auth):
    created = add(client, auth).json()["data"]
    r = client.get(f"{URL}/{created['id']}", headers=auth)
    assert r.status_code == 200
    got = r.json()["data"]
    assert got["id"] == created["id"]
    assert got["email"] == "john.doe@example.com"
    assert got["skills"] == ["JavaScript", "React", "Node.js"]
    # The GUID the CRM profiles API is asked for.
    assert str(uuid.UUID(got["publicId"])) == got["publicId"] == created["publicId"]


def test_email_is_trimmed_and_lower_cased(client, auth):
    r = add(client, auth, email="  John.DOE@Example.COM  ")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["email"] == "john.doe@example.com"


def test_same_email_returns_the_existing_candidate_and_creates_nothing(client, auth, session):
    first = add(client, auth).json()["data"]
    before = counts(session)
    r = add(
        client,
        auth,
        firstName="Johnny",
        lastName="Doherty",
        email=" JOHN.DOE@example.com ",
        city="Manila",
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["isExistingCandidate"] is True
    assert data["id"] == first["id"]
    # The existing record is returned as it is, not overwritten.
    assert (data["firstName"], data["lastName"], data["city"]) == (
        "John",
        "Doe",
        "San Francisco",
    )
    assert counts(session) == before


def test_dedupe_is_per_company(client, auth, factory, session):
    other = factory.company("Other Co")
    other_auth = {"Authorization": f"Bearer {factory.api_key(other)}"}
    mine = add(client, auth).json()["data"]
    theirs = add(client, other_auth).json()["data"]
    assert theirs["isExistingCandidate"] is False
    assert theirs["id"] != mine["id"]


@pytest.mark.parametrize(
    ("skills", "expected"),
    [
        (["Python", "SQL"], ["Python", "SQL"]),
        ("Python, SQL,Go", ["Python", "SQL", "Go"]),
        ("Python", ["Python"]),
        (" Python , , SQL ,", ["Python", "SQL"]),
        (["Python", "python", "PYTHON"], ["Python"]),
        ([], []),
        ("", []),
    ],
)
def test_skills_as_array_or_comma_separated_string(client, auth, skills, expected):
    r = add(client, auth, skills=skills)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["skills"] == expected


@pytest.mark.parametrize(
    ("gender", "expected"),
    [("male", "male"), ("Male", "male"), ("FEMALE", "female"), ("Other", "other")],
)
def test_gender_accepts_capitalised_variants(client, auth, gender, expected):
    r = add(client, auth, gender=gender)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["gender"] == expected


def test_unknown_gender_is_a_validation_error(client, auth, session):
    before = counts(session)
    r = add(client, auth, gender="robot")
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {
        "gender": '"gender" must be one of [male, female, other]'
    }
    assert counts(session) == before


@pytest.mark.parametrize("as_string", [False, True])
def test_job_id_as_number_or_string_creates_the_job_application(
    client, auth, factory, company, session, as_string
):
    job = factory.job(company)
    before = counts(session)
    r = add(client, auth, jobId=str(job.id) if as_string else job.id)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["isExistingCandidate"] is False
    assert data["jobIds"] == [job.id]
    assert data["jobCandidate"]["jobId"] == job.id
    assert data["jobCandidate"]["status"] == "INBOX"
    assert data["jobCandidate"]["evaluationStatus"] == "PENDING"
    assert counts(session)[:2] == (before[0] + 1, before[1] + 1)
    application = session.get(Application, data["jobCandidate"]["id"])
    assert (application.job_id, application.candidate_id) == (job.id, data["id"])
    assert application.cover_letter == "I would love to join."
    # The job's candidates now include them.
    r = client.get(f"/v1/partner/job-candidates/job/{job.id}/candidates", headers=auth)
    assert [jc["candidateId"] for jc in r.json()["data"]["jobCandidates"]] == [data["id"]]


def test_job_id_may_be_the_job_public_id(client, auth, factory, company):
    job = factory.job(company)
    r = add(client, auth, jobId=job.public_id)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["jobCandidate"]["jobId"] == job.id


def test_existing_candidate_is_added_to_the_job(client, auth, factory, company, session):
    job = factory.job(company)
    first = add(client, auth).json()["data"]
    r = add(client, auth, jobId=job.id)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["isExistingCandidate"] is True
    assert data["id"] == first["id"]
    assert data["jobIds"] == [job.id]
    # Adding again to the same job does not create a second application.
    before = counts(session)
    again = add(client, auth, jobId=job.id).json()["data"]
    assert again["jobCandidate"]["id"] == data["jobCandidate"]["id"]
    assert counts(session) == before


@pytest.mark.parametrize(
    "job_ref",
    [
        999_999_999,
        "999999999",
        "not-a-job",
        "550e8400-e29b-41d4-a716-446655440000",
        0,
        -5,
        2**63,
        2**70,
        str(2**70),
    ],
)
def test_unknown_job_id_is_404_and_writes_nothing(client, auth, session, job_ref):
    before = counts(session)
    r = add(client, auth, jobId=job_ref)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "NOT_FOUND"
    assert r.json()["error"]["type"] == "not_found_error"
    assert counts(session) == before


def test_another_companys_job_id_is_404_and_writes_nothing(client, auth, factory, session):
    other = factory.company("Other Co")
    their_job = factory.job(other)
    for ref in (their_job.id, str(their_job.id), their_job.public_id):
        before = counts(session)
        r = add(client, auth, jobId=ref)
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "NOT_FOUND"
        assert counts(session) == before
    # Not even an existing candidate of ours gets attached to their job.
    add(client, auth)
    before = counts(session)
    assert add(client, auth, jobId=their_job.id).status_code == 404
    assert counts(session) == before


@pytest.mark.parametrize(
    ("phone", "e164"),
    [
        ("+63 917 123 4567", "+639171234567"),
        ("+1 (415) 555-0132", "+14155550132"),
        ("0033 1 23 45 67 89", "+33123456789"),
        ("call me maybe", None),
    ],
)
def test_phone_is_normalized_to_e164_and_kept_as_given(client, auth, phone, e164):
    r = add(client, auth, phone=phone)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["phone"] == phone
    assert data["phoneE164"] == e164


def test_national_phone_is_read_in_the_companys_country(client, auth, company, session):
    company.default_country = "PH"
    session.commit()
    r = add(client, auth, phone="0917 123 4567")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["phone"] == "0917 123 4567"
    assert r.json()["data"]["phoneE164"] == "+639171234567"


def test_no_phone_is_null(client, auth):
    body = {k: v for k, v in SEED_CANDIDATE.items() if k != "phone"}
    data = client.post(URL, json=body, headers=auth).json()["data"]
    assert data["phone"] is None
    assert data["phoneE164"] is None


def test_validation_error_is_the_taptalent_envelope(client, auth, session):
    before = counts(session)
    r = client.post(URL, json={"lastName": "Doe", "email": "john@example.com"}, headers=auth)
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "INVALID_REQUEST",
            "type": "validation_error",
            "message": "One or more fields are invalid.",
            "details": {"firstName": '"firstName" is required'},
        }
    }
    assert counts(session) == before


def test_missing_required_fields_are_each_reported(client, auth):
    r = client.post(URL, json={}, headers=auth)
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {
        "firstName": '"firstName" is required',
        "lastName": '"lastName" is required',
        "email": '"email" is required',
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", '"email" must be a valid email'),
        ({"email": "john@"}, "email", '"email" must be a valid email'),
        ({"email": "john doe@example.com"}, "email", '"email" must be a valid email'),
        ({"email": 42}, "email", '"email" must be a string'),
        ({"email": ""}, "email", '"email" is not allowed to be empty'),
        ({"firstName": ""}, "firstName", '"firstName" is not allowed to be empty'),
        (
            {"firstName": "x" * 201},
            "firstName",
            '"firstName" length must be less than or equal to 200 characters long',
        ),
        ({"lastName": None}, "lastName", '"lastName" must be a string'),
        (
            {"resume": "ftp://example.com/cv.pdf"},
            "resume",
            '"resume" must be a valid uri with a scheme matching the http|https pattern',
        ),
        (
            {"resume": "example.com/cv.pdf"},
            "resume",
            '"resume" must be a valid uri with a scheme matching the http|https pattern',
        ),
        (
            {"skills": ["Python", "x" * 201]},
            "skills[1]",
            '"skills[1]" length must be less than or equal to 200 characters long',
        ),
        (
            {"dateOfBirth": "15/01/1990"},
            "dateOfBirth",
            '"dateOfBirth" must be in ISO 8601 date format',
        ),
        (
            {"shouldParseResume": "yes"},
            "shouldParseResume",
            '"shouldParseResume" must be a boolean',
        ),
        ({"jobId": True}, "jobId", '"jobId" must be a number'),
        ({"jobId": 1.5}, "jobId", '"jobId" must be a number'),
    ],
)
def test_field_validation_messages(client, auth, session, fields, field, message):
    before = counts(session)
    r = add(client, auth, **fields)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["type"]) == ("INVALID_REQUEST", "validation_error")
    assert error["details"][field] == message
    assert counts(session) == before


@pytest.mark.parametrize("resume", ["http://example.com/cv.pdf", "HTTPS://example.com/cv.docx"])
def test_resume_accepts_http_and_https(client, auth, resume):
    r = add(client, auth, resume=resume)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["resume"] == resume


# --- GET /candidates/list ---------------------------------------------------------------

LIST = f"{URL}/list"


def listed(client, auth, query=""):  # type: ignore[no-untyped-def]
    r = client.get(f"{LIST}{query}", headers=auth)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def emails(data) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["email"] for c in data["candidates"]]


def test_list_paginates(client, auth, factory, company):
    made = [factory.candidate(company, email=f"person{i}@example.com") for i in range(12)]
    data = listed(client, auth)
    assert data["pagination"] == {"page": 1, "limit": 10, "total": 12, "totalPages": 2}
    assert len(data["candidates"]) == 10
    # Newest first by default.
    assert data["candidates"][0]["id"] == made[-1].id
    data = listed(client, auth, "?pageNumber=2&perPage=10")
    assert data["pagination"] == {"page": 2, "limit": 10, "total": 12, "totalPages": 2}
    assert [c["id"] for c in data["candidates"]] == [made[1].id, made[0].id]
    data = listed(client, auth, "?perPage=20")
    assert data["pagination"] == {"page": 1, "limit": 20, "total": 12, "totalPages": 1}
    assert len(data["candidates"]) == 12
    data = listed(client, auth, "?pageNumber=5")
    assert data["candidates"] == []
    assert data["pagination"]["total"] == 12


def test_list_of_no_candidates(client, auth):
    data = listed(client, auth)
    assert data == {
        "candidates": [],
        "pagination": {"page": 1, "limit": 10, "total": 0, "totalPages": 0},
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?perPage=15", "perPage", '"perPage" must be one of [10, 20, 40, 80, 100]'),
        ("?perPage=0", "perPage", '"perPage" must be one of [10, 20, 40, 80, 100]'),
        ("?perPage=ten", "perPage", '"perPage" must be a number'),
        ("?pageNumber=0", "pageNumber", '"pageNumber" must be greater than or equal to 1'),
        ("?pageNumber=x", "pageNumber", '"pageNumber" must be a number'),
        ("?jobId=abc", "jobId", '"jobId" must be a number'),
        (
            "?createdAfter=yesterday",
            "createdAfter",
            '"createdAfter" must be in ISO 8601 date format',
        ),
        ("?sortBy=email", "sortBy", '"sortBy" must be one of [createdAt, updatedAt, name]'),
        ("?sortOrder=up", "sortOrder", '"sortOrder" must be one of [asc, desc]'),
    ],
)
def test_list_rejects_invalid_query_parameters(client, auth, query, field, message):
    r = client.get(f"{LIST}{query}", headers=auth)
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "INVALID_REQUEST",
            "type": "validation_error",
            "message": "One or more fields are invalid.",
            "details": {field: message},
        }
    }


def test_search_by_name_is_accent_and_case_insensitive(client, auth, factory, company):
    eloise = factory.candidate(
        company, first_name="Éloïse", last_name="Martin", email="em@example.com"
    )
    factory.candidate(company, first_name="Louise", last_name="Bernard", email="lb@example.com")
    for term in ("eloise", "ELOISE", "Éloïse", "eloi", "eloise martin", "martin"):
        data = listed(client, auth, f"?search={term}")
        assert [c["id"] for c in data["candidates"]] == [eloise.id], term
        assert data["candidates"][0]["firstName"] == "Éloïse"  # displayed as given
    assert listed(client, auth, "?search=zzz")["candidates"] == []


def test_search_matches_email_and_treats_wildcards_literally(client, auth, factory, company):
    factory.candidate(company, first_name="Ana", last_name="Cruz", email="ana.cruz@acme.io")
    factory.candidate(company, first_name="Ben", last_name="Lim", email="ben@other.org")
    assert emails(listed(client, auth, "?search=acme.io")) == ["ana.cruz@acme.io"]
    assert emails(listed(client, auth, "?search=ANA.CRUZ")) == ["ana.cruz@acme.io"]
    assert listed(client, auth, "?search=%25")["candidates"] == []
    assert listed(client, auth, "?search=_")["candidates"] == []


def test_filter_by_email_is_exact_and_case_insensitive(client, auth, factory, company):
    factory.candidate(company, email="ana@example.com")
    factory.candidate(company, email="ana.maria@example.com")
    assert emails(listed(client, auth, "?email=ANA@example.com")) == ["ana@example.com"]
    assert emails(listed(client, auth, "?email=%20ana@example.com%20")) == ["ana@example.com"]


def test_filter_by_job(client, auth, factory, company):
    job, other_job = factory.job(company), factory.job(company)
    applied = factory.candidate(company)
    factory.application(job, applied)
    factory.application(other_job, factory.candidate(company))
    factory.candidate(company)
    data = listed(client, auth, f"?jobId={job.id}")
    assert [c["id"] for c in data["candidates"]] == [applied.id]
    assert data["candidates"][0]["jobIds"] == [job.id]
    assert data["pagination"]["total"] == 1
    assert listed(client, auth, "?jobId=999999999")["candidates"] == []


def test_filter_by_skills(client, auth, factory, company):
    py = factory.candidate(company, skills=["Python", "SQL"])
    factory.candidate(company, skills=["Java"])
    factory.candidate(company, skills=["Pythonic Thinking"])
    assert [c["id"] for c in listed(client, auth, "?skills=python")["candidates"]] == [py.id]
    assert [c["id"] for c in listed(client, auth, "?skills=PYTHON,sql")["candidates"]] == [py.id]
    assert listed(client, auth, "?skills=python,java")["candidates"] == []


def test_filter_by_city_country_and_source(client, auth, factory, company):
    manila = factory.candidate(company, city="Manila", country="Philippines", source="referral")
    factory.candidate(company, city="Cebu", country="Philippines", source="linkedin")
    factory.candidate(company, city="Paris", country="France", source="referral")
    assert [c["id"] for c in listed(client, auth, "?city=manila")["candidates"]] == [manila.id]
    assert listed(client, auth, "?country=philippines")["pagination"]["total"] == 2
    assert listed(client, auth, "?source=referral")["pagination"]["total"] == 2
    data = listed(client, auth, "?source=referral&country=Philippines")
    assert [c["id"] for c in data["candidates"]] == [manila.id]


def test_filter_by_creation_date(client, auth, factory, company, session):
    old = factory.candidate(company, email="old@example.com")
    mid = factory.candidate(company, email="mid@example.com")
    new = factory.candidate(company, email="new@example.com")
    old.created_at = datetime(2023, 1, 10, tzinfo=UTC)
    mid.created_at = datetime(2024, 1, 10, tzinfo=UTC)
    new.created_at = datetime(2025, 1, 10, tzinfo=UTC)
    session.commit()
    assert emails(listed(client, auth, "?createdAfter=2024-01-01")) == [
        "new@example.com",
        "mid@example.com",
    ]
    assert emails(listed(client, auth, "?createdBefore=2024-01-01")) == ["old@example.com"]
    data = listed(client, auth, "?createdAfter=2024-01-01T00:00:00Z&createdBefore=2024-12-31")
    assert emails(data) == ["mid@example.com"]
    # Epoch milliseconds work too.
    after_ms = int(datetime(2024, 6, 1, tzinfo=UTC).timestamp() * 1000)
    assert emails(listed(client, auth, f"?createdAfter={after_ms}")) == ["new@example.com"]


def test_sort_by_name_and_order(client, auth, factory, company):
    factory.candidate(company, first_name="A", last_name="Zeta", email="z@example.com")
    factory.candidate(company, first_name="B", last_name="Álvarez", email="a@example.com")
    factory.candidate(company, first_name="C", last_name="Mendoza", email="m@example.com")
    asc = emails(listed(client, auth, "?sortBy=name&sortOrder=asc"))
    assert asc == ["a@example.com", "m@example.com", "z@example.com"]
    desc = emails(listed(client, auth, "?sortBy=name&sortOrder=desc"))
    assert desc == list(reversed(asc))
    oldest_first = emails(listed(client, auth, "?sortBy=createdAt&sortOrder=asc"))
    assert oldest_first == ["z@example.com", "a@example.com", "m@example.com"]


def test_list_only_shows_this_companys_candidates(client, auth, factory, company):
    mine = factory.candidate(company)
    factory.candidate(factory.company("Other Co"), email="theirs@example.com")
    data = listed(client, auth)
    assert [c["id"] for c in data["candidates"]] == [mine.id]
    assert "theirs@example.com" not in str(data)


# --- GET /candidates/:id ----------------------------------------------------------------


def test_get_candidate_by_number_id(client, auth, factory, company):
    job = factory.job(company)
    candidate = factory.candidate(company, first_name="Éloïse", skills=["Python"])
    factory.application(job, candidate)
    r = client.get(f"{URL}/{candidate.id}", headers=auth)
    assert r.status_code == 200
    data = r.json()["data"]
    assert r.json()["status"] == "success"
    assert data["id"] == candidate.id
    assert data["firstName"] == "Éloïse"
    assert data["email"] == candidate.email
    assert data["skills"] == ["Python"]
    assert data["jobIds"] == [job.id]
    assert data["tags"] == []


@pytest.mark.parametrize("ref", ["999999999", "0", "abc", "1.5", "-1", "99999999999999999999"])
def test_unknown_candidate_is_404(client, auth, ref):
    r = client.get(f"{URL}/{ref}", headers=auth)
    assert r.status_code == 404
    assert r.json() == {
        "error": {
            "code": "NOT_FOUND",
            "type": "not_found_error",
            "message": "Candidate not found.",
            "details": {},
        }
    }


# --- POST /candidates/bulk-fetch --------------------------------------------------------

BULK = f"{URL}/bulk-fetch"


def test_bulk_fetch_keeps_order_and_skips_unknown_ids(client, auth, factory, company):
    a, b, c = (factory.candidate(company) for _ in range(3))
    r = client.post(BULK, json={"candidateIds": [c.id, str(a.id), 999_999_999, b.id]}, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    assert [x["id"] for x in body["data"]] == [c.id, a.id, b.id]
    assert body["data"][0]["email"] == c.email
    assert "jobIds" in body["data"][0]


def test_bulk_fetch_returns_each_candidate_once(client, auth, factory, company):
    a = factory.candidate(company)
    r = client.post(BULK, json={"candidateIds": [a.id, str(a.id), a.id]}, headers=auth)
    assert [x["id"] for x in r.json()["data"]] == [a.id]


def test_bulk_fetch_of_only_unknown_ids_is_empty(client, auth):
    r = client.post(BULK, json={"candidateIds": [999_999_998, "999999999"]}, headers=auth)
    assert r.status_code == 200
    assert r.json() == {"status": "success", "data": []}


def test_bulk_fetch_accepts_100_ids(client, auth, factory, company):
    a = factory.candidate(company)
    ids = [a.id] + list(range(900_000_000, 900_000_099))
    r = client.post(BULK, json={"candidateIds": ids}, headers=auth)
    assert r.status_code == 200
    assert [x["id"] for x in r.json()["data"]] == [a.id]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"candidateIds": list(range(1, 102))},
            "candidateIds",
            '"candidateIds" must contain less than or equal to 100 items',
        ),
        ({"candidateIds": [1, "abc"]}, "candidateIds[1]", '"candidateIds[1]" must be a number'),
        ({"candidateIds": [True]}, "candidateIds[0]", '"candidateIds[0]" must be a number'),
        ({"candidateIds": [1.5]}, "candidateIds[0]", '"candidateIds[0]" must be a number'),
        (
            {"candidateIds": [0]},
            "candidateIds[0]",
            '"candidateIds[0]" must be greater than or equal to 1',
        ),
        ({"candidateIds": "1,2"}, "candidateIds", '"candidateIds" must be an array'),
        ({}, "candidateIds", '"candidateIds" is required'),
    ],
)
def test_bulk_fetch_validation(client, auth, body, field, message):
    r = client.post(BULK, json=body, headers=auth)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["type"]) == ("INVALID_REQUEST", "validation_error")
    assert error["details"][field] == message


def test_bulk_fetch_needs_at_least_one_id(client, auth):
    r = client.post(BULK, json={"candidateIds": []}, headers=auth)
    assert r.status_code == 400
    assert "candidateIds" in r.json()["error"]["details"]


def test_work_experiences_and_educations_round_trip(client, auth):
    body = {
        "firstName": "Lena",
        "lastName": "Guenis",
        "email": "lena@example.com",
        "shouldParseResume": False,
        "workExperiences": [
            {
                "companyName": "ITG",
                "title": "QA Manager",
                "startDate": "2006-01",
                "isCurrent": True,
            },
            {
                "company": "CMSC",
                "jobTitle": "Consultant",
                "startDate": "2003-01",
                "endDate": "2004-01",
            },
        ],
        "educations": [
            {"school": "Tel Aviv University", "degree": "M.B.A", "fieldOfStudy": "Business"}
        ],
    }
    data = client.post("/v1/partner/candidates", json=body, headers=auth).json()["data"]
    assert data["workExperiences"][0] == {
        "companyName": "ITG",
        "title": "QA Manager",
        "location": None,
        "startDate": "2006-01",
        "endDate": None,
        "isCurrent": True,
        "description": None,
    }
    assert data["workExperiences"][1]["companyName"] == "CMSC"
    assert data["workExperiences"][1]["title"] == "Consultant"
    assert data["educations"] == [
        {
            "institution": "Tel Aviv University",
            "degree": "M.B.A",
            "major": "Business",
            "startDate": None,
            "endDate": None,
        }
    ]


def test_blank_names_are_empty(client, auth):
    r = client.post(
        "/v1/partner/candidates",
        json={"firstName": "   ", "lastName": "Cruz", "email": "x@example.com"},
        headers=auth,
    )
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {"firstName": '"firstName" is not allowed to be empty'}


def test_a_resume_url_is_handed_to_the_worker(client, auth, session):
    from hireloop.domain.outbox.models import OutboxEvent

    body = {
        "firstName": "Ana",
        "lastName": "Reyes",
        "email": "ana.resume@example.com",
        "resume": "https://files.example.com/ana.pdf",
    }
    r = client.post("/v1/partner/candidates", json=body, headers=auth)
    assert r.status_code == 200
    candidate_id = r.json()["data"]["id"]
    assert r.json()["data"]["resume"] == "https://files.example.com/ana.pdf"
    events = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "candidate.resume_submitted")
    ).all()
    assert [e.payload for e in events] == [
        {"candidateId": candidate_id, "url": "https://files.example.com/ana.pdf"}
    ]
    # Not when the client sends parsed data itself.
    body = {**body, "email": "ana.two@example.com", "shouldParseResume": False}
    client.post("/v1/partner/candidates", json=body, headers=auth)
    assert (
        len(
            session.scalars(
                select(OutboxEvent).where(OutboxEvent.event_type == "candidate.resume_submitted")
            ).all()
        )
        == 1
    )
