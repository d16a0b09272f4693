"""A worker killed in the middle of a web app CSV import (a deploy, the OOM killer,
``kill -9``) writes nothing of it, and the run is not left ``running``: the sweeper queues
it again, its counts back to 0, and the task imports the file; a run started three times
fails (``interrupted``) and its file is deleted. PostgreSQL tells a dead import from a live
one by the run's advisory lock, which the import's transaction holds; SQLite by the time
since the claim."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, make_url, select, update

from hireloop.config import Settings, get_settings
from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.files.storage import local_storage
from hireloop.domain.intake import background
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.worker.queue import huey
from hireloop.worker.runner import Worker
from hireloop.worker.tasks import import_csv_file
from tests.conftest import create_database

POSTGRES = bool(os.environ.get("HIRELOOP_TEST_DATABASE_URL"))
postgres_only = pytest.mark.skipif(not POSTGRES, reason="advisory locks are PostgreSQL's")
sqlite_only = pytest.mark.skipif(POSTGRES, reason="the time rule is SQLite's")

HEADER = "first name,last name,email,country code,phone number,referee\n"


def leads_csv(count: int) -> bytes:
    return (
        HEADER + "".join(f"Lead,Number{i},lead{i}@example.com,63,,\n" for i in range(count))
    ).encode()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_interrupted"
    url = create_database(f"{name}_{os.getpid()}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)  # what the worker's tasks use
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    settings = Settings(data_dir=tmp_path, database_url=url)
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Restart Co")
        job = create_job(session, company.id, JobData(title="Agent", status="open"), Actor.system())
    try:
        yield {"db": db, "url": url, "job": job, "settings": settings}
    finally:
        db.dispose()
        get_settings.cache_clear()


def _queued(world: dict[str, Any], data: bytes, **values: Any) -> int:
    """A run queued from the web app (its file kept), with ``values`` set on it."""
    db: Database = world["db"]
    with db.unit_of_work() as session:
        run = background.keep_preview(
            session,
            local_storage(world["settings"].files_dir),
            world["job"],
            data,
            filename="leads.csv",
            total_rows=data.count(b"\n") - 1,
            actor=Actor.system(),
        )
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run.id)
            .values(**{"status": background.QUEUED, "created_at": utcnow(), **values})
        )
        return run.id


def _run(world: dict[str, Any], run_id: int) -> ImportRun:
    with world["db"].unit_of_work() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        return run


def _file(world: dict[str, Any], run_id: int) -> Path:
    run = _run(world, run_id)
    return world["settings"].files_dir / background.pending_key(run.company_id, run.public_id)


def _lead_emails(world: dict[str, Any]) -> list[str | None]:
    with world["db"].unit_of_work() as session:
        return list(
            session.scalars(
                select(Candidate.email)
                .join(Application, Application.candidate_id == Candidate.id)
                .where(Application.job_id == world["job"].id)
                .order_by(Application.id)
            )
        )


def _sweep(world: dict[str, Any]) -> list[int]:
    return background.interrupted_run_ids(world["db"], local_storage(world["settings"].files_dir))


def _hold_lock(world: dict[str, Any], run_id: int) -> psycopg.Connection[Any]:
    """A second real connection holding the run's lock in an open transaction, as a live
    import does."""
    dsn = make_url(world["url"]).set(drivername="postgresql")
    conn = psycopg.connect(dsn.render_as_string(hide_password=False))
    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (background.RUN_LOCK, run_id))
    return conn


# --- a worker process really killed mid-import ---------------------------------------

# The worker's task in a process of its own, the file in chunks of 500 rows (twenty).
WORKER = """
import sys
from hireloop.domain.intake import service
service.FIRST_CHUNK_ROWS = service.CHUNK_ROWS = 500
from hireloop.worker.tasks import import_csv_file
print(import_csv_file.call_local(int(sys.argv[1])))
"""
ROWS = 10_000


def _wait(what: str, ready: Any, worker: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if worker.poll() is not None:
            out, err = worker.communicate()
            pytest.fail(f"the worker ended before {what}: {out!r} {err[-2000:]!r}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def _wait_mid_import(world: dict[str, Any], run_id: int, worker: subprocess.Popen[bytes]) -> None:
    """Until the worker's import transaction is open and has written rows."""
    if POSTGRES:  # the progress of the first chunks, written beside the import's transaction
        _wait("rows done", lambda: _run(world, run_id).processed_rows > 0, worker)
        return
    # SQLite: the claim committed, then the import's transaction holding the write lock. A
    # plain connection, which reads without waiting for that lock.
    raw = sqlite3.connect(world["url"].removeprefix("sqlite:///"), timeout=0)
    raw.isolation_level = None
    try:

        def status() -> str:
            return raw.execute("SELECT status FROM import_runs WHERE id = ?", (run_id,)).fetchone()[
                0
            ]

        def write_locked() -> bool:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            raw.execute("ROLLBACK")
            return False

        _wait("the claim", lambda: status() == background.RUNNING, worker)
        _wait("the import's transaction", write_locked, worker)
    finally:
        raw.close()


