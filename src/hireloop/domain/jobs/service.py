"""Jobs (= campaigns = job offers)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.ids import is_ascii_digits, parse_id
from hireloop.domain.jobs.models import OPEN_STATUSES, Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.outbox.service import emit
from hireloop.domain.pagination import Page
from hireloop.errors import NotFound


def default_description(data: JobData) -> str:
    """A plain description when none is given (Taptalent generates one)."""
    where = ", ".join(p for p in (data.city, data.state, data.country) if p)
    lines = [f"# {data.title}", ""]
    if where:
        lines.append(f"**Location:** {where}  ")
    lines.append(f"**Work mode:** {data.work_mode.title()}  ")
    if data.contract_type:
        lines.append(f"**Contract:** {data.contract_type}  ")
    return "\n".join(lines).rstrip() + "\n"


def create_job(
    session: Session,
    company_id: int,
    data: JobData,
    actor: Actor,
    *,
    generated_description: bool = True,
) -> Job:
    """A new job; without a description it gets ``default_description`` (the partner face
    and the web app rely on it), unless ``generated_description`` is False (the Talkpush
    face, whose clients read back the ``long_description`` they sent, or none)."""
    job = Job(company_id=company_id, **data.model_dump())
    if not job.description and generated_description:
        job.description = default_description(data)
    if job.status in OPEN_STATUSES and job.published_at is None:
        job.published_at = utcnow()
    if actor.type == "user":
        job.created_by_user_id = actor.id
    session.add(job)
    session.flush()
    emit(session, company_id, "job.created", {"jobId": job.id, "publicId": job.public_id})
    return job


def parse_job_ref(ref: str | int) -> tuple[int | None, str | None]:
    """A job is referred to by its integer id or its UUID public id."""
    if isinstance(ref, int):
        # Ids are positive 64-bit integers; anything else matches no job (and must not
        # reach the database, which cannot bind it).
        return (ref, None) if 1 <= ref < 2**63 else (None, None)
    text = str(ref).strip()
    if is_ascii_digits(text):
        return parse_id(text), None
    try:
        return None, str(uuid.UUID(text))
    except ValueError:
        return None, None


def get_job(session: Session, company_id: int, ref: str | int) -> Job:
    """The company's job by id or public id; NotFound for another company's or none."""
    job_id, public_id = parse_job_ref(ref)
    if job_id is None and public_id is None:
        raise NotFound("Job not found.")
    stmt = select(Job).where(Job.company_id == company_id)
    stmt = (
        stmt.where(Job.id == job_id)
        if job_id is not None
        else stmt.where(Job.public_id == public_id)
    )
    job = session.scalar(stmt)
    if job is None:
        raise NotFound("Job not found.")
    return job


def list_jobs(
    session: Session,
    company_id: int,
    *,
    page: int = 1,
    per_page: int = 10,
    statuses: list[str] | None = None,
) -> Page[Job]:
    where = [Job.company_id == company_id]
    if statuses:
        where.append(Job.status.in_(statuses))
    total = session.scalar(select(func.count()).select_from(Job).where(*where)) or 0
    items = list(
        session.scalars(
            select(Job)
            .where(*where)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)
