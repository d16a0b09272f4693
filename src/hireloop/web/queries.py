"""Read-only lookups behind the public career pages (the pages themselves hold no SQL).

What the public may see: an *active* company, found by its slug, and its *published* job
offers — status ``open`` or ``active`` (the statuses that take applications) with a
publication date that has come. Drafts, closed, paused and archived offers, campaigns that
are not job offers (exit interviews, onboarding...), and everything of other companies, do
not exist for these pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import JOB_OFFER_TYPE, OPEN_STATUSES, Job
from hireloop.domain.pagination import Page


def active_company(session: Session, slug: str) -> Company | None:
    if not slug or len(slug) > 120:
        return None
    return session.scalar(select(Company).where(Company.slug == slug, Company.active.is_(True)))


def _published(company_id: int) -> list:  # type: ignore[type-arg]
    return [
        Job.company_id == company_id,
        Job.campaign_type == JOB_OFFER_TYPE,
        Job.status.in_(OPEN_STATUSES),
        Job.published_at.is_not(None),
        Job.published_at <= utcnow(),
    ]


def is_public(job: Job) -> bool:
    """Whether the job's page is public now: a job offer, open or active, with a
    publication date that has come (what the list shows and the job's link opens)."""
    return (
        job.campaign_type == JOB_OFFER_TYPE
        and job.status in OPEN_STATUSES
        and job.published_at is not None
        and job.published_at <= utcnow()
    )


def published_jobs(session: Session, company_id: int, page: int, per_page: int) -> Page[Job]:
    """The company's published offers, most recently published first."""
    where = _published(company_id)
    total = session.scalar(select(func.count()).select_from(Job).where(*where)) or 0
    result: Page[Job] = Page(items=[], page=page, per_page=per_page, total=total)
    if total > result.offset:
        result.items = list(
            session.scalars(
                select(Job)
                .where(*where)
                .order_by(Job.published_at.desc(), Job.id.desc())
                .offset(result.offset)
                .limit(per_page)
            )
        )
    return result


@dataclass(frozen=True)
class JobLookup:
    job: Job | None
    closed: bool  # the offer exists and was published, but takes no applications now


def company_job(session: Session, company_id: int, public_id: str) -> JobLookup:
    """The company's offer by UUID: published ones, and closed/paused/archived ones that
    were published (a shared link then says the offer is closed). Drafts, unknown ids,
    campaigns that are not job offers and other companies' offers are
    ``JobLookup(None, False)``."""
    job = session.scalar(
        select(Job).where(
            Job.company_id == company_id,
            Job.public_id == public_id,
            Job.campaign_type == JOB_OFFER_TYPE,
        )
    )
    if job is None or job.published_at is None or job.status == "draft":
        return JobLookup(None, False)
    if is_public(job):
        return JobLookup(job, False)
    if job.status in OPEN_STATUSES:  # scheduled for later: not public yet
        return JobLookup(None, False)
    return JobLookup(job, True)


@dataclass(frozen=True)
class AppliedView:
    application: Application
    first_name: str


def application_for_job(
    session: Session, company_id: int, job: Job, application_public_id: str
) -> AppliedView | None:
    """The application (of this company, for this job) a thank-you page is about."""
    row = session.execute(
        select(Application, Candidate.first_name)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(
            Application.public_id == application_public_id,
            Application.company_id == company_id,
            Application.job_id == job.id,
        )
    ).first()
    if row is None:
        return None
    return AppliedView(application=row[0], first_name=row[1] or "")
