"""Campaigns: Jobs seen as Talkpush campaigns — creation with the standard settings,
updates of the columns and of the settings documents, archive / activate, listing and
search, and who may see a campaign. The documents' rules live in jobs/campaign.py."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from hireloop.db import LIKE_ESCAPE, contains_pattern, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.companies.models import Company, User
from hireloop.domain.files.models import File
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.campaign import (
    ISSUED_QUESTIONS,
    CampaignFields,
    CampaignSettings,
    InterviewSettings,
    MessagingSettings,
    MessengerSettings,
    Question,
    assign_numbers,
    campaign_settings_of,
    check_messages,
    country_code,
    default_messaging,
    interview_settings_of,
    issued_questions,
    merge,
    merge_questions,
    messaging_settings_of,
    number_questions,
    parse,
)
from hireloop.domain.jobs.models import OPEN_STATUSES, Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job, get_job
from hireloop.domain.messaging.sanitize import check_html
from hireloop.domain.outbox.service import emit
from hireloop.errors import Invalid, NotFound

SETTINGS_DOCUMENTS = ("campaign", "messages", "messenger", "interview")
# Campaign attributes of the face kept in campaign_settings (the others are columns).
_SETTINGS_ATTRIBUTES = (
    "campaign_title",
    "street",
    "postal_code",
    "short_description",
    "salary",
    "salary_type",
    "role_type",
    "shift_type",
    "landing_page_url",
    "apply_url",
)
_MAX_SALARY = Decimal("999999999999")
_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?")


# --- reading ----------------------------------------------------------------------------


def get_campaign(session: Session, company_id: int, ref: str | int) -> Job:
    """The company's campaign by id (or public id); NotFound for another company's."""
    try:
        return get_job(session, company_id, ref)
    except NotFound:
        raise NotFound("Campaign not found for this company.") from None


def list_campaigns(
    session: Session,
    company_id: int,
    *,
    campaign_type: str | None = "job_application",
    archived: bool = False,
) -> list[Job]:
    """Active (not archived) campaigns of one type, or the archived ones of every type;
    newest first."""
    stmt = select(Job).where(Job.company_id == company_id)
    if archived:
        stmt = stmt.where(Job.status == "archived")
    else:
        stmt = stmt.where(Job.status != "archived")
        if campaign_type is not None:
            stmt = stmt.where(Job.campaign_type == campaign_type)
    return list(session.scalars(stmt.order_by(Job.created_at.desc(), Job.id.desc())))


def search_campaigns(session: Session, company_id: int, criteria: str) -> list[Job]:
    """Active campaigns whose id or ATS external id is ``criteria``, or whose job or
    campaign title contains it (case-insensitive)."""
    text = criteria.strip()
    if not text:
        return []
    pattern = contains_pattern(text.lower())
    campaign_title = Job.campaign_settings["campaign_title"].as_string()
    exact = [func.lower(Job.ats_external_id) == text.lower()]
    if is_ascii_digits(text) and len(text) < 19:
        exact.append(Job.id == int(text))
    titles = [
        func.lower(Job.title).like(pattern, escape=LIKE_ESCAPE),
        func.lower(campaign_title).like(pattern, escape=LIKE_ESCAPE),
    ]
    stmt = (
        select(Job)
        .where(Job.company_id == company_id, Job.status != "archived", or_(*exact, *titles))
        # The campaign named by id or ATS id first, then title matches, newest first.
        .order_by(case((or_(*exact), 0), else_=1), Job.created_at.desc(), Job.id.desc())
        .limit(500)
    )
    return list(session.scalars(stmt))


def campaign_questions(job: Job) -> list[Question]:
    """The questions of the campaign's interview script, in order, numbered (a script
    saved before numbers existed reads as numbered by position)."""
    return assign_numbers(interview_settings_of(job).questions, issued_questions(job)["number"])


# --- permissions ------------------------------------------------------------------------


def can_see(user: User, job: Job) -> bool:
    """Owners see every campaign of their company; a manager sees the campaigns whose
    ``manager_ids`` hold them."""
    if not user.active or user.company_id != job.company_id:
        return False
    if user.role == "owner":
        return True
    return user.id in (job.campaign_settings or {}).get("manager_ids", [])


def visible_jobs_condition(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE condition on Job selecting the campaigns ``user`` may see (tenant filter
    included), for list queries of the web app."""
    if not user.active:
        return false()
    company = Job.company_id == user.company_id
    if user.role == "owner":
        return company & true()
    if session.get_bind().dialect.name == "postgresql":
        listed = type_coerce(Job.campaign_settings, JSONB)["manager_ids"].contains([user.id])
    else:
        ids = func.json_each(Job.campaign_settings, "$.manager_ids").table_valued("value")
        listed = exists(select(literal(1)).select_from(ids).where(ids.c.value == user.id))
    return company & listed


