"""CSV imports of the web app, run by the worker.

A CSV file goes through three steps:

1. **preview** — the upload is kept in the file storage under
   ``company-<id>/intake-pending/<hex>`` and an ImportRun with status ``preview`` records
   it: the run's public id is that ``<hex>`` as a UUID, so the run names its file and a
   file names its run. Nothing is imported yet.
2. **queued** — "Import" moves the run from ``preview`` to ``queued`` with one
   compare-and-set UPDATE: posting twice queues one run. The worker's task is handed the
   run's id once that commits.
3. **running → completed | failed** — the task claims the run (``queued`` → ``running``,
   compare-and-set again, so a task delivered twice runs once), then runs
   ``service.import_csv`` in one transaction. That function records its counts on a run
   of its own; when it returns, they are copied onto the queued run and its own run is
   removed, in the import's transaction: the leads and the ``completed`` run commit
   together. A refused file or an archived campaign makes the run ``failed`` with nothing
   written; the stored file is deleted either way.

Progress: on PostgreSQL each chunk's counts are written to the run in a short
transaction of their own, so the run's page shows rows done while the import's
transaction is still open. SQLite has one writer at a time (and pages wait for it), so
there the run shows its counts when it ends.

Previews that are not imported within ``PREVIEW_TTL`` are deleted (file and row) by the
worker's sweeper (``sweep_previews``), and runs still queued or running after that long
are failed (their worker is gone).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hireloop.db import Database, on_commit, on_rollback, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.companies.models import Company
from hireloop.domain.files.storage import FileStorage
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.intake.service import import_csv, start_run
from hireloop.domain.jobs.models import Job
from hireloop.errors import Invalid

log = logging.getLogger(__name__)

PENDING_PREFIX = "intake-pending"
PREVIEW_TTL = timedelta(hours=24)
QUEUED_GRACE = timedelta(minutes=2)  # a queued run not started by then lost its task

PREVIEW = "preview"
QUEUED = "queued"
RUNNING = "running"
COMPLETED = "completed"
FAILED = "failed"
ACTIVE = (QUEUED, RUNNING)

# Why a run failed: its only error is ``{"row": None, "reason": ..., "error": ...}``, with
# one of these reasons or the detail of the Invalid that refused the file ("wrong header",
# "archived", ...).
FILE_GONE = "file gone"
INTERRUPTED = "interrupted"
INTERNAL = "internal error"


def pending_key(company_id: int, public_id: str) -> str:
    """The storage key of a run's kept file."""
    return f"company-{company_id}/{PENDING_PREFIX}/{uuid.UUID(public_id).hex}"


def public_id_of(pending_id: str) -> str | None:
    """The run's public id for the ``<hex>`` name of its file (None when not one)."""
    try:
        return str(uuid.UUID(hex=pending_id))
    except ValueError:
        return None


def keep_preview(
    session: Session,
    storage: FileStorage,
    job: Job,
    data: bytes,
    *,
    filename: str | None,
    total_rows: int,
    actor: Actor,
    encoding: str | None = None,
) -> ImportRun:
    """Store an uploaded file for a later import and record it as a ``preview`` run, with
    the ``encoding`` the preview read it in (the import reads it the same way)."""
    blob = storage.put(data, prefix=f"company-{job.company_id}/{PENDING_PREFIX}")
    on_rollback(session, lambda: storage.delete(blob.key))
    run = start_run(
        session,
        job,
        kind="csv",
        filename=filename,
        actor=actor,
        total_rows=total_rows,
        status=PREVIEW,
        public_id=str(uuid.UUID(hex=blob.key.rsplit("/", 1)[1])),
    )
    run.encoding = encoding
    session.flush()
    return run


