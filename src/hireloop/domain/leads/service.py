"""Leads (Talkpush "campaign invitations"): a candidate's application to a campaign.

Intake dedupes the person (company + email, or the phone number when there is no email),
issues the interview PIN and hands the new lead to the automatic messages. Edits, folder
moves, campaign changes, assignment, comments and documents act on one lead of the
caller's company; every folder move goes through applications.service.move_application.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hireloop.db import fold_case, insert_for, on_rollback, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications import folders
from hireloop.domain.applications import labels as label_service
from hireloop.domain.applications.models import (
    Application,
    ApplicationEvent,
    CustomFolder,
    DocumentTag,
)
from hireloop.domain.applications.pins import issue_pin, start_pin_clock
from hireloop.domain.applications.service import (
    change_job,
    create_application,
    find_application,
    move_application,
)
from hireloop.domain.candidates.identity import (
    clean_name,
    name_key,
    normalize_email,
    normalize_phone,
)
from hireloop.domain.candidates.models import Candidate, Comment
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import (
    check_lengths,
    create_candidate,
    find_by_email,
    serialize_on_email,
)
from hireloop.domain.companies.models import Company, User
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import FileStorage
from hireloop.domain.ids import MAX_ID
from hireloop.domain.jobs import campaigns
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.schemas import CvUpload, LabelChange, LeadInput, LeadUpdate
from hireloop.domain.messaging import automatic
from hireloop.domain.messaging.models import NOT_SENT, Message
from hireloop.domain.messaging.sanitize import clean_comment_html
from hireloop.domain.resumes.extract import CVValidationError, ExtractionError, detect_format
from hireloop.domain.resumes.service import ReadResume, apply_resume, read_resume, store_cv
from hireloop.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

LEAD_NOT_FOUND = "Campaign Invitation not found for this company"
CAMPAIGN_NOT_FOUND = "Campaign not found."
FOLDER_NOT_FOUND = "Folder not found."
FILE_NOT_FOUND = "File not found."
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_OTHERS_KEYS = 200
# Talkpush's PUT /campaign_invitations/{id}/{status} verbs.
STATUS_ACTIONS = {
    "complete": "completed",
    "shortlist": "shortlisted",
    "on_hold": "on_hold",
    "reject": "rejected",
    "hire": "hired",
    "custom": "custom",
}
# A campaign in this status takes no new leads (and no lead is moved into it).
CLOSED_CAMPAIGN = "archived"
REFEREE_NAME_KEYS = ("referee_first_name", "referee_last_name")


@dataclass
class LeadView:
    """A lead with what its JSON shows: candidate, campaign, labels, custom folder."""

    application: Application
    candidate: Candidate
    job: Job
    labels: list[str]
    custom_folder: CustomFolder | None = None


@dataclass
class LeadResult:
    lead: LeadView
    created: bool


# --- Lookups ------------------------------------------------------------------------------


def get_campaign(session: Session, company_id: int, campaign_id: int | str) -> Job:
    """The company's campaign (job) by id or public id; NotFound with the leads face's
    message (Talkpush answers "Campaign not found." on create, questions, folders, update,
    archive and activate) for another company's, an unknown or a malformed id."""
    try:
        return campaigns.get_campaign(session, company_id, campaign_id)
    except NotFound:
        raise NotFound(CAMPAIGN_NOT_FOUND) from None


def get_lead(
    session: Session, company_id: int, lead_id: int, *, for_update: bool = False
) -> Application:
    """The company's lead; NotFound (Talkpush's message) otherwise. ``for_update`` (every
    write) locks its row until commit and reads it afresh, so concurrent or retried writes
    of one lead run one after the other and each sees what the previous one did (SQLite:
    write transactions begin IMMEDIATE, one at a time, see db.make_engine)."""
    if not 1 <= lead_id <= MAX_ID:  # no such row, and the database could not bind it
        raise NotFound(LEAD_NOT_FOUND)
    stmt = select(Application).where(
        Application.company_id == company_id, Application.id == lead_id
    )
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    application = session.scalar(stmt)
    if application is None:
        raise NotFound(LEAD_NOT_FOUND)
    return application


