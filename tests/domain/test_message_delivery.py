"""Delivery of queued emails: SMTP (a real aiosmtpd server), the stored mailbox, retries
through the outbox and emails scheduled for later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.delivery import deliver, list_mailbox
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import queue_email
from hireloop.domain.outbox import service as outbox
from hireloop.domain.outbox.models import OutboxEvent
from tests.conftest import create_database
from tests.factories import Factory
from tests.smtp_server import SmtpSink, free_port, smtp_sink


def _settings(base: Settings, smtp_url: str | None, **overrides: object) -> Settings:
    return base.model_copy(update={"smtp_url": smtp_url, **overrides})


def _queue(factory: Factory, company_name: str = "Acme Logistics", **kwargs: object) -> Message:
    company = factory.company(company_name)
    job = factory.job(company, title="Warehouse Picker")
    candidate = factory.candidate(company, first_name="Ana", email="ana.cruz@example.com")
    kind = str(kwargs.pop("kind", "confirmation"))
    # A rejection goes out only while its application is in Rejected.
    application = factory.application(
        job, candidate, **({"folder": "rejected"} if kind == "rejection" else {})
    )
    message = queue_email(
        factory.session,
        kind=kind,
        application=application,
        candidate=candidate,
        job=job,
        company=company,
        **kwargs,  # type: ignore[arg-type]
    )
    assert message is not None
    factory.session.commit()
    return message


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_sink() as s:
        yield s


def test_a_confirmation_is_sent_by_smtp_with_the_company_as_sender_name(
    session: Session, factory: Factory, settings: Settings, sink: SmtpSink
) -> None:
    message = _queue(factory)
    configured = _settings(
        settings, f"smtp://127.0.0.1:{sink.port}", smtp_from_address="jobs@hireloop.test"
    )

    assert deliver(session, message, configured) == "sent"
    assert message.status == "sent" and message.sent_at is not None
    assert message.attempts == 1 and message.error is None

    [received] = sink.received
    assert received.rcpt_tos == ["ana.cruz@example.com"]
    email = received.message
    sender = email["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Acme Logistics", "jobs@hireloop.test")
    assert email["To"] == "ana.cruz@example.com"
    assert email["Subject"] == "We received your application: Warehouse Picker"
    assert email["Message-ID"].startswith(f"<hireloop.{message.id}.")
    assert email["Date"]
    assert "Thank you for applying to Warehouse Picker at Acme Logistics" in (
        email.get_body(("plain",)).get_content()
    )
    assert "<p>Hello Ana,</p>" in email.get_body(("html",)).get_content()

    # Idempotent: delivering again sends nothing.
    assert deliver(session, message, configured) == "sent"
    assert len(sink.received) == 1 and message.attempts == 1


def test_without_smtp_messages_are_kept_in_the_stored_mailbox(
    session: Session, factory: Factory, settings: Settings, sink: SmtpSink
) -> None:
    first = _queue(factory, "Mailbox Co")
    assert deliver(session, first, _settings(settings, None)) == "stored"
    assert first.status == "stored" and first.sent_at is None
    # Configuring SMTP later does not send what was already stored.
    assert deliver(session, first, _settings(settings, f"smtp://127.0.0.1:{sink.port}")) == (
        "stored"
    )
    assert sink.received == []

    rejected = _app(session, first)
    rejected.folder = "rejected"  # a rejection goes out only while it is in Rejected
    second = queue_email(
        session,
        kind="rejection",
        application=rejected,
        candidate=_candidate(session, first),
        job=_job(session, first),
        company=_company(session, first),
    )
    assert second is not None
    session.flush()
    deliver(session, second, _settings(settings, None))

    mailbox = list_mailbox(session, first.company_id, 1, 20, status="stored")
    assert [m.id for m in mailbox.items] == [second.id, first.id]
    assert mailbox.total == 2 and mailbox.total_pages == 1
    assert [m.kind for m in mailbox.items] == ["rejection", "confirmation"]
    assert list_mailbox(session, first.company_id, page=2, per_page=1).items[0].id == first.id
    assert list_mailbox(session, first.company_id, status="sent").total == 0
    other = factory.company("Other Co")
    assert list_mailbox(session, other.id).total == 0


def _app(session: Session, message: Message):  # type: ignore[no-untyped-def]
    from hireloop.domain.applications.models import Application

    return session.get(Application, message.application_id)


def _candidate(session: Session, message: Message):  # type: ignore[no-untyped-def]
    from hireloop.domain.candidates.models import Candidate

    return session.get(Candidate, message.candidate_id)


def _job(session: Session, message: Message):  # type: ignore[no-untyped-def]
    from hireloop.domain.jobs.models import Job

    return session.get(Job, _app(session, message).job_id)


def _company(session: Session, message: Message):  # type: ignore[no-untyped-def]
    from hireloop.domain.companies.models import Company

    return session.get(Company, message.company_id)


def test_a_message_is_not_sent_before_send_after(
    session: Session, factory: Factory, settings: Settings, sink: SmtpSink
) -> None:
    later = utcnow() + timedelta(hours=2)
    message = _queue(factory, kind="rejection", send_after=later)
    configured = _settings(settings, f"smtp://127.0.0.1:{sink.port}")
    with pytest.raises(outbox.RetryLater) as not_yet:
        deliver(session, message, configured)
    assert not_yet.value.at == later
    assert message.status == "queued" and message.attempts == 0 and sink.received == []

    assert deliver(session, message, configured, now=later + timedelta(seconds=1)) == "sent"
    assert sink.received[0].message["Subject"] == "Your application: Warehouse Picker"


def test_smtp_failures_are_retried_with_backoff_then_the_message_fails(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _queue(factory)
    down = _settings(settings, f"smtp://127.0.0.1:{free_port()}", outbox_max_attempts=2)
    now = utcnow()
    with pytest.raises(outbox.RetryLater) as retry:
        deliver(session, message, down, now=now)
    assert retry.value.at == now + outbox.backoff(1)
    assert message.status == "queued" and message.attempts == 1 and message.error

    assert deliver(session, message, down) == "failed"
    assert message.attempts == 2 and "Connection" in (message.error or "")


def test_a_recipient_refused_for_good_fails_at_once(
    session: Session, factory: Factory, settings: Settings
) -> None:
    message = _queue(factory)
    with smtp_sink(refuse={"ana.cruz@example.com"}) as refusing:
        status = deliver(session, message, _settings(settings, f"smtp://127.0.0.1:{refusing.port}"))
    assert status == "failed" and message.attempts == 1
    assert "550" in (message.error or "")


# Through the outbox relay, on a database of its own (the relay commits).


@pytest.fixture
def mail_db() -> Iterator[Database]:
    db = Database(create_database(f"hireloop_mail_{os.getpid()}"))
    yield db
    db.dispose()


@pytest.fixture
def relay_settings(
    monkeypatch: pytest.MonkeyPatch, mail_db: Database, tmp_path: Path
) -> Iterator[Settings]:
    import hireloop.config
    import hireloop.worker.handlers  # noqa: F401 - registers the message.queued handler

    current = Settings(data_dir=tmp_path / "data", database_url=mail_db.url)
    monkeypatch.setattr(hireloop.config, "get_settings", lambda: current)
    yield current


def _queue_in(db: Database, kind: str = "confirmation", send_after=None) -> int:  # type: ignore[no-untyped-def]
    with db.unit_of_work() as session:
        company = create_company(session, "Relay & Sons")
        job = create_job(
            session, company.id, JobData(title="Driver", status="open"), Actor.system()
        )
        candidate, _ = create_candidate(
            session,
            company.id,
            CandidateData(first_name="Ben", last_name="Reyes", email="ben@example.com"),
        )
        application, _ = create_application(session, job, candidate, Actor.system())
        if kind == "rejection":  # sent only while the application is in Rejected
            application.folder = "rejected"
        message = queue_email(
            session,
            kind=kind,
            application=application,
            candidate=candidate,
            job=job,
            company=company,
            send_after=send_after,
        )
        assert message is not None
        return message.id


def _state(db: Database, message_id: int) -> tuple[Message, OutboxEvent]:
    with db.unit_of_work() as session:
        message = session.get(Message, message_id)
        event = session.scalar(
            select(OutboxEvent).where(
                OutboxEvent.event_type == "message.queued",
                OutboxEvent.payload["messageId"].as_integer() == message_id,
            )
        )
        assert message is not None and event is not None
        session.expunge_all()
        return message, event


def _time_passes(db: Database, message_id: int) -> None:
    past = utcnow() - timedelta(seconds=1)
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.status == "pending")
            .values(available_at=past)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(send_after=past)
            .execution_options(synchronize_session=False)
        )


def test_smtp_down_then_back_the_outbox_retries_later(
    mail_db: Database, relay_settings: Settings
) -> None:
    port = free_port()
    relay_settings.smtp_url = f"smtp://127.0.0.1:{port}"
    message_id = _queue_in(mail_db)

    outbox.relay_outbox(mail_db)
    message, event = _state(mail_db, message_id)
    assert message.status == "queued" and message.attempts == 1 and message.error
    assert event.status == "pending" and event.available_at > utcnow()
    assert event.attempts == 0 and event.last_error == message.error

    outbox.relay_outbox(mail_db)  # not due yet: the backoff holds it back
    assert _state(mail_db, message_id)[0].attempts == 1

    with smtp_sink() as sink:
        sink_port = sink.port
        relay_settings.smtp_url = f"smtp://127.0.0.1:{sink_port}"
        _time_passes(mail_db, message_id)
        outbox.relay_outbox(mail_db)
    message, event = _state(mail_db, message_id)
    assert message.status == "sent" and message.attempts == 2 and message.error is None
    assert event.status == "done"
    [received] = sink.received
    assert received.message["From"].addresses[0].display_name == "Relay & Sons"


def test_a_scheduled_rejection_waits_for_its_time_then_goes_out(
    mail_db: Database, relay_settings: Settings
) -> None:
    later = utcnow() + timedelta(hours=1)
    message_id = _queue_in(mail_db, "rejection", send_after=later)
    with smtp_sink() as sink:
        relay_settings.smtp_url = f"smtp://127.0.0.1:{sink.port}"
        outbox.relay_outbox(mail_db)
        message, event = _state(mail_db, message_id)
        assert message.status == "queued" and message.attempts == 0 and sink.received == []
        assert event.status == "pending" and event.available_at == later
        assert event.attempts == 0, "waiting is not a failed attempt"

        outbox.relay_outbox(mail_db)
        assert sink.received == []

        _time_passes(mail_db, message_id)
        outbox.relay_outbox(mail_db)
    message, event = _state(mail_db, message_id)
    assert message.status == "sent" and event.status == "done" and event.attempts == 1
    assert [r.message["Subject"] for r in sink.received] == ["Your application: Driver"]


def test_no_smtp_the_relay_stores_the_message(mail_db: Database, relay_settings: Settings) -> None:
    message_id = _queue_in(mail_db)
    outbox.relay_outbox(mail_db)
    message, event = _state(mail_db, message_id)
    assert message.status == "stored" and event.status == "done"
    with mail_db.unit_of_work() as session:
        assert [m.id for m in list_mailbox(session, message.company_id).items] == [message_id]


def test_the_worker_process_sends_queued_emails(mail_db: Database, tmp_path: Path) -> None:
    message_id = _queue_in(mail_db)
    with smtp_sink() as sink:
        env = {
            **os.environ,
            "HIRELOOP_DATABASE_URL": mail_db.url,
            "HIRELOOP_DATA_DIR": str(tmp_path / "data"),
            "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2",
            "HIRELOOP_SMTP_URL": f"smtp://127.0.0.1:{sink.port}",
            "HIRELOOP_SMTP_FROM_ADDRESS": "careers@relay.test",
        }
        env.pop("HIRELOOP_REDIS_URL", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "hireloop.cli", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (
                sink.received and _state(mail_db, message_id)[0].status == "sent"
            ):
                time.sleep(0.1)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                output, _ = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
    assert sink.received, output.decode(errors="replace")
    sender = sink.received[0].message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Relay & Sons", "careers@relay.test")
    assert _state(mail_db, message_id)[0].status == "sent"
