"""Read queries of the recruiter app's pages (the services' writes stay in domain/)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.service import folder_totals
from hireloop.domain.companies.models import User
from hireloop.domain.jobs.campaigns import visible_jobs_condition
from hireloop.domain.jobs.models import Job
from hireloop.domain.pagination import Page

# The folders the welcome screen counts, in the order of the campaign view.
WELCOME_FOLDERS = ("inbox", "completed", "shortlisted", "on_hold", "rejected", "hired")


@dataclass
class CampaignRow:
    job: Job
    folders: dict[str, int]
    total: int


def campaigns_for(session: Session, user: User, page: int, per_page: int = 50) -> Page[CampaignRow]:
    """The campaigns ``user`` may see (owners: all of the company's; managers: those they
    are permitted to), newest first, with their folder counts."""
    where = visible_jobs_condition(session, user)
    total = session.scalar(select(func.count()).select_from(Job).where(where)) or 0
    jobs = list(
        session.scalars(
            select(Job)
            .where(where)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    totals = folder_totals(session, [job.id for job in jobs])
    rows = [
        CampaignRow(job=job, folders=totals[job.id], total=sum(totals[job.id].values()))
        for job in jobs
    ]
    return Page(items=rows, page=page, per_page=per_page, total=total)