def lead_views(session: Session, rows: list[tuple[Application, Candidate, Job]]) -> list[LeadView]:
    """Views of already loaded leads, with labels and custom folders in two queries."""
    labels = label_service.labels_for(session, [app.id for app, _, _ in rows])
    folder_ids = {app.custom_folder_id for app, _, _ in rows if app.custom_folder_id}
    folders = (
        {
            f.id: f
            for f in session.scalars(select(CustomFolder).where(CustomFolder.id.in_(folder_ids)))
        }
        if folder_ids
        else {}
    )
    return [
        LeadView(
            app,
            cand,
            job,
            labels.get(app.id, []),
            folders.get(app.custom_folder_id) if app.custom_folder_id else None,
        )
        for app, cand, job in rows
    ]


def lead_view(session: Session, application: Application) -> LeadView:
    session.flush()
    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    assert candidate is not None and job is not None
    return lead_views(session, [(application, candidate, job)])[0]


# --- Validation -----------------------------------------------------------------------------


def _email(value: str | None) -> str | None:
    """The normalized email; Invalid when it is not an address."""
    email = normalize_email(value)
    if email is None:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(
            f"Invalid email address: {value}", details={"email": "is not a valid address"}
        ) from None
    return email


def phone_region(company: Company, job: Job) -> str | None:
    """Where national phone numbers ("without area code", as the seed puts it) of a
    campaign's leads are read: the campaign's hotline country, else the company's."""
    hotline = (job.campaign_settings or {}).get("hotline_country")
    if isinstance(hotline, str) and len(hotline.strip()) == 2:
        return hotline.strip().upper()
    return company.default_country


def _others(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("others must be an object.", details={"others": "must be an object"})
    if len(value) > MAX_OTHERS_KEYS:
        raise Invalid(f"others holds at most {MAX_OTHERS_KEYS} keys.")
    return {str(k).strip(): v for k, v in value.items() if str(k).strip()}


def _referrer(others: dict[str, Any]) -> dict[str, str | None]:
    """Candidate.referrer_* from the referee fields of ``others``."""

    def text_of(key: str) -> str:
        value = others.get(key)
        return clean_name(value) if isinstance(value, str) else ""

    name = " ".join(p for p in (text_of(k) for k in REFEREE_NAME_KEYS) if p)
    return {
        "referrer_name": name[:200] or None,
        "referrer_email": text_of("referee_email")[:320] or None,
        "referrer_phone": text_of("referee_mobile")[:50] or None,
    }


# A CV file named as one of these formats must be one: a .docx holding text is no DOCX.
_NAMED_FORMATS = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".rtf": "rtf"}


def _check_named_format(cv: CvUpload) -> None:
    """CVValidationError when the file's name gives a document format (.pdf, .docx, .doc,
    .rtf) that its bytes are not: read as text, it would be stored as ``cv.docx`` holding
    whatever the bytes were. A plain-text CV (the raw text field, a .txt) is not checked."""
    name = (cv.filename or "").strip().lower()
    expected = next((f for ext, f in _NAMED_FORMATS.items() if name.endswith(ext)), None)
    if expected is None or not cv.data:
        return  # an empty file gets validate_cv's own reason
    found = detect_format(cv.data)
    if found != expected and not (expected == "doc" and found == "encrypted"):
        label = "Word .doc" if expected == "doc" else expected.upper()
        raise CVValidationError(
            f"the file's name ends in .{name.rsplit('.', 1)[-1]} but its content is not "
            f"a {label} document"
        )


def _read_cv(cv: CvUpload, default_region: str | None) -> ReadResume:
    """Extract and parse the résumé; Invalid (400) with the validation's or the
    extraction's message and ``details.temporary_cv``."""
    try:
        _check_named_format(cv)
        return read_resume(cv.data, default_region=default_region)
    except (CVValidationError, ExtractionError) as exc:
        raise Invalid(exc.message, details={"temporary_cv": exc.reason}) from None
    except DomainError:
        raise
    except Exception as exc:  # a parser bug on a hostile file is an extraction failure
        raise Invalid(
            f"Failed to extract text from CV: {type(exc).__name__}",
            details={"temporary_cv": "unreadable"},
        ) from exc


def _serialize_on_phone(session: Session, company_id: int, phone_e164: str) -> None:
    """Two identical phone-only requests at once must not make two candidates (there is no
    unique key on phones): they wait for each other on PostgreSQL. SQLite writes one
    transaction at a time already."""
    _serialize_on(session, company_id, "phone:" + phone_e164)


