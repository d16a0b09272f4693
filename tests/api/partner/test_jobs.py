"""Partner API jobs: the seed's requests and shapes."""

from __future__ import annotations

from sqlalchemy import func, select

from hireloop.domain.jobs.models import Job

SEED_JOB = {
    "title": "Senior Software Engineer",
    "description": "Build things.",
    "city": "San Francisco",
    "state": "California",
    "country": "United States",
}


def test_create_job_returns_the_job_as_draft(client, auth):
    r = client.post("/v1/partner/jobs", json=SEED_JOB, headers=auth)
    assert r.status_code == 200, r.text
    job = r.json()
    assert isinstance(job["id"], int)
    assert job["title"] == "Senior Software Engineer"
    assert job["description"] == "Build things."
    assert job["status"] == "DRAFT"
    assert (job["city"], job["state"], job["country"]) == (
        "San Francisco",
        "California",
        "United States",
    )
    assert job["workMode"] == "ONSITE"


def test_get_job_returns_the_same_job(client, auth):
    created = client.post("/v1/partner/jobs", json=SEED_JOB, headers=auth).json()
    r = client.get(f"/v1/partner/jobs/{created['id']}", headers=auth)
    assert r.status_code == 200
    assert r.json()["id"] == created["id"]
    assert r.json()["city"] == "San Francisco"
    # The UUID public id works too (older Taptalent docs use string ids).
    r = client.get(f"/v1/partner/jobs/{created['publicId']}", headers=auth)
    assert r.json()["id"] == created["id"]


def test_title_shorter_than_three_characters_is_the_seed_error(client, auth, session):
    before = session.scalar(select(func.count()).select_from(Job))
    r = client.post("/v1/partner/jobs", json={**SEED_JOB, "title": "QA"}, headers=auth)
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "INVALID_REQUEST",
            "type": "validation_error",
            "message": "One or more fields are invalid.",
            "details": {"title": '"title" length must be at least 3 characters long'},
        }
    }
    assert session.scalar(select(func.count()).select_from(Job)) == before


def test_create_job_validates_every_field(client, auth):
    body = {
        "title": 123,
        "state": "x" * 201,
        "country": "US",
        "status": "OPEN",
        "workMode": "OFFICE",
        "screeningQuestion": [{"type": "text", "question": "q"}] * 6,
        "salaryRangeFrom": -1,
        "yearOfExperience": 51,
    }
    r = client.post("/v1/partner/jobs", json=body, headers=auth)
    assert r.status_code == 400
    details = r.json()["error"]["details"]
    assert details["title"] == '"title" must be a string'
    assert details["city"] == '"city" is required'
    assert details["state"] == '"state" length must be less than or equal to 200 characters long'
    assert details["status"] == '"status" must be one of [DRAFT, ACTIVE]'
    assert details["workMode"] == '"workMode" must be one of [ONSITE, REMOTE, HYBRID]'
    assert details["screeningQuestion"] == (
        '"screeningQuestion" must contain less than or equal to 5 items'
    )
    assert details["salaryRangeFrom"] == '"salaryRangeFrom" must be greater than or equal to 0'
    assert details["yearOfExperience"] == '"yearOfExperience" must be less than or equal to 50'


def test_salary_fields_go_together(client, auth):
    r = client.post("/v1/partner/jobs", json={**SEED_JOB, "salaryRangeFrom": 1000}, headers=auth)
    assert r.status_code == 400
    assert "salaryRangeTo" in r.json()["error"]["details"].get("salaryRangeTo", "") or any(
        "salaryRangeTo" in m for m in r.json()["error"]["details"].values()
    )
    r = client.post(
        "/v1/partner/jobs",
        json={**SEED_JOB, "salaryRangeFrom": 1000, "salaryRangeTo": 2000, "salaryCurrency": "PHP"},
        headers=auth,
    )
    assert r.status_code == 200
    assert (r.json()["salaryRangeFrom"], r.json()["salaryRangeTo"]) == (1000, 2000)


