"""End to end: an SMS queued in a transaction is delivered by the outbox relay through
the fake Twilio server, whose signed status callbacks reach a real uvicorn server that
marks the message delivered; a signed reply is stored on the application."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hireloop.config import Settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.automatic import on_lead_created
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.service import relay_outbox
from tests.conftest import create_database
from tests.fakes.twilio import FakeTwilio, fake_twilio
from tests.live_server import free_port, live_server

PHONE = "+639171234567"
FROM_NUMBER = "+15005550006"


@pytest.fixture
def sms_db() -> Iterator[Database]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + f"_sms_e2e_{os.getpid()}"
    db = Database(create_database(name))
    yield db
    db.dispose()


def _invite(db: Database) -> int:
    with db.unit_of_work() as session:
        company = create_company(session, "Acme BPO")
        job = create_job(session, company.id, JobData(title="Chat Support"), Actor.system())
        job.messaging_settings = {
            "invitation": {"enabled": True, "sms": "Hi @candidate_name, PIN: @access_code"}
        }
        candidate, _ = create_candidate(
            session, company.id, CandidateData(first_name="Ana", phone=PHONE)
        )
        application, _ = create_application(session, job, candidate, Actor.system())
        on_lead_created(session, application)
        session.flush()
        message_id = session.scalar(
            select(Message.id).where(Message.application_id == application.id)
        )
        assert message_id is not None
        return int(message_id)


def _message(db: Database, message_id: int) -> Message:
    with db.unit_of_work() as session:
        message = session.get(Message, message_id)
        assert message is not None
        session.expunge(message)
        return message


def _wait_for(db: Database, message_id: int, status: str, timeout: float = 20.0) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        message = _message(db, message_id)
        if message.status == status or time.monotonic() > deadline:
            return message
        time.sleep(0.1)


def test_sms_delivered_through_the_fake_provider_and_its_signed_callbacks(
    sms_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hireloop.config
    import hireloop.worker.handlers  # noqa: F401 - registers the outbox handlers

    port = free_port()
    public = f"http://127.0.0.1:{port}"
    fake: FakeTwilio
    with fake_twilio() as fake:
        worker_settings = Settings(
            data_dir=tmp_path / "worker",
            database_url=sms_db.url,
            base_url=public,
            sms_account_sid=fake.account_sid,
            sms_auth_token=fake.auth_token,
            sms_from_number=FROM_NUMBER,
            sms_base_url=fake.url,
        )
        monkeypatch.setattr(hireloop.config, "get_settings", lambda: worker_settings)
        env = {
            "HIRELOOP_DATABASE_URL": sms_db.url,
            "HIRELOOP_DATA_DIR": str(tmp_path / "server"),
            "HIRELOOP_BASE_URL": public,
            # The server only verifies callbacks, but the SMS settings go together.
            "HIRELOOP_SMS_ACCOUNT_SID": fake.account_sid,
            "HIRELOOP_SMS_AUTH_TOKEN": fake.auth_token,
            "HIRELOOP_SMS_FROM_NUMBER": FROM_NUMBER,
            "HIRELOOP_SMS_BASE_URL": fake.url,
        }
        with live_server(env, tmp_path / "server.log", port=port):
            message_id = _invite(sms_db)
            relay_outbox(sms_db)

            sent = _message(sms_db, message_id)
            assert sent.status in ("sent", "delivered"), sent.error
            [sms] = fake.messages
            assert sms.to == PHONE and sms.from_ == FROM_NUMBER
            assert (
                sms.body.startswith("Hi Ana, PIN: ") and len(sms.body) == len("Hi Ana, PIN: ") + 6
            )
            assert sms.status_callback == f"{public}/hooks/sms/status?message={message_id}"
            assert sent.provider_message_id == sms.sid

            callbacks = fake.wait_for_callbacks(2)
            assert [(c.params["MessageStatus"], c.status_code) for c in callbacks] == [
                ("sent", 204),
                ("delivered", 204),
            ]
            delivered = _wait_for(sms_db, message_id, "delivered")
            assert (delivered.status, delivered.provider_status) == ("delivered", "delivered")
            assert delivered.segments == 1 and delivered.encoding == "GSM-7"

            reply = fake.send_inbound(
                f"{public}/hooks/sms/inbound", from_=PHONE, to=FROM_NUMBER, body="YES"
            )
            assert reply.status_code == 200 and "<Response>" in reply.text
            forged = fake.post_signed(
                f"{public}/hooks/sms/status",
                {"MessageSid": sms.sid, "MessageStatus": "failed"},
                signature="forged",
            )
            assert forged.status_code == 403

    assert _message(sms_db, message_id).status == "delivered"
    with sms_db.unit_of_work() as session:
        [inbound] = session.scalars(select(Message).where(Message.direction == "inbound")).all()
        assert inbound.application_id == delivered.application_id
        assert (inbound.body_text, inbound.author_type) == ("YES", "candidate")