# --- writing ----------------------------------------------------------------------------


def _salary_bounds(text: str | None) -> tuple[Decimal | None, Decimal | None]:
    """ "15000" or "15,000 - 20,000" as numbers; (None, None) when it is not a plain amount
    or range (the text is kept either way)."""
    if not text:
        return None, None
    amounts = _AMOUNT.findall(text)
    if not amounts or len(amounts) > 2 or re.search(r"[A-Za-z]", text):
        return None, None
    try:
        values = [Decimal(a.replace(",", "")) for a in amounts]
    except InvalidOperation:
        return None, None
    if any(v > _MAX_SALARY for v in values):
        return None, None
    return min(values), max(values)


def _check_managers(session: Session, company_id: int, ids: list[int], field: str) -> None:
    if not ids:
        return
    found = set(
        session.scalars(
            select(User.id).where(User.company_id == company_id, User.id.in_(ids), User.active)
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid(
            f"Unknown manager id(s): {', '.join(map(str, missing))}.",
            details={field: "unknown or inactive manager id(s): " + ", ".join(map(str, missing))},
        )


def _check_audio_files(session: Session, company_id: int, ids: set[int], field: str) -> None:
    if not ids:
        return
    found = set(
        session.scalars(
            select(File.id).where(
                File.company_id == company_id, File.kind == "audio", File.id.in_(ids)
            )
        )
    )
    missing = sorted(ids - found)
    if missing:
        raise Invalid(
            f"Unknown audio file id(s): {', '.join(map(str, missing))}.",
            details={field: "unknown audio file id(s): " + ", ".join(map(str, missing))},
        )


def _description(value: str | None) -> str:
    # Markdown, shown with raw HTML off; scripts are refused outright all the same.
    if value:
        check_html(value, "campaign.long_description")
    return value or ""


class _Plan:
    """Everything a create or update will write, computed and validated first so that a
    refused request changes nothing."""

    def __init__(self) -> None:
        self.columns: dict[str, Any] = {}
        self.campaign: dict[str, Any] = {}
        self.messaging: dict[str, Any] | None = None
        self.interview: dict[str, Any] | None = None


def _plan_fields(fields: CampaignFields, plan: _Plan, current_status: str | None) -> None:
    given = fields.given()
    for name in _SETTINGS_ATTRIBUTES:
        if name in given:
            plan.campaign[name] = given[name]
    if "job_title" in given:
        if not given["job_title"]:
            raise Invalid(
                "Parameter campaign.job_title can't be blank.",
                details={"campaign.job_title": "can't be blank"},
            )
        plan.columns["title"] = given["job_title"]
    simple = {
        "city": "city",
        "region": "state",
        "job_type": "job_type",
        "ats_external_id": "ats_external_id",
        "salary_currency": "salary_currency",
        "head_count": "potential_hires_count",
    }
    for name, column in simple.items():
        if name in given:
            plan.columns[column] = given[name]
    if "country" in given:
        country = given["country"]
        if country:
            # Checked either way; a code is stored as the code, a name as written.
            code = country_code(country, "campaign.country")
            country = code if len(country) == 2 else country
        plan.columns["country"] = country
    if "long_description" in given:
        plan.columns["description"] = _description(given["long_description"])
    if "salary" in given:
        plan.columns["salary_from"], plan.columns["salary_to"] = _salary_bounds(given["salary"])
    if given.get("campaign_type"):
        plan.columns["campaign_type"] = given["campaign_type"]
    if given.get("status"):
        plan.columns["status"] = given["status"]
    elif given.get("allow_applications") is not None and current_status != "archived":
        is_open = current_status in OPEN_STATUSES
        if given["allow_applications"] and not is_open:
            plan.columns["status"] = "open"
        elif not given["allow_applications"] and (is_open or current_status is None):
            plan.columns["status"] = "paused"


def _plan_settings(
    session: Session,
    company_id: int,
    plan: _Plan,
    changes: Any,
    *,
    campaign_doc: dict[str, Any],
    messaging_doc: dict[str, Any],
    interview_doc: dict[str, Any],
    issued: dict[str, int] | None = None,
) -> None:
    """Merge the ``settings`` extension into the documents and validate them. Only the
    managers the change adds are checked: one already listed keeps their place while
    deactivated (deactivation is reversible; a deleted user is taken off the lists)."""
    if changes is None:
        changes = {}
    if not isinstance(changes, dict):
        raise Invalid("settings must be an object.", details={"settings": "must be an object"})
    unknown = sorted(set(changes) - set(SETTINGS_DOCUMENTS))
    if unknown:
        raise Invalid(
            f"Unknown settings document(s): {', '.join(unknown)}.",
            details={
                f"settings.{k}": f"must be one of {', '.join(SETTINGS_DOCUMENTS)}" for k in unknown
            },
        )
    for name in ("campaign", "messenger", "messages", "interview"):
        if name in changes and not isinstance(changes[name], dict):
            raise Invalid(
                f"settings.{name} must be an object.",
                details={f"settings.{name}": "must be an object"},
            )

    doc = merge(campaign_doc, plan.campaign)
    doc = merge(doc, changes.get("campaign", {}))
    campaign: CampaignSettings = parse(CampaignSettings, doc, "settings.campaign")
    if "messenger" in changes:
        merged = merge(campaign.messenger.model_dump(), changes["messenger"])
        campaign.messenger = parse(MessengerSettings, merged, "settings.messenger")
    listed = set(campaign_doc.get("manager_ids") or [])
    added = [i for i in campaign.manager_ids if i not in listed]
    _check_managers(session, company_id, added, "settings.campaign.manager_ids")
    plan.campaign = campaign.model_dump(mode="json")

    messages: MessagingSettings = parse(
        MessagingSettings, merge(messaging_doc, changes.get("messages", {})), "settings.messages"
    )
    plan.messaging = check_messages(messages, "settings.messages")

    interview_changes = dict(changes.get("interview", {}))
    if "questions" in interview_changes:
        interview_changes["questions"] = merge_questions(
            interview_doc.get("questions", []), interview_changes["questions"]
        )
    interview: InterviewSettings = parse(
        InterviewSettings, merge(interview_doc, interview_changes), "settings.interview"
    )
    issued = number_questions(interview, "settings.interview", issued)
    _check_audio_files(session, company_id, interview.audio_file_ids(), "settings.interview")
    plan.interview = {**interview.model_dump(mode="json"), ISSUED_QUESTIONS: issued}


def _keep_foreign(
    old: dict[str, Any] | None, model: type[Any], new: dict[str, Any]
) -> dict[str, Any]:
    """``new`` plus the keys of ``old`` that belong to other modules."""
    foreign = {k: v for k, v in (old or {}).items() if k not in model.model_fields}
    return {**foreign, **new}


def create_campaign(
    session: Session,
    company: Company,
    fields: CampaignFields,
    actor: Actor,
    *,
    settings: Any = None,
    generated_description: bool = True,
) -> Job:
    """A new campaign: open unless a status is given (or ``allow_applications`` is false,
    which makes it paused), with the standard message texts and interview prompts, the
    company's country as hotline country and, when a manager creates it, that manager in
    its permissions. ``settings`` is the optional {campaign, messages, messenger,
    interview} document changes. Without ``long_description`` the job gets the generated
    Markdown description (jobs.service.default_description) unless
    ``generated_description`` is False (the Talkpush API: a campaign reads back what its
    client sent). Invalid / Unprocessable / NotFound (country) before anything is
    written."""
    if not fields.job_title and not fields.campaign_title:
        raise Invalid(
            "Parameter campaign.job_title is required.",
            details={"campaign.job_title": "is required"},
        )
    if not fields.job_title:
        fields = fields.model_copy(update={"job_title": fields.campaign_title})
        fields.model_fields_set.add("job_title")
    plan = _Plan()
    _plan_fields(fields, plan, None)
    plan.columns.setdefault("status", "open")
    base_campaign: dict[str, Any] = {"hotline_country": company.default_country}
    if actor.type == "user" and actor.id is not None:
        user = session.get(User, actor.id)
        if user is not None and user.company_id == company.id and user.role != "owner":
            base_campaign["manager_ids"] = [user.id]
    _plan_settings(
        session,
        company.id,
        plan,
        settings,
        campaign_doc=CampaignSettings.model_validate(base_campaign).model_dump(mode="json"),
        messaging_doc=default_messaging(),
        interview_doc=InterviewSettings().model_dump(mode="json"),
    )
    columns = dict(plan.columns)
    extra = {k: columns.pop(k) for k in ("campaign_type", "ats_external_id") if k in columns}
    job = create_job(
        session,
        company.id,
        JobData(**columns),
        actor,
        generated_description=generated_description,
    )
    for name, value in extra.items():
        setattr(job, name, value)
    job.campaign_settings = plan.campaign
    job.messaging_settings = plan.messaging or {}
    job.interview_settings = plan.interview or {}
    session.flush()
    return job


def update_campaign(
    session: Session,
    job: Job,
    fields: CampaignFields | None,
    actor: Actor,
    *,
    settings: Any = None,
) -> Job:
    """Change the given campaign attributes and merge ``settings`` (objects merge key by
    key; lists such as ``questions`` replace, a question sent again by id keeps its audio
    prompt). Everything is validated before the job changes."""
    plan = _Plan()
    if fields is not None:
        _plan_fields(fields, plan, job.status)
    _plan_settings(
        session,
        job.company_id,
        plan,
        settings,
        campaign_doc=campaign_settings_of(job).model_dump(mode="json"),
        messaging_doc=messaging_settings_of(job).model_dump(mode="json"),
        interview_doc=interview_settings_of(job).model_dump(mode="json"),
        issued=issued_questions(job),
    )
    changed = sorted(k for k, v in plan.columns.items() if getattr(job, k) != v)
    for name, value in plan.columns.items():
        setattr(job, name, value)
    _published(job)
    job.campaign_settings = _keep_foreign(job.campaign_settings, CampaignSettings, plan.campaign)
    job.messaging_settings = _keep_foreign(
        job.messaging_settings, MessagingSettings, plan.messaging or {}
    )
    job.interview_settings = _keep_foreign(
        job.interview_settings, InterviewSettings, plan.interview or {}
    )
    job.updated_at = utcnow()
    session.flush()
    emit(
        session,
        job.company_id,
        "job.updated",
        {"jobId": job.id, "changed": changed, "actor": [actor.type, actor.id]},
    )
    return job


def _published(job: Job) -> None:
    if job.status in OPEN_STATUSES and job.published_at is None:
        job.published_at = utcnow()


def _set_status(session: Session, job: Job, status: str, actor: Actor) -> Job:
    if job.status == status:
        return job  # idempotent: nothing changes, no event
    previous = job.status
    job.status = status
    _published(job)
    job.updated_at = utcnow()
    session.flush()
    emit(
        session,
        job.company_id,
        "job.updated",
        {
            "jobId": job.id,
            "changed": ["status"],
            "from": previous,
            "to": status,
            "actor": [actor.type, actor.id],
        },
    )
    return job


def archive_campaign(session: Session, job: Job, actor: Actor) -> Job:
    """Archive the campaign (it stops taking applications); idempotent."""
    return _set_status(session, job, "archived", actor)


def activate_campaign(session: Session, job: Job, actor: Actor) -> Job:
    """Make the campaign open again (from archived, paused, draft or closed); idempotent."""
    if job.status in OPEN_STATUSES:
        return job
    return _set_status(session, job, "open", actor)
