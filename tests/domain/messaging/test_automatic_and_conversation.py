"""Automatic sends from the campaign's message settings, the bulk invitations of imports,
and an application's conversation (messages both ways and comments)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import move_application
from hireloop.domain.candidates.models import Candidate, Comment
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging import automatic
from hireloop.domain.messaging.conversation import conversation
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import record_inbound_sms
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.errors import NotFound
from hireloop.worker.handlers import queue_imported_invitations
from tests.factories import Factory

SETTINGS = {
    "invitation": {
        "enabled": True,
        "sms": "Hi @candidate_name! Call and enter PIN @access_code for @company.",
        "email_subject": "Your interview for @job_title",
        "email_html": "<p>Hi {{candidate_name}}, start here: @webdialout</p>",
    },
    "completion": {"enabled": False, "sms": "Thanks @candidate_name"},
    "shortlisted": {"enabled": True, "sms": "Good news @candidate_name!", "email_html": ""},
    "rejection": {"enabled": True, "sms": "", "email_html": "<p>Sorry @candidate_name</p>"},
}


def _job(factory: Factory, settings: dict[str, Any] | None = None, *, company: Any = None) -> Job:
    company = company or factory.company("Acme BPO")
    job = factory.job(company, title="Chat Support")
    job.messaging_settings = SETTINGS if settings is None else settings
    factory.session.flush()
    return job


def _apply(factory: Factory, job: Job, **fields: Any) -> Application:
    company = factory.session.get(Company, job.company_id)
    assert company is not None
    return factory.application(job, factory.candidate(company, **fields))


def _messages(session: Session, application: Application) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.application_id == application.id).order_by(Message.id)
        )
    )


def test_the_invitation_goes_by_sms_and_email_with_a_pin(
    session: Session, factory: Factory
) -> None:
    job = _job(factory)
    application = _apply(factory, job, first_name="Ana", phone="+639171234567")
    assert application.pin is None
    automatic.on_lead_created(session, application)
    assert application.pin and application.pin_expires_at
    sms, email = _messages(session, application)
    assert (sms.channel, sms.kind, sms.author_type) == ("sms", "invitation", "system")
    assert sms.body_text == f"Hi Ana! Call and enter PIN {application.pin} for Acme BPO."
    assert sms.segments == 1 and sms.encoding == "GSM-7"
    assert (email.channel, email.subject) == ("email", "Your interview for Chat Support")
    assert f"/interview/{application.public_id}?mode=web" in (email.body_html or "")


def test_only_the_reachable_channels_and_only_when_enabled(
    session: Session, factory: Factory
) -> None:
    job = _job(factory)
    email_only = _apply(factory, job, phone=None)
    automatic.on_lead_created(session, email_only)
    assert [m.channel for m in _messages(session, email_only)] == ["email"]

    quiet = _apply(factory, job, phone="+639171234568")
    session.get(Candidate, quiet.candidate_id).do_not_contact = True  # type: ignore[union-attr]
    automatic.on_lead_created(session, quiet)
    automatic.on_interview_completed(session, quiet)
    assert _messages(session, quiet) == []

    disabled = _job(factory, {"invitation": {"enabled": False, "sms": "Hi"}})
    nothing = _apply(factory, disabled, phone="+639171234569")
    automatic.on_lead_created(session, nothing)
    automatic.on_interview_completed(session, nothing)  # completion not configured at all
    assert _messages(session, nothing) == []


def test_moves_send_shortlisted_and_rejection_only_when_notifying(
    session: Session, factory: Factory
) -> None:
    job = _job(factory)
    application = _apply(factory, job, first_name="Ana", phone="+639171234567")
    move_application(session, application, "shortlisted", Actor.system())
    automatic.on_moved(session, application, notify=False)
    assert _messages(session, application) == []
    automatic.on_moved(session, application, notify=True)
    [good] = _messages(session, application)
    assert (good.kind, good.channel, good.body_text) == ("shortlisted", "sms", "Good news Ana!")

    move_application(session, application, "rejected", Actor.system())
    automatic.on_moved(session, application, notify=True)
    rejection = _messages(session, application)[-1]
    assert (rejection.kind, rejection.channel) == ("rejection", "email")
    move_application(session, application, "on_hold", Actor.system())
    automatic.on_moved(session, application, notify=True)
    assert len(_messages(session, application)) == 2


def test_a_message_with_the_access_code_issues_a_missing_pin(
    session: Session, factory: Factory
) -> None:
    """Only the invitation issued PINs before; the completion message's values are
    computed before the PIN exists and must still carry it."""
    completion = {"enabled": True, "sms": "Your code: @access_code", "email_html": ""}
    job = _job(factory, {"completion": completion})
    application = _apply(factory, job, first_name="Ana", phone="+639171234567")
    assert application.pin is None
    automatic.on_interview_completed(session, application)
    [sms] = _messages(session, application)
    assert application.pin and application.pin_expires_at
    assert sms.body_text == f"Your code: {application.pin}"

    # A message without the token leaves a lead without PIN as it is.
    other = _apply(factory, job, first_name="Bo", phone="+639171234568")
    job.messaging_settings = {"completion": {**completion, "sms": "Thanks @candidate_name"}}
    automatic.on_interview_completed(session, other)
    assert other.pin is None and _messages(session, other)[0].body_text == "Thanks Bo"


def test_imported_leads_get_their_invitations_once(session: Session, factory: Factory) -> None:
    job = _job(factory)
    apps = [_apply(factory, job, phone=f"+63917123450{i}") for i in range(3)]
    other_job = _job(factory)
    stranger = _apply(factory, other_job, phone="+639171234599")
    event = OutboxEvent(
        company_id=job.company_id,
        event_type="intake.invitations_requested",
        payload={"jobId": job.id, "applicationIds": [a.id for a in apps] + [stranger.id]},
    )
    queue_imported_invitations(session, event)
    queue_imported_invitations(session, event)  # a replay sends nothing twice
    for application in apps:
        assert [m.channel for m in _messages(session, application)] == ["sms", "email"]
    assert _messages(session, stranger) == []


def test_the_conversation_holds_messages_both_ways_and_comments_in_order(
    session: Session, factory: Factory
) -> None:
    job = _job(factory)
    application = _apply(factory, job, first_name="Ana", phone="+639171234567")
    automatic.on_lead_created(session, application)
    sms = _messages(session, application)[0]
    sms.status, sms.provider_status = "delivered", "delivered"
    later = utcnow() + timedelta(seconds=5)
    session.add(
        Comment(
            company_id=job.company_id,
            candidate_id=application.candidate_id,
            application_id=application.id,
            author_name="Rita Recruiter",
            body="Called her, she will reply by SMS.",
            created_at=later,
        )
    )
    session.flush()
    reply = record_inbound_sms(
        session, from_number="+63 917 123 4567", body="OK 👍", provider_message_id="SMreply1"
    )
    assert reply is not None and reply.application_id == application.id
    reply.created_at = later + timedelta(seconds=1)
    session.flush()

    entries = conversation(session, job.company_id, application.id)
    assert [(e.type, e.direction, e.channel, e.author_type) for e in entries] == [
        ("message", "outbound", "sms", "system"),
        ("message", "outbound", "email", "system"),
        ("comment", None, None, "user"),
        ("message", "inbound", "sms", "candidate"),
    ]
    assert entries[0].status == "delivered" and entries[0].segments == 1
    assert entries[2].visible_to_candidate is False and entries[2].author_name == "Rita Recruiter"
    assert entries[3].body == "OK 👍" and entries[3].encoding == "UCS-2"

    other = factory.company("Someone Else")
    with pytest.raises(NotFound):
        conversation(session, other.id, application.id)


def test_a_reply_goes_to_the_application_last_texted(session: Session, factory: Factory) -> None:
    first = _job(factory)
    phone = "+639171230000"
    older = _apply(factory, first, phone=phone)
    same_company = session.get(Company, first.company_id)
    newer = _apply(factory, _job(factory, company=same_company), phone=phone)
    # No SMS sent yet: the most recent application of a candidate with that number.
    reply = record_inbound_sms(session, from_number=phone, body="hello?")
    assert reply is not None and reply.application_id == newer.id
    # After an SMS to the older application's candidate, replies belong to it.
    automatic.on_lead_created(session, older)
    reply = record_inbound_sms(session, from_number=phone, body="YES")
    assert reply is not None and reply.application_id == older.id
    assert reply.company_id == first.company_id
    assert record_inbound_sms(session, from_number="+15550001111", body="who?") is None


def test_a_reply_from_a_number_two_companies_know_goes_to_the_one_that_texted_it(
    session: Session, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    phone = "+639171239999"
    ours = _apply(factory, _job(factory), phone=phone)
    theirs = _apply(factory, _job(factory), phone=phone)  # another company
    assert ours.company_id != theirs.company_id
    # Nobody texted it: which company the reply is for is unknown; neither sees it.
    assert record_inbound_sms(session, from_number=phone, body="who is this?") is None
    assert "several companies" in caplog.text
    assert not session.scalars(select(Message).where(Message.direction == "inbound")).all()
    automatic.on_lead_created(session, ours)
    reply = record_inbound_sms(session, from_number=phone, body="YES")
    assert reply is not None and reply.application_id == ours.id
    assert reply.company_id == ours.company_id
