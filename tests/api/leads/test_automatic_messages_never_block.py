"""Automatic messages never block what triggers them: a lead is created, completed or
shortlisted even when the campaign's email is only an image (it is sent, with a usable
text part) or when one of its messages cannot be built (recorded failed, with the
reason); the SMS and the email of one event carry the same PIN."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from hireloop.domain.messaging.models import Message
from tests.api.leads.leads_support import P, make_tenant, new_lead
from tests.factories import Factory

BANNER = '<p><img src="https://acme.com/banner.png" alt="Acme is hiring"></p>'


def _messages(session: Session, lead_id: int) -> list[Message]:
    session.expire_all()
    return list(
        session.scalars(
            select(Message).where(Message.application_id == lead_id).order_by(Message.id)
        )
    )


def test_an_image_only_invitation_and_completion_go_out(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    t.job.messaging_settings = {
        "invitation": {
            "enabled": True,
            "sms": "Hi @candidate_name, your PIN is @access_code",
            "email_subject": "Welcome",
            "email_html": BANNER,
        },
        "completion": {"enabled": True, "sms": "", "email_subject": "Thanks", "email_html": BANNER},
    }
    session.commit()
    lead = new_lead(client, t, email="ana@example.com", user_phone_number="9171112224")
    assert lead["pin_expires_at"] is not None  # invited: the PIN's clock runs
    sms, email = _messages(session, lead["id"])
    assert (sms.status, sms.body_text) == ("queued", f"Hi Maria, your PIN is {lead['pin']}")
    assert (email.status, email.subject, email.body_text) == ("queued", "Welcome", "Acme is hiring")
    assert "banner.png" in (email.body_html or "")

    r = client.put(
        f"{P}/campaign_invitations/{lead['id']}/complete",
        params={"api_key": t.key, "api_secret": t.secret},
    )
    assert r.status_code == 200, r.text
    completion = _messages(session, lead["id"])[-1]
    assert (completion.kind, completion.status, completion.body_text) == (
        "completion",
        "queued",
        "Acme is hiring",
    )
    assert session.get(Application, lead["id"]).folder == "completed"  # type: ignore[union-attr]


def test_a_message_that_cannot_be_built_does_not_stop_the_lead(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    # The SMS is only the referee; this lead has none, so it is empty once rendered.
    t.job.messaging_settings = {
        "invitation": {
            "enabled": True,
            "sms": "@referee",
            "email_subject": "Your PIN: @access_code",
            "email_html": "<p>Hello @candidate_name, PIN @access_code</p>",
        }
    }
    session.commit()
    lead = new_lead(client, t, email="ana@example.com", user_phone_number="9171112225")
    sms, email = _messages(session, lead["id"])
    assert sms.status == "failed" and sms.error == "The message is empty. It was not sent."
    assert email.status == "queued"
    assert email.subject == f"Your PIN: {lead['pin']}"
    assert email.body_text == f"Hello Maria, PIN {lead['pin']}"
