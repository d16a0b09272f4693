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
   compare-and-set again, so a task delivered twice runs once; ``attempts`` counts the
   claims), then runs ``service.import_csv`` in one transaction. That function records its
   counts on a run of its own; when it returns, they are copied onto the queued run and
   its own run is removed, in the import's transaction: the leads and the ``completed``
   run commit together. A refused file or an archived campaign makes the run ``failed``
   with nothing written (the import is undone to a savepoint and the failure recorded in
   the same transaction); the stored file is deleted either way.

Progress: on PostgreSQL each chunk's counts are written to the run in a short
transaction of their own, so the run's page shows rows done while the import's
transaction is still open. SQLite has one writer at a time (and pages wait for it), so
there the run shows its counts when it ends.

A worker killed in the middle of an import (a deploy, the OOM killer, ``kill -9``)
writes nothing of it: its transaction dies with it. The worker's sweeper finds such a
run within a minute (``interrupted_run_ids``) and queues it again (``queued``, counts back
to 0, the task handed to the queue as for a new run); a run started ``MAX_ATTEMPTS``
times fails instead (``interrupted``) and its file is deleted. How it knows the import is
dead:

* PostgreSQL, exactly: the import's transaction holds an advisory lock on the run
  (``_hold``, taken before the claim and held until the result is written), which
  PostgreSQL releases when that transaction ends or its connection dies. The sweeper
  tries the lock, in a short transaction of its own, for each running run: when it gets
  it, no import holds the run. A live import, however slow, is never touched.
* SQLite (one machine, no such locks), by time: a run claimed more than ``STALLED`` ago
  and still running. A live import there holds the database's write lock until it ends,
  and the sweeper's transactions wait for it, so only a dead one is seen that way.

Previews that are not imported within ``PREVIEW_TTL`` are deleted (file and row) by the
sweeper (``sweep_previews``), and runs still queued after that long are failed
(``interrupted``: no worker took them), as are runs still running that long after a
worker of a version without the lock (``attempts`` 0) claimed them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from sqlalchemy import delete, select, text, update
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
# SQLite: a run claimed this long ago and still running lost its worker (see above).
STALLED = timedelta(minutes=15)
# Starts of a run whose worker keeps dying (a file that runs it out of memory, say) before
# the run fails.
MAX_ATTEMPTS = 3
# The first key of the runs' advisory locks (PostgreSQL), the run's id the second one.
# Negative: the other two-key advisory locks are (company id, hashtext(...)).
RUN_LOCK = -0x494D

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
    deleted).

    The import's transaction is open from before the claim until the result is written,
    failures included: on PostgreSQL it holds the run's lock (``_hold``) all that time,
    so the sweeper never mistakes this import for a dead one (``interrupted_run_ids``).
    An error outside the import itself (the database gone, say) leaves the run running,
    its file kept: the sweeper takes it for interrupted and queues it again."""
    with db.unit_of_work() as session:
        if not _hold(session, run_id):
            return None  # another delivery of the task is running it
        run = _claim(db, run_id)
        if run is None:
            return None
        key = pending_key(run.company_id, run.public_id)
        status = _import(session, db, run, key, storage=storage, ttl_hours=ttl_hours)
    storage.delete(key)
    return status


def _hold(session: Session, run_id: int) -> bool:
    """PostgreSQL: take the run's advisory lock for the session's transaction, unless an
    import holds it (False). PostgreSQL releases it when the transaction ends or its
    connection dies with its worker. SQLite: nothing to take."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:space, :run)"),
            {"space": RUN_LOCK, "run": run_id},
        )
    )


