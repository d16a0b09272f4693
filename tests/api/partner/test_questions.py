"""Interview questions on the Partner API: from a job, from a role, and by the LLM."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from hireloop.app import create_app
from hireloop.config import Settings
from tests.fakes.llm import FakeLLM, Reply

JOB = {
    "title": "Backend Engineer",
    "description": "- Build REST APIs in Python\n- Own our PostgreSQL schema",
    "city": "Manila",
    "state": "Metro Manila",
    "country": "Philippines",
    "criterionDetails": {"mustHave": ["Python", "PostgreSQL"]},
}


def test_questions_for_a_job_use_its_skills(client, auth):
    job = client.post("/v1/partner/jobs", json=JOB, headers=auth).json()
    r = client.post(f"/v1/partner/jobs/{job['id']}/questions", json={"count": 4}, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "local"
    assert len(body["questions"]) == 4
    assert all(q["type"] == "text" and q["question"].endswith("?") for q in body["questions"])
    texts = " ".join(q["question"] for q in body["questions"]).lower()
    assert "python" in texts or "postgresql" in texts
    assert len({q["question"] for q in body["questions"]}) == 4


def test_questions_without_a_body_default_to_five(client, auth):
    job = client.post("/v1/partner/jobs", json=JOB, headers=auth).json()
    r = client.post(f"/v1/partner/jobs/{job['id']}/questions", headers=auth)
    assert r.status_code == 200, r.text
    assert len(r.json()["questions"]) == 5


def test_questions_for_a_role_and_purpose(client, auth):
    r = client.post(
        "/v1/partner/questions",
        json={"role": "Warehouse supervisor", "purpose": "first phone screen", "count": 3},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["questions"]) == 3


def test_bad_input_gets_the_partner_error(client, auth):
    r = client.post("/v1/partner/questions", json={"purpose": "x"}, headers=auth)
    assert r.status_code == 400
    assert "role" in r.text
    r = client.post("/v1/partner/questions", json={"role": "Cook", "count": 0}, headers=auth)
    assert r.status_code == 400
    r = client.post("/v1/partner/jobs/999999/questions", headers=auth)
    assert r.status_code == 404
    r = client.post("/v1/partner/questions", json={"role": "Cook"})
    assert r.status_code == 401


def test_another_companys_job_is_not_found(client, auth, factory):
    other = factory.company("Other")
    job = factory.job(other)
    r = client.post(f"/v1/partner/jobs/{job.id}/questions", headers=auth)
    assert r.status_code == 404


def test_questions_come_from_the_llm_when_configured(
    database_url, session_factory, auth, llm_server: FakeLLM
):
    llm_server.script(
        Reply(
            content=json.dumps(
                {
                    "questions": [
                        "Tell us about an API you designed in Python.",
                        "How do you index a PostgreSQL table for search?",
                    ]
                }
            )
        )
    )
    settings = Settings(database_url=database_url, llm_base_url=llm_server.url, llm_api_key="k")
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app) as client:
        job = client.post("/v1/partner/jobs", json=JOB, headers=auth).json()
        r = client.post(f"/v1/partner/jobs/{job['id']}/questions", json={"count": 2}, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "llm"
    assert [q["question"] for q in body["questions"]] == [
        "Tell us about an API you designed in Python.",
        "How do you index a PostgreSQL table for search?",
    ]
    sent = llm_server.requests[0]["json"]
    assert "Backend Engineer" in json.dumps(sent)
