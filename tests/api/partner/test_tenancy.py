"""Tenancy: a company's key never reaches another company's jobs, candidates or applications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.models import OutboxEvent

P = "/v1/partner"


@dataclass
class Tenant:
    company: Any
    auth: dict[str, str]
    job: Job
    other_job: Job
    candidates: list[Candidate]
    applications: list[Application]
    # Strings only this tenant's data contains: none may show up in the other's responses.
    markers: list[str]


def make_tenant(factory, session, company, key: str, tag: str) -> Tenant:  # type: ignore[no-untyped-def]
    job = factory.job(company, title=f"{tag} Secret Platform Role", city=f"{tag}ville")
    other_job = factory.job(company, title=f"{tag} Hidden Data Role")
    candidates = [
        factory.candidate(
            company,
            first_name=f"{tag}first{i}",
            last_name=f"{tag}last{i}",
            email=f"{tag.lower()}.person{i}@{tag.lower()}-corp.example",
            phone=f"+63 917 000 00{i}{len(tag)}",
            city=f"{tag}ville",
            skills=[f"{tag}skill"],
        )
        for i in range(3)
    ]
    applications = [factory.application(job, c) for c in candidates]
    applications.append(factory.application(other_job, candidates[0]))
    applications[0].ai_score = 88
    applications[0].ai_summary = f"{tag} confidential summary"
    session.commit()
    markers = [job.title, other_job.title, job.public_id, f"{tag} confidential summary"]
    markers += [c.email for c in candidates] + [c.first_name for c in candidates]
    return Tenant(
        company=company,
        auth={"Authorization": f"Bearer {key}"},
        job=job,
        other_job=other_job,
        candidates=candidates,
        applications=applications,
        markers=markers,
    )


@pytest.fixture
def a(factory, session, company, key) -> Tenant:  # type: ignore[no-untyped-def]
    return make_tenant(factory, session, company, key, "Alpha")


@pytest.fixture
def b(factory, session) -> Tenant:  # type: ignore[no-untyped-def]
    company = factory.company("Bravo Corp")
    return make_tenant(factory, session, company, factory.api_key(company), "Bravo")


def counts(session) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Candidate, Application, Job, OutboxEvent)
    )


def assert_no_leak(r, other: Tenant) -> None:  # type: ignore[no-untyped-def]
    for marker in other.markers:
        assert marker not in r.text, f"{marker!r} leaked in {r.request.url}: {r.text[:300]}"


def assert_404(r, other: Tenant) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "NOT_FOUND"
    assert_no_leak(r, other)


def requests_with_ids_of(other: Tenant) -> list[tuple[str, str, Any]]:
    """Every Partner endpoint, aimed at ``other``'s ids."""
    job, cand = other.job, other.candidates[0]
    return [
        ("GET", f"/jobs/{job.id}", None),
        ("GET", f"/jobs/{job.public_id}", None),
        ("GET", "/jobs", None),
        ("GET", "/jobs?perPage=100", None),
        ("GET", f"/candidates/{cand.id}", None),
        ("GET", "/candidates/list", None),
        ("GET", f"/candidates/list?jobId={job.id}", None),
        ("GET", f"/candidates/list?email={cand.email}", None),
        ("GET", f"/candidates/list?search={cand.first_name}", None),
        ("GET", f"/candidates/list?search={cand.id}", None),
        ("GET", "/candidates/list?skills=Bravoskill", None),
        ("GET", "/candidates/list?city=Bravoville", None),
        ("GET", f"/job-candidates/job/{job.id}/candidates", None),
        ("GET", f"/job-candidates/job/{job.public_id}/candidates", None),
        ("POST", "/candidates/bulk-fetch", {"candidateIds": [c.id for c in other.candidates]}),
        (
            "POST",
            "/job-candidates/bulk-fetch",
            {"jobCandidateIds": [str(x.id) for x in other.applications]},
        ),
        (
            "POST",
            "/candidates",
            {"firstName": "X", "lastName": "Y", "email": "x@y.co", "jobId": job.id},
        ),
    ]


def test_every_endpoint_hides_the_other_companys_data(client, session, a, b):
    for method, path, body in requests_with_ids_of(b):
        r = client.request(method, P + path, json=body, headers=a.auth)
        assert r.status_code in (200, 404), (path, r.text)
        assert_no_leak(r, b)


def test_and_the_other_way_round(client, session, a, b):
    for method, path, body in requests_with_ids_of(a):
        r = client.request(method, P + path, json=body, headers=b.auth)
        assert r.status_code in (200, 404), (path, r.text)
        assert_no_leak(r, a)


def test_other_companys_job_is_404_by_id_and_public_id(client, a, b):
    for ref in (b.job.id, str(b.job.id), b.job.public_id):
        assert_404(client.get(f"{P}/jobs/{ref}", headers=a.auth), b)
    # A's own job still works with the same key.
    assert client.get(f"{P}/jobs/{a.job.id}", headers=a.auth).status_code == 200


def test_other_companys_candidate_is_404(client, a, b):
    for candidate in b.candidates:
        assert_404(client.get(f"{P}/candidates/{candidate.id}", headers=a.auth), b)