def test_a_worker_killed_mid_import_leaves_a_run_that_is_queued_again(
    world: dict[str, Any],
) -> None:
    run_id = _queued(world, leads_csv(ROWS))
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(run_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_mid_import(world, run_id, worker)
        if POSTGRES:
            # The live import, slow as it may be, is left alone.
            assert _sweep(world) == []
            assert _run(world, run_id).status == background.RUNNING
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL
    run = _run(world, run_id)
    assert run.status == background.RUNNING and run.attempts == 1
    assert run.processed_rows < ROWS
    if POSTGRES:
        assert run.processed_rows > 0  # the dead attempt's progress, shown until re-queued
    else:
        # Claimed just now: it may be alive. A quarter of an hour later it is taken for dead.
        assert _sweep(world) == []
        with world["db"].unit_of_work() as session:
            session.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(created_at=utcnow() - background.STALLED - timedelta(seconds=1))
            )
    assert _lead_emails(world) == []  # nothing of the dead import was written

    # The server notices the dead connection and its transaction ends, lock and all.
    deadline = time.monotonic() + 30
    requeued = _sweep(world)
    while not requeued and time.monotonic() < deadline:
        time.sleep(0.05)
        requeued = _sweep(world)
    assert requeued == [run_id]
    run = _run(world, run_id)
    assert run.status == background.QUEUED and run.attempts == 1
    assert (run.processed_rows, run.created_count, run.duplicate_count, run.failed_count) == (
        0,
        0,
        0,
        0,
    )
    assert run.total_rows == ROWS and run.finished_at is None and run.errors == []
    assert _file(world, run_id).exists()

    # The task imports it; delivered twice, it runs once.
    assert import_csv_file.call_local(run_id) == background.COMPLETED
    assert import_csv_file.call_local(run_id) is None
    run = _run(world, run_id)
    assert run.attempts == 2
    assert (run.processed_rows, run.created_count, run.duplicate_count) == (ROWS, ROWS, 0)
    emails = _lead_emails(world)
    assert len(emails) == ROWS and set(emails) == {f"lead{i}@example.com" for i in range(ROWS)}
    assert not _file(world, run_id).exists()


# --- PostgreSQL: the run's lock held by another connection ---------------------------

CSV = (
    HEADER + "Ana,Cruz,ana.cruz@example.com,63,9171234567,\n"
    "Ben,Reyes,ben.reyes@example.com,63,9171234568,\n"
    "Cy,Lim,not-an-email,63,,\n"
).encode()


