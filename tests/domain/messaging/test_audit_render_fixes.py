"""Fixes from the messaging audit: tokens after CJK text, URLs ending at a non-breaking
space, image-only email templates, automatic messages that cannot be built, one PIN for
SMS and email, billed SMS usage, CSV leads' PIN clock, subjects cut to their column and a
scheduled rejection canceled once the candidate left Rejected."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import move_application
from hireloop.domain.intake.service import import_csv
from hireloop.domain.messaging import automatic, tokens
from hireloop.domain.messaging.delivery import deliver
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.sanitize import clean_template_html
from hireloop.domain.messaging.service import (
    queue_email,
    queue_message,
    record_provider_status,
)
from hireloop.domain.messaging.sms import sms_usage
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.errors import Invalid
from hireloop.worker.handlers import deliver_queued_message, queue_imported_invitations
from tests.factories import Factory

VALUES = {"candidate_name": "Ana María", "company": "Acme", "access_code": "123456"}
BANNER = '<p><img src="https://acme.com/banner.png" alt="Acme is hiring"></p>'


def _messages(session: Session, application: Application) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.application_id == application.id).order_by(Message.id)
        )
    )


# --- Tokens ------------------------------------------------------------------------------


def test_tokens_right_after_cjk_text_render_and_email_addresses_stay() -> None:
    text = "您好@candidate_name，欢迎加入@company！验证码@access_code"
    assert tokens.render(text, VALUES) == "您好Ana María，欢迎加入Acme！验证码123456"
    assert tokens.find_tokens(text) == ["candidate_name", "company", "access_code"]
    # The save check sees the same tokens as the renderer: a misspelled one is refused.
    assert tokens.unknown_tokens("您好@candidat_name") == ["candidat_name"]
    assert tokens.unknown_tokens(text) == []
    # Email addresses (local part of letters, digits and . _ % + -) are not tokens.
    for address in ("ana@company.com", "a.b@company", "x_y@company", "a+b@company", "a-b@company"):
        assert tokens.render(f"Write to {address}", VALUES) == f"Write to {address}"
        assert tokens.unknown_tokens(address) == []
    assert tokens.render("mailto:hr@company.com", VALUES) == "mailto:hr@company.com"


def test_a_cjk_sms_gets_the_name_and_a_pin(session: Session, factory: Factory) -> None:
    company = factory.company("Acme")
    job = factory.job(company, title="CS")
    candidate = factory.candidate(company, first_name="Ana", phone="+639171234567")
    application = factory.application(job, candidate)
    message = queue_message(
        session,
        application=application,
        channel="sms",
        kind="manual",
        text="您好@candidate_name，验证码@access_code",
    )
    assert application.pin
    assert message.body_text == f"您好Ana，验证码{application.pin}"


@pytest.mark.parametrize(
    "space", ["\u00a0", "&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&NBSP;".lower()]
)
def test_a_name_after_a_url_and_a_non_breaking_space_is_not_encoded(space: str) -> None:
    html = f"<p>Apply on https://acme.com/jobs{space}@candidate_name, see you!</p>"
    rendered = tokens.render(clean_template_html(html), VALUES, html=True)
    assert "Ana María, see you!" in rendered
    assert "Ana%20Mar" not in rendered
    # Inside the URL a value is still encoded.
    url = clean_template_html("<p>https://acme.com/?n=@candidate_name&amp;x=1</p>")
    assert "?n=Ana%20Mar%C3%ADa&amp;x=1" in tokens.render(url, VALUES, html=True)


# --- Image-only emails and messages that cannot be built -----------------------------------


def test_an_image_only_email_is_sent_with_a_usable_text_part(
    session: Session, factory: Factory
) -> None:
    company = factory.company("Acme")
    job = factory.job(company, title="CS")
    candidate = factory.candidate(company, first_name="Ana", email="ana@example.com")
    application = factory.application(job, candidate)
    message = queue_message(
        session,
        application=application,
        channel="email",
        kind="template",
        html=BANNER,
        subject="We are hiring",
    )
    assert message.status == "queued"
    assert '<img src="https://acme.com/banner.png"' in (message.body_html or "")
    assert message.body_text == "Acme is hiring"
    # No alt text: the subject is the text part.
    bare = queue_message(
        session,
        application=application,
        channel="email",
        kind="template",
        html='<img src="https://acme.com/banner.png">',
        subject="We are hiring",
    )
    assert bare.status == "queued" and bare.body_text == "We are hiring"
    # Nothing at all is still empty.
    with pytest.raises(Invalid, match="The message is empty."):
        queue_message(
            session, application=application, channel="email", kind="template", html="<p> </p>"
        )


def test_a_message_that_cannot_be_built_is_recorded_failed_and_the_other_goes(
    session: Session, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    company = factory.company("Acme")
    job = factory.job(company, title="CS")
    # The SMS is only the referee, whom this candidate does not have: empty once rendered.
    job.messaging_settings = {
        "completion": {
            "enabled": True,
            "sms": "@referee",
            "email_subject": "Thanks",
            "email_html": "<p>Thank you @candidate_name</p>",
        }
    }
    candidate = factory.candidate(
        company, first_name="Ana", phone="+639171234567", email="ana@example.com"
    )
    application = factory.application(job, candidate)
    with caplog.at_level(logging.WARNING, logger="hireloop.domain.messaging.automatic"):
        automatic.on_interview_completed(session, application)
    sms, email = _messages(session, application)
    assert (sms.channel, sms.status) == ("sms", "failed")
    assert sms.error == "The message is empty. It was not sent."
    assert sms.to_address == "+639171234567"
    assert (email.channel, email.status, email.body_text) == ("email", "queued", "Thank you Ana")
    assert "could not be prepared" in caplog.text
    queued = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "message.queued")
    ).all()
    assert [event.payload["messageId"] for event in queued] == [email.id]


def test_the_sms_and_the_email_of_one_event_carry_the_same_pin(
    session: Session, factory: Factory
) -> None:
    company = factory.company("Acme")
    job = factory.job(company, title="CS")
    job.messaging_settings = {
        "completion": {
            "enabled": True,
            "sms": "Code @access_code",
            "email_subject": "Code @access_code",
            "email_html": "<p>Your code: @access_code</p>",
        }
    }
    candidate = factory.candidate(
        company, first_name="Ana", phone="+639171234567", email="ana@example.com"
    )
    application = factory.application(job, candidate)
    assert application.pin is None  # as career-site and partner applications
    automatic.on_interview_completed(session, application)
    pin = application.pin
    assert pin
    sms, email = _messages(session, application)
    assert sms.body_text == f"Code {pin}"
    assert email.subject == f"Code {pin}"
    assert email.body_html == f"<p>Your code: {pin}</p>"
    # Email only: the PIN is issued too.
    other = factory.application(
        job, factory.candidate(company, first_name="Bo", email="bo@example.com")
    )
    automatic.on_interview_completed(session, other)
    (only,) = _messages(session, other)
    assert other.pin and only.subject == f"Code {other.pin}"


# --- SMS usage --------------------------------------------------------------------------


def test_sms_usage_counts_only_what_is_billed(session: Session, factory: Factory) -> None:
    company = factory.company("Acme")
    job = factory.job(company, title="CS")
    candidate = factory.candidate(company, first_name="Ana", phone="+639171234567")
    application = factory.application(job, candidate)
    for i, reported in enumerate(["delivered", "undelivered", "failed", "canceled", "sent"]):
        message = queue_message(
            session, application=application, channel="sms", kind="manual", text="x" * 200
        )
        message.provider_message_id = f"SM{i}"
        message.status = "sent"
        message.provider_status = "queued"
        record_provider_status(session, f"SM{i}", reported, error_code="30008")
    # Handed to the provider, no report yet: billed.
    waiting = queue_message(
        session, application=application, channel="sms", kind="manual", text="y" * 200
    )
    waiting.provider_message_id = "SM9"
    waiting.status = "sent"
    session.flush()
    now = utcnow()
    (usage,) = sms_usage(
        session, company.id, start=now - timedelta(hours=1), end=now + timedelta(hours=1)
    )
    # delivered, undelivered, sent and the one without a report; 2 segments each.
    assert (usage.job_id, usage.messages, usage.segments) == (job.id, 4, 8)


# --- CSV leads' PIN clock ------------------------------------------------------------------

CSV = (
    b"first name,last name,email,country code,phone number,referee\n"
    b"Ana,Cruz,,63,9171234567,\n"
    b"Bo,Lim,bo@example.com,63,9171234568,\n"
)


def _import(session: Session, factory: Factory, settings: dict[str, object]) -> list[Application]:
    company = factory.company("Acme", default_country="PH")
    job = factory.job(company, title="CS", status="active")
    job.messaging_settings = settings
    session.flush()
    import_csv(session, company, job, CSV, filename="a.csv", actor=Actor.system(), ttl_hours=72)
    return list(
        session.scalars(
            select(Application).where(Application.job_id == job.id).order_by(Application.id)
        )
    )


def test_imported_leads_not_invited_have_no_pin_expiry(session: Session, factory: Factory) -> None:
    apps = _import(session, factory, {"invitation": {"enabled": False, "sms": "Hi"}})
    assert len(apps) == 2
    for application in apps:
        assert application.pin and application.pin_expires_at is None


def test_imported_leads_pin_clock_starts_with_the_invitation_even_image_only(
    session: Session, factory: Factory
) -> None:
    apps = _import(
        session,
        factory,
        {
            "invitation": {
                "enabled": True,
                "sms": "Hi @candidate_name, PIN @access_code",
                "email_subject": "Hi",
                "email_html": BANNER,
            }
        },
    )
    assert [a.pin_expires_at for a in apps] == [None, None]
    pins = [a.pin for a in apps]
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "intake.invitations_requested")
    ).one()
    before = utcnow()
    queue_imported_invitations(session, event)
    for application, pin in zip(apps, pins, strict=True):
        assert application.pin == pin  # the PIN the import issued is the one sent
        assert application.pin_expires_at is not None
        hours = (application.pin_expires_at - before).total_seconds() / 3600
        assert 71.9 < hours < 72.1
    ana, bo = apps
    assert [(m.channel, m.status) for m in _messages(session, ana)] == [("sms", "queued")]
    assert [(m.channel, m.status) for m in _messages(session, bo)] == [
        ("sms", "queued"),
        ("email", "queued"),
    ]
    assert _messages(session, bo)[0].body_text == f"Hi Bo, PIN {bo.pin}"
    assert _messages(session, bo)[1].body_text == "Acme is hiring"


def test_an_import_whose_invitation_cannot_be_built_still_succeeds(
    session: Session, factory: Factory
) -> None:
    apps = _import(
        session,
        factory,
        {"invitation": {"enabled": True, "sms": "@referee", "email_html": ""}},
    )
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "intake.invitations_requested")
    ).one()
    queue_imported_invitations(session, event)  # does not raise
    for application in apps:
        (message,) = _messages(session, application)
        assert message.status == "failed" and "empty" in (message.error or "")
        # Never reached: no PIN clock, so the sweep never moves it to No Response.
        assert application.pin_expires_at is None


# --- Subjects cut to their column; rejection canceled once the candidate left Rejected ---


def test_a_500_character_title_gives_a_subject_that_fits(
    session: Session, factory: Factory
) -> None:
    company = factory.company("C" * 200)
    job = factory.job(company, title="T" * 500)
    candidate = factory.candidate(company, first_name="Ana", email="ana@example.com")
    application = factory.application(job, candidate)
    for kind in ("confirmation", "rejection"):
        message = queue_email(
            session,
            kind=kind,
            application=application,
            candidate=candidate,
            job=job,
            company=company,
        )
        assert message is not None
        assert message.subject is not None and len(message.subject) == 500
        assert message.subject.endswith("T…")
        assert message.from_name == "C" * 200
    session.flush()


def test_a_scheduled_rejection_is_canceled_when_the_candidate_left_rejected(
    session: Session, factory: Factory, settings: Settings
) -> None:
    company = factory.company("Acme")
    job = factory.job(company, title="CS")
    candidate = factory.candidate(company, first_name="Ana", email="ana@example.com")
    rescued = factory.application(job, candidate, folder="rejected", status="rejected")
    kept = factory.application(
        job,
        factory.candidate(company, first_name="Bo", email="bo@example.com"),
        folder="rejected",
        status="rejected",
    )
    later = utcnow() + timedelta(hours=1)
    messages = {}
    for application in (rescued, kept):
        cand = session.get(type(candidate), application.candidate_id)
        messages[application.id] = queue_email(
            session,
            kind="rejection",
            application=application,
            candidate=cand,
            job=job,
            company=company,
            send_after=later,
        )
    move_application(session, rescued, "hired", Actor.system())
    session.commit()
    status = deliver(session, messages[rescued.id], settings, now=utcnow() + timedelta(hours=2))
    assert status == "canceled"
    message = messages[rescued.id]
    assert message.sent_at is None
    assert message.error is not None and "no longer in Rejected" in message.error
    # Still rejected: it goes out.
    assert deliver(session, messages[kept.id], settings, now=utcnow() + timedelta(hours=2)) in (
        "stored",
        "sent",
    )
    # A replayed event leaves the canceled message alone.
    event = OutboxEvent(
        company_id=company.id,
        event_type="message.queued",
        payload={"messageId": message.id},
    )
    deliver_queued_message(session, event)
    assert message.status == "canceled"
