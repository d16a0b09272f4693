"""The hosted career pages publish job offers only: a Talkpush campaign of another type
(exit interview, onboarding, inquiry...) is internal, however open."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from tests.factories import Factory
from tests.web.conftest import csrf_from


def test_campaigns_that_are_not_job_offers_are_not_published(
    client: TestClient, factory: Factory, session: Session, company: Company, job: Job
) -> None:
    campaign = factory.job(company, title="Exit interview - departing staff")
    campaign.campaign_type = "exit_interview"
    session.commit()
    assert campaign.status == "open" and campaign.published_at is not None

    listing = client.get(f"/careers/{company.slug}")
    assert listing.status_code == 200
    assert "Full Stack Developer" in listing.text
    assert "Exit interview" not in listing.text
    assert "1 open position" in listing.text

    page = f"/careers/{company.slug}/jobs/{campaign.public_id}"
    r = client.get(page)
    assert r.status_code == 404 and "Exit interview" not in r.text
    # Nor can its form be posted to (a token from a real job's page).
    token = csrf_from(client.get(f"/careers/{company.slug}/jobs/{job.public_id}").text)
    r = client.post(
        page + "/apply",
        data={"csrf_token": token, "first_name": "Jean", "last_name": "Dupont",
              "email": "jean.dupont@example.com"},
        files={"cv": ("cv.pdf", b"%PDF-1.4", "application/pdf")},
    )  # fmt: skip
    assert r.status_code == 404
