"""The worker's sweeper and the web app's CSV imports: previews nobody imported are deleted
after a day (row and file), a queued run whose task was lost is handed to the queue again,
and a run no worker took within a day is failed, as is one that a worker older than the
run's ``attempts`` claimed a day ago. (Runs whose worker died mid-import:
test_interrupted_imports.py.)"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from hireloop.config import Settings, get_settings
from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.companies.service import create_company
from hireloop.domain.files.storage import local_storage
from hireloop.domain.intake import background
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.worker.queue import huey
from hireloop.worker.runner import Worker
from tests.conftest import create_database

CSV = b"first name,last name,email,country code,phone number\nAna,Cruz,ana@example.com,63,\n"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_sweep"
    url = create_database(f"{name}_{os.getpid()}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)  # what the worker's tasks use
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    settings = Settings(data_dir=tmp_path, database_url=url)
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Sweep Co")
        job = create_job(session, company.id, JobData(title="Agent", status="open"), Actor.system())
    try:
        yield {"db": db, "job": job, "settings": settings}
    finally:
        db.dispose()
        get_settings.cache_clear()


def _preview(world: dict[str, Any], *, age: timedelta, status: str = "preview") -> ImportRun:
    db: Database = world["db"]
    storage = local_storage(world["settings"].files_dir)
    with db.unit_of_work() as session:
        run = background.keep_preview(
            session,
            storage,
            world["job"],
            CSV,
            filename="x.csv",
            total_rows=1,
            actor=Actor.system(),
        )
        session.flush()
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run.id)
            .values(status=status, created_at=utcnow() - age)
        )
    return run


def _file(world: dict[str, Any], run: ImportRun) -> Path:
    return world["settings"].files_dir / background.pending_key(run.company_id, run.public_id)


def _status(world: dict[str, Any], run: ImportRun) -> str | None:
    with world["db"].unit_of_work() as session:
        return session.scalar(select(ImportRun.status).where(ImportRun.id == run.id))


def test_the_sweeper_deletes_abandoned_previews(world: dict[str, Any]) -> None:
    abandoned = _preview(world, age=timedelta(hours=25))
    fresh = _preview(world, age=timedelta(hours=23))
    stuck = _preview(world, age=timedelta(hours=25), status="running")  # attempts 0
    lost = _preview(world, age=timedelta(hours=25), status="queued")
    assert _file(world, abandoned).exists() and _file(world, stuck).exists()

    Worker(world["settings"]).sweep()

    assert _status(world, abandoned) is None and not _file(world, abandoned).exists()
    assert _status(world, fresh) == "preview" and _file(world, fresh).exists()
    # A run no worker took within a day is failed, and its file deleted; so is one that
    # a worker without the run's lock (no attempts counted) claimed a day ago.
    for run in (stuck, lost):
        assert _status(world, run) == "failed" and not _file(world, run).exists()
        with world["db"].unit_of_work() as session:
            failed = session.get(ImportRun, run.id)
            assert background.failure_reason(failed) == background.INTERRUPTED


def test_the_sweeper_hands_a_lost_queued_run_to_the_queue_again(world: dict[str, Any]) -> None:
    waiting = _preview(world, age=timedelta(minutes=1), status="queued")
    lost = _preview(world, age=timedelta(minutes=5), status="queued")
    pending = huey.pending_count()

    Worker(world["settings"]).sweep()

    assert huey.pending_count() == pending + 1  # only the lost one
    assert _status(world, waiting) == "queued" and _status(world, lost) == "queued"
    task = huey.dequeue()
    while task is not None and task.args != (lost.id,):
        task = huey.dequeue()
    assert task is not None
    huey.execute(task)  # the worker runs it
    assert _status(world, lost) == "completed" and not _file(world, lost).exists()
