"""Partner API job candidates: a job's candidates with filters, and bulk fetch by id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import move_application

# Fields of a job candidate in the Taptalent reference (bulk-fetch response).
REFERENCE_FIELDS = {
    "id",
    "jobId",
    "candidateId",
    "profileMatchScore",
    "evaluationStatus",
    "criteriaMatches",
    "recommendToRecruitingFirm",
    "aiSummary",
    "candidate_details",
}


def url(job_ref) -> str:  # type: ignore[no-untyped-def]
    return f"/v1/partner/job-candidates/job/{job_ref}/candidates"


BULK = "/v1/partner/job-candidates/bulk-fetch"


def listed(client, auth, job_ref, query=""):  # type: ignore[no-untyped-def]
    r = client.get(f"{url(job_ref)}{query}", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "success"
    return r.json()["data"]


def ids(data) -> list[int]:  # type: ignore[no-untyped-def]
    return [jc["id"] for jc in data["jobCandidates"]]


def score(session, application, value, **ai):  # type: ignore[no-untyped-def]
    """What the AI screening would store on an application."""
    application.ai_score = value
    for field, v in ai.items():
        setattr(application, field, v)
    session.commit()
    return application


def move(session, application, folder):  # type: ignore[no-untyped-def]
    move_application(session, application, folder, Actor.system())
    session.commit()
    return application


@pytest.fixture
def job(factory, company):  # type: ignore[no-untyped-def]
    return factory.job(company, title="Data Engineer")


# --- GET /job-candidates/job/:jobId/candidates -----------------------------------------


def test_job_candidate_has_the_reference_shape(client, auth, factory, company, job, session):
    candidate = factory.candidate(
        company, first_name="Éloïse", last_name="Martin", email="eloise@example.com"
    )
    application = factory.application(job, candidate, source="linkedin")
    score(
        session,
        application,
        87,
        ai_breakdown={"criteriaMatches": {"skills": 90, "experience": 80, "education": 75}},
        ai_recommended=True,
        ai_summary="Strong Python and SQL background.",
    )
    data = listed(client, auth, job.id)
    assert data["pagination"] == {"page": 1, "limit": 10, "total": 1, "totalPages": 1}
    [jc] = data["jobCandidates"]
    assert set(jc) >= REFERENCE_FIELDS
    assert jc["id"] == application.id
    assert jc["jobId"] == job.id
    assert jc["candidateId"] == candidate.id
    assert jc["profileMatchScore"] == 87
    assert jc["evaluationStatus"] == "PENDING"
    assert jc["criteriaMatches"] == {"skills": 90, "experience": 80, "education": 75}
    assert jc["recommendToRecruitingFirm"] is True
    assert jc["aiSummary"] == "Strong Python and SQL background."
    assert jc["status"] == "INBOX"
    assert jc["source"] == "linkedin"
    details = jc["candidate_details"]
    assert details["id"] == candidate.id
    assert (details["firstName"], details["lastName"]) == ("Éloïse", "Martin")
    assert details["email"] == "eloise@example.com"


def test_unscored_job_candidate(client, auth, factory, company, job):
    factory.application(job, factory.candidate(company))
    [jc] = listed(client, auth, job.id)["jobCandidates"]
    assert jc["profileMatchScore"] is None
    assert jc["criteriaMatches"] == {}
    assert jc["recommendToRecruitingFirm"] is False
    assert jc["aiSummary"] is None
    assert jc["evaluationStatus"] == "PENDING"


def test_job_by_public_id(client, auth, factory, company, job):
    application = factory.application(job, factory.candidate(company))
    assert ids(listed(client, auth, job.public_id)) == [application.id]


def test_job_without_candidates(client, auth, job):
    assert listed(client, auth, job.id) == {
        "jobCandidates": [],
        "pagination": {"page": 1, "limit": 10, "total": 0, "totalPages": 0},
    }


def test_only_this_jobs_candidates(client, auth, factory, company, job):
    mine = factory.application(job, factory.candidate(company))
    factory.application(factory.job(company), factory.candidate(company))
    assert ids(listed(client, auth, job.id)) == [mine.id]


def test_pagination(client, auth, factory, company, job):
    apps = [factory.application(job, factory.candidate(company)) for _ in range(12)]
    data = listed(client, auth, job.id)
    assert data["pagination"] == {"page": 1, "limit": 10, "total": 12, "totalPages": 2}
    assert ids(data) == [a.id for a in reversed(apps)][:10]  # newest first
    data = listed(client, auth, job.id, "?pageNumber=2&perPage=10")
    assert data["pagination"] == {"page": 2, "limit": 10, "total": 12, "totalPages": 2}
    assert ids(data) == [apps[1].id, apps[0].id]
    data = listed(client, auth, job.id, "?perPage=20")
    assert len(data["jobCandidates"]) == 12
    assert data["pagination"]["totalPages"] == 1
    assert ids(listed(client, auth, job.id, "?sortOrder=asc"))[:2] == [apps[0].id, apps[1].id]


def test_filter_by_status_folder(client, auth, factory, company, job, session):
    inbox = factory.application(job, factory.candidate(company))
    shortlisted = move(session, factory.application(job, factory.candidate(company)), "shortlisted")
    rejected = move(session, factory.application(job, factory.candidate(company)), "rejected")
    assert ids(listed(client, auth, job.id, "?status=SHORTLISTED")) == [shortlisted.id]
    assert ids(listed(client, auth, job.id, "?status=INBOX")) == [inbox.id]
    assert ids(listed(client, auth, job.id, "?status=inbox")) == [inbox.id]
    both = listed(client, auth, job.id, "?status=INBOX,SHORTLISTED")
    assert sorted(ids(both)) == sorted([inbox.id, shortlisted.id])
    assert both["pagination"]["total"] == 2
    [jc] = listed(client, auth, job.id, "?status=REJECTED")["jobCandidates"]
    assert (jc["id"], jc["status"]) == (rejected.id, "REJECTED")
    assert listed(client, auth, job.id, "?status=HIRED")["jobCandidates"] == []


def test_unknown_status_is_400(client, auth, job):
    r = client.get(f"{url(job.id)}?status=INTERVIEWING", headers=auth)
    assert r.status_code == 400
    error = r.json()["error"]
    assert (error["code"], error["type"]) == ("INVALID_REQUEST", "validation_error")
    assert error["details"]["status"].startswith('"status" must be one of [INBOX, ')


def test_filter_by_evaluation_status(client, auth, factory, company, job, session):
    pending = factory.application(job, factory.candidate(company))
    approved = move(session, factory.application(job, factory.candidate(company)), "shortlisted")
    hired = move(session, factory.application(job, factory.candidate(company)), "hired")
    rejected = move(session, factory.application(job, factory.candidate(company)), "rejected")
    data = listed(client, auth, job.id, "?evaluationStatus=APPROVED")
    assert sorted(ids(data)) == sorted([approved.id, hired.id])
    assert {jc["evaluationStatus"] for jc in data["jobCandidates"]} == {"APPROVED"}
    data = listed(client, auth, job.id, "?evaluationStatus=REJECTED")
    assert ids(data) == [rejected.id]
    assert data["jobCandidates"][0]["evaluationStatus"] == "REJECTED"
    data = listed(client, auth, job.id, "?evaluationStatus=PENDING")
    assert ids(data) == [pending.id]
    r = client.get(f"{url(job.id)}?evaluationStatus=MAYBE", headers=auth)
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {
        "evaluationStatus": '"evaluationStatus" must be one of [PENDING, APPROVED, REJECTED]'
    }


def test_a_rescued_auto_rejected_application_is_pending(
    client, auth, factory, company, job, session
):
    # As the career-site apply auto-rejects; then a recruiter moves it back to the Inbox.
    rejected = {"status": "rejected", "folder": "rejected", "step": "rejected"}
    rescued = move(
        session, factory.application(job, factory.candidate(company), **rejected), "inbox"
    )
    [jc] = listed(client, auth, job.id)["jobCandidates"]
    assert jc["evaluationStatus"] == "PENDING"
    assert ids(listed(client, auth, job.id, "?evaluationStatus=PENDING")) == [rescued.id]
    assert ids(listed(client, auth, job.id, "?evaluationStatus=REJECTED")) == []


def test_filter_by_score_range(client, auth, factory, company, job, session):
    low = score(session, factory.application(job, factory.candidate(company)), 35)
    mid = score(session, factory.application(job, factory.candidate(company)), 70)
    high = score(session, factory.application(job, factory.candidate(company)), 95)
    factory.application(job, factory.candidate(company))  # not scored yet
    assert sorted(ids(listed(client, auth, job.id, "?minScore=70"))) == sorted([mid.id, high.id])
    assert ids(listed(client, auth, job.id, "?maxScore=69")) == [low.id]
    assert ids(listed(client, auth, job.id, "?minScore=40&maxScore=90")) == [mid.id]
    assert sorted(ids(listed(client, auth, job.id, "?minScore=0&maxScore=100"))) == sorted(
        [low.id, mid.id, high.id]
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?minScore=101", "minScore", '"minScore" must be less than or equal to 100'),
        ("?maxScore=-1", "maxScore", '"maxScore" must be greater than or equal to 0'),
        ("?minScore=high", "minScore", '"minScore" must be a number'),
        ("?perPage=25", "perPage", '"perPage" must be one of [10, 20, 40, 80, 100]'),
        ("?pageNumber=0", "pageNumber", '"pageNumber" must be greater than or equal to 1'),
        (
            "?sortBy=name",
            "sortBy",
            '"sortBy" must be one of [createdAt, profileMatchScore]',
        ),
        ("?sortOrder=DESCENDING", "sortOrder", '"sortOrder" must be one of [asc, desc]'),
    ],
)
def test_invalid_query_parameters_are_400(client, auth, job, query, field, message):
    r = client.get(f"{url(job.id)}{query}", headers=auth)
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "INVALID_REQUEST",
            "type": "validation_error",
            "message": "One or more fields are invalid.",
            "details": {field: message},
        }
    }


def test_search_by_name_and_email(client, auth, factory, company, job):
    eloise = factory.application(
        job,
        factory.candidate(company, first_name="Éloïse", last_name="Martin", email="em@acme.io"),
    )
    factory.application(
        job,
        factory.candidate(company, first_name="Louise", last_name="Bernard", email="lb@other.org"),
    )
    for term in ("eloise", "ÉLOÏSE", "eloise martin", "acme.io", "EM@ACME"):
        assert ids(listed(client, auth, job.id, f"?search={term}")) == [eloise.id], term
    data = listed(client, auth, job.id, "?search=nobody")
    assert data["jobCandidates"] == []
    assert data["pagination"]["total"] == 0


def test_search_treats_wildcards_literally(client, auth, factory, company, job):
    factory.application(job, factory.candidate(company, first_name="Ana", email="ana@acme.io"))
    assert listed(client, auth, job.id, "?search=%25")["jobCandidates"] == []
    assert listed(client, auth, job.id, "?search=_")["jobCandidates"] == []
    assert listed(client, auth, job.id, "?search=a_a")["jobCandidates"] == []


def test_sort_by_profile_match_score(client, auth, factory, company, job, session):
    mid = score(session, factory.application(job, factory.candidate(company)), 60)
    unscored = factory.application(job, factory.candidate(company))
    high = score(session, factory.application(job, factory.candidate(company)), 92)
    low = score(session, factory.application(job, factory.candidate(company)), 10)
    data = listed(client, auth, job.id, "?sortBy=profileMatchScore")
    assert ids(data) == [high.id, mid.id, low.id, unscored.id]
    assert [jc["profileMatchScore"] for jc in data["jobCandidates"]] == [92, 60, 10, None]
    data = listed(client, auth, job.id, "?sortBy=profileMatchScore&sortOrder=asc")
    # Unscored candidates come last in both directions.
    assert ids(data) == [low.id, mid.id, high.id, unscored.id]


def test_filter_by_creation_date(client, auth, factory, company, job, session):
    old = factory.application(job, factory.candidate(company))
    new = factory.application(job, factory.candidate(company))
    old.created_at = datetime(2023, 5, 1, tzinfo=UTC)
    new.created_at = datetime(2025, 5, 1, tzinfo=UTC)
    session.commit()
    assert ids(listed(client, auth, job.id, "?createdAfter=2024-01-01")) == [new.id]
    assert ids(listed(client, auth, job.id, "?createdBefore=2024-01-01")) == [old.id]


@pytest.mark.parametrize("ref", ["999999999", "abc", "550e8400-e29b-41d4-a716-446655440000"])
def test_unknown_job_is_404(client, auth, ref):
    r = client.get(url(ref), headers=auth)
    assert r.status_code == 404
    assert r.json()["error"] == {
        "code": "NOT_FOUND",
        "type": "not_found_error",
        "message": "Job not found.",
        "details": {},
    }


# --- POST /job-candidates/bulk-fetch ----------------------------------------------------


def test_bulk_fetch_with_the_reference_request(client, auth, factory, company, job, session):
    first = factory.application(job, factory.candidate(company))
    second = score(
        session,
        factory.application(job, factory.candidate(company, email="second@example.com")),
        77,
        ai_summary="Good fit.",
    )
    r = client.post(BULK, json={"jobCandidateIds": [first.id, second.id]}, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    assert [jc["id"] for jc in body["data"]] == [first.id, second.id]
    for jc in body["data"]:
        assert set(jc) >= REFERENCE_FIELDS
        assert jc["jobId"] == job.id
    assert body["data"][1]["profileMatchScore"] == 77
    assert body["data"][1]["aiSummary"] == "Good fit."
    assert body["data"][1]["candidate_details"]["email"] == "second@example.com"


def test_bulk_fetch_accepts_string_ids_keeps_order_and_skips_unknown(
    client, auth, factory, company, job
):
    a, b, c = (factory.application(job, factory.candidate(company)) for _ in range(3))
    r = client.post(
        BULK,
        json={"jobCandidateIds": [str(c.id), a.id, "999999999", str(b.id), c.id]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert [jc["id"] for jc in r.json()["data"]] == [c.id, a.id, b.id]


def test_bulk_fetch_spans_jobs(client, auth, factory, company, job):
    other_job = factory.job(company)
    a = factory.application(job, factory.candidate(company))
    b = factory.application(other_job, factory.candidate(company))
    r = client.post(BULK, json={"jobCandidateIds": [b.id, a.id]}, headers=auth)
    assert [(jc["id"], jc["jobId"]) for jc in r.json()["data"]] == [
        (b.id, other_job.id),
        (a.id, job.id),
    ]


def test_bulk_fetch_accepts_100_ids(client, auth, factory, company, job):
    a = factory.application(job, factory.candidate(company))
    r = client.post(
        BULK, json={"jobCandidateIds": [a.id, *range(800_000_000, 800_000_099)]}, headers=auth
    )
    assert r.status_code == 200
    assert [jc["id"] for jc in r.json()["data"]] == [a.id]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"jobCandidateIds": list(range(1, 102))},
            "jobCandidateIds",
            '"jobCandidateIds" must contain less than or equal to 100 items',
        ),
        (
            {"jobCandidateIds": ["12345", "job-candidate-uuid-1"]},
            "jobCandidateIds[1]",
            '"jobCandidateIds[1]" must be a number',
        ),
        (
            {"jobCandidateIds": [None]},
            "jobCandidateIds[0]",
            '"jobCandidateIds[0]" must be a number',
        ),
        ({"jobCandidateIds": 12345}, "jobCandidateIds", '"jobCandidateIds" must be an array'),
        ({"candidateIds": [1]}, "jobCandidateIds", '"jobCandidateIds" is required'),
    ],
)
def test_bulk_fetch_validation(client, auth, body, field, message):
    r = client.post(BULK, json=body, headers=auth)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["type"], error["message"]) == (
        "INVALID_REQUEST",
        "validation_error",
        "One or more fields are invalid.",
    )
    assert error["details"][field] == message