def _serialize_on(session: Session, company_id: int, key: str) -> None:
    """Wait until commit for the other transactions that serialize on ``key`` in the
    company (a PostgreSQL transaction-scoped advisory lock; SQLite writes one transaction
    at a time already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:company, hashtext(:key))"),
            {"company": company_id, "key": key},
        )


def _find_by_phone(
    session: Session, company_id: int, phone_e164: str, *, without_email: bool = False
) -> Candidate | None:
    """The company's oldest candidate with this number (only among those without an
    email when ``without_email``)."""
    where = [Candidate.company_id == company_id, Candidate.phone_e164 == phone_e164]
    if without_email:
        where.append(Candidate.email.is_(None))
    return session.scalar(select(Candidate).where(*where).order_by(Candidate.id).limit(1))


# --- Intake ---------------------------------------------------------------------------------


def create_lead(
    session: Session,
    company: Company,
    campaign_id: int | str,
    data: LeadInput,
    actor: Actor,
    *,
    storage: FileStorage,
    pin_ttl_hours: int,
) -> LeadResult:
    """Add a lead to the campaign (``POST /campaigns/{id}/campaign_invitations``).

    First and last name and an email or a phone number are required. The person is
    matched in the company by email, else by phone (with an email: among the candidates
    without one, e.g. a person first sent by phone only). A person who already has a lead
    in this campaign gets no second one: that lead is returned (``created=False``) and
    labelled Duplicate, and nothing else changes (the request's CV, others, labels and
    contact data are not used). A new lead goes to the Inbox with a PIN (its lifetime
    starting once an invitation is queued), its CV (read before the locks; an unusable
    CV fails the request, with nothing written, unless it is a duplicate), the requested
    labels, the Duplicate label when the person has leads
    in other campaigns, and the campaign's invitation (automatic.on_lead_created). A
    known person's new lead fills what they lack (email, phone, referrer).
    """
    first, last = clean_name(data.first_name), clean_name(data.last_name)
    missing = [f for f, v in (("first_name", first), ("last_name", last)) if not v]
    if missing:
        raise Invalid(
            f"Missing required parameter(s): {', '.join(missing)}.",
            details={f: "is required" for f in missing},
        )
    raw_phone = data.phone.strip() if data.phone and data.phone.strip() else None
    _check_lengths(first_name=first, last_name=last, email=data.email, phone=raw_phone)
    if not normalize_email(data.email) and not raw_phone:
        raise Invalid(
            "Either email or user_phone_number is required: a candidate without both "
            "cannot be created.",
            details={"email": "email or user_phone_number is required"},
        )
    email = _email(data.email)
    job = get_campaign(session, company.id, campaign_id)
    if job.status == CLOSED_CAMPAIGN:
        raise Invalid(
            f"Campaign {job.id} is archived and takes no new candidates.",
            details={"campaign_id": "archived"},
        )
    region = phone_region(company, job)
    phone_e164 = normalize_phone(raw_phone, region) if raw_phone else None
    if raw_phone and phone_e164 is None and email is None:
        raise Invalid(
            f"Invalid phone number: {raw_phone}",
            details={"user_phone_number": "is not a valid phone number"},
        )
    others = _others(data.others)
    resume: ReadResume | None = None
    cv_error: Invalid | None = None
    if data.cv is not None:
        try:
            resume = _read_cv(data.cv, region)
        except Invalid as exc:
            cv_error = exc  # answered unless the request turns out to be a duplicate
    # What candidates.source holds (a lead's source is a label, not a person's data).
    source = data.source.strip()[:100] if data.source and data.source.strip() else None
    referrer = _referrer(others)

    candidate_data = CandidateData(
        first_name=first, last_name=last, email=email, phone=raw_phone, source=source, **referrer
    )
    existing: Candidate | None = None
    if phone_e164 is not None:
        # Phone first, then email (create_candidate's lock): one order for every request.
        _serialize_on_phone(session, company.id, phone_e164)
        if email is not None:
            serialize_on_email(session, company.id, email)
            existing = find_by_email(session, company.id, email)
        if existing is None:
            existing = _find_by_phone(
                session, company.id, phone_e164, without_email=email is not None
            )
    if existing is not None:
        candidate, candidate_created = existing, False
    else:
        candidate, candidate_created = create_candidate(
            session, company.id, candidate_data, match="email"
        )
    if candidate_created:
        candidate.phone_e164 = phone_e164 or candidate.phone_e164

    application, created = create_application(session, job, candidate, actor, source=source)
    if not created:
        label_service.add_automatic_label(session, application, label_service.DUPLICATE)
        return LeadResult(lead_view(session, application), created=False)
    if cv_error is not None:
        raise cv_error  # the transaction is rolled back: nothing is written
    if not candidate_created:
        _fill_missing(candidate, email, raw_phone, phone_e164, referrer)

    application.others = others
    # The PIN's lifetime starts with an invitation: a lead never invited does not expire
    # into No Response (see below).
    issue_pin(application, pin_ttl_hours, expires=False)
    if data.labels is not None:
        label_service.apply_labels(
            session, application, actor, add=data.labels.add, remove=data.labels.remove
        )
    if resume is not None and data.cv is not None:
        file = store_cv(
            session,
            storage,
            candidate,
            data.cv.data,
            filename=data.cv.filename,
            media_type=resume.extracted.media_type,
            application_id=application.id,
        )
        apply_resume(candidate, resume)
        application.cv_file_id = file.id
    if not candidate_created and _has_other_leads(session, application):
        label_service.add_automatic_label(session, application, label_service.DUPLICATE)
    session.flush()
    automatic.on_lead_created(session, application)
    if _invited(session, application):
        start_pin_clock(application, pin_ttl_hours)
    return LeadResult(lead_view(session, application), created=True)


def _invited(session: Session, application: Application) -> bool:
    """Whether an invitation was queued for the lead."""
    return (
        session.scalar(
            select(Message.id)
            .where(
                Message.application_id == application.id,
                Message.kind == "invitation",
                Message.direction == "outbound",
                Message.status.not_in(NOT_SENT),
            )
            .limit(1)
        )
        is not None
    )


def _fill_missing(
    candidate: Candidate,
    email: str | None,
    phone: str | None,
    phone_e164: str | None,
    referrer: dict[str, str | None],
) -> None:
    """A known person keeps what they have; the new lead fills what they lack."""
    if email and not candidate.email:
        candidate.email = email
    if phone and not candidate.phone:
        candidate.phone = phone
        candidate.phone_e164 = phone_e164
    for field, value in referrer.items():
        if value and not getattr(candidate, field):
            setattr(candidate, field, value)


def _has_other_leads(session: Session, application: Application) -> bool:
    return (
        session.scalar(
            select(Application.id)
            .where(
                Application.company_id == application.company_id,
                Application.candidate_id == application.candidate_id,
                Application.id != application.id,
            )
            .limit(1)
        )
        is not None
    )


# --- Edits ----------------------------------------------------------------------------------


def _check_lengths(**values: str | None) -> None:
    """Invalid when a value is longer than the candidate's column holds (PostgreSQL would
    refuse it), named as this face names it."""
    trimmed = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    check_lengths(trimmed, names={"phone": "user_phone_number"})


def update_lead(
    session: Session, company: Company, lead_id: int, data: LeadUpdate, actor: Actor
) -> LeadView:
    """Change a lead's details (``PATCH /campaign_invitations/{id}``): the person's names,
    email and phone, the lead's source, others (merged key by key) and labels. All or
    nothing: every value is checked, and every label name must exist, before anything
    changes."""
    application = get_lead(session, company.id, lead_id, for_update=True)
    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    assert candidate is not None and job is not None
    names: dict[str, str] = {}
    for field in ("first_name", "last_name"):
        value = getattr(data, field)
        if value is not None:
            if not clean_name(value):
                raise Invalid(f"{field} can't be blank.", details={field: "can't be blank"})
            names[field] = clean_name(value)
    phone = data.phone.strip() if data.phone is not None else None
    _check_lengths(**names, email=data.email, phone=phone)
    email = _email(data.email) if data.email is not None else None
    if data.email is not None and email is None:
        raise Invalid("email can't be blank.", details={"email": "can't be blank"})
    if email and email != candidate.email:
        # Two edits giving one email to two people at once: the second waits and sees it.
        serialize_on_email(session, company.id, email)
        taken = session.scalar(
            select(Candidate.id).where(
                Candidate.company_id == company.id,
                Candidate.email == email,
                Candidate.id != candidate.id,
            )
        )
        if taken is not None:
            raise Conflict(
                f"Another candidate of this company has the email {email}.",
                details={"email": "is taken"},
            )
    elif candidate.email and _name_keys(candidate, names) != _name_keys(candidate, {}):
        # The email stays, and other candidates may share it (the career site keeps one
        # candidate per email and names): the new names must not make this person one of
        # them. Renames onto one email wait for each other, as email changes do.
        serialize_on_email(session, company.id, candidate.email)
        if _identity_taken(session, candidate, _name_keys(candidate, names)):
            raise _identity_conflict(candidate, email, names)
    phone_e164: str | None = None
    if phone:
        phone_e164 = normalize_phone(phone, phone_region(company, job))
        if phone_e164 is None:
            raise Invalid(
                f"Invalid phone number: {phone}",
                details={"user_phone_number": "is not a valid phone number"},
            )
    if phone == "" and not (email or candidate.email):
        # A lead is reached by email or phone (the create rule): clearing the only one is not.
        raise Invalid(
            "The lead has no email: its phone number can't be removed.",
            details={"user_phone_number": "can't be blank without an email"},
        )
    others = _others(data.others) if data.others is not None else None

    if data.labels is not None:  # raises before any change when a name is unknown
        label_service.apply_labels(
            session, application, actor, add=data.labels.add, remove=data.labels.remove
        )
    if names or email:
        conflict = _identity_conflict(candidate, email, names)  # named before the change
        session.flush()  # the labels: only the identity is written in the savepoint
        try:
            # A savepoint: another candidate given this email and these names meanwhile
            # (the career site's identity match takes no lock) fails this change alone,
            # on uq_candidates_identity, and answers 409 as the checks above do.
            with session.begin_nested():
                for field, value in names.items():
                    setattr(candidate, field, value)
                    setattr(candidate, f"{field}_key", name_key(value))
                if email:
                    candidate.email = email
        except IntegrityError:
            raise conflict from None
    if phone is not None:
        candidate.phone = phone or None
        candidate.phone_e164 = phone_e164
    if data.source is not None:
        application.source = data.source.strip()[:100] or None  # as on create
    if others is not None:
        application.others = {**(application.others or {}), **others}
        for field, value in _referrer(application.others).items():
            if value:
                setattr(candidate, field, value)
    application.updated_at = utcnow()
    return lead_view(session, application)


def _name_keys(candidate: Candidate, names: dict[str, str]) -> tuple[str, str]:
    """The candidate's first and last name keys once ``names`` are applied (a name not
    given kept)."""
    first = names.get("first_name")
    last = names.get("last_name")
    return (
        name_key(first) if first is not None else candidate.first_name_key,
        name_key(last) if last is not None else candidate.last_name_key,
    )


def _identity_taken(session: Session, candidate: Candidate, keys: tuple[str, str]) -> bool:
    """Whether another candidate of the company has ``candidate``'s email with these name
    keys (the identity key, uq_candidates_identity)."""
    first_key, last_key = keys
    return (
        session.scalar(
            select(Candidate.id)
            .where(
                Candidate.company_id == candidate.company_id,
                Candidate.email == candidate.email,
                Candidate.first_name_key == first_key,
                Candidate.last_name_key == last_key,
                Candidate.id != candidate.id,
            )
            .limit(1)
        )
        is not None
    )


def _identity_conflict(candidate: Candidate, email: str | None, names: dict[str, str]) -> Conflict:
    """409 for giving ``candidate`` an email (None: keeping theirs) and names (those not
    given kept) that another candidate of the company has."""
    first = names.get("first_name", candidate.first_name)
    last = names.get("last_name", candidate.last_name)
    return Conflict(
        f"Another candidate of this company has the email {email or candidate.email} "
        f"and the name {first} {last}.",
        details={field: "is taken with this email" for field in names} or {"email": "is taken"},
    )


def add_comment(
    session: Session, company_id: int, lead_id: int, manager_email: str | None, content: str | None
) -> Comment:
    """A comment (HTML, sanitized) on the lead by one of the company's active users
    (NotFound "Manager not found." for anyone else, a deactivated user included)."""
    application = get_lead(session, company_id, lead_id)
    if not content or not content.strip():
        raise Invalid("content is required.", details={"content": "is required"})
    email = normalize_email(manager_email)
    if not email:
        raise Invalid("manager_email is required.", details={"manager_email": "is required"})
    # An active user only, as reassign takes: a deactivated account writes nothing more.
    user = session.scalar(
        select(User).where(
            User.company_id == company_id, User.email == email, User.active.is_(True)
        )
    )
    if user is None:
        raise NotFound("Manager not found.")
    # Stored as the recruiter app shows it: no remote images (tracking pixels) or styles.
    body = clean_comment_html(content).strip()
    if not body:
        raise Invalid("content is empty once sanitized.", details={"content": "is empty"})
    comment = Comment(
        company_id=company_id,
        candidate_id=application.candidate_id,
        application_id=application.id,
        author_user_id=user.id,
        author_name=user.name,
        body=body,
    )
    session.add(comment)
    session.flush()
    return comment


# --- Folders and campaigns ------------------------------------------------------------------


def _custom_folder(
    session: Session, job: Job, *, folder_id: int | None = None, name: str = ""
) -> CustomFolder:
    """The custom folder (by id, or by name case-insensitively) when it is one of the
    campaign's folders (a default one or associated with it); NotFound otherwise."""
    if folder_id is not None:
        folder = session.scalar(
            select(CustomFolder).where(
                CustomFolder.company_id == job.company_id, CustomFolder.id == folder_id
            )
        )
    else:
        folder = folders.find_custom_folder(session, job.company_id, name)
    if folder is None or not folders.is_campaign_folder(session, job, folder.id):
        raise NotFound(FOLDER_NOT_FOUND)
    return folder


