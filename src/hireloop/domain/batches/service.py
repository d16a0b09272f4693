"""Bulk résumé batches: create them, process their files one by one, report progress.

A batch is created in one transaction together with its items and a
``resume.bulk_upload_parse.started`` outbox event. Workers process items independently
(so in parallel); each item's outcome and the batch's counters change in one transaction,
and the item that finishes the batch also writes ``.completed`` (or ``.failed`` when no
file could be read) to the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hireloop.db import Database, on_commit, on_rollback, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.batches.models import ResumeBatch, ResumeBatchItem
from hireloop.domain.companies.models import Company
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import FileStorage
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.service import emit
from hireloop.domain.pagination import Page
from hireloop.domain.resumes.extract import MAX_CV_BYTES
from hireloop.domain.resumes.service import ingest_resume
from hireloop.errors import DomainError, Invalid, NotFound

log = logging.getLogger(__name__)

MAX_FILES = 200
# A PROCESSING item not finished after this long is taken to be abandoned by its worker.
CLAIM_LEASE = timedelta(minutes=10)
MAX_ITEM_ATTEMPTS = 3


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class FetchOptions:
    max_bytes: int = MAX_CV_BYTES
    timeout: float = 15.0
    allow_loopback: bool = False


def create_batch(
    session: Session,
    company_id: int,
    *,
    storage: FileStorage,
    urls: list[str] | None = None,
    uploads: list[Upload] | None = None,
    job: Job | None = None,
    source: str,
    api_key_id: int | None = None,
) -> ResumeBatch:
    """A new batch of résumé URLs or uploaded files (1 to 200 in all)."""
    urls = urls or []
    uploads = uploads or []
    count = len(urls) + len(uploads)
    if count == 0:
        raise Invalid("No résumés given.", details={"resumeURLs": "at least one is required"})
    if count > MAX_FILES:
        raise Invalid(
            "Too many résumés.",
            details={"resumeURLs": f"at most {MAX_FILES} résumés per batch"},
        )
    if job is not None and job.company_id != company_id:
        raise NotFound("Job not found.")
    batch = ResumeBatch(
        company_id=company_id,
        job_id=job.id if job else None,
        source=source,
        file_count=count,
        created_by_api_key_id=api_key_id,
    )
    session.add(batch)
    session.flush()
    position = 0
    for url in urls:
        session.add(
            ResumeBatchItem(
                company_id=company_id,
                batch_id=batch.id,
                position=position,
                source_url=url.strip(),
                filename=url.strip().rsplit("/", 1)[-1][:300] or None,
            )
        )
        position += 1
    for upload in uploads:
        blob = storage.put(upload.data, prefix=f"company-{company_id}/batch-{batch.id}")
        on_rollback(session, lambda key=blob.key: storage.delete(key))
        file = File(
            company_id=company_id,
            kind="batch_upload",
            name=(upload.filename or "resume")[:300],
            media_type="application/octet-stream",
            size=blob.size,
            sha256=blob.sha256,
            storage_key=blob.key,
        )
        session.add(file)
        session.flush()
        session.add(
            ResumeBatchItem(
                company_id=company_id,
                batch_id=batch.id,
                position=position,
                upload_file_id=file.id,
                filename=file.name,
            )
        )
        position += 1
    session.flush()
    emit(
        session,
        company_id,
        "resume.bulk_upload_parse.started",
        {"batchId": batch.id, "fileCount": count, "jobId": batch.job_id},
    )
    return batch


def get_batch(session: Session, company_id: int, batch_id: int) -> ResumeBatch:
    batch = session.scalar(
        select(ResumeBatch).where(ResumeBatch.company_id == company_id, ResumeBatch.id == batch_id)
    )
    if batch is None:
        raise NotFound("Batch not found.")
    return batch


def list_items(
    session: Session, batch: ResumeBatch, *, page: int, per_page: int
) -> Page[ResumeBatchItem]:
    where = [ResumeBatchItem.batch_id == batch.id, ResumeBatchItem.company_id == batch.company_id]
    total = session.scalar(select(func.count()).select_from(ResumeBatchItem).where(*where)) or 0
    items = list(
        session.scalars(
            select(ResumeBatchItem)
            .where(*where)
            .order_by(ResumeBatchItem.position)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def pending_item_ids(session: Session, batch_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ResumeBatchItem.id)
            .where(ResumeBatchItem.batch_id == batch_id, ResumeBatchItem.status == "PENDING")
            .order_by(ResumeBatchItem.position)
        )
    )


def stale_item_ids(session: Session, *, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Items a worker should have taken by now: pending for a while, or claimed by a worker
    that did not finish them within the lease."""
    now = utcnow()
    pending = select(ResumeBatchItem.id).where(
        ResumeBatchItem.status == "PENDING", ResumeBatchItem.created_at < now - older_than
    )
    abandoned = select(ResumeBatchItem.id).where(
        ResumeBatchItem.status == "PROCESSING",
        ResumeBatchItem.claimed_at < now - CLAIM_LEASE,
    )
    return list(session.scalars(pending.union(abandoned).limit(1000)))