def _claim(db: Database, run_id: int) -> ImportRun | None:
    """``queued`` → ``running`` in a transaction of its own (the page shows it at once),
    one more attempt, ``created_at`` now (``STALLED`` counts from it); None when the run
    is not queued."""
    with db.unit_of_work() as session:
        claimed = session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id, ImportRun.status == QUEUED)
            .values(status=RUNNING, attempts=ImportRun.attempts + 1, created_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return session.get(ImportRun, run_id)


def _import(
    session: Session,
    db: Database,
    run: ImportRun,
    key: str,
    *,
    storage: FileStorage,
    ttl_hours: int,
) -> str | None:
    """The claimed ``run``'s import, in ``session``'s transaction: its final status."""
    try:
        data = storage.get(key)
    except (OSError, ValueError):
        _fail(session, run.id, FILE_GONE, "The uploaded file is no longer available.")
        return FAILED
    company = session.get(Company, run.company_id)
    job = session.get(Job, run.job_id)
    if company is None or job is None:
        return None  # deleted meanwhile (the run went with its campaign)
    user_id = run.created_by_user_id
    try:
        # A failure undoes the import back to here; the transaction, and the lock, go on.
        with session.begin_nested():
            done = import_csv(
                session,
                company,
                job,
                data,
                filename=run.filename,
                actor=Actor("user", user_id) if user_id else Actor.system(),
                ttl_hours=ttl_hours,
                progress=_progress_writer(db, run.id),
                encoding=run.encoding,
            )
    except Invalid as exc:
        reason = next(iter((exc.details or {}).values()), "")
        _fail(session, run.id, str(reason), exc.message)
        return FAILED
    except Exception:
        log.exception("CSV import run %s failed", run.id)
        _fail(session, run.id, INTERNAL, "The import failed.")
        return FAILED
    # The counts move to the run the page shows, in the import's transaction.
    tracked = session.get(ImportRun, run.id)
    assert tracked is not None  # it goes only with its campaign
    _copy_counts(done, tracked)
    tracked.status = done.status
    tracked.finished_at = done.finished_at
    session.delete(done)
    return tracked.status


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


def _fail(session: Session, run_id: int, reason: str, message: str) -> None:
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


def interrupted_run_ids(db: Database, storage: FileStorage) -> list[int]:
    """Running runs whose import died with its worker: each is queued again, its counts
    back to 0, and returned to hand to the queue; one started ``MAX_ATTEMPTS`` times
    fails instead (``interrupted``) and its file is deleted. Dead: on PostgreSQL, nothing
    holds the run's lock (``_hold``, tried in a short transaction per run); on SQLite,
    claimed more than ``STALLED`` ago."""
    # attempts 0: claimed by a worker older than migration 0019, which takes no lock (it
    # may still be importing): left to sweep_previews.
    dead = [ImportRun.status == RUNNING, ImportRun.attempts > 0]
    if db.engine.dialect.name != "postgresql":
        dead.append(ImportRun.created_at < utcnow() - STALLED)
    with db.unit_of_work() as session:
        running = list(
            session.scalars(select(ImportRun.id).where(*dead).order_by(ImportRun.id).limit(100))
        )
    requeued: list[int] = []
    for run_id in running:
        with db.unit_of_work() as session:
            if not _hold(session, run_id):
                continue  # its import is alive
            run = session.scalar(select(ImportRun).where(ImportRun.id == run_id, *dead))
            if run is None:
                continue  # finished meanwhile
            if run.attempts >= MAX_ATTEMPTS:
                log.warning("CSV import run %s interrupted %s times: failed", run_id, run.attempts)
                _fail(session, run_id, INTERRUPTED, "The import was interrupted.")
                on_commit(
                    session, partial(storage.delete, pending_key(run.company_id, run.public_id))
                )
                continue
            log.warning("CSV import run %s interrupted: queued again", run_id)
            session.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id, ImportRun.status == RUNNING)
                .values(
                    status=QUEUED,
                    created_at=utcnow(),
                    processed_rows=0,
                    created_count=0,
                    duplicate_count=0,
                    failed_count=0,
                    errors=[],
                    finished_at=None,
                )
                .execution_options(synchronize_session=False)
            )
        requeued.append(run_id)
    return requeued


def sweep_previews(
    db: Database, storage: FileStorage, *, older_than: timedelta = PREVIEW_TTL
) -> int:
    """Delete the previews nobody imported within ``older_than`` (rows and files), and
    fail the runs still queued after that long, or running since a worker older than
    ``attempts`` claimed them (other running runs are ``interrupted_run_ids``' business).
    Returns how many previews were deleted."""
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
                (ImportRun.status == QUEUED)
                | ((ImportRun.status == RUNNING) & (ImportRun.attempts == 0)),
                ImportRun.created_at < cutoff,
            )
        ).all()
    for run in stuck:
        with db.unit_of_work() as session:
            _fail(session, run.id, INTERRUPTED, "The import was interrupted.")
        storage.delete(pending_key(run.company_id, run.public_id))
    return len(old)