def change_status(
    session: Session,
    company_id: int,
    lead_id: int,
    action: str,
    actor: Actor,
    *,
    folder_name: str | None = None,
    reason: str | None = None,
    notify: bool = False,
) -> LeadView:
    """``PUT /campaign_invitations/{id}/{status}``: complete, shortlist, on_hold, reject,
    hire, or custom with the custom folder's name. ``complete`` also records the
    completion time and sends the completion message; any actual move then lets the
    campaign's message for that folder go out when ``notify`` (automatic.on_moved)."""
    folder = STATUS_ACTIONS.get(action)
    if folder is None:
        raise Invalid(
            f"Unknown status {action!r}: use {', '.join(STATUS_ACTIONS)}.",
            details={"status": "unknown"},
        )
    application = get_lead(session, company_id, lead_id, for_update=True)
    custom_id: int | None = None
    if folder == "custom":
        if not folder_name or not folder_name.strip():
            raise Invalid(
                "The folder parameter (the custom folder's name; name is read too) is required.",
                details={"folder": "is required"},
            )
        job = get_campaign(session, company_id, application.job_id)
        custom_id = _custom_folder(session, job, name=folder_name).id
    moved = application.folder != folder or application.custom_folder_id != custom_id
    move_application(
        session, application, folder, actor, reason=_reason(reason), custom_folder_id=custom_id
    )
    record_completion(session, application)
    if moved:
        automatic.on_moved(session, application, notify=notify)
    return lead_view(session, application)


