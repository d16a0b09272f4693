"""An inbound SMS the provider delivers twice at the same time (its retry after a slow
answer, while the first delivery is still in its transaction) is stored once, with one
``message.received`` event: the unique index on inbound provider ids and
``INSERT ... ON CONFLICT DO NOTHING`` make it race-free on PostgreSQL too."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import record_inbound_sms
from hireloop.domain.outbox.models import OutboxEvent
from tests.conftest import create_database

PHONE = "+639171234567"


@pytest.fixture
def inbound_db() -> Iterator[Database]:
    base = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test")
    db = Database(create_database(f"{base}_inbound_{os.getpid()}_{uuid.uuid4().hex[:6]}"))
    yield db
    db.dispose()


def test_the_same_message_sid_delivered_twice_at_once_is_stored_once(
    inbound_db: Database,
) -> None:
    with inbound_db.unit_of_work() as session:
        company = create_company(session, "Acme BPO")
        job = create_job(session, company.id, JobData(title="Chat"), Actor.system())
        candidate, _ = create_candidate(
            session, company.id, CandidateData(first_name="Ana", phone=PHONE)
        )
        create_application(session, job, candidate, Actor.system())
    sid = "SM" + "b" * 32
    first = Session(inbound_db.engine)
    stored = record_inbound_sms(first, from_number=PHONE, body="YES", provider_message_id=sid)
    assert stored is not None
    stored_id = stored.id
    second_result: list[int | None] = []

    def second_delivery() -> None:
        with inbound_db.unit_of_work() as session:
            again = record_inbound_sms(
                session, from_number=PHONE, body="YES", provider_message_id=sid
            )
            second_result.append(again.id if again is not None else None)

    second = threading.Thread(target=second_delivery)
    second.start()
    time.sleep(0.5)  # the second delivery is in flight, waiting on the first
    first.commit()
    first.close()
    second.join(30)
    assert second_result == [stored_id]
    with inbound_db.unit_of_work() as session:
        rows = session.scalar(
            select(func.count()).select_from(Message).where(Message.provider_message_id == sid)
        )
        events = session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type == "message.received")
        )
    assert (rows, events) == (1, 1)


def test_the_unique_index_covers_inbound_messages_only(inbound_db: Database) -> None:
    indexes = {i["name"]: i for i in inspect(inbound_db.engine).get_indexes("messages")}
    index = indexes["ux_messages_inbound_provider_message_id"]
    assert index["unique"] and index["column_names"] == ["provider_message_id"]