@postgres_only
def test_a_run_whose_lock_is_held_is_alive_and_one_whose_lock_is_free_is_queued_again(
    world: dict[str, Any],
) -> None:
    # Running for two days, rows done: only the lock tells whether its import lives.
    run_id = _queued(
        world,
        CSV,
        status=background.RUNNING,
        attempts=1,
        processed_rows=2,
        created_count=1,
        failed_count=1,
    )
    with world["db"].unit_of_work() as session:
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id)
            .values(created_at=utcnow() - timedelta(days=2))
        )
    live = _hold_lock(world, run_id)
    try:
        pending = huey.pending_count()
        Worker(world["settings"]).sweep()  # every chore: none touches a live import
        assert huey.pending_count() == pending
        run = _run(world, run_id)
        assert run.status == background.RUNNING and run.processed_rows == 2
        assert _file(world, run_id).exists()
    finally:
        live.close()  # the import's connection gone: PostgreSQL releases the lock

    Worker(world["settings"]).sweep()
    assert huey.pending_count() == pending + 1  # its task handed to the queue
    run = _run(world, run_id)
    assert run.status == background.QUEUED and run.attempts == 1
    assert (run.processed_rows, run.created_count, run.failed_count) == (0, 0, 0)
    task = huey.dequeue()
    while task is not None and task.args != (run_id,):
        task = huey.dequeue()
    assert task is not None
    huey.execute(task)  # the worker runs it
    run = _run(world, run_id)
    assert run.status == background.COMPLETED and run.attempts == 2
    assert (run.processed_rows, run.created_count, run.failed_count) == (3, 2, 1)
    assert _lead_emails(world) == ["ana.cruz@example.com", "ben.reyes@example.com"]
    assert not _file(world, run_id).exists()


@postgres_only
def test_a_task_does_not_start_a_run_whose_lock_is_held(world: dict[str, Any]) -> None:
    """Another delivery of the task while an import holds the run: it skips the run."""
    run_id = _queued(world, CSV)
    live = _hold_lock(world, run_id)
    try:
        assert import_csv_file.call_local(run_id) is None
        assert _run(world, run_id).status == background.QUEUED
    finally:
        live.close()
    assert import_csv_file.call_local(run_id) == background.COMPLETED


# --- SQLite: the time since the claim ------------------------------------------------


@sqlite_only
def test_sqlite_takes_a_run_claimed_long_ago_for_dead(world: dict[str, Any]) -> None:
    recent = _queued(world, CSV, status=background.RUNNING, attempts=1)
    stalled = _queued(world, CSV, status=background.RUNNING, attempts=1, processed_rows=2)
    with world["db"].unit_of_work() as session:
        for run_id, age in ((recent, timedelta(minutes=10)), (stalled, timedelta(minutes=16))):
            session.execute(
                update(ImportRun).where(ImportRun.id == run_id).values(created_at=utcnow() - age)
            )
    pending = huey.pending_count()
    Worker(world["settings"]).sweep()
    assert huey.pending_count() == pending + 1
    assert _run(world, recent).status == background.RUNNING
    run = _run(world, stalled)
    assert run.status == background.QUEUED and run.processed_rows == 0
    assert import_csv_file.call_local(stalled) == background.COMPLETED
    assert import_csv_file.call_local(stalled) is None
    assert _lead_emails(world) == ["ana.cruz@example.com", "ben.reyes@example.com"]


# --- both: the cap -------------------------------------------------------------------


def test_a_run_started_three_times_fails_and_its_file_is_deleted(world: dict[str, Any]) -> None:
    again = _queued(world, CSV, status=background.RUNNING, attempts=background.MAX_ATTEMPTS - 1)
    given_up = _queued(world, CSV, status=background.RUNNING, attempts=background.MAX_ATTEMPTS)
    # Claimed by a worker older than ``attempts``, which takes no lock: maybe alive.
    legacy = _queued(world, CSV, status=background.RUNNING, attempts=0)
    with world["db"].unit_of_work() as session:
        session.execute(  # SQLite goes by the time since the claim; PostgreSQL ignores it
            update(ImportRun)
            .where(ImportRun.id.in_([again, given_up, legacy]))
            .values(created_at=utcnow() - timedelta(hours=1), processed_rows=1)
        )

    assert _sweep(world) == [again]

    assert _run(world, again).status == background.QUEUED
    assert _run(world, legacy).status == background.RUNNING  # failed after a day
    run = _run(world, given_up)
    assert run.status == background.FAILED and run.finished_at is not None
    assert background.failure_reason(run) == background.INTERRUPTED
    assert run.processed_rows == 0
    assert not _file(world, given_up).exists() and _file(world, again).exists()
    assert import_csv_file.call_local(given_up) is None  # a late task does nothing
    with world["db"].unit_of_work() as session:
        count = select(func.count()).select_from(Application)
        assert session.scalar(count.where(Application.job_id == world["job"].id)) == 0