def record_completion(session: Session, application: Application) -> None:
    """A lead in Completed without a completion time completes now: the time is recorded
    and the completion message goes out, once (not when the lead comes back later)."""
    if application.folder == "completed" and application.completed_at is None:
        application.completed_at = utcnow()
        session.flush()
        automatic.on_interview_completed(session, application)


def _reason(reason: str | None) -> str | None:
    return reason.strip()[:2000] if reason and reason.strip() else None


def move_lead(
    session: Session,
    company_id: int,
    lead_id: int,
    actor: Actor,
    *,
    folder: str,
    custom_folder_id: int | None = None,
    campaign_id: int | str | None = None,
    reason: str | None = None,
) -> LeadView:
    """``PUT /campaign_invitations/{id}/move``: into a folder of the same or another
    campaign of the company. Never into the Inbox (Forbidden). A custom folder must be a
    default one or associated with the target campaign. The person must not already have
    a lead in the target campaign (Conflict). A move into Completed records the completion
    as ``complete`` does."""
    application = get_lead(session, company_id, lead_id, for_update=True)
    target = get_campaign(
        session, company_id, application.job_id if campaign_id is None else campaign_id
    )
    if folder == "inbox":
        raise Forbidden("Candidates can not be moved to the Inbox folder.")
    if folder == "custom":
        if custom_folder_id is None:
            raise NotFound(FOLDER_NOT_FOUND)
        _custom_folder(session, target, folder_id=custom_folder_id)
    if target.id != application.job_id:
        if target.status == CLOSED_CAMPAIGN:
            raise Invalid(
                f"Campaign {target.id} is archived and takes no new candidates.",
                details={"campaign_id": "archived"},
            )
        # Two leads of one person moved into one campaign at once: the second waits here
        # and finds the first one there.
        _serialize_on(session, company_id, f"lead:{target.id}:{application.candidate_id}")
        other = find_application(session, target.id, application.candidate_id)
        if other is not None:
            raise _already_in(target, other.id)
        try:
            with session.begin_nested():  # a lead added to the campaign meanwhile
                change_job(session, application, target, actor, reason=_reason(reason))
        except IntegrityError:
            raise _already_in(target, None) from None
    move_application(
        session,
        application,
        folder,
        actor,
        reason=_reason(reason),
        custom_folder_id=custom_folder_id if folder == "custom" else None,
    )
    record_completion(session, application)
    return lead_view(session, application)


