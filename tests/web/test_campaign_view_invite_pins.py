"""A recruiter inviting leads from the campaign view starts their PINs' lifetime: a lead
added while the invitation was off has no expiry (it never expires into No Response) until
it is invited, and then expires like any invited lead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.pins import expire_pins, issue_pin
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from tests.factories import Factory
from tests.web.test_campaign_view import PASSWORD, bulk, sign_in


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(
        app, raise_server_exceptions=False, follow_redirects=False, client=("203.0.113.5", 5000)
    ) as c:
        yield c


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session, company.id, email="olga@acme.test", name="Olga", password=PASSWORD, role="owner"
    )
    session.commit()
    return user


def test_inviting_a_lead_starts_its_pin_lifetime(
    client: TestClient, session: Session, factory: Factory, owner: User, company: Company, job: Job
) -> None:
    candidate = factory.candidate(company, email="maria@mail.test", phone="+639171234567")
    lead = factory.application(job, candidate)
    issue_pin(lead, 72, expires=False)  # added while the invitation was off
    session.commit()
    assert expire_pins(session, now=utcnow() + timedelta(days=30)) == 0
    job.messaging_settings = {
        "invitation": {"enabled": True, "sms": "Hi @candidate_name, your PIN is @access_code"}
    }
    session.commit()
    sign_in(client, owner.email)
    r = bulk(client, f"/app/campaigns/{job.id}/bulk", {"action": "invite", "ids": [str(lead.id)]})
    assert "The invitation was queued" in client.get(r.headers["location"]).text
    session.expire_all()
    invited = session.get(Application, lead.id)
    assert invited is not None and invited.pin_expires_at is not None
    assert abs(invited.pin_expires_at - (utcnow() + timedelta(hours=72))) < timedelta(minutes=5)
    assert expire_pins(session, now=utcnow() + timedelta(hours=73)) == 1
    assert invited.folder == "no_response"
