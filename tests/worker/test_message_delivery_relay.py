"""Message delivery through the outbox relay, on a database of its own (the relay commits):
an SMS the provider took is never sent again (whatever its answer), an unexpected error
leaves no message queued, the network call holds no database lock (SQLite: other writers
go on), two relays send once, and an opt-out after queueing cancels the message."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

import hireloop.config
from hireloop.config import Settings
from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import queue_message
from hireloop.domain.outbox import service as outbox
from hireloop.domain.outbox.models import OutboxEvent
from tests.conftest import create_database
from tests.fakes.twilio import FakeTwilio, fake_twilio
from tests.smtp_server import SmtpSink, serve_sink

PHONE = "+639171234567"


@pytest.fixture
def relay_db() -> Iterator[Database]:
    base = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test")
    db = Database(create_database(f"{base}_relay_{os.getpid()}_{uuid.uuid4().hex[:6]}"))
    yield db
    db.dispose()


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    import hireloop.worker.handlers  # noqa: F401 - registers the outbox handlers

    def use(db: Database, **values: Any) -> Settings:
        settings = Settings(
            data_dir=tmp_path, database_url=db.url, base_url="https://hire.example.com", **values
        )
        monkeypatch.setattr(hireloop.config, "get_settings", lambda: settings)
        return settings

    return use


def _sms_settings(fake: FakeTwilio) -> dict[str, Any]:
    return {
        "sms_account_sid": fake.account_sid,
        "sms_auth_token": fake.auth_token,
        "sms_from_number": "+15005550006",
        "sms_base_url": fake.url,
    }


def _queue(db: Database, channel: str, text: str = "Your PIN is 123456") -> int:
    with db.unit_of_work() as session:
        company = create_company(session, "Acme BPO")
        job = create_job(session, company.id, JobData(title="Chat"), Actor.system())
        candidate, _ = create_candidate(
            session,
            company.id,
            CandidateData(first_name="Ana", phone=PHONE, email="ana@example.com"),
        )
        application, _ = create_application(session, job, candidate, Actor.system())
        message = queue_message(
            session, application=application, channel=channel, kind="manual", text=text
        )
        session.flush()
        return message.id


def _relay(db: Database, rounds: int, max_attempts: int = 10) -> None:
    """Run the relay ``rounds`` times, skipping each backoff."""
    for _ in range(rounds):
        outbox.relay_outbox(db, max_attempts=max_attempts)
        with db.unit_of_work() as session:
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.status == "pending")
                .values(available_at=utcnow() - timedelta(seconds=1))
            )


def _message(db: Database, message_id: int) -> Message:
    with db.unit_of_work() as session:
        message = session.get(Message, message_id)
        assert message is not None
        session.expunge(message)
        return message


def _event(db: Database) -> OutboxEvent:
    with db.unit_of_work() as session:
        event = session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "message.queued")
        ).one()
        session.expunge(event)
        return event


@pytest.mark.parametrize(
    "answer",
    [
        (201, {"Content-Type": "application/json"}, b""),
        (201, {"Content-Type": "text/html"}, b"<html><body>OK</body></html>"),
        (201, {"Content-Type": "application/json"}, b'{"status": "queued"}'),
        (200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, b"not gzip"),
    ],
    ids=["empty", "html", "no-sid", "undecodable"],
)
def test_an_sms_the_provider_took_with_an_unusable_answer_is_sent_once(
    relay_db: Database, use_settings: Any, answer: tuple[int, dict[str, str], bytes]
) -> None:
    with fake_twilio(callback_statuses=()) as fake:
        use_settings(relay_db, **_sms_settings(fake))
        fake.raw_next.append(answer)
        message_id = _queue(relay_db, "sms")
        _relay(relay_db, rounds=4, max_attempts=3)
        assert fake.requests == 1 and len(fake.messages) == 1
    message = _message(relay_db, message_id)
    assert (message.status, message.attempts, message.error) == ("sent", 1, None)
    assert message.provider_message_id is None  # the signed status callback brings it
    assert message.sent_at is not None
    assert _event(relay_db).status == "done"


def test_the_status_callback_of_an_sms_taken_without_a_sid_records_the_sid(
    relay_db: Database, use_settings: Any
) -> None:
    from hireloop.domain.messaging.service import record_provider_status

    with fake_twilio(callback_statuses=()) as fake:
        use_settings(relay_db, **_sms_settings(fake))
        fake.raw_next.append((201, {"Content-Type": "text/html"}, b""))
        message_id = _queue(relay_db, "sms")
        _relay(relay_db, rounds=2)
        [sms] = fake.messages
    with relay_db.unit_of_work() as session:
        record_provider_status(session, sms.sid, "delivered", message_id=message_id)
    message = _message(relay_db, message_id)
    assert (message.status, message.provider_message_id) == ("delivered", sms.sid)


def test_an_unexpected_error_after_the_sms_request_fails_the_message_and_never_resends(
    relay_db: Database, use_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library failing in an unforeseen way once the request is out: the outcome is
    unknown, so the message fails with the error instead of going again on each retry."""
    original = httpx.Response.read

    def read_then_break(self: httpx.Response) -> bytes:
        original(self)
        raise RuntimeError("the HTTP library broke")

    with fake_twilio(callback_statuses=()) as fake:
        use_settings(relay_db, **_sms_settings(fake))
        message_id = _queue(relay_db, "sms")
        monkeypatch.setattr(httpx.Response, "read", read_then_break)
        _relay(relay_db, rounds=4, max_attempts=3)
        assert fake.requests == 1
    message = _message(relay_db, message_id)
    assert message.status == "failed" and message.attempts == 1
    assert "RuntimeError: the HTTP library broke" in (message.error or "")
    assert "not sent again" in (message.error or "")
    assert _event(relay_db).status == "done"