def test_description_is_generated_when_omitted(client, auth):
    body = {k: v for k, v in SEED_JOB.items() if k != "description"}
    r = client.post("/v1/partner/jobs", json=body, headers=auth)
    assert r.status_code == 200
    assert "Senior Software Engineer" in r.json()["description"]


def test_list_jobs_paginates(client, auth, factory, company):
    for i in range(12):
        factory.job(company, title=f"Role number {i}")
    r = client.get("/v1/partner/jobs", headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["totalJobs"] == 12
    assert len(body["jobs"]) == 10
    assert body["jobs"][0]["title"] == "Role number 11"  # newest first
    r = client.get("/v1/partner/jobs?pageNumber=2&perPage=10", headers=auth)
    assert len(r.json()["jobs"]) == 2
    r = client.get("/v1/partner/jobs?perPage=15", headers=auth)
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {
        "perPage": '"perPage" must be one of [10, 20, 40, 80, 100]'
    }


def test_job_pipeline_counts_applications_by_stage(client, auth, factory, company):
    job = factory.job(company)
    for _ in range(3):
        factory.application(job, factory.candidate(company))
    r = client.get(f"/v1/partner/jobs/{job.id}", headers=auth)
    stages = {s["type"]: s["totalCandidate"] for s in r.json()["pipelineStage"]}
    assert stages["APPLIED"] == 3
    assert r.json()["rejectedCandidateCount"] == 0


def test_unknown_job_is_404(client, auth):
    for ref in ("999999", "not-a-number", "550e8400-e29b-41d4-a716-446655440000"):
        r = client.get(f"/v1/partner/jobs/{ref}", headers=auth)
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "NOT_FOUND"


def test_conditional_errors_name_the_field_they_are_about(client, auth):
    r = client.post("/v1/partner/jobs", json={**SEED_JOB, "salaryRangeFrom": 1000}, headers=auth)
    assert r.json()["error"]["details"] == {
        "salaryRangeTo": '"salaryRangeTo" is required when any salary field is given'
    }
    r = client.post(
        "/v1/partner/jobs",
        json={**SEED_JOB, "salaryRangeFrom": 2000, "salaryRangeTo": 1000, "salaryCurrency": "EUR"},
        headers=auth,
    )
    assert list(r.json()["error"]["details"]) == ["salaryRangeTo"]
    r = client.post("/v1/partner/jobs", json={**SEED_JOB, "potentialAmount": 5}, headers=auth)
    assert r.json()["error"]["details"] == {
        "potentialAmountCurrency": '"potentialAmountCurrency" is required'
    }


def test_statuses_are_taptalent_names_and_filterable(client, auth, factory, company):
    factory.job(company, title="Open role", status="open")
    factory.job(company, title="Draft role", status="draft")
    factory.job(company, title="Closed role", status="closed")
    jobs = client.get("/v1/partner/jobs", headers=auth).json()["jobs"]
    assert {j["title"]: j["status"] for j in jobs} == {
        "Open role": "ACTIVE",
        "Draft role": "DRAFT",
        "Closed role": "CLOSED",
    }
    active = client.get("/v1/partner/jobs?status=ACTIVE", headers=auth).json()
    assert [j["title"] for j in active["jobs"]] == ["Open role"] and active["totalJobs"] == 1
    both = client.get("/v1/partner/jobs?status=draft,closed", headers=auth).json()
    assert both["totalJobs"] == 2
    r = client.get("/v1/partner/jobs?status=OPENED", headers=auth)
    assert r.status_code == 400
    assert "status" in r.json()["error"]["details"]


def test_auto_reject_threshold(client, auth):
    r = client.post("/v1/partner/jobs", json={**SEED_JOB, "autoRejectThreshold": 40}, headers=auth)
    assert r.status_code == 200 and r.json()["autoRejectThreshold"] == 40
    r = client.post("/v1/partner/jobs", json={**SEED_JOB, "autoRejectThreshold": 101}, headers=auth)
    assert r.json()["error"]["details"] == {
        "autoRejectThreshold": '"autoRejectThreshold" must be less than or equal to 100'
    }