def _already_in(target: Job, other_id: int | None) -> Conflict:
    lead = f" ({other_id})" if other_id is not None else ""
    return Conflict(
        f"The candidate already has a lead{lead} in campaign {target.id}.",
        details={"campaign_id": "the candidate is already in this campaign"},
    )


# --- Assignment -----------------------------------------------------------------------------


def reassign_lead(
    session: Session, company_id: int, lead_id: int, assignee_email: str | None, actor: Actor
) -> tuple[LeadView, User]:
    """Assign the lead to a manager by email, or ``automatic``: round robin among the
    campaign's permitted active managers (campaign_settings.manager_ids, else every active
    user), continuing after the last automatic or manual assignment in that campaign."""
    if not assignee_email or not assignee_email.strip():
        raise Invalid("assignee_email is required.", details={"assignee_email": "is required"})
    application = get_lead(session, company_id, lead_id, for_update=True)
    automatic_pick = assignee_email.strip().lower() == "automatic"
    if automatic_pick:
        user = _next_assignee(session, company_id, application.job_id)
    else:
        user = session.scalar(
            select(User).where(
                User.company_id == company_id,
                User.email == normalize_email(assignee_email),
                User.active.is_(True),
            )
        )
        if user is None:
            raise NotFound("Assignee email not found.")
    application.assignee_user_id = user.id
    application.updated_at = utcnow()
    session.add(
        ApplicationEvent(
            company_id=company_id,
            application_id=application.id,
            job_id=application.job_id,
            kind="reassigned",
            from_folder=application.folder,
            to_folder=application.folder,
            actor_type=actor.type,
            actor_id=actor.id,
            data={"assignee_user_id": user.id, "automatic": automatic_pick},
        )
    )
    return lead_view(session, application), user


