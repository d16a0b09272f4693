"""The outbox relay: nothing is lost while the worker is stopped, and it catches up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.outbox import service as outbox
from hireloop.domain.outbox.models import OutboxEvent
from tests.conftest import create_database


@pytest.fixture
def worker_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database of its own: the worker is another process and must see commits."""
    name = f"hireloop_worker_{os.getpid()}"
    url = create_database(name)
    db = Database(url)
    yield db
    db.dispose()


def _add_applications(db: Database, n: int) -> list[int]:
    with db.unit_of_work() as session:
        company = create_company(session, "Outbox Co")
        job = create_job(
            session, company.id, JobData(title="Picker", status="open"), Actor.system()
        )
        ids = []
        for i in range(n):
            candidate, _ = create_candidate(
                session,
                company.id,
                CandidateData(first_name="C", last_name=str(i), email=f"c{i}@example.com"),
            )
            application, _ = create_application(session, job, candidate, Actor.system())
            ids.append(application.id)
    return ids


def _pending(db: Database, event_type: str = "application.created") -> int:
    with db.unit_of_work() as session:
        return session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type == event_type, OutboxEvent.status != "done")
        )


def _start_worker(db: Database, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HIRELOOP_DATABASE_URL": db.url,
        "HIRELOOP_DATA_DIR": str(tmp_path / "data"),
        "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2",
    }
    env.pop("HIRELOOP_REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "hireloop.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def _wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_events_wait_while_the_worker_is_stopped_and_are_relayed_when_it_starts(
    worker_db: Database, tmp_path: Path
) -> None:
    _add_applications(worker_db, 5)
    time.sleep(0.5)
    assert _pending(worker_db) == 5, "no worker runs, so every event is still pending"

    proc = _start_worker(worker_db, tmp_path)
    try:
        assert _wait_for(lambda: _pending(worker_db) == 0), "the worker caught up"
        # While it runs, new events are relayed too.
        _add_applications_more = _add_applications(worker_db, 3)
        assert len(_add_applications_more) == 3
        assert _wait_for(lambda: _pending(worker_db) == 0)
    finally:
        output = _stop(proc)
    assert "application" in output and "created" in output, output

    # Stopped again: new events wait, nothing is lost; a new worker relays them.
    _add_applications(worker_db, 2)
    time.sleep(0.5)
    assert _pending(worker_db) == 2
    proc = _start_worker(worker_db, tmp_path)
    try:
        assert _wait_for(lambda: _pending(worker_db) == 0)
    finally:
        _stop(proc)
    with worker_db.unit_of_work() as session:
        done = session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "application.created")
        ).all()
        assert len(done) == 10
        assert all(e.status == "done" and e.processed_at and e.attempts == 1 for e in done)


def test_a_failing_handler_is_retried_with_backoff_then_marked_dead(worker_db: Database) -> None:
    calls: list[int] = []

    @outbox.handles("test.flaky")
    def flaky(session, event) -> None:  # type: ignore[no-untyped-def]
        calls.append(event.id)
        raise RuntimeError("receiver down")

    try:
        with worker_db.unit_of_work() as session:
            company = create_company(session, "Flaky Co")
            outbox.emit(session, company.id, "test.flaky", {"n": 1})
        assert outbox.relay_outbox(worker_db, max_attempts=2) == 0
        with worker_db.unit_of_work() as session:
            event = session.scalar(
                select(OutboxEvent).where(OutboxEvent.event_type == "test.flaky")
            )
            assert event.status == "pending" and event.attempts == 1
            assert "receiver down" in event.last_error
        # Not due yet: the backoff holds it back.
        assert outbox.relay_outbox(worker_db, max_attempts=2) == 0
        assert len(calls) == 1
        with worker_db.unit_of_work() as session:
            event = session.scalar(
                select(OutboxEvent).where(OutboxEvent.event_type == "test.flaky")
            )
            event.available_at = event.created_at  # time passes
        outbox.relay_outbox(worker_db, max_attempts=2)
        with worker_db.unit_of_work() as session:
            event = session.scalar(
                select(OutboxEvent).where(OutboxEvent.event_type == "test.flaky")
            )
            assert event.status == "dead" and event.attempts == 2
        assert len(calls) == 2
    finally:
        outbox._handlers.pop("test.flaky", None)


def test_an_event_is_handled_once_even_when_two_relays_race(worker_db: Database) -> None:
    seen: list[int] = []

    @outbox.handles("test.once")
    def once(session, event) -> None:  # type: ignore[no-untyped-def]
        seen.append(event.id)

    try:
        with worker_db.unit_of_work() as session:
            company = create_company(session, "Once Co")
            for i in range(20):
                outbox.emit(session, company.id, "test.once", {"i": i})
        import threading

        threads = [
            threading.Thread(target=outbox.relay_outbox, args=(worker_db,)) for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(seen) == sorted(set(seen)) and len(seen) == 20
    finally:
        outbox._handlers.pop("test.once", None)


def test_events_no_handler_takes_are_settled_together(worker_db: Database) -> None:
    """Events without a handler (``candidate.created`` today) are marked done in one
    statement per pass instead of a claim and a transaction each; handled events around
    them are processed as before, in order."""
    from sqlalchemy import event as sa_event

    seen: list[int] = []

    @outbox.handles("test.handled")
    def handled(session, event) -> None:  # type: ignore[no-untyped-def]
        seen.append(event.payload["n"])

    try:
        with worker_db.unit_of_work() as session:
            company = create_company(session, "Quiet Co")
            for n in range(30):
                kind = "test.handled" if n % 10 == 0 else "test.nobody"
                outbox.emit(session, company.id, kind, {"n": n})
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("UPDATE OUTBOX_EVENTS"):
                statements.append(statement)

        sa_event.listen(worker_db.engine, "before_cursor_execute", count)
        try:
            assert outbox.relay_outbox(worker_db) == 30
        finally:
            sa_event.remove(worker_db.engine, "before_cursor_execute", count)
        assert seen == [0, 10, 20]
        # One UPDATE for the 27 quiet events; a claim and a done mark for each handled one.
        assert len(statements) == 1 + 2 * 3
        with worker_db.unit_of_work() as session:
            quiet = session.scalars(
                select(OutboxEvent).where(OutboxEvent.event_type == "test.nobody")
            ).all()
            assert len(quiet) == 27
            assert all(e.status == "done" and e.attempts == 1 and e.processed_at for e in quiet)
        assert outbox.relay_outbox(worker_db) == 0, "nothing is settled twice"
    finally:
        outbox._handlers.pop("test.handled", None)
