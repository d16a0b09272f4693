"""Read queries of the campaign view's candidate list: the campaigns a user may pick, the
folders with their counts, and a page of candidates through the leads search (the same
filters as the Leads API, so the same indexes and the same counting strategy: the
maintained folder counts when only a campaign and a folder are asked for, a count of the
matching rows otherwise). On PostgreSQL a campaign's list, filtered or not, is read from
the covering index of migration 0008 alone (its count and its page are index-only scans:
the filters on folder, source, dates and AI score are columns of the index)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from hireloop.domain.applications.folders import campaign_custom_folders, list_custom_folders
from hireloop.domain.applications.labels import labels_for
from hireloop.domain.applications.models import CustomFolder, JobFolderCount, Label
from hireloop.domain.applications.service import folder_totals
from hireloop.domain.companies.models import User
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.campaigns import visible_jobs_condition
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.schemas import LeadFilters
from hireloop.domain.leads.search import LeadRow, search_leads
from hireloop.domain.pagination import Page

# The system folders of the list, in Talkpush's order; "all" lists every folder.
SYSTEM_FOLDERS = (
    "inbox",
    "completed",
    "shortlisted",
    "on_hold",
    "rejected",
    "hired",
    "no_campaign_invitation",
    "no_response",
)
# Where a bulk move may go: never into the Inbox (candidates arrive there on their own).
MOVE_TARGETS = ("completed", "shortlisted", "on_hold", "rejected", "hired", "no_response")
PER_PAGE = 25
# A filtered list counts its rows up to this many past the page ("more than ..." beyond).
COUNT_LIMIT = 1000
MAX_CAMPAIGNS = 500


@dataclass
class ListFilters:
    """What the candidate list shows, as the page's address holds it."""

    query: str = ""
    folder: str = "inbox"  # a system folder, "custom:<id>" or "all"
    source: str = ""
    label: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    score_min: int | None = None
    score_max: int | None = None
    location: str = ""

    def params(self) -> dict[str, str]:
        """The address parameters that differ from the defaults."""
        out: dict[str, str] = {}
        if self.query:
            out["q"] = self.query
        if self.folder != ("all" if self.query else "inbox"):
            out["folder"] = self.folder
        for key in ("source", "label", "location"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.score_min is not None:
            out["score_min"] = str(self.score_min)
        if self.score_max is not None:
            out["score_max"] = str(self.score_max)
        return out

    @property
    def narrowed(self) -> bool:
        """Whether any filter other than the folder is set (for the Reset link)."""
        return any(k != "folder" for k in self.params())


@dataclass
class FolderEntry:
    key: str  # "inbox" ... or "custom:<id>"
    name: str | None  # a custom folder's name (system folders are translated by the page)
    count: int


@dataclass
class CandidateList:
    page: Page[LeadRow]
    labels: dict[int, list[str]] = field(default_factory=dict)
    # Whether rows were counted (filters beyond campaign and folder), not the folder counts.
    counted: bool = False

    @property
    def capped(self) -> bool:
        """Whether the total is only a lower bound (the count stopped at COUNT_LIMIT)."""
        return self.counted and self.page.total > self.page.offset + COUNT_LIMIT

    @property
    def shown_total(self) -> int:
        return (
            min(self.page.total, self.page.offset + COUNT_LIMIT)
            if self.counted
            else self.page.total
        )

    @property
    def has_next(self) -> bool:
        return self.page.page < self.page.total_pages


def campaign_choices(session: Session, user: User) -> list[Job]:
    """The campaigns ``user`` may see (archived ones last), for the campaign selector."""
    return list(
        session.scalars(
            select(Job)
            .where(visible_jobs_condition(session, user))
            .options(load_only(Job.id, Job.title, Job.status, Job.company_id))
            .order_by((Job.status == "archived").asc(), Job.created_at.desc(), Job.id.desc())
            .limit(MAX_CAMPAIGNS)
        )
    )


def visible_job_ids(session: Session, user: User) -> list[int] | None:
    """The campaigns of "Show All": None for an owner (every campaign of the company, no
    campaign filter needed), else the ids of the campaigns the manager is permitted to."""
    if user.role == "owner":
        return None
    return list(session.scalars(select(Job.id).where(visible_jobs_condition(session, user))))


def folder_entries(
    session: Session, company_id: int, job: Job | None, job_ids: list[int] | None
) -> list[FolderEntry]:
    """The folders of the list with their counts (from the maintained counts): the system
    folders, then the custom folders of the campaign (of the company for Show All)."""
    if job is not None:
        counts = folder_totals(session, [job.id])[job.id]
        customs = campaign_custom_folders(session, job)
    else:
        counts = {}
        if job_ids is None or job_ids:
            stmt = select(JobFolderCount.folder_key, func.sum(JobFolderCount.count)).where(
                JobFolderCount.company_id == company_id
            )
            if job_ids is not None:
                stmt = stmt.where(JobFolderCount.job_id.in_(job_ids))
            counts = {
                key: int(n or 0)
                for key, n in session.execute(stmt.group_by(JobFolderCount.folder_key))
            }
        customs = list_custom_folders(session, company_id)
    entries = [FolderEntry(key, None, counts.get(key, 0)) for key in SYSTEM_FOLDERS]
    entries += [
        FolderEntry(f"custom:{c.id}", c.name, counts.get(f"custom:{c.id}", 0)) for c in customs
    ]
    return entries


def label_names(session: Session, company_id: int) -> list[str]:
    """The company's labels, by name (for the label filter and the + menus)."""
    return list(
        session.scalars(
            select(Label.name).where(Label.company_id == company_id).order_by(Label.name).limit(500)
        )
    )


def custom_folder_name(session: Session, company_id: int, folder_id: int) -> str | None:
    return session.scalar(
        select(CustomFolder.name).where(
            CustomFolder.company_id == company_id, CustomFolder.id == folder_id
        )
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _day_after(day: date | None) -> datetime | None:
    """The exclusive end of a list through ``day``: None for none, or for 9999-12-31 (the
    last day has no next one: no end at all, as in the Leads API)."""
    if day is None or day == date.max:
        return None
    return _midnight(day + timedelta(days=1))


def candidate_list(
    session: Session,
    company_id: int,
    job_ids: list[int] | None,
    filters: ListFilters,
    *,
    page: int,
    per_page: int = PER_PAGE,
) -> CandidateList:
    """A page of the candidates of ``job_ids`` (None: every campaign of the company)
    matching ``filters``, newest first, with their labels."""
    if job_ids is not None and not job_ids:
        return CandidateList(Page(items=[], page=page, per_page=per_page, total=0))
    status: str | None = None
    custom_folder_id: int | None = None
    if filters.folder.startswith("custom:"):
        # By id: never by its name (another folder's name may differ from it by case only).
        raw = filters.folder.removeprefix("custom:")
        name = custom_folder_name(session, company_id, int(raw)) if is_ascii_digits(raw) else None
        if name is None:
            return CandidateList(Page(items=[], page=page, per_page=per_page, total=0))
        custom_folder_id = int(raw)
    elif filters.folder != "all":
        status = filters.folder
    lead_filters = LeadFilters(
        query=filters.query or None,
        campaign_ids=list(job_ids or []),
        status=status,
        custom_folder_id=custom_folder_id,
        created_from=_midnight(filters.date_from) if filters.date_from else None,
        created_to=_day_after(filters.date_to),
        source=filters.source or None,
        label=filters.label or None,
        location=filters.location or None,
        score_min=filters.score_min,
        score_max=filters.score_max,
    )
    found = search_leads(
        session, company_id, lead_filters, page=page, per_page=per_page, count_limit=COUNT_LIMIT
    )
    labels = labels_for(session, [row.application.id for row in found.items])
    return CandidateList(found, labels, counted=filters.narrowed)