def _claim(db: Database, item_id: int) -> bool:
    now = utcnow()
    with db.unit_of_work() as session:
        claimed = session.execute(
            update(ResumeBatchItem)
            .where(
                ResumeBatchItem.id == item_id,
                (ResumeBatchItem.status == "PENDING")
                | (
                    (ResumeBatchItem.status == "PROCESSING")
                    & (ResumeBatchItem.claimed_at < now - CLAIM_LEASE)
                ),
            )
            .values(status="PROCESSING", claimed_at=now, attempts=ResumeBatchItem.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        batch_id = session.scalar(
            select(ResumeBatchItem.batch_id).where(ResumeBatchItem.id == item_id)
        )
        session.execute(
            update(ResumeBatch)
            .where(ResumeBatch.id == batch_id, ResumeBatch.status == "PENDING")
            .values(status="PROCESSING", started_at=now)
            .execution_options(synchronize_session=False)
        )
    return True


def _read_bytes(
    db: Database, item_id: int, storage: FileStorage, fetch: FetchOptions
) -> tuple[bytes, str | None]:
    """The file's bytes (and the name a URL gave it). The download happens with no
    transaction open, so a slow server holds no database lock."""
    with db.unit_of_work() as session:
        item = session.get(ResumeBatchItem, item_id)
        assert item is not None
        url = item.source_url
        file = session.get(File, item.upload_file_id) if item.upload_file_id else None
        key = file.storage_key if file is not None else None
    if url:
        from hireloop.integrations.fetch import fetch_url

        fetched = fetch_url(
            url,
            max_bytes=fetch.max_bytes,
            timeout=fetch.timeout,
            allow_loopback=fetch.allow_loopback,
        )
        return fetched.data, fetched.filename
    if key is None:
        raise Invalid("The uploaded file is no longer available.")
    return storage.get(key), None


def _finish(session: Session, item: ResumeBatchItem, *, ok: bool) -> None:
    """Count the item on its batch; the last item closes the batch."""
    session.execute(
        update(ResumeBatch)
        .where(ResumeBatch.id == item.batch_id)
        .values(
            processed_count=ResumeBatch.processed_count + 1,
            success_count=ResumeBatch.success_count + (1 if ok else 0),
            failed_count=ResumeBatch.failed_count + (0 if ok else 1),
        )
        .execution_options(synchronize_session=False)
    )
    batch = session.get(ResumeBatch, item.batch_id, populate_existing=True)
    assert batch is not None
    if batch.processed_count < batch.file_count or batch.status in ("COMPLETED", "FAILED"):
        return
    batch.status = "COMPLETED" if batch.success_count else "FAILED"
    batch.completed_at = utcnow()
    payload = {
        "batchId": batch.id,
        "status": batch.status,
        "fileCount": batch.file_count,
        "successCount": batch.success_count,
        "failedCount": batch.failed_count,
        "jobId": batch.job_id,
    }
    event = "completed" if batch.status == "COMPLETED" else "failed"
    if event == "failed":
        payload["error"] = "No résumé in the batch could be parsed."
    emit(session, batch.company_id, f"resume.bulk_upload_parse.{event}", payload)


def _drop_upload(session: Session, item: ResumeBatchItem, storage: FileStorage) -> None:
    """The uploaded bytes are only kept until the item is done."""
    if not item.upload_file_id:
        return
    file = session.get(File, item.upload_file_id)
    item.upload_file_id = None
    if file is not None:
        key = file.storage_key
        session.delete(file)
        on_commit(session, lambda: storage.delete(key))


def process_item(
    db: Database, item_id: int, *, storage: FileStorage, fetch: FetchOptions | None = None
) -> bool | None:
    """Parse one file of a batch. Returns True (parsed), False (failed) or None when another
    worker has it. Safe to call more than once for the same item."""
    fetch = fetch or FetchOptions()
    if not _claim(db, item_id):
        return None
    try:
        data, fetched_name = _read_bytes(db, item_id, storage, fetch)
        with db.unit_of_work() as session:
            item = session.get(ResumeBatchItem, item_id)
            assert item is not None
            item.filename = fetched_name or item.filename
            batch = session.get(ResumeBatch, item.batch_id)
            assert batch is not None
            company = session.get(Company, item.company_id)
            ingested = ingest_resume(
                session,
                storage,
                item.company_id,
                data,
                filename=item.filename,
                source="bulk_upload",
                default_region=company.default_country if company else None,
            )
            item.candidate_id = ingested.candidate.id
            if batch.job_id is not None:
                job = session.get(Job, batch.job_id)
                if job is not None:
                    application, _ = create_application(
                        session, job, ingested.candidate, Actor.system(), source="bulk_upload"
                    )
                    item.application_id = application.id
            item.status = "PARSED"
            item.error = None
            item.processed_at = utcnow()
            _drop_upload(session, item, storage)
            _finish(session, item, ok=True)
        return True
    except Exception as exc:  # noqa: BLE001 - any failure is the item's, recorded on it
        if not isinstance(exc, DomainError):
            log.exception("batch item %s failed", item_id)
            if _release_for_retry(db, item_id):
                raise  # the task queue runs the item again (see tasks.parse_batch_item)
        reason = exc.message if isinstance(exc, DomainError) else "Unexpected error"
        with db.unit_of_work() as session:
            item = session.get(ResumeBatchItem, item_id)
            assert item is not None
            item.status = "FAILED"
            item.error = reason[:2000]
            item.processed_at = utcnow()
            _drop_upload(session, item, storage)
            _finish(session, item, ok=False)
        return False


def _release_for_retry(db: Database, item_id: int) -> bool:
    """An unexpected error (a lost connection, a deadlock) may pass: put the item back,
    unless it has had its attempts."""
    with db.unit_of_work() as session:
        item = session.get(ResumeBatchItem, item_id)
        assert item is not None
        if item.attempts >= MAX_ITEM_ATTEMPTS:
            return False
        item.status = "PENDING"
        return True
