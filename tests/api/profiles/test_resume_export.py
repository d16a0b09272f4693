"""GET /v1/partner/candidates/{id}/resume.json: a candidate as JSON Resume."""

from __future__ import annotations

import pytest

from tests.factories import Factory

P = "/v1/partner/candidates"
NOT_FOUND = {
    "error": {
        "code": "NOT_FOUND",
        "type": "not_found_error",
        "message": "Candidate not found.",
        "details": {},
    }
}


@pytest.fixture
def partner_auth(factory: Factory, company) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {factory.api_key(company)}"}


@pytest.fixture
def candidate(factory: Factory, company):  # type: ignore[no-untyped-def]
    return factory.candidate(
        company,
        first_name="Maria",
        last_name="Santos",
        email="maria@example.com",
        phone="+63 917 123 4567",
        city="Manila",
        state="Metro Manila",
        country="Philippines",
        current_job_title="Team Lead",
        summary="Ten years in customer care.",
        links={"linkedin": "https://linkedin.com/in/maria", "portfolio": "https://maria.dev"},
        employment=[
            {
                "employer": "Acme BPO",
                "title": "Team Lead",
                "location": "Manila",
                "start": "2019-03",
                "current": True,
                "description": "Led a team of 12.",
            },
            {"employer": "Globe", "title": "Agent", "start": "2015", "end": "2019-02"},
        ],
        education=[{"school": "UP Diliman", "degree": "BA", "major": "English", "end": "2015"}],
        skills=["Customer service", "English"],
        languages=["English", "Tagalog"],
    )


def test_json_resume_export(client, partner_auth, candidate):
    r = client.get(f"{P}/{candidate.id}/resume.json", headers=partner_auth)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert data["$schema"].endswith("/resume-schema/v1.0.0/schema.json")
    assert data["basics"] == {
        "name": "Maria Santos",
        "label": "Team Lead",
        "email": "maria@example.com",
        "phone": "+639171234567",
        "url": "https://maria.dev",
        "summary": "Ten years in customer care.",
        "location": {"city": "Manila", "region": "Metro Manila", "countryCode": "PH"},
        "profiles": [{"network": "LinkedIn", "url": "https://linkedin.com/in/maria"}],
    }
    assert data["work"] == [
        {
            "name": "Acme BPO",
            "position": "Team Lead",
            "location": "Manila",
            "startDate": "2019-03",
            "summary": "Led a team of 12.",
        },
        {"name": "Globe", "position": "Agent", "startDate": "2015", "endDate": "2019-02"},
    ]
    assert data["education"] == [
        {"institution": "UP Diliman", "area": "English", "studyType": "BA", "endDate": "2015"}
    ]
    assert data["skills"] == [{"name": "Customer service"}, {"name": "English"}]
    assert data["languages"] == [{"language": "English"}, {"language": "Tagalog"}]
    assert data["meta"]["version"] == "v1.0.0"


def test_the_guid_works_too(client, partner_auth, candidate):
    by_id = client.get(f"{P}/{candidate.id}/resume.json", headers=partner_auth).json()
    by_guid = client.get(f"{P}/{candidate.public_id}/resume.json", headers=partner_auth)
    assert by_guid.status_code == 200
    assert by_guid.json() == by_id


def test_another_companys_candidate_is_404(client, factory, partner_auth, candidate):
    other = factory.company("Globex")
    theirs = factory.candidate(other, first_name="Secret", last_name="Person")
    for ident in (theirs.id, theirs.public_id):
        r = client.get(f"{P}/{ident}/resume.json", headers=partner_auth)
        assert r.status_code == 404
        assert r.json() == NOT_FOUND
        assert "Secret" not in r.text
    other_auth = {"Authorization": f"Bearer {factory.api_key(other)}"}
    r = client.get(f"{P}/{candidate.id}/resume.json", headers=other_auth)
    assert r.json() == NOT_FOUND


@pytest.mark.parametrize(
    "ident", ["999999999", "abc", "0", "1" * 30, "00000000-0000-4000-8000-000000000000"]
)
def test_unknown_ids_are_404(client, partner_auth, ident):
    r = client.get(f"{P}/{ident}/resume.json", headers=partner_auth)
    assert r.status_code == 404
    assert r.json() == NOT_FOUND


def test_the_partner_key_is_required(client, factory, company, candidate):
    r = client.get(f"{P}/{candidate.id}/resume.json")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "UNAUTHORIZED"
    career = factory.api_key(company, scope="career")
    r = client.get(f"{P}/{candidate.id}/resume.json", headers={"Authorization": f"Bearer {career}"})
    assert r.status_code == 401


def test_a_bare_candidate_exports_without_nulls(client, partner_auth, factory, company):
    bare = factory.candidate(company, first_name="Solo", last_name="", email=None)
    data = client.get(f"{P}/{bare.id}/resume.json", headers=partner_auth).json()
    assert data["basics"] == {"name": "Solo"}
    assert data["work"] == [] and data["education"] == []
    assert data["skills"] == [] and data["languages"] == []