def queue_preview(session: Session, job: Job, public_id: str) -> tuple[ImportRun | None, bool]:
    """Queue the campaign's previewed run ``public_id`` for the worker, once: a run that
    is already queued or further on is returned as it is. Returns the run (None when the
    campaign has no such run) and whether this call queued it, in which case the caller
    hands ``run.id`` to the worker once the transaction commits."""
    queued = session.execute(
        update(ImportRun)
        .where(
            ImportRun.company_id == job.company_id,
            ImportRun.job_id == job.id,
            ImportRun.public_id == public_id,
            ImportRun.status == PREVIEW,
        )
        .values(status=QUEUED, created_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    run = session.scalar(
        select(ImportRun)
        .where(
            ImportRun.company_id == job.company_id,
            ImportRun.job_id == job.id,
            ImportRun.public_id == public_id,
        )
        .execution_options(populate_existing=True)
    )
    return run, run is not None and queued.rowcount == 1  # type: ignore[attr-defined]


def run_import(db: Database, run_id: int, *, storage: FileStorage, ttl_hours: int) -> str | None:
    """Run a queued CSV import (the worker's task). Returns the run's final status, or
    None when the run is not queued (already taken by another delivery of the task, or
    deleted)."""
    with db.unit_of_work() as session:
        claimed = session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id, ImportRun.status == QUEUED)
            .values(status=RUNNING)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        run = session.get(ImportRun, run_id)
        assert run is not None
        company_id, job_id, public_id = run.company_id, run.job_id, run.public_id
        filename, user_id, encoding = run.filename, run.created_by_user_id, run.encoding
    key = pending_key(company_id, public_id)
    try:
        data = storage.get(key)
    except (OSError, ValueError):
        _fail(db, run_id, FILE_GONE, "The uploaded file is no longer available.")
        return FAILED
    actor = Actor("user", user_id) if user_id else Actor.system()
    status: str | None = None
    try:
        with db.unit_of_work() as session:
            company = session.get(Company, company_id)
            job = session.get(Job, job_id)
            if company is None or job is None:
                status = None  # deleted meanwhile (the run went with its campaign)
            else:
                done = import_csv(
                    session,
                    company,
                    job,
                    data,
                    filename=filename,
                    actor=actor,
                    ttl_hours=ttl_hours,
                    progress=_progress_writer(db, run_id),
                    encoding=encoding,
                )
                # The counts move to the run the page shows, in the import's transaction.
                tracked = session.get(ImportRun, run_id)
                assert tracked is not None  # it goes only with its campaign
                _copy_counts(done, tracked)
                tracked.status = status = done.status
                tracked.finished_at = done.finished_at
                session.delete(done)
    except Invalid as exc:
        reason = next(iter((exc.details or {}).values()), "")
        _fail(db, run_id, str(reason), exc.message)
        status = FAILED
    except Exception:
        log.exception("CSV import run %s failed", run_id)
        _fail(db, run_id, INTERNAL, "The import failed.")
        status = FAILED
    storage.delete(key)
    return status


def _copy_counts(source: ImportRun, target: ImportRun) -> None:
    target.total_rows = source.total_rows
    target.processed_rows = source.processed_rows
    target.created_count = source.created_count
    target.duplicate_count = source.duplicate_count
    target.failed_count = source.failed_count
    target.errors = list(source.errors or [])


def _progress_writer(db: Database, run_id: int) -> Callable[[ImportRun], None] | None:
    """After each chunk, the counts so far on the run, in a transaction of their own
    (PostgreSQL only: on SQLite it would wait for the import's own write lock)."""
    if db.engine.dialect.name != "postgresql":
        return None

    def report(progress: ImportRun) -> None:
        with db.unit_of_work() as session:
            session.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id, ImportRun.status == RUNNING)
                .values(
                    total_rows=progress.total_rows,
                    processed_rows=progress.processed_rows,
                    created_count=progress.created_count,
                    duplicate_count=progress.duplicate_count,
                    failed_count=progress.failed_count,
                )
                .execution_options(synchronize_session=False)
            )

    return report


def _fail(db: Database, run_id: int, reason: str, message: str) -> None:
    with db.unit_of_work() as session:
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id)
            .values(
                status=FAILED,
                finished_at=utcnow(),
                processed_rows=0,
                created_count=0,
                duplicate_count=0,
                failed_count=0,
                errors=[{"row": None, "reason": reason, "error": message}],
            )
            .execution_options(synchronize_session=False)
        )


def failure_reason(run: ImportRun) -> str | None:
    """Why a failed run failed (one of the reasons above, or an Invalid's detail)."""
    if run.status != FAILED or not run.errors:
        return None
    first = run.errors[0]
    return str(first.get("reason") or INTERNAL) if first.get("row") is None else None


def stale_queued_run_ids(session: Session) -> list[int]:
    """Queued runs no worker took within QUEUED_GRACE (their task was lost): to hand to
    the queue again (a second delivery of a task is harmless)."""
    return list(
        session.scalars(
            select(ImportRun.id)
            .where(ImportRun.status == QUEUED, ImportRun.created_at < utcnow() - QUEUED_GRACE)
            .order_by(ImportRun.id)
            .limit(100)
        )
    )


def sweep_previews(
    db: Database, storage: FileStorage, *, older_than: timedelta = PREVIEW_TTL
) -> int:
    """Delete the previews nobody imported within ``older_than`` (rows and files), and
    fail the runs still queued or running after that long. Returns how many previews
    were deleted."""
    cutoff = utcnow() - older_than
    with db.unit_of_work() as session:
        old = session.execute(
            select(ImportRun.id, ImportRun.company_id, ImportRun.public_id)
            .where(ImportRun.status == PREVIEW, ImportRun.created_at < cutoff)
            .limit(1000)
        ).all()
        if old:
            session.execute(
                delete(ImportRun)
                .where(ImportRun.id.in_([r.id for r in old]), ImportRun.status == PREVIEW)
                .execution_options(synchronize_session=False)
            )
            keys = [pending_key(r.company_id, r.public_id) for r in old]

            def delete_files() -> None:
                for key in keys:
                    storage.delete(key)

            on_commit(session, delete_files)
        stuck = session.execute(
            select(ImportRun.id, ImportRun.company_id, ImportRun.public_id).where(
                ImportRun.status.in_(ACTIVE), ImportRun.created_at < cutoff
            )
        ).all()
    for run in stuck:
        _fail(db, run.id, INTERRUPTED, "The import was interrupted.")
        storage.delete(pending_key(run.company_id, run.public_id))
    return len(old)
