"""Adding candidates to a campaign and exporting them.

``/app/campaigns/{id}/add`` has four tabs (links, ``?tab=``):

- **manual**: first and last name, email, phone and a CV file, through
  ``leads.service.create_lead`` (the API's rules: dedupe, PIN, invitation);
- **csv**: a two-step form. The upload is read by ``intake.csv_import.read_csv`` and kept
  (``intake.background.keep_preview``: the file under the company's prefix and a
  ``preview`` ImportRun); the preview shows how the file was read (encoding, delimiter,
  header), its first rows and the rows that will fail; "Import" queues the run for the
  worker (once, however often it is posted) and ends on the run's page, which follows
  its progress (a meta refresh without JavaScript, ``static/intake.js`` polling the
  status route with it) until the result (created, duplicates, failed, per-row errors);
- **cv**: many CV files in one form; each is read with the résumé services and becomes a
  lead through ``create_lead``, in its own savepoint, so one bad file fails alone; the
  result is the list of files with what happened to each;
- **sheet**: link a Google Sheet (a Form's response sheet) to the campaign through
  ``intake.sheets.add_sheet_source`` (the API's ``POST .../sheets``); the tab states the
  strict column order and the service account's email to share the sheet with (or that
  none is configured: the sheet is linked all the same and read once one is), and lists
  the campaign's linked sheets with their sync state. The worker imports the rows.

``/app/campaigns/{id}/export.xlsx`` is the Excel export (``leads.export``).

Every route checks the session, the company (another company's campaign is a 404) and the
manager's permission on the campaign (``campaigns.can_see``; a 404 too). Uploads are
multipart forms with the CSRF token checked like every other form, and a size cap.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile
from starlette.responses import FileResponse, JSONResponse, Response

from hireloop.api.deps import SessionDep
from hireloop.db import on_commit
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.identity import normalize_email
from hireloop.domain.companies.accounts import Current
from hireloop.domain.files.storage import FileStorage, local_storage
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.intake import background, sheets
from hireloop.domain.intake import service as intake
from hireloop.domain.intake.csv_import import COLUMNS as CSV_COLUMNS
from hireloop.domain.intake.csv_import import CsvFile, read_csv
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.jobs.campaigns import can_see, get_campaign
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads import export
from hireloop.domain.leads.schemas import CvUpload, LeadInput
from hireloop.domain.leads.service import create_lead, phone_region
from hireloop.domain.resumes.extract import ExtractionError
from hireloop.domain.resumes.service import (
    apply_resume,
    looks_like_resume,
    read_resume,
    store_cv,
)
from hireloop.errors import Conflict, DomainError, Invalid, NotFound
from hireloop.integrations.google_sheets import service_account_email
from hireloop.web.app import form_once
from hireloop.web.app.i18n import N_, gettext_for
from hireloop.web.app.pages import (
    APP_PREFIX,
    BAD_FORM,
    CSRF_EXPIRED,
    FLASHES,
    AppRoute,
    PageExit,
    app_csrf_ok,
    error_page,
    redirect,
    render,
    settings_of,
    signed_in,
)
from hireloop.web.app.row_errors import row_error_text
from hireloop.web.security import (
    CONTENT_SECURITY_POLICY,
    CSRF_FIELD,
    add_security_headers,
)

router = APIRouter(include_in_schema=False, route_class=AppRoute)

CAMPAIGNS = APP_PREFIX + "/campaigns"
TABS = ("manual", "csv", "cv", "sheet")
MAX_MANUAL_BYTES = 11 * 1024 * 1024  # one CV (10 MB) and the fields
MAX_CSV_BYTES = 25 * 1024 * 1024
MAX_CV_FILES = 20
MAX_CV_UPLOAD_BYTES = 60 * 1024 * 1024
MAX_CV_BYTES = 10 * 1024 * 1024
PREVIEW_ROWS = 10
PREVIEW_CHECKED_ROWS = 1000
_PENDING_ID = re.compile(r"^[0-9a-f]{32}$")
SOURCE_MANUAL = "manual"
SOURCE_CV = "cv_upload"
REFRESH_SECONDS = 3  # the import page reloads itself this often while the run is not done
# The import page may load static/intake.js, which polls the run's status route.
SCRIPT_CSP = CONTENT_SECURITY_POLICY.replace(
    "default-src 'none'; ", "default-src 'none'; script-src 'self'; connect-src 'self'; "
)

FLASHES.update(
    {
        "candidate_added": N_("The candidate was added to the campaign."),
        "candidate_duplicate": N_(
            "This person is already in the campaign: nothing was added, the lead is labelled "
            "Duplicate."
        ),
        "sheet_linked": N_("The Google Sheet was linked to the campaign."),
    }
)

# The reader's names of the export's columns and of the folders.
EXPORT_TITLES = {
    "lead_id": N_("Candidate ID"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "source": N_("Source"),
    "folder": N_("Folder"),
    "labels": N_("Labels"),
    "added": N_("Added (UTC)"),
    "completed": N_("Completed (UTC)"),
    "ai_score": N_("AI score"),
    "city": N_("City"),
    "country": N_("Country"),
    "referrer_name": N_("Referee name"),
    "referrer_email": N_("Referee email"),
    "referrer_phone": N_("Referee phone"),
}
FOLDER_NAMES = {
    "inbox": N_("Inbox"),
    "completed": N_("Completed"),
    "shortlisted": N_("Shortlisted"),
    "on_hold": N_("On hold"),
    "rejected": N_("Rejected"),
    "hired": N_("Hired"),
    "no_campaign_invitation": N_("No campaign invitation"),
    "no_response": N_("No response"),
}
CSV_COLUMN_TITLES = {
    "first name": N_("First name"),
    "last name": N_("Last name"),
    "email": N_("Email"),
    "country code": N_("Country code"),
    "phone number": N_("Phone number"),
    "referee": N_("Referee"),
}
# The columns of a linked sheet, in their strict order (sheets.read_rows).
SHEET_COLUMNS = (
    N_("Timestamp (as the form writes it) or empty"),
    N_("Full name (first names, then the last name)"),
    N_("Email"),
    N_("Phone"),
    N_("Location"),
    N_("Highest level of education"),
    N_("Years of experience"),
    N_("Referee name"),
    N_("Referee email"),
    N_("Referee phone"),
    N_("Referee employee ID"),
    N_("Referee account"),
)
DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}
# The CSV form's "File encoding" choices ("" is automatic detection), and the names the
# preview shows for the encodings a file may be read in.
CSV_ENCODINGS = {
    "": N_("Automatic"),
    "utf-8": "UTF-8",  # the same in every language
    "cp1252": N_("Windows Western (cp1252)"),
    "cp1250": N_("Central European (cp1250)"),
    "cp1251": N_("Cyrillic (cp1251)"),
    "gb18030": N_("Chinese Simplified (gb18030)"),
    "big5": N_("Chinese Traditional (big5)"),
    "cp932": N_("Japanese (cp932)"),
    "cp949": N_("Korean (cp949)"),
    "cp874": N_("Thai (cp874)"),
    "cp1258": N_("Vietnamese (cp1258)"),
    "cp1253": N_("Greek (cp1253)"),
    "cp1254": N_("Turkish (cp1254)"),
}
ENCODING_NAMES = {
    **{k: v for k, v in CSV_ENCODINGS.items() if k},
    "utf-8-sig": "UTF-8",
}

FIRST_NAME_REQUIRED = N_("Please enter the first name.")
LAST_NAME_REQUIRED = N_("Please enter the last name.")
CONTACT_REQUIRED = N_("Please enter an email address or a phone number.")
EMAIL_INVALID = N_("Please enter a valid email address.")
PHONE_INVALID = N_("This phone number is not valid.")
CV_UNREADABLE = N_("We could not read this CV file.")
CV_TOO_BIG = N_("The file is larger than %(value)s MB.")
CAMPAIGN_ARCHIVED = N_("This campaign is archived and takes no new candidates.")
UPLOAD_TOO_BIG = N_("The upload is too large: at most %(value)s MB at once.")
TOO_MANY_FILES = N_("Send at most %(value)s files at once.")
NO_FILE = N_("Please choose a file.")
NO_CV_NAME = N_("No name was found in this CV: add this candidate with the form instead.")
NO_CV_CONTACT = N_("No email address or phone number was found in this CV.")
SEND_FEWER = N_("Send the files in smaller groups.")
NOT_A_CV = N_(
    "This file does not look like a CV: no work history, education or skills were found in it."
)
UPLOAD_EXPIRED = N_("This upload is no longer available. Please send the file again.")
CSV_ERRORS = {
    "empty": N_("The file is empty."),
    "unreadable encoding": N_(
        'The file could not be read as text: save it as "CSV UTF-8" and send it again.'
    ),
    "wrong encoding": N_(
        "The file cannot be read in the chosen encoding: choose another one, or Automatic."
    ),
    "wrong columns": N_("The file does not have the expected columns."),
    "wrong header": N_("The header row does not name the expected columns."),
    "no rows": N_("The file has no rows to import."),
    "too many rows": N_("The file has too many rows: split it."),
    "malformed": N_("The file is not valid CSV (check the quotes)."),
}
CSV_UNREADABLE = N_("This file could not be read.")
SHEET_URL_REQUIRED = N_("Please enter the link of the spreadsheet.")
SHEET_NOT_A_LINK = N_(
    "This is not the link of a Google spreadsheet: copy the spreadsheet's address, which "
    "starts with https://docs.google.com/spreadsheets/d/."
)
SHEET_FORM_LINK = N_(
    "This is the link of a Google Form: link the form's response spreadsheet instead (in the "
    "form: Responses, then Link to Sheets)."
)
SHEET_TAB_REQUIRED = N_(
    "This link points to a tab other than the first: enter that tab's name, as shown at the "
    "bottom of the spreadsheet."
)
SHEET_LINKED = N_("This spreadsheet (this tab of it) is already linked to the campaign.")
IMPORT_FAILED = N_("The import failed and nothing was added. Please try again.")
IMPORT_FAILURES = {
    background.FILE_GONE: UPLOAD_EXPIRED,
    background.INTERRUPTED: N_(
        "The import was interrupted and nothing was added. Please send the file again."
    ),
    "archived": CAMPAIGN_ARCHIVED,
    **CSV_ERRORS,
}


# --- Scope, uploads -----------------------------------------------------------------------


def _campaign(request: Request, session: Session, campaign_id: int) -> tuple[Current, Job]:
    """The signed-in user and the campaign they may see (else a 404 page)."""
    who = signed_in(request, session)
    try:
        job = get_campaign(session, who.company.id, campaign_id)
    except NotFound:
        job = None
    if job is None or not can_see(who.user, job):
        raise PageExit(error_page(request, 404, user=who.user, company=who.company))
    return who, job


def _storage(request: Request) -> FileStorage:
    return local_storage(settings_of(request).files_dir)


async def read_upload(
    request: Request, who: Current, *, max_bytes: int, max_files: int
) -> FormData:
    """A multipart form of at most ``max_bytes`` (declared up front: uvicorn holds the
    body to its Content-Length) with at most ``max_files`` files, its CSRF token checked."""
    language = who.user.language
    declared = request.headers.get("content-length", "")
    if not is_ascii_digits(declared):
        raise PageExit(error_page(request, 400, gettext_for(language)(BAD_FORM)))
    if int(declared) > max_bytes:
        message = gettext_for(language)(UPLOAD_TOO_BIG) % {"value": max_bytes // 1024 // 1024}
        raise PageExit(error_page(request, 413, message, user=who.user, company=who.company))
    try:
        form = await request.form(max_files=max_files, max_fields=30)
    except Exception as exc:  # a broken body, too many files or fields
        message = gettext_for(language)(BAD_FORM)
        if max_files and "too many files" in str(exc).lower():
            message = gettext_for(language)(TOO_MANY_FILES) % {"value": max_files}
        raise PageExit(
            error_page(request, 400, message, user=who.user, company=who.company)
        ) from None
    if not app_csrf_ok(request, form.get(CSRF_FIELD)):
        await form.close()
        raise PageExit(error_page(request, 403, gettext_for(language)(CSRF_EXPIRED)))
    return form


def _field(form: FormData, name: str, limit: int = 500) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def _file(form: FormData, name: str, limit: int) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of an uploaded file (None when none was chosen);
    Invalid when it is over ``limit`` bytes."""
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise Invalid(CV_TOO_BIG, details={"file": str(limit // 1024 // 1024)})
    return upload.filename[:300], upload.content_type or "application/octet-stream", data


def _add_page(
    request: Request,
    who: Current,
    job: Job,
    tab: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "app/intake/add.html",
        {
            "job": job,
            "tab": tab,
            "errors": {},
            "values": {},
            "csv_columns": [CSV_COLUMN_TITLES[c] for c in CSV_COLUMNS],
            "csv_encodings": CSV_ENCODINGS,
            "max_cv_files": MAX_CV_FILES,
            "max_cv_mb": MAX_CV_BYTES // 1024 // 1024,
            "max_cv_upload_mb": MAX_CV_UPLOAD_BYTES // 1024 // 1024,
            **(context or {}),
        },
        user=who.user,
        company=who.company,
        status=status,
    )


@router.get(CAMPAIGNS + "/{campaign_id:int}/add")
def add_page(campaign_id: int, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    tab = request.query_params.get("tab", "manual")
    tab = tab if tab in TABS else "manual"
    lead = request.query_params.get("lead", "")
    context = {"added_lead": int(lead) if is_ascii_digits(lead) and len(lead) < 19 else None}
    if tab == "sheet":
        context.update(_sheet_context(request, session, who, job))
    return _add_page(request, who, job, tab, context)


# --- Manual form --------------------------------------------------------------------------

_FIELD_ERRORS = {
    "first_name": ("first_name", FIRST_NAME_REQUIRED),
    "last_name": ("last_name", LAST_NAME_REQUIRED),
    "email": ("email", CONTACT_REQUIRED),
    "user_phone_number": ("phone", PHONE_INVALID),
    "temporary_cv": ("cv", CV_UNREADABLE),
    "campaign_id": ("form", CAMPAIGN_ARCHIVED),
}


def _field_error(exc: Invalid) -> tuple[str, str]:
    """(form field, message) of ``create_lead``'s refusal. An email it refuses is named
    as invalid (not valid, or too long); only a missing one asks for a contact."""
    details = exc.details or {}
    email = details.get("email")
    if email is not None and "required" not in str(email):
        return "email", EMAIL_INVALID
    return next(
        (_FIELD_ERRORS[k] for k in details if k in _FIELD_ERRORS),
        ("form", CSV_UNREADABLE),
    )


def _manual_errors(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values["first_name"]:
        errors["first_name"] = FIRST_NAME_REQUIRED
    if not values["last_name"]:
        errors["last_name"] = LAST_NAME_REQUIRED
    if not values["email"] and not values["phone"]:
        errors["email"] = CONTACT_REQUIRED
    elif values["email"] and ("@" not in values["email"] or not normalize_email(values["email"])):
        errors["email"] = EMAIL_INVALID
    return errors


@router.post(CAMPAIGNS + "/{campaign_id:int}/add")
async def add_manual(campaign_id: int, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    form = await read_upload(request, who, max_bytes=MAX_MANUAL_BYTES, max_files=1)
    values = {
        "first_name": _field(form, "first_name", 200),
        "last_name": _field(form, "last_name", 200),
        "email": _field(form, "email", 320),
        "phone": _field(form, "phone", 50),
    }
    errors = _manual_errors(values)
    cv: CvUpload | None = None
    endpoint = request.url.path
    nonce = form_once.nonce_of(form)
    try:
        request_hash = form_once.form_hash(endpoint, form) if nonce else ""
        upload = await _file(form, "cv", MAX_CV_BYTES)
    except Invalid:
        errors["cv"] = CV_TOO_BIG
        upload = None
    finally:
        await form.close()
    if upload is not None:
        cv = CvUpload(filename=upload[0], content_type=upload[1], data=upload[2])
    if nonce is not None:
        # The same form posted again (a double click): where the first post led.
        stored = form_once.replay(session, who.company.id, nonce, endpoint, request_hash)
        if stored is not None:
            return redirect(request, stored[1]["location"], flash=stored[1].get("flash"))
    if errors:
        return _manual_failed(request, who, job, values, errors)
    data = LeadInput(
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=values["email"] or None,
        phone=values["phone"] or None,
        source=SOURCE_MANUAL,
        cv=cv,
    )
    try:
        with session.begin_nested():
            result = create_lead(
                session,
                who.company,
                job.id,
                data,
                Actor("user", who.user.id),
                storage=_storage(request),
                pin_ttl_hours=settings_of(request).pin_ttl_hours,
            )
    except Invalid as exc:
        return _manual_failed(request, who, job, values, dict([_field_error(exc)]))
    lead_id = result.lead.application.id
    location = f"{CAMPAIGNS}/{job.id}/add?tab=manual&lead={lead_id}"
    flash = "candidate_added" if result.created else "candidate_duplicate"
    if nonce is not None:
        form_once.remember(
            session,
            who.company.id,
            nonce,
            endpoint,
            request_hash,
            303,
            {"location": location, "flash": flash},
        )
    return redirect(request, location, flash=flash)


def _manual_failed(
    request: Request, who: Current, job: Job, values: dict[str, str], errors: dict[str, str]
) -> Response:
    return _add_page(
        request,
        who,
        job,
        "manual",
        {"errors": {k: _message(who, v) for k, v in errors.items()}, "values": values},
        status=400,
    )


def _message(who: Current, message: str) -> str:
    """A message of this module in the reader's language (sizes filled in)."""
    text = gettext_for(who.user.language)(message)
    return text % {"value": MAX_CV_BYTES // 1024 // 1024} if "%(value)s" in text else text


# --- CSV ----------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    number: int
    cells: list[str]
    error: str | None


def _csv_failed(
    request: Request,
    who: Current,
    job: Job,
    exc: DomainError | None,
    message: str,
    encoding: str = "",
) -> Response:
    _ = gettext_for(who.user.language)
    return _add_page(
        request,
        who,
        job,
        "csv",
        {
            "errors": {"csv": _(message), "csv_detail": exc.message if exc else None},
            "values": {"encoding": encoding},
        },
        status=400,
    )


@router.post(CAMPAIGNS + "/{campaign_id:int}/add/csv")
async def csv_preview(campaign_id: int, request: Request, session: SessionDep) -> Response:
    """Step 1: read the file, keep it (a ``preview`` run), and show how it was read with
    its first rows."""
    who, job = _campaign(request, session, campaign_id)
    form = await read_upload(request, who, max_bytes=MAX_CSV_BYTES, max_files=1)
    encoding = _field(form, "encoding", 40)
    try:
        upload = await _file(form, "file", MAX_CSV_BYTES)
    except Invalid:
        upload = None
    finally:
        await form.close()
    if encoding not in CSV_ENCODINGS:
        return _csv_failed(request, who, job, None, BAD_FORM)
    if upload is None:
        return _csv_failed(request, who, job, None, NO_FILE, encoding)
    filename, _type, data = upload
    # Reading a large file takes seconds of CPU: not on the event loop, which serves
    # every other request of the process meanwhile.
    return await run_in_threadpool(
        _csv_preview_page, request, session, who, job, filename, data, encoding
    )


def _csv_preview_page(
    request: Request,
    session: Session,
    who: Current,
    job: Job,
    filename: str,
    data: bytes,
    encoding: str,
) -> Response:
    """csv_preview's work once the upload is read (in a worker thread)."""
    try:
        intake.ensure_takes_leads(job)
        table = read_csv(
            data,
            default_region=phone_region(who.company, job),
            encoding=encoding or None,
            country=who.company.default_country,
        )
    except Invalid as exc:
        reason = next(iter((exc.details or {}).values()), "")
        if (exc.details or {}).get("campaign_id"):
            return _csv_failed(request, who, job, None, CAMPAIGN_ARCHIVED, encoding)
        message = CSV_ERRORS.get(reason, CSV_UNREADABLE)
        return _csv_failed(request, who, job, exc, message, encoding)
    run = background.keep_preview(
        session,
        _storage(request),
        job,
        data,
        filename=filename,
        total_rows=table.total_rows,
        actor=Actor("user", who.user.id),
        encoding=table.encoding,
    )
    return _add_page(
        request,
        who,
        job,
        "csv",
        {
            "preview": _preview(
                table, filename, uuid.UUID(run.public_id).hex, gettext_for(who.user.language)
            )
        },
    )


def _preview(
    table: CsvFile, filename: str, pending_id: str, gettext: Callable[[str], str]
) -> dict[str, Any]:
    checked = table.validate(0, PREVIEW_CHECKED_ROWS)
    errors = {e.row: row_error_text(e, gettext) for e in checked.errors}
    rows = [
        PreviewRow(number, cells, errors.get(number))
        for number, cells in table.records[:PREVIEW_ROWS]
    ]
    return {
        "pending_id": pending_id,
        "filename": filename,
        "encoding": ENCODING_NAMES.get(table.encoding, table.encoding),
        "delimiter": DELIMITER_NAMES.get(table.delimiter, table.delimiter),
        "has_header": table.has_header,
        "total_rows": table.total_rows,
        "checked_rows": min(table.total_rows, PREVIEW_CHECKED_ROWS),
        "valid_rows": len(checked.rows),
        "row_errors": [{"row": e.row, "error": errors[e.row]} for e in checked.errors[:200]],
        "error_count": len(checked.errors),
        "rows": rows,
    }


@router.post(CAMPAIGNS + "/{campaign_id:int}/add/csv/import")
async def csv_import(campaign_id: int, request: Request, session: SessionDep) -> Response:
    """Step 2: hand the kept file to the worker and show the run's progress. Posting it
    again (a double click, the back button) leads to the same run."""
    who, job = _campaign(request, session, campaign_id)
    form = await read_upload(request, who, max_bytes=64 * 1024, max_files=0)
    pending_id = _field(form, "pending_id", 40)
    await form.close()
    public_id = background.public_id_of(pending_id) if _PENDING_ID.match(pending_id) else None
    run, queued = background.queue_preview(session, job, public_id) if public_id else (None, False)
    if run is None:
        return _csv_failed(request, who, job, None, UPLOAD_EXPIRED)
    if queued:
        from hireloop.worker.tasks import import_csv_file

        run_id = run.id
        on_commit(session, lambda: import_csv_file(run_id))
    return redirect(request, f"{CAMPAIGNS}/{job.id}/imports/{run.public_id}")


def _run_of(
    request: Request, session: Session, campaign_id: int, run_id: str
) -> tuple[Current, Job, ImportRun]:
    """(who, job, run) of a started import of the campaign, else a 404 page."""
    who, job = _campaign(request, session, campaign_id)
    try:
        run = intake.get_run(session, who.company.id, run_id[:40])
    except NotFound:
        run = None
    if run is None or run.job_id != job.id or run.status == background.PREVIEW:
        raise PageExit(error_page(request, 404, user=who.user, company=who.company))
    return who, job, run


@router.get(CAMPAIGNS + "/{campaign_id:int}/imports/{run_id}")
def import_result(campaign_id: int, run_id: str, request: Request, session: SessionDep) -> Response:
    """The run: waiting, its progress (the page reloads itself every few seconds without
    JavaScript; static/intake.js polls the status route instead), then its result."""
    who, job, run = _run_of(request, session, campaign_id, run_id)
    _ = gettext_for(who.user.language)
    reason = background.failure_reason(run)
    response = render(
        request,
        "app/intake/import_result.html",
        {
            "job": job,
            "run": run,
            "active": run.status in background.ACTIVE,
            "failure": _(IMPORT_FAILURES.get(reason or "", IMPORT_FAILED))
            if run.status == background.FAILED
            else None,
            "row_errors": [
                {"row": e["row"], "error": row_error_text(e, _)}
                for e in run.errors or []
                if e.get("row") is not None
            ],
            "refresh_seconds": REFRESH_SECONDS,
        },
        user=who.user,
        company=who.company,
    )
    response.headers["Content-Security-Policy"] = SCRIPT_CSP
    return response


@router.get(CAMPAIGNS + "/{campaign_id:int}/imports/{run_id}/status")
def import_status(campaign_id: int, run_id: str, request: Request, session: SessionDep) -> Response:
    """The run's counts as JSON, for the progress bar of static/intake.js."""
    _who, _job, run = _run_of(request, session, campaign_id, run_id)
    response = JSONResponse(
        {
            "status": run.status,
            "total_rows": run.total_rows,
            "processed_rows": run.processed_rows,
            "created": run.created_count,
            "duplicates": run.duplicate_count,
            "failed": run.failed_count,
        }
    )
    add_security_headers(response, no_store=True)
    return response


# --- CV files -----------------------------------------------------------------------------


@dataclass
class CvResult:
    filename: str
    status: str  # added | duplicate | failed
    name: str = ""
    lead_id: int | None = None
    error: str | None = None


def _cv_lead(
    request: Request, session: Session, who: Current, job: Job, name: str, data: bytes
) -> CvResult:
    """One CV file made a lead (in its own savepoint). The file is read and parsed once:
    its names and contact make the lead, then the same reading is attached to the new
    lead (what ``create_lead`` does with a CV, without reading it a second time)."""
    region = phone_region(who.company, job)
    try:
        resume = read_resume(data, default_region=region)
    except (ExtractionError, Invalid):
        return CvResult(name, "failed", error=CV_UNREADABLE)
    except Exception:  # a parser bug on a hostile file is an unreadable file
        return CvResult(name, "failed", error=CV_UNREADABLE)
    if not looks_like_resume(resume):
        return CvResult(name, "failed", error=NOT_A_CV)
    parsed = resume.parsed
    first = (parsed.name.first or "") if parsed.name else ""
    last = (parsed.name.last or "") if parsed.name else ""
    if not first or not last:
        return CvResult(name, "failed", error=NO_CV_NAME)
    if not parsed.email and not parsed.phone:
        return CvResult(name, "failed", error=NO_CV_CONTACT)
    data_in = LeadInput(
        first_name=first,
        last_name=last,
        email=parsed.email,
        phone=parsed.phone,
        source=SOURCE_CV,
    )
    storage = _storage(request)
    try:
        with session.begin_nested():
            result = create_lead(
                session,
                who.company,
                job.id,
                data_in,
                Actor("user", who.user.id),
                storage=storage,
                pin_ttl_hours=settings_of(request).pin_ttl_hours,
            )
            if result.created:
                lead = result.lead
                file = store_cv(
                    session,
                    storage,
                    lead.candidate,
                    data,
                    filename=name,
                    media_type=resume.extracted.media_type,
                    application_id=lead.application.id,
                )
                apply_resume(lead.candidate, resume)
                lead.application.cv_file_id = file.id
                session.flush()
    except Invalid as exc:
        if (exc.details or {}).get("campaign_id"):
            return CvResult(name, "failed", error=CAMPAIGN_ARCHIVED)
        return CvResult(name, "failed", error=CV_UNREADABLE)
    candidate = result.lead.candidate
    return CvResult(
        name,
        "added" if result.created else "duplicate",
        name=f"{candidate.first_name} {candidate.last_name}".strip(),
        lead_id=result.lead.application.id,
    )


@router.post(CAMPAIGNS + "/{campaign_id:int}/add/cv")
async def add_cvs(campaign_id: int, request: Request, session: SessionDep) -> Response:
    who, job = _campaign(request, session, campaign_id)
    _ = gettext_for(who.user.language)
    declared = request.headers.get("content-length", "")
    if is_ascii_digits(declared) and int(declared) > MAX_CV_UPLOAD_BYTES:
        # Over the total: the CV tab again, with what to do (the files are not read).
        message = _(UPLOAD_TOO_BIG) % {"value": MAX_CV_UPLOAD_BYTES // 1024 // 1024}
        message += " " + _(SEND_FEWER)
        return _add_page(request, who, job, "cv", {"errors": {"cv": message}}, status=413)
    form = await read_upload(request, who, max_bytes=MAX_CV_UPLOAD_BYTES, max_files=MAX_CV_FILES)
    results: list[CvResult] = []
    endpoint = request.url.path
    nonce = form_once.nonce_of(form)
    try:
        request_hash = form_once.form_hash(endpoint, form) if nonce else ""
        stored = (
            form_once.replay(session, who.company.id, nonce, endpoint, request_hash)
            if nonce
            else None
        )
        if stored is not None:
            # The same files posted again (a double click): the first post's results.
            results = [CvResult(**r) for r in stored[1].get("results", [])]
            return _cv_results_page(request, who, job, results)
        uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
        for upload in uploads:
            name = (upload.filename or "cv")[:300]
            data = await upload.read(MAX_CV_BYTES + 1)
            if len(data) > MAX_CV_BYTES:
                results.append(CvResult(name, "failed", error=CV_TOO_BIG))
                continue
            results.append(_cv_lead(request, session, who, job, name, data))
    finally:
        await form.close()
    if not results:
        return _add_page(request, who, job, "cv", {"errors": {"cv": _(NO_FILE)}}, status=400)
    if nonce is not None:
        form_once.remember(
            session,
            who.company.id,
            nonce,
            endpoint,
            request_hash,
            200,
            {"results": [asdict(r) for r in results]},
        )
    return _cv_results_page(request, who, job, results)


def _cv_results_page(request: Request, who: Current, job: Job, results: list[CvResult]) -> Response:
    for result in results:
        if result.error:
            result.error = _message(who, result.error)
    return _add_page(
        request,
        who,
        job,
        "cv",
        {
            "cv_results": results,
            "cv_counts": {
                status: sum(1 for r in results if r.status == status)
                for status in ("added", "duplicate", "failed")
            },
        },
    )


# --- Google Sheets ------------------------------------------------------------------------


def _sheet_context(request: Request, session: Session, who: Current, job: Job) -> dict[str, Any]:
    """What the sheet tab shows besides its form: the columns, the email to share the
    sheet with (None: no service account is configured) and the linked sheets."""
    return {
        "sheet_columns": SHEET_COLUMNS,
        "share_with": service_account_email(settings_of(request).google_service_account_file),
        "sheet_sources": sheets.list_sheet_sources(session, who.company.id, job.id),
        "sheet_candidates": session.scalar(
            select(func.count())
            .select_from(Application)
            .where(Application.job_id == job.id, Application.source == sheets.SOURCE)
        ),
    }


def _sheet_error(exc: Invalid) -> tuple[str, str]:
    """(form field, message) of ``add_sheet_source``'s refusal."""
    details = exc.details or {}
    if "campaign_id" in details:
        return "form", CAMPAIGN_ARCHIVED
    if "sheet_name" in details:
        return "sheet_name", SHEET_TAB_REQUIRED
    if details.get("url") == "a form, not a spreadsheet":
        return "url", SHEET_FORM_LINK
    return "url", SHEET_NOT_A_LINK


def _sheet_failed(
    request: Request,
    session: Session,
    who: Current,
    job: Job,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 400,
) -> Response:
    _ = gettext_for(who.user.language)
    return _add_page(
        request,
        who,
        job,
        "sheet",
        {
            **_sheet_context(request, session, who, job),
            "errors": {k: _(v) for k, v in errors.items()},
            "values": values,
        },
        status=status,
    )


@router.post(CAMPAIGNS + "/{campaign_id:int}/add/sheet")
async def add_sheet(campaign_id: int, request: Request, session: SessionDep) -> Response:
    """Link a Google Sheet to the campaign (``sheets.add_sheet_source``); back to the tab,
    where it is listed. Linked when no service account is configured too: the tab says
    that it is read once one is."""
    who, job = _campaign(request, session, campaign_id)
    form = await read_upload(request, who, max_bytes=64 * 1024, max_files=0)
    values = {"url": _field(form, "url", 2000), "sheet_name": _field(form, "sheet_name", 200)}
    endpoint = request.url.path
    nonce = form_once.nonce_of(form)
    request_hash = form_once.form_hash(endpoint, form) if nonce else ""
    await form.close()
    if nonce is not None:
        # The same form posted again (a double click): where the first post led.
        stored = form_once.replay(session, who.company.id, nonce, endpoint, request_hash)
        if stored is not None:
            return redirect(request, stored[1]["location"], flash=stored[1].get("flash"))
    if not values["url"]:
        return _sheet_failed(request, session, who, job, values, {"url": SHEET_URL_REQUIRED})
    try:
        sheets.add_sheet_source(
            session, who.company, job, values["url"], sheet_name=values["sheet_name"] or None
        )
    except Invalid as exc:
        return _sheet_failed(request, session, who, job, values, dict([_sheet_error(exc)]))
    except Conflict:
        return _sheet_failed(request, session, who, job, values, {"url": SHEET_LINKED}, 409)
    location = f"{CAMPAIGNS}/{job.id}/add?tab=sheet"
    if nonce is not None:
        form_once.remember(
            session,
            who.company.id,
            nonce,
            endpoint,
            request_hash,
            303,
            {"location": location, "flash": "sheet_linked"},
        )
    return redirect(request, location, flash="sheet_linked")


# --- Export -------------------------------------------------------------------------------


@router.get(CAMPAIGNS + "/{campaign_id:int}/export.xlsx")
def export_campaign(campaign_id: int, request: Request, session: SessionDep) -> Response:
    """Every lead of the campaign as an Excel sheet (built in a temporary file with
    constant memory, then streamed from it and deleted)."""
    who, job = _campaign(request, session, campaign_id)
    _ = gettext_for(who.user.language)

    def folder_name(folder: str, custom: str | None) -> str:
        if folder == "custom":
            return custom or ""
        return _(FOLDER_NAMES[folder]) if folder in FOLDER_NAMES else folder

    fd, path = tempfile.mkstemp(prefix="hireloop-export-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            export.write_xlsx(
                out,
                sheet_name=job.title,
                titles={key: _(title) for key, title in EXPORT_TITLES.items()},
                extra_columns=export.others_keys(session, job),
                rows=export.lead_rows(session, job, folder_name),
            )
    except BaseException:
        os.unlink(path)
        raise
    slug = re.sub(r"[^A-Za-z0-9]+", "-", job.title).strip("-")[:60] or "campaign"
    response = FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"{slug}-{job.id}.xlsx",
        background=BackgroundTask(os.unlink, path),
    )
    add_security_headers(response, no_store=True)
    return response
