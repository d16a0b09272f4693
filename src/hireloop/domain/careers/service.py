"""The career-site (Talqo) use cases: list and read job offers, apply with a CV, read an
application. HTTP-free: the face parses the request, this module runs the lifecycle.

Apply lifecycle (the seed's order; rate limit and API key are the face's):

1. required fields, then the CV (``CV validation failed: …``: empty, > 10 MB, legacy .doc);
2. the offer (404 unknown, 403 another company's, 400 not open/active), the CV text (an
   unrecognised format is read as a PDF) and the AI scoring (name-blind);
3. candidate dedupe on email + first + last name (trimmed, lower-cased, accent-stripped);
4. the CV is stored as the candidate's current one; their previous CVs are deleted once the
   transaction commits;
5. application dedupe on (offer, candidate): the existing one is returned as-is;
6. a new application ``status="new"``, ``step="awaiting_advance"``, or, when the offer's
   ``ai_settings["auto_reject_threshold"]`` is set and the rating is below it,
   ``status="rejected"``, ``step="rejected"`` (folder Rejected) with a rejection email
   scheduled ``REJECTION_DELAY`` later;
7. a confirmation email (never on auto-reject).

Everything is written in the caller's transaction: an error anywhere leaves nothing behind
(the CV bytes are removed again on rollback).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, bindparam, false, func, select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import LIKE_ESCAPE, contains_pattern, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.identity import normalize_email
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import check_lengths, create_candidate
from hireloop.domain.careers.schemas import ApplicationForm, CareerSubmission, JobOfferFilters
from hireloop.domain.companies.models import ApiKey, Company
from hireloop.domain.files.storage import FileStorage
from hireloop.domain.jobs.models import JOB_OFFER_TYPE, OPEN_STATUSES, Job
from hireloop.domain.messaging.service import queue_email
from hireloop.domain.outbox.service import batched_events
from hireloop.domain.pagination import Page
from hireloop.domain.resumes.extract import ExtractionError, validate_cv
from hireloop.domain.resumes.service import ReadResume, apply_resume, read_resume, store_cv
from hireloop.domain.screening.schemas import ScreeningProfile, ScreeningResult
from hireloop.domain.screening.service import auto_reject, screen
from hireloop.errors import DomainError

DEFAULT_SOURCE = "career_site"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# The seed says the rejection email is "scheduled": it leaves an hour after the apply, so
# an instant "no" does not look automatic. Not a setting (yet).
REJECTION_DELAY = timedelta(hours=1)

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


# --- Errors (the face maps each kind to an HTTP status) --------------------------------


class CareerError(DomainError):
    """Base of the careers errors; ``message`` is the exact text the seed documents."""


class BadRequest(CareerError):
    kind = "invalid"  # 400


class NotOwned(CareerError):
    kind = "forbidden"  # 403


class Missing(CareerError):
    kind = "not_found"  # 404


class UnsupportedMediaType(CareerError):
    kind = "unsupported_media_type"  # 415


class IdempotencyConflict(CareerError):
    kind = "conflict"  # 409


class ServerFailure(CareerError):
    kind = "server_error"  # 500: "AI scoring failed: …", "Failed to upload CV: …"


# Messages (seed, "Specific errors" table and troubleshooting).
JOB_OFFER_ID_REQUIRED = "job_offer_id is required"
CANDIDATE_FIELDS_REQUIRED = "first_name, last_name, and email are required"
# Not in the seed's table, which only trims and lower-cases the email: without a check, a
# list of addresses ("a@x.io,b@y.io,...") became the candidate's email and the company's
# confirmation went to all of them.
EMAIL_INVALID = "email must be a valid email address"
CV_REQUIRED = 'cv file is required (multipart field "cv")'
JOB_NOT_OPEN = "Job offer is not open for applications"
JOB_NOT_OWNED = "Job offer does not belong to your company"
JOB_NOT_FOUND = "Job offer not found"
APPLICATION_NOT_OWNED = "Application does not belong to your company"
APPLICATION_NOT_FOUND = "Application not found"
APPLICATION_ID_REQUIRED = "application_id is required"


# --- Helpers ----------------------------------------------------------------------------


def is_strict_uuid(value: str | None) -> bool:
    """``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` (hex, any case), nothing else."""
    return bool(value) and _UUID_RE.fullmatch(value or "") is not None


def strict_uuid(value: str | None, field: str) -> str:
    """The canonical (lower-case) UUID, or BadRequest — before any query is made. Strict:
    surrounding spaces or line breaks make it another format."""
    if not value or not value.strip():
        raise BadRequest(f"{field} is required")
    if not is_strict_uuid(value):
        raise BadRequest(f"Invalid {field}: expected a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
    return str(uuid.UUID(value))


def detect_source(origin: str | None, referer: str | None) -> str:
    """The application source: the Origin header's hostname, else the Referer's, else
    ``"career_site"``. A header without a usable hostname (``null``, garbage) is skipped."""
    for header in (origin, referer):
        host = _hostname(header)
        if host:
            return host
    return DEFAULT_SOURCE


def _hostname(value: str | None) -> str | None:
    if not value or not value.strip() or value.strip().lower() == "null":
        return None
    try:
        host = urlsplit(value.strip()).hostname
    except ValueError:
        return None
    return host[:100] if host else None  # what candidates.source holds


def iso(value: datetime | None) -> str | None:
    """``2024-01-15T10:00:00Z`` (UTC, whole seconds), as in the seed's examples."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- Job offers -------------------------------------------------------------------------


# Larger per_page values are all capped.
_HUGE = 10**18
# The largest page a JavaScript client reads exactly (Number.MAX_SAFE_INTEGER): beyond it,
# pagination.page could not echo the page asked for, so such a page is refused.
MAX_PAGE = 2**53 - 1


def _positive_int(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    digits = raw.strip().removeprefix("+").lstrip("0")
    if not digits.isascii() or not digits.isdigit():
        raise BadRequest(f"{name} must be an integer greater than or equal to 1")
    return _HUGE if len(digits) > 18 else int(digits)


def _page(raw: str | None) -> int:
    page = _positive_int(raw, "page", 1)
    if page > MAX_PAGE:
        raise BadRequest(f"page must be an integer between 1 and {MAX_PAGE}")
    return page


_SPACED_OFFSET = re.compile(r"^(.*\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


def _instant(raw: str | None, name: str) -> datetime | None:
    """The date in UTC; 400 when it is not ISO 8601 or has no UTC equivalent (a time on
    0001-01-01 east of UTC, or on 9999-12-31 west of it)."""
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    # An offset's "+" sent unencoded arrives as a space ("10:00:00 02:00"): read as meant.
    text = _SPACED_OFFSET.sub(r"\1+\2", text)
    try:
        value = datetime.fromisoformat(text)
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise BadRequest(f"{name} must be an ISO 8601 date or date-time") from None


def _filter_text(params: Mapping[str, str], name: str) -> str | None:
    value = (params.get(name) or "").strip()
    if "\x00" in value:  # PostgreSQL's text cannot hold one: the same 400 on every database
        raise BadRequest(f"{name} must not contain null characters")
    return value or None


def job_offer_filters(params: Mapping[str, str]) -> JobOfferFilters:
    """The list filters from query parameters: ``per_page`` above 100 is capped at 100;
    ``page``/``per_page`` below 1 or not integers, ``page`` above ``MAX_PAGE``, dates that
    are not ISO 8601 and text with a null character are a BadRequest. An empty parameter
    is the same as an absent one."""
    status = _filter_text(params, "status") or "open"
    location = _filter_text(params, "location")
    job_type = _filter_text(params, "job_type")
    return JobOfferFilters(
        page=_page(params.get("page")),
        per_page=min(_positive_int(params.get("per_page"), "per_page", DEFAULT_PER_PAGE), 100),
        status=status,
        location=location,
        job_type=job_type,
        published_after=_instant(params.get("published_after"), "published_after"),
        published_before=_instant(params.get("published_before"), "published_before"),
    )


def _location_expr():  # type: ignore[no-untyped-def]
    """SQL for ``Job.location`` ("city, state, country", empty parts left out)."""
    parts = [func.nullif(col, "") for col in (Job.city, Job.state, Job.country)]
    # NULL || ', ' is NULL in both PostgreSQL and SQLite: each present part brings its comma.
    head = func.coalesce(parts[0] + ", ", "") + func.coalesce(parts[1] + ", ", "")
    return head + func.coalesce(parts[2], "")


def _next_second(value: datetime) -> datetime | None:
    """The start of the whole second after ``value``'s; None after 9999-12-31T23:59:59."""
    try:
        return value.replace(microsecond=0) + timedelta(seconds=1)
    except OverflowError:
        return None


def _published_between(after: datetime | None, before: datetime | None) -> list:  # type: ignore[type-arg]
    """``published_at`` as the API shows it (whole seconds, ``iso``) ``>= after`` and
    ``<= before``, so that an offer's own ``published_at`` used as a bound includes it:
    ``published_at`` from ``after`` rounded up to the second, and before the second that
    follows ``before``'s."""
    where = []
    if after is not None:
        start = _next_second(after) if after.microsecond else after
        where.append(Job.published_at >= start if start is not None else false())
    if before is not None:
        end = _next_second(before)
        if end is not None:  # else every date is shown at or before it
            where.append(Job.published_at < end)
    return where


def list_job_offers(session: Session, company_id: int, filters: JobOfferFilters) -> Page[Job]:
    """The company's offers with ``filters``, most recently published first."""
    where = [
        Job.company_id == company_id,
        Job.campaign_type == JOB_OFFER_TYPE,
        Job.status == filters.status,
    ]
    if filters.location:
        where.append(_location_expr().ilike(contains_pattern(filters.location), escape=LIKE_ESCAPE))
    if filters.job_type:
        where.append(Job.job_type == filters.job_type)
    where += _published_between(filters.published_after, filters.published_before)
    total = session.scalar(select(func.count()).select_from(Job).where(*where)) or 0
    page = Page(items=[], page=filters.page, per_page=filters.per_page, total=total)
    if total > page.offset:
        page.items = list(
            session.scalars(
                select(Job)
                .where(*where)
                .order_by(Job.published_at.desc().nulls_last(), Job.id.desc())
                .offset(page.offset)
                .limit(filters.per_page)
            )
        )
    return page


# Built once: every apply and offer read runs it.
_OFFER_BY_PUBLIC_ID = select(Job).where(
    Job.public_id == bindparam("public_id"), Job.campaign_type == JOB_OFFER_TYPE
)


# An apply's key and its offer in one query: one statement and round trip fewer per apply
# than the key and then the offer. The offer is the key company's with that UUID, if any.
_KEY_AND_OFFER = (
    select(ApiKey, Job)
    .outerjoin(
        Job,
        and_(
            Job.company_id == ApiKey.company_id,
            Job.public_id == bindparam("public_id"),
            Job.campaign_type == JOB_OFFER_TYPE,
        ),
    )
    .where(ApiKey.key_hash == bindparam("key_hash"))
)


def key_with_offer(
    session: Session, key_hash: str, job_offer_id: str | None
) -> tuple[ApiKey | None, Job | None]:
    """The API key with this hash, unchecked (``companies.service.check_api_key``), and
    the offer ``job_offer_id`` (a UUID as sent) of its company. None for what is not found;
    no offer is looked for unless the id is a well-formed UUID."""
    public_id = None
    if job_offer_id and is_strict_uuid(job_offer_id):
        public_id = str(uuid.UUID(job_offer_id))
    row = session.execute(_KEY_AND_OFFER, {"key_hash": key_hash, "public_id": public_id}).first()
    return (None, None) if row is None else (row[0], row[1])


def _job_by_public_id(session: Session, company_id: int, public_id: str) -> Job:
    """A job offer by UUID: a campaign of another type (an exit interview...) is none."""
    job = session.scalar(_OFFER_BY_PUBLIC_ID, {"public_id": public_id})
    if job is None:
        raise Missing(JOB_NOT_FOUND)
    if job.company_id != company_id:
        raise NotOwned(JOB_NOT_OWNED)
    return job


def get_job_offer(session: Session, company_id: int, raw_id: str | None) -> Job:
    """An offer by UUID: 400 for anything but a strict UUID (no query is made), 403 for
    another company's, 404 for none. Any status is readable."""
    return _job_by_public_id(session, company_id, strict_uuid(raw_id, "job_offer_id"))


def job_offer_json(job: Job) -> dict[str, object]:
    return {
        "id": job.public_id,
        "title": job.title,
        "description": job.description or "",
        "location": job.location or None,
        "job_type": job.job_type,
        "published_at": iso(job.published_at),
        "status": job.status,
        "updated_at": iso(job.updated_at),
    }


# --- Applications -----------------------------------------------------------------------


def _validate(form: ApplicationForm) -> tuple[str, str, str, str, bytes]:
    """Required fields then the CV, in the seed's table order."""
    if not _text(form.job_offer_id):
        raise BadRequest(JOB_OFFER_ID_REQUIRED)
    first, last = _text(form.first_name), _text(form.last_name)
    email = normalize_email(form.email) or ""
    if not first or not last or not email:
        raise BadRequest(CANDIDATE_FIELDS_REQUIRED)
    for field in ("job_offer_id", "first_name", "last_name", "email", "phone", "linkedin_url",
                  "cover_letter"):  # fmt: skip
        if "\x00" in (getattr(form, field) or ""):  # PostgreSQL's text cannot hold one
            raise BadRequest(f"{field} must not contain null characters")
    check_lengths(
        {"first_name": first, "last_name": last, "email": email, "phone": _text(form.phone)}
    )
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise BadRequest(EMAIL_INVALID) from None
    if form.cv is None:
        raise BadRequest(CV_REQUIRED)
    validate_cv(form.cv)  # CVValidationError: "CV validation failed: …" (400)
    job_offer_id = strict_uuid(form.job_offer_id, "job_offer_id")
    return job_offer_id, first, last, email, form.cv


def _read(data: bytes, default_region: str | None) -> ReadResume:
    try:
        return read_resume(data, unknown_as="pdf", default_region=default_region)
    except DomainError:
        raise
    except Exception as exc:  # a parser bug on a hostile file is an extraction failure
        raise ExtractionError(f"{type(exc).__name__}") from exc


def _score(resume: ReadResume, names: tuple[str, ...], job: Job, settings: Settings):  # type: ignore[no-untyped-def]
    try:
        profile = ScreeningProfile.from_parsed(
            resume.parsed, resume.extracted.text, extra_names=names
        )
        return screen(profile, job, settings)
    except Exception as exc:
        raise ServerFailure(f"AI scoring failed: {exc or type(exc).__name__}") from exc


def submit_application(
    session: Session,
    company_id: int,
    form: ApplicationForm,
    *,
    storage: FileStorage,
    settings: Settings,
    actor: Actor | None = None,
    offer: Job | None = None,
) -> CareerSubmission:
    """Run the apply lifecycle (module docstring). Returns the new application
    (``created=True``) or the existing one for this candidate and offer, untouched.

    ``offer``: the company's offer already loaded by the caller (``key_with_offer``); it
    stands for the form's ``job_offer_id`` when it is that one, else the offer is looked up."""
    job_offer_id, first, last, email, data = _validate(form)
    if offer is not None and offer.public_id == job_offer_id and offer.company_id == company_id:
        job = offer
    else:
        job = _job_by_public_id(session, company_id, job_offer_id)
    if job.status not in OPEN_STATUSES:
        raise BadRequest(JOB_NOT_OPEN)
    company = session.get(Company, company_id)
    assert company is not None
    resume = _read(data, company.default_country)
    result: ScreeningResult = _score(resume, (first, last, f"{first} {last}"), job, settings)

    # The apply's outbox events (candidate, application, email) are written together.
    with batched_events(session):
        linkedin = _text(form.linkedin_url)
        candidate, new_candidate = create_candidate(
            session,
            company_id,
            CandidateData(
                first_name=first,
                last_name=last,
                email=email,
                phone=_text(form.phone) or None,
                links={"linkedin": linkedin} if linkedin else {},
                source=form.source,
            ),
            match="identity",
            # A new candidate is inserted with what the CV says (one write of the row).
            prepare=lambda draft: apply_resume(draft, resume),
        )
        if not new_candidate:
            _fill_contact(candidate, _text(form.phone), linkedin)
        try:
            store_cv(
                session,
                storage,
                candidate,
                data,
                filename=form.cv_filename,
                media_type=resume.extracted.media_type,
                # A candidate created by this apply has no earlier CV to clean up.
                replace_previous=not new_candidate,
            )
        except OSError as exc:
            raise ServerFailure(f"Failed to upload CV: {exc.strerror or exc}") from exc
        if not new_candidate:
            apply_resume(candidate, resume)

        rejected = auto_reject(result, job)
        application, created = create_application(
            session,
            job,
            candidate,
            actor or Actor.system(),
            source=form.source,
            cover_letter=form.cover_letter or "",
            folder="rejected" if rejected else "inbox",
            status="rejected" if rejected else "new",
            step="rejected" if rejected else "awaiting_advance",
            # The score is written with the new application (an existing one keeps its own).
            values=result.application_fields(),
        )
        if not created:
            return CareerSubmission(application, candidate, job, created=False)
        confirmation = None
        if rejected:
            queue_email(
                session,
                kind="rejection",
                application=application,
                candidate=candidate,
                job=job,
                company=company,
                send_after=utcnow() + REJECTION_DELAY,
            )
        else:
            confirmation = queue_email(
                session,
                kind="confirmation",
                application=application,
                candidate=candidate,
                job=job,
                company=company,
            )
        session.flush()
        return CareerSubmission(
            application,
            candidate,
            job,
            created=True,
            auto_rejected=rejected,
            warnings=result.warnings,
            confirmation_queued=confirmation is not None,
        )


def _fill_contact(candidate: Candidate, phone: str, linkedin: str) -> None:
    """An existing candidate keeps what they have; the form fills what they lack."""
    if phone and not candidate.phone:
        candidate.phone = phone
    if linkedin and not (candidate.links or {}).get("linkedin"):
        candidate.links = {**(candidate.links or {}), "linkedin": linkedin}


def submission_json(submission: CareerSubmission) -> dict[str, object]:
    application = submission.application
    return {
        "application_id": application.public_id,
        "candidate_id": submission.candidate.public_id,
        "status": application_status(application),
        "created_at": iso(application.created_at),
    }


# Folder -> Talqo candidate_status, for applications moved in the pipeline after the apply.
_FOLDER_STATUS = {
    "rejected": "rejected",
    "hired": "accepted",
    "completed": "in_progress",
    "shortlisted": "in_progress",
    "on_hold": "in_progress",
    "no_response": "in_progress",
    "no_campaign_invitation": "in_progress",
    "custom": "in_progress",
}


def application_status(application: Application) -> str:
    """Talqo's ``candidate_status``, from the folder the application is in now:
    ``rejected`` in Rejected, ``accepted`` in Hired, ``in_progress`` in any other folder
    but the Inbox. In the Inbox, the stored status (``new`` for a fresh career-site
    application), except that an auto-rejected one a recruiter moved back there is
    ``in_progress``: the stored ``rejected`` is the AI's decision, which the move undid."""
    mapped = _FOLDER_STATUS.get(application.folder)
    if mapped:
        return mapped
    if application.status == "rejected":
        return "in_progress"
    return application.status or "new"


def get_application(session: Session, company_id: int, raw_id: str | None) -> Application:
    """An application by UUID: 400 for anything but a strict UUID (no query), 403 for
    another company's, 404 for none. An application to a campaign of another type than
    job offers (an inquiry, an exit interview...) is none, as its campaign is no offer."""
    public_id = strict_uuid(raw_id, "application_id")
    application = session.scalar(
        select(Application)
        .join(Job, Job.id == Application.job_id)
        .where(Application.public_id == public_id, Job.campaign_type == JOB_OFFER_TYPE)
    )
    if application is None:
        raise Missing(APPLICATION_NOT_FOUND)
    if application.company_id != company_id:
        raise NotOwned(APPLICATION_NOT_OWNED)
    return application


def application_json(session: Session, application: Application) -> dict[str, object]:
    candidate_id = session.scalar(
        select(Candidate.public_id).where(Candidate.id == application.candidate_id)
    )
    job_id = session.scalar(select(Job.public_id).where(Job.id == application.job_id))
    return {
        "id": application.public_id,
        "candidate_id": candidate_id,
        "job_offer_id": job_id,
        "status": application_status(application),
        "source": application.source,
        "created_at": iso(application.created_at),
        "updated_at": iso(application.updated_at),
    }
