"""Applications: a candidate in a job. Creation, folder moves and their history."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session, defer

from hireloop.db import insert_for, insert_returning, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import (
    FOLDER_COUNT_SLOTS,
    FOLDERS,
    Application,
    ApplicationEvent,
    JobFolderCount,
)
from hireloop.domain.applications.schemas import ApplicationFilters
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.service import search_condition
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.service import emit
from hireloop.domain.pagination import Page
from hireloop.errors import Invalid, NotFound

# Folders whose applications count as decided (evaluationStatus on the Partner API).
APPROVED_FOLDERS = ("shortlisted", "hired")
REJECTED_FOLDERS = ("rejected",)


def evaluation_status(application: Application) -> str:
    """From the folder the application is in now: an auto-rejected one (``status``
    ``rejected``) that a recruiter moved out of Rejected is no longer rejected."""
    if application.folder in APPROVED_FOLDERS:
        return "APPROVED"
    if application.folder in REJECTED_FOLDERS:
        return "REJECTED"
    return "PENDING"


# Events are only ever appended: one plain INSERT, compiled once.
_INSERT_EVENT = insert(ApplicationEvent.__table__)


def _record(
    session: Session,
    application: Application,
    kind: str,
    actor: Actor,
    *,
    from_folder: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    session.execute(
        _INSERT_EVENT,
        {
            "company_id": application.company_id,
            "application_id": application.id,
            "job_id": application.job_id,
            "kind": kind,
            "from_folder": from_folder,
            "to_folder": application.folder,
            "reason": reason,
            "actor_type": actor.type,
            "actor_id": actor.id,
            "data": data or {},
        },
    )


def find_application(session: Session, job_id: int, candidate_id: int) -> Application | None:
    return session.scalar(
        select(Application).where(
            Application.job_id == job_id, Application.candidate_id == candidate_id
        )
    )


def create_application(
    session: Session,
    job: Job,
    candidate: Candidate,
    actor: Actor,
    *,
    source: str | None = None,
    cover_letter: str = "",
    folder: str = "inbox",
    status: str = "new",
    step: str | None = None,
    values: dict[str, Any] | None = None,
) -> tuple[Application, bool]:
    """Put ``candidate`` in ``job``; returns ``(application, created)``.

    A candidate applies to a job once: applying again returns the existing application
    (also when two requests race: the database's unique key decides, without an error).
    Creation is recorded as an ApplicationEvent, in the folder counts and as an
    ``application.created`` outbox event. ``values`` sets more columns of a new
    application in the same INSERT (e.g. its screening result).
    """
    if job.company_id != candidate.company_id:
        raise NotFound("Job not found.")
    row = {
        "company_id": job.company_id,
        "job_id": job.id,
        "candidate_id": candidate.id,
        "folder": folder,
        "status": status,
        "step": step,
        "source": source,
        "cover_letter": cover_letter or "",
        **(values or {}),
    }
    application = insert_returning(
        session, Application, row, unless_exists=["job_id", "candidate_id"]
    )
    if application is None:
        existing = find_application(session, job.id, candidate.id)
        if existing is None:  # pragma: no cover - the conflict row is committed or ours
            raise NotFound("Application not found.")
        return existing, False
    _count(session, application, +1)
    _record(session, application, "created", actor)
    emit(
        session,
        job.company_id,
        "application.created",
        {
            "applicationId": application.id,
            "jobId": job.id,
            "candidateId": candidate.id,
            "folder": application.folder,
            "source": source,
        },
    )
    return application, True


def folder_key(application: Application) -> str:
    if application.folder == "custom":
        return f"custom:{application.custom_folder_id}"
    return application.folder


def _count(session: Session, application: Application, delta: int) -> None:
    """Keep the job's per-folder counts in step with the application's folder (in the
    application's own slot, see JobFolderCount)."""
    add_to_folder_counts(
        session,
        application.company_id,
        application.job_id,
        {(folder_key(application), application.id % FOLDER_COUNT_SLOTS): delta},
    )


def add_to_folder_counts(
    session: Session, company_id: int, job_id: int, deltas: dict[tuple[str, int], int]
) -> None:
    """Move the job's folder counts by ``deltas`` ({(folder key, slot): delta}), in one
    statement."""
    rows = [
        {"job_id": job_id, "folder_key": key, "slot": slot, "company_id": company_id, "count": n}
        for (key, slot), n in sorted(deltas.items())
    ]
    if rows:
        session.execute(_count_statement(session), rows[0] if len(rows) == 1 else rows)


# Folder-count changes waiting to be written:
# {(company id, job id, folder key, slot): delta}.
FolderCountDeltas = Counter[tuple[int, int, str, int]]


def write_folder_counts(session: Session, counts: FolderCountDeltas) -> None:
    """Write the changes ``move_application`` gathered, job by job, in key order."""
    by_job: dict[tuple[int, int], dict[tuple[str, int], int]] = {}
    for (company_id, job_id, key, slot), n in sorted(counts.items()):
        if n:
            by_job.setdefault((company_id, job_id), {})[(key, slot)] = n
    for (company_id, job_id), deltas in by_job.items():
        add_to_folder_counts(session, company_id, job_id, deltas)
    counts.clear()


_count_statements: dict[str, Any] = {}


def _count_statement(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    stmt = _count_statements.get(dialect)
    if stmt is None:
        table = JobFolderCount.__table__
        insert = insert_for(session, table)
        stmt = _count_statements[dialect] = insert.on_conflict_do_update(
            index_elements=["job_id", "folder_key", "slot"],
            set_={"count": table.c.count + insert.excluded.count},
        )
    return stmt


def move_application(
    session: Session,
    application: Application,
    folder: str,
    actor: Actor,
    *,
    reason: str | None = None,
    custom_folder_id: int | None = None,
    counts: FolderCountDeltas | None = None,
) -> Application:
    """Move to another folder; every move is recorded with actor, time and reason.

    With ``counts``, the folder-count changes are added there instead of written: a caller
    moving many applications writes them once, sorted (``write_folder_counts``), so that
    two such batches lock the count rows in the same order.

    The caller holds the application's row lock, read after it was taken
    (``get_application(..., lock=True)``): the folder counts and the event's
    ``from_folder`` come from the row as read, so a move computed from a stale row while
    another transaction moved it would count it out of a folder it had already left."""
    if folder not in FOLDERS:
        raise Invalid("Unknown folder.", details={"folder": f"unknown folder {folder!r}"})
    previous = application.folder
    if previous == folder and application.custom_folder_id == custom_folder_id:
        return application
    # Which custom folders: "custom" alone cannot tell one custom folder from another.
    custom: dict[str, int] = {}
    if previous == "custom" and application.custom_folder_id is not None:
        custom["from_custom_folder_id"] = application.custom_folder_id
    if folder == "custom" and custom_folder_id is not None:
        custom["to_custom_folder_id"] = custom_folder_id
    slot = application.id % FOLDER_COUNT_SLOTS
    before = folder_key(application)
    application.folder = folder
    application.custom_folder_id = custom_folder_id if folder == "custom" else None
    application.folder_changed_at = utcnow()
    deltas = {(before, slot): -1, (folder_key(application), slot): +1}
    if counts is not None:
        for (key, n_slot), n in deltas.items():
            counts[(application.company_id, application.job_id, key, n_slot)] += n
    else:
        # Both rows in one statement, in key order: two moves crossing each other between
        # the same two folders lock the rows in the same order (no deadlock).
        add_to_folder_counts(session, application.company_id, application.job_id, deltas)
    _record(session, application, "moved", actor, from_folder=previous, reason=reason, data=custom)
    payload: dict[str, Any] = {
        "applicationId": application.id,
        "from": previous,
        "to": folder,
        "reason": reason,
    }
    if custom:
        payload["fromCustomFolderId"] = custom.get("from_custom_folder_id")
        payload["toCustomFolderId"] = custom.get("to_custom_folder_id")
    emit(session, application.company_id, "application.moved", payload)
    return application


def change_job(
    session: Session, application: Application, target: Job, actor: Actor, *, reason: str | None
) -> Application:
    """Move the application, in its current folder, to another job of the same company:
    both jobs' folder counts follow, and the change is recorded as an event. The caller
    checks that the candidate is not already in ``target``."""
    if target.company_id != application.company_id:
        raise NotFound("Job not found.")
    previous = application.job_id
    if previous == target.id:
        return application
    _count(session, application, -1)
    application.job_id = target.id
    _count(session, application, +1)
    session.add(
        ApplicationEvent(
            company_id=application.company_id,
            application_id=application.id,
            job_id=target.id,
            kind="campaign_changed",
            from_folder=application.folder,
            to_folder=application.folder,
            reason=reason,
            actor_type=actor.type,
            actor_id=actor.id,
            data={"from_campaign_id": previous, "to_campaign_id": target.id},
        )
    )
    emit(
        session,
        application.company_id,
        "application.job_changed",
        {"applicationId": application.id, "from": previous, "to": target.id},
    )
    session.flush()
    return application


def get_application(
    session: Session, company_id: int, application_id: int, *, lock: bool = False
) -> Application:
    """The company's application; with ``lock``, its row locked for this transaction and
    read afresh (what another transaction committed meanwhile), as every change of folder,
    campaign or PIN needs: a move computes its folder counts and event from the row."""
    stmt = select(Application).where(
        Application.company_id == company_id, Application.id == application_id
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    application = session.scalar(stmt)
    if application is None:
        raise NotFound("Application not found.")
    return application


def get_applications(
    session: Session, company_id: int, ids: list[int]
) -> list[tuple[Application, Candidate]]:
    """The company's applications among ``ids`` with their candidates, in the order asked."""
    if not ids:
        return []
    rows = session.execute(
        select(Application, Candidate)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.company_id == company_id, Application.id.in_(ids))
    ).all()
    found = {app.id: (app, cand) for app, cand in rows}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def folder_totals(session: Session, job_ids: list[int]) -> dict[int, dict[str, int]]:
    """Applications per folder for each job, from the maintained counts: {job: {key: n}}."""
    totals: dict[int, dict[str, int]] = {job_id: {} for job_id in job_ids}
    if not job_ids:
        return totals
    total = func.sum(JobFolderCount.count)
    rows = session.execute(
        select(JobFolderCount.job_id, JobFolderCount.folder_key, total)
        .where(JobFolderCount.job_id.in_(job_ids))
        .group_by(JobFolderCount.job_id, JobFolderCount.folder_key)
        .having(total != 0)
    )
    for job_id, key, count in rows:
        totals[job_id][key] = int(count)
    return totals


def list_job_applications(
    session: Session, job: Job, filters: ApplicationFilters, *, page: int, per_page: int
) -> Page[tuple[Application, Candidate]]:
    """A page of the job's applications with their candidates.

    ``job`` comes from a company-scoped lookup, and an application always belongs to its
    job's company, so filtering on the job is the tenant filter (and lets the database
    answer from the job's indexes alone).
    """
    where = [Application.job_id == job.id]
    if filters.folders:
        where.append(Application.folder.in_(filters.folders))
    if filters.evaluation_status == "APPROVED":
        where.append(Application.folder.in_(APPROVED_FOLDERS))
    elif filters.evaluation_status == "REJECTED":
        where.append(Application.folder.in_(REJECTED_FOLDERS))
    elif filters.evaluation_status == "PENDING":
        where.append(Application.folder.not_in(APPROVED_FOLDERS + REJECTED_FOLDERS))
    if filters.min_score is not None:
        where.append(Application.ai_score >= filters.min_score)
    if filters.max_score is not None:
        where.append(Application.ai_score <= filters.max_score)
    if filters.source:
        where.append(Application.source == filters.source)
    if filters.created_after:
        where.append(Application.created_at >= filters.created_after)
    if filters.created_before:
        where.append(Application.created_at <= filters.created_before)
    if filters.search:
        where.append(search_condition(filters.search))

    only_folders = not (
        filters.evaluation_status
        or filters.min_score is not None
        or filters.max_score is not None
        or filters.source
        or filters.created_after
        or filters.created_before
        or filters.search
    )
    if only_folders and "custom" not in filters.folders:
        counts = folder_totals(session, [job.id])[job.id]
        wanted = set(filters.folders)
        total = sum(n for key, n in counts.items() if not wanted or key in wanted)
    else:
        total = session.scalar(_from(filters).with_only_columns(func.count()).where(*where)) or 0

    if filters.sort_by == "score":
        # Unscored applications last in either direction, on both databases.
        score = Application.ai_score
        first = (
            score.asc().nulls_last() if filters.sort_order == "asc" else score.desc().nulls_last()
        )
    else:
        first = (
            Application.created_at.asc()
            if filters.sort_order == "asc"
            else Application.created_at.desc()
        )
    order = [first, Application.id.asc() if filters.sort_order == "asc" else Application.id.desc()]
    # The page's ids come from the job's index alone; only those rows are then joined and
    # read, so the rows skipped by OFFSET cost nothing.
    page_ids = (
        _from(filters)
        .where(*where)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .subquery()
    )
    rows = session.execute(
        select(Application, Candidate)
        .join(page_ids, page_ids.c.id == Application.id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .order_by(*order)
        .options(
            defer(Candidate.resume_text),
            defer(Candidate.parsed_resume),
            defer(Application.answers),
        )
    ).all()
    items = [(app, cand) for app, cand in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


def _from(filters: ApplicationFilters) -> Select[tuple[int]]:
    stmt = select(Application.id)
    if filters.search:
        stmt = stmt.join(Candidate, Candidate.id == Application.candidate_id)
    return stmt
