"""The campaign view's bulk actions under the leads rules: inviting leads starts their PINs'
lifetime (a lead added while the invitation was off has no expiry, so it never expires
into No Response, until it is invited); a move into Completed records the completion, and
a move into Shortlisted / Rejected sends its message when the recruiter asks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.pins import expire_pins, issue_pin
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.models import Message
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


def test_a_bulk_move_follows_the_status_rules_of_the_leads_api(
    client: TestClient, session: Session, factory: Factory, owner: User, company: Company, job: Job
) -> None:
    # Into Completed: the completion is recorded and its message goes out once; into
    # Shortlisted: the message only when the recruiter ticks "send".
    job.messaging_settings = {
        "completion": {"enabled": True, "email_subject": "Thanks", "email_html": "<p>Thanks</p>"},
        "shortlisted": {"enabled": True, "email_subject": "Good news", "email_html": "<p>Yes</p>"},
    }
    ana = factory.application(job, factory.candidate(company, email="ana@mail.test"))
    ben = factory.application(job, factory.candidate(company, email="ben@mail.test"))
    session.commit()
    sign_in(client, owner.email)
    path = f"/app/campaigns/{job.id}/bulk"
    assert (
        "Send the shortlisted or rejection message" in client.get(f"/app/campaigns/{job.id}").text
    )
    bulk(client, path, {"action": "move", "folder": "completed", "ids": [str(ana.id)]})
    bulk(client, path, {"action": "move", "folder": "on_hold", "ids": [str(ana.id)]})
    bulk(client, path, {"action": "move", "folder": "completed", "ids": [str(ana.id)]})
    bulk(client, path, {"action": "move", "folder": "shortlisted", "ids": [str(ana.id)]})
    bulk(
        client,
        path,
        {"action": "move", "folder": "shortlisted", "notify": "1", "ids": [str(ben.id)]},
    )
    session.expire_all()
    assert session.get(Application, ana.id).completed_at is not None  # type: ignore[union-attr]
    sent = session.scalars(select(Message.kind).order_by(Message.id)).all()
    assert sent == ["completion", "shortlisted"]
    assert (
        session.scalar(select(Message.to_address).where(Message.kind == "shortlisted"))
        == "ben@mail.test"
    )
