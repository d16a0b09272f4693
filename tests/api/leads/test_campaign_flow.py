"""Issue 5 end to end through the Talkpush face: a recruiter's integration creates a
campaign with its messages, a career site posts a lead the way the seed documents it, the
invitation SMS (with the PIN) and the shortlisted email go out through the fake Twilio and
a real SMTP server, a second post is a duplicate, and search finds the lead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.domain.messaging.delivery import deliver
from hireloop.domain.messaging.models import Message
from tests.factories import Factory
from tests.fakes.twilio import FakeTwilio, fake_twilio
from tests.smtp_server import SmtpSink, smtp_sink

P = "/api/talkpush_services"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio(callback_statuses=()) as fake:
        yield fake


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def flow_settings(settings: Settings, twilio: FakeTwilio, smtp: SmtpSink) -> Settings:
    return settings.model_copy(
        update={
            "sms_account_sid": twilio.account_sid,
            "sms_auth_token": twilio.auth_token,
            "sms_from_number": "+15005550006",
            "sms_base_url": twilio.url,
            "smtp_url": f"smtp://127.0.0.1:{smtp.port}",
            "base_url": "https://jobs.example.com",
        }
    )


@pytest.fixture
def api(flow_settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(flow_settings, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _deliver_queued(session: Session, settings: Settings) -> list[Message]:
    """What the worker does for each ``message.queued`` event."""
    queued = session.scalars(select(Message).where(Message.status == "queued")).all()
    for message in queued:
        deliver(session, message, settings)
    session.commit()
    return list(queued)


def test_campaign_lead_invitation_shortlist_and_search(
    api: TestClient,
    factory: Factory,
    session: Session,
    flow_settings: Settings,
    twilio: FakeTwilio,
    smtp: SmtpSink,
) -> None:
    company = factory.company("Acme BPO", default_country="PH")
    key = factory.api_key(company, scope="leads")

    r = api.post(
        P + "/campaigns",
        params={"api_key": key},
        json={
            "campaign": {
                "campaign_title": "Chat Support Manila",
                "job_title": "Chat Support Agent",
                "street": "1 Ayala Ave",
                "city": "Makati",
                "region": "Metro Manila",
                "country": "PH",
                "short_description": "Night shift chat support, full time",
            },
            "settings": {
                "messages": {
                    "invitation": {
                        "enabled": True,
                        "sms": "Hi @candidate_name! Your @company interview PIN is @access_code.",
                    },
                    "shortlisted": {
                        "enabled": True,
                        "email_subject": "Good news from @company",
                        "email_html": "<p>Dear <%= @candidate_name %>, you are shortlisted.</p>",
                    },
                }
            },
        },
    )
    assert r.status_code == 200, r.text
    campaign_id = r.json()["campaign"]["id"]

    # The seed's request: form-encoded nested keys, api_key and api_secret-less v2 style.
    form = {
        "api_key": key,
        "campaign_invitation[first_name]": "Maria",
        "campaign_invitation[last_name]": "Santos",
        "campaign_invitation[email]": "maria.santos@example.com",
        "campaign_invitation[user_phone_number]": "9171234567",
        "campaign_invitation[ source]": "careers-microsite",
        "campaign_invitation[others][referee_first_name]": "Jose",
        "campaign_invitation[others][bpo_experience]": "2 years",
    }
    r = api.post(f"{P}/campaigns/{campaign_id}/campaign_invitations", data=form)
    assert r.status_code == 200, r.text
    lead = r.json()["campaign_invitation"]
    pin = lead["pin"]
    assert len(pin) == 6 and lead["folder"] in ("inbox", "Inbox")
    assert lead["others"]["bpo_experience"] == "2 years"

    # The invitation, on both channels (the campaign keeps its standard email text).
    delivered = _deliver_queued(session, flow_settings)
    assert sorted(m.channel for m in delivered) == ["email", "sms"]
    assert all(m.status == "sent" and m.kind == "invitation" for m in delivered)
    [sms] = twilio.messages
    assert sms.to == "+639171234567"
    assert sms.body == f"Hi Maria! Your Acme BPO interview PIN is {pin}."

    # The same post again: the duplicate answer, the Duplicate label, no second invitation.
    r = api.post(f"{P}/campaigns/{campaign_id}/campaign_invitations", data=form)
    assert r.status_code == 200
    assert r.json()["message"] == "Duplicate Candidate already exists"
    assert r.json()["campaign_invitation"]["id"] == lead["id"]
    assert _deliver_queued(session, flow_settings) == []

    # The recruiter shortlists and chooses to notify: the campaign's email goes out.
    r = api.put(
        f"{P}/campaign_invitations/{lead['id']}/shortlist",
        params={"api_key": key},
        json={"notify": True, "reason": "Great chat test"},
    )
    assert r.status_code == 200, r.text
    delivered = _deliver_queued(session, flow_settings)
    assert sorted(m.channel for m in delivered) == ["email", "sms"]
    assert {m.kind for m in delivered} == {"shortlisted"}
    assert len(twilio.messages) == 2
    invitation, mail = smtp.received
    assert pin in invitation.message.get_body(("html", "plain")).get_content()
    assert mail.rcpt_tos == ["maria.santos@example.com"]
    assert mail.message["Subject"] == "Good news from Acme BPO"
    assert "Acme BPO" in mail.message["From"]
    html = mail.message.get_body(("html",)).get_content()
    assert "Dear Maria, you are shortlisted." in html

    r = api.get(
        f"{P}/campaign_invitations",
        params={
            "api_key": key,
            "filter[query]": "santos",
            "filter[status_selected]": "shortlisted",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 1 and body["current_page"] == 1
    [found] = body["candidates"]
    assert found["id"] == lead["id"] and found["campaign_id"] == campaign_id
    assert "Duplicate" in found["labels"]