def _next_assignee(session: Session, company_id: int, job_id: int) -> User:
    job = session.get(Job, job_id)
    assert job is not None
    where = [User.company_id == company_id, User.active.is_(True)]
    permitted = (job.campaign_settings or {}).get("manager_ids")
    if isinstance(permitted, list) and permitted:
        where.append(User.id.in_([i for i in permitted if isinstance(i, int)]))
    pool = list(session.scalars(select(User).where(*where).order_by(User.id)))
    if not pool:
        raise Invalid(
            "No active manager can take this campaign's leads.",
            details={"assignee_email": "no manager available for automatic assignment"},
        )
    # Automatic assignments in one campaign at once take turns: each sees the last one.
    _serialize_on(session, company_id, f"assign:{job_id}")
    last = session.scalar(
        select(ApplicationEvent.data)
        .where(
            ApplicationEvent.company_id == company_id,
            ApplicationEvent.job_id == job_id,
            ApplicationEvent.kind == "reassigned",
        )
        .order_by(ApplicationEvent.id.desc())
        .limit(1)
    )
    last_id = (last or {}).get("assignee_user_id")
    if isinstance(last_id, int):
        for user in pool:
            if user.id > last_id:
                return user
    return pool[0]


# --- Documents ------------------------------------------------------------------------------


