"""The worker's relay loop and sweep keep going when a part fails, and a stopping worker
ends with the event in hand."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import Settings, get_settings
from hireloop.db import Database, utcnow
from hireloop.domain.audit.models import IdempotentRequest
from hireloop.domain.companies.service import create_company
from hireloop.domain.outbox import service as outbox
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.worker.runner import Worker
from tests.conftest import create_database


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_loop"
    url = create_database(f"{name}_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    db = Database(url)
    with db.unit_of_work() as session:
        company_id = create_company(session, "Loop Co").id
    settings = Settings(data_dir=tmp_path, database_url=url, outbox_poll_seconds=0.05)
    try:
        yield {"db": db, "company": company_id, "settings": settings}
    finally:
        db.dispose()
        get_settings.cache_clear()


def test_a_failing_chore_does_not_hold_up_the_others(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with world["db"].unit_of_work() as session:
        session.add(
            IdempotentRequest(
                company_id=world["company"],
                key="old",
                endpoint="/api/job_applications",
                request_hash="0" * 64,
                response_status=201,
                response_body={},
                created_at=utcnow() - timedelta(hours=30),
            )
        )

    def queue_down(self: Worker) -> None:
        raise ConnectionError("the task queue is unreachable")

    monkeypatch.setattr(Worker, "_requeue_stale_work", queue_down)
    with caplog.at_level("ERROR", logger="hireloop.worker.runner"):
        Worker(world["settings"]).sweep()
    assert "sweep: could not hand lost tasks to the queue again" in caplog.text
    with world["db"].unit_of_work() as session:  # the retention chore ran all the same
        assert session.scalars(select(IdempotentRequest.id)).all() == []


def test_the_relay_sweeps_once_a_minute_even_when_the_sweep_fails(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    sweeps = []

    def failing_sweep(self: Worker) -> None:
        sweeps.append(time.monotonic())
        raise RuntimeError("the database is down")

    monkeypatch.setattr(Worker, "sweep", failing_sweep)
    worker = Worker(world["settings"])
    loop = threading.Thread(target=worker._relay_loop, daemon=True)
    loop.start()
    time.sleep(0.6)  # a dozen polls of the relay
    assert loop.is_alive()  # the relay goes on
    worker._stop.set()
    loop.join(5)
    assert not loop.is_alive()
    assert len(sweeps) == 1  # not one per poll


def test_a_stopping_relay_takes_no_further_event(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = threading.Event()
    handled: list[int] = []

    def handler(session: Session, event: OutboxEvent) -> None:
        handled.append(event.id)
        stop.set()  # SIGTERM arrives while the first event is handled

    monkeypatch.setitem(outbox._handlers, "test.stop", [handler])
    with world["db"].unit_of_work() as session:
        for n in range(3):
            outbox.emit(session, world["company"], "test.stop", {"n": n})
    assert outbox.relay_outbox(world["db"], stop=stop) == 1
    assert len(handled) == 1
    with world["db"].unit_of_work() as session:
        statuses = session.scalars(
            select(OutboxEvent.status)
            .where(OutboxEvent.event_type == "test.stop")
            .order_by(OutboxEvent.id)
        ).all()
    assert statuses == ["done", "pending", "pending"]  # the next worker takes them