def test_a_delivery_given_up_marks_its_message_failed_with_the_error(
    relay_db: Database, use_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_settings(relay_db)
    message_id = _queue(relay_db, "email")

    def broken() -> Settings:
        raise RuntimeError("settings unreadable")

    monkeypatch.setattr(hireloop.config, "get_settings", broken)
    _relay(relay_db, rounds=4, max_attempts=3)
    assert _event(relay_db).status == "dead"
    message = _message(relay_db, message_id)
    assert message.status == "failed"
    assert message.error == "RuntimeError: settings unreadable"


class SlowSink(SmtpSink):
    """Takes its time over DATA, and says when it started."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.in_data = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import asyncio

        self.in_data.set()
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def test_the_database_takes_writes_while_the_relay_waits_for_a_slow_mail_server(
    relay_db: Database, use_settings: Any
) -> None:
    """No transaction is open during the SMTP session: on SQLite an open one holds the
    write lock, and every web request's write would wait for the mail server (then fail
    with 'database is locked')."""
    with serve_sink(SlowSink(delay=3.0)) as sink:
        use_settings(relay_db, smtp_url=f"smtp://127.0.0.1:{sink.port}", smtp_timeout_seconds=10)
        message_id = _queue(relay_db, "email")
        relay = threading.Thread(target=outbox.relay_outbox, args=(relay_db,))
        relay.start()
        try:
            assert sink.in_data.wait(10), "the relay never reached DATA"
            started = time.monotonic()
            with relay_db.unit_of_work() as session:
                session.execute(update(Company).values(name="Acme BPO (renamed)"))
            waited = time.monotonic() - started
        finally:
            relay.join(30)
        assert waited < 1.5, f"a concurrent write waited {waited:.1f}s for the SMTP session"
        assert len(sink.received) == 1
    message = _message(relay_db, message_id)
    assert (message.status, message.attempts) == ("sent", 1)
    assert _event(relay_db).status == "done"


def test_two_relays_send_a_slow_sms_once_even_when_the_event_lease_runs_out(
    relay_db: Database, use_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event's lease expires while the first relay still waits for the provider: the
    second relay finds the message claimed (``sending``) and leaves it alone."""
    monkeypatch.setattr(outbox, "LEASE", timedelta(seconds=0.5))
    with fake_twilio(callback_statuses=(), delay=2.0) as fake:
        use_settings(relay_db, **_sms_settings(fake))
        message_id = _queue(relay_db, "sms")
        first = threading.Thread(target=outbox.relay_outbox, args=(relay_db,))
        first.start()
        time.sleep(1.0)  # the first relay is in the provider call, its lease over
        outbox.relay_outbox(relay_db)
        first.join(30)
        outbox.relay_outbox(relay_db)
        assert fake.requests == 1
    message = _message(relay_db, message_id)
    assert (message.status, message.attempts) == ("sent", 1)
    assert message.provider_message_id == fake.messages[0].sid


def test_a_message_found_claimed_after_its_worker_died_is_failed_not_resent(
    relay_db: Database, use_settings: Any
) -> None:
    with fake_twilio(callback_statuses=()) as fake:
        use_settings(relay_db, **_sms_settings(fake))
        message_id = _queue(relay_db, "sms")
        with relay_db.unit_of_work() as session:  # claimed long ago by a worker now gone
            session.execute(
                update(Message)
                .where(Message.id == message_id)
                .values(status="sending", attempts=1, send_after=utcnow() - timedelta(minutes=1))
            )
        _relay(relay_db, rounds=2)
        assert fake.requests == 0
    message = _message(relay_db, message_id)
    assert message.status == "failed" and "may have taken it" in (message.error or "")


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_candidate_who_opted_out_after_queueing_is_not_sent_the_message(
    relay_db: Database, use_settings: Any, channel: str
) -> None:
    with fake_twilio(callback_statuses=()) as fake, serve_sink(SmtpSink()) as sink:
        use_settings(relay_db, smtp_url=f"smtp://127.0.0.1:{sink.port}", **_sms_settings(fake))
        message_id = _queue(relay_db, channel)
        with relay_db.unit_of_work() as session:
            session.execute(update(Candidate).values(do_not_contact=True))
        _relay(relay_db, rounds=2)
        assert fake.requests == 0 and sink.received == []
    message = _message(relay_db, message_id)
    assert message.status == "canceled" and message.attempts == 0
    assert "asked not to be contacted" in (message.error or "")
    assert _event(relay_db).status == "done"