def attach_document(
    session: Session,
    company_id: int,
    lead_id: int,
    upload: CvUpload | None,
    *,
    storage: FileStorage,
    tag_id: int | None = None,
    tag_name: str | None = None,
) -> tuple[File, DocumentTag]:
    """Attach a file (at most 10 MB) to the lead under a document tag: ``tag_id`` wins
    and must exist; else ``tag_name``, created when the company lacks it. The same bytes
    under the same tag again (a retry) return the file already attached."""
    application = get_lead(session, company_id, lead_id, for_update=True)
    if upload is None:
        raise Invalid("file is required.", details={"file": "is required"})
    if not upload.data:
        raise Invalid("file is empty.", details={"file": "is empty"})
    if len(upload.data) > MAX_DOCUMENT_BYTES:
        raise Invalid("file must not exceed 10 MB.", details={"file": "is larger than 10 MB"})
    if tag_id is not None:
        tag = session.scalar(
            select(DocumentTag).where(
                DocumentTag.company_id == company_id, DocumentTag.id == tag_id
            )
        )
        if tag is None:
            raise NotFound("Document Tag not found.")
    elif tag_name and tag_name.strip():
        tag = _ensure_tag(session, company_id, tag_name.strip()[:200])
    else:
        raise Invalid(
            "document_tag_id or document_tag_name is required.",
            details={"document_tag_id": "document_tag_id or document_tag_name is required"},
        )
    existing = session.scalar(
        select(File)
        .where(
            File.application_id == application.id,
            File.document_tag_id == tag.id,
            File.sha256 == hashlib.sha256(upload.data).hexdigest(),
        )
        .order_by(File.id)
        .limit(1)
    )
    if existing is not None:
        return existing, tag
    blob = storage.put(upload.data, prefix=f"company-{company_id}/documents")
    on_rollback(session, lambda: storage.delete(blob.key))
    file = File(
        company_id=company_id,
        candidate_id=application.candidate_id,
        application_id=application.id,
        kind="document",
        name=_fit_filename(upload.filename or "document", 300),
        media_type=(upload.content_type or "application/octet-stream")[:150],
        size=blob.size,
        sha256=blob.sha256,
        storage_key=blob.key,
        document_tag_id=tag.id,
    )
    session.add(file)
    application.updated_at = utcnow()
    session.flush()
    return file, tag


def _fit_filename(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, keeping its extension (``….pdf``)."""
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return name[:limit]
    return stem[: limit - len(extension) - 1] + "." + extension


def _ensure_tag(session: Session, company_id: int, name: str) -> DocumentTag:
    """The company's document tag ``name`` in any case ("id card" is "ID Card", as label
    and folder names are), created when missing."""

    def find() -> DocumentTag | None:
        return session.scalar(
            select(DocumentTag)
            .where(
                DocumentTag.company_id == company_id,
                func.lower(DocumentTag.name) == fold_case(name),
            )
            .order_by(DocumentTag.id)
            .limit(1)
        )

    tag = find()
    if tag is not None:
        return tag
    session.execute(
        insert_for(session, DocumentTag)
        .values(company_id=company_id, name=name)
        .on_conflict_do_nothing(index_elements=["company_id", "name"])
    )
    tag = find()
    assert tag is not None
    return tag


def lead_file(session: Session, company_id: int, lead_id: int, file_id: int) -> File:
    """A file of the lead (its CV, a document); NotFound otherwise."""
    application = get_lead(session, company_id, lead_id)
    if not 1 <= file_id <= MAX_ID:
        raise NotFound(FILE_NOT_FOUND)
    file = session.scalar(
        select(File).where(
            File.company_id == company_id,
            File.id == file_id,
            File.application_id == application.id,
        )
    )
    if file is None:
        raise NotFound(FILE_NOT_FOUND)
    return file


def files_by_lead(
    session: Session, application_ids: list[int]
) -> dict[int, list[tuple[File, DocumentTag | None]]]:
    """The files attached to each lead, oldest first, with their document tags."""
    out: dict[int, list[tuple[File, DocumentTag | None]]] = {}
    if not application_ids:
        return out
    rows = session.execute(
        select(File, DocumentTag)
        .outerjoin(DocumentTag, DocumentTag.id == File.document_tag_id)
        .where(File.application_id.in_(application_ids))
        .order_by(File.id)
    ).all()
    for file, tag in rows:
        assert file.application_id is not None
        out.setdefault(file.application_id, []).append((file, tag))
    return out


def label_change(value: Any) -> LabelChange | None:
    """``{"add": [...], "remove": [...]}`` as the reference requires it (both lists)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid(
            "labels must be an object with add and remove lists.",
            details={"labels": "must be an object"},
        )
    sides: dict[str, list[str]] = {}
    for side in ("add", "remove"):
        names = value.get(side)
        if names is None or names == "":
            names = []
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise Invalid(
                f"labels.{side} must be a list of label names.",
                details={f"labels.{side}": "must be a list of names"},
            )
        sides[side] = [n for n in names if n.strip()]
    return LabelChange(add=sides["add"], remove=sides["remove"])