def test_other_companys_job_candidates_are_404(client, a, b):
    for ref in (b.job.id, b.job.public_id, b.other_job.id):
        assert_404(client.get(f"{P}/job-candidates/job/{ref}/candidates", headers=a.auth), b)


@pytest.mark.parametrize("as_", ["number", "string", "public_id"])
def test_add_candidate_to_other_companys_job_is_404_and_writes_nothing(client, session, a, b, as_):
    ref = {"number": b.job.id, "string": str(b.job.id), "public_id": b.job.public_id}[as_]
    before = counts(session)
    body = {"firstName": "Eve", "lastName": "Spy", "email": "eve@spy.example", "jobId": ref}
    assert_404(client.post(f"{P}/candidates", json=body, headers=a.auth), b)
    assert counts(session) == before
    # B's job gained no one.
    r = client.get(f"{P}/job-candidates/job/{b.job.id}/candidates", headers=b.auth)
    assert r.json()["data"]["pagination"]["total"] == 3
    assert "eve@spy.example" not in r.text


def test_other_companys_candidate_email_is_not_a_duplicate(client, session, a, b):
    theirs = b.candidates[0]
    r = client.post(
        f"{P}/candidates",
        json={"firstName": "Someone", "lastName": "Else", "email": theirs.email},
        headers=a.auth,
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["isExistingCandidate"] is False
    assert data["id"] != theirs.id
    assert (data["firstName"], data["lastName"]) == ("Someone", "Else")
    assert theirs.first_name not in r.text
    session.refresh(theirs)
    assert theirs.company_id == b.company.id
    assert theirs.first_name == "Bravofirst0"


def test_candidate_bulk_fetch_returns_only_own_candidates(client, a, b):
    b_ids = [c.id for c in b.candidates]
    r = client.post(f"{P}/candidates/bulk-fetch", json={"candidateIds": b_ids}, headers=a.auth)
    assert r.status_code == 200
    assert r.json() == {"status": "success", "data": []}
    mixed = [b_ids[0], a.candidates[0].id, str(b_ids[1]), str(a.candidates[1].id)]
    r = client.post(f"{P}/candidates/bulk-fetch", json={"candidateIds": mixed}, headers=a.auth)
    assert [c["id"] for c in r.json()["data"]] == [a.candidates[0].id, a.candidates[1].id]
    assert_no_leak(r, b)


def test_job_candidate_bulk_fetch_returns_only_own_applications(client, a, b):
    b_ids = [x.id for x in b.applications]
    r = client.post(
        f"{P}/job-candidates/bulk-fetch", json={"jobCandidateIds": b_ids}, headers=a.auth
    )
    assert r.status_code == 200
    assert r.json() == {"status": "success", "data": []}
    mixed = [a.applications[0].id, b_ids[0], str(a.applications[1].id)]
    r = client.post(
        f"{P}/job-candidates/bulk-fetch", json={"jobCandidateIds": mixed}, headers=a.auth
    )
    assert [x["id"] for x in r.json()["data"]] == [a.applications[0].id, a.applications[1].id]
    assert_no_leak(r, b)


def test_candidate_list_filtered_by_other_companys_job_is_empty(client, a, b):
    r = client.get(f"{P}/candidates/list?jobId={b.job.id}", headers=a.auth)
    assert r.status_code == 200
    assert r.json()["data"] == {
        "candidates": [],
        "pagination": {"page": 1, "limit": 10, "total": 0, "totalPages": 0},
    }


@pytest.mark.parametrize(
    "query",
    ["", "?search=bravo", "?search=Bravofirst0", "?email=bravo.person0@bravo-corp.example"],
)
def test_candidate_list_shows_only_own_candidates(client, a, b, query):
    r = client.get(f"{P}/candidates/list{query}", headers=a.auth)
    assert r.status_code == 200
    got = {c["id"] for c in r.json()["data"]["candidates"]}
    assert not got & {c.id for c in b.candidates}
    if not query:
        assert got == {c.id for c in a.candidates}
        assert r.json()["data"]["pagination"]["total"] == 3
    assert_no_leak(r, b)


def test_job_list_shows_only_own_jobs(client, a, b):
    r = client.get(f"{P}/jobs?perPage=100", headers=a.auth)
    assert r.status_code == 200
    body = r.json()
    assert body["totalJobs"] == 2
    assert {j["id"] for j in body["jobs"]} == {a.job.id, a.other_job.id}
    assert_no_leak(r, b)


def test_own_job_candidates_and_counts_ignore_the_other_company(client, a, b):
    r = client.get(f"{P}/job-candidates/job/{a.job.id}/candidates", headers=a.auth)
    assert {x["id"] for x in r.json()["data"]["jobCandidates"]} == {
        x.id for x in a.applications[:3]
    }
    assert_no_leak(r, b)
    r = client.get(f"{P}/jobs/{a.job.id}", headers=a.auth)
    stages = {s["type"]: s["totalCandidate"] for s in r.json()["pipelineStage"]}
    assert stages["APPLIED"] == 3
