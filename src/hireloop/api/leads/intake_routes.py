"""Talkpush face (hireloop extension): CSV imports and Google Sheets of a campaign.

Talkpush offers these in its web app only ("Add Candidate": CSV Parsing, Google Form);
hireloop exposes them on the same face and key (see docs/intake.md):

* ``POST /campaigns/{id}/imports`` (multipart ``file``): import a CSV file of leads now;
  the answer is the run with its counts and per-row errors.
* ``GET /imports/{id}``: a run again (by its public id).
* ``POST /campaigns/{id}/sheets`` (``url``, optional ``sheet_name``): link a Google Sheet
  (a Form's response sheet); the worker imports its new rows periodically.
* ``GET /campaigns/{id}/sheets``: the campaign's linked sheets and their sync state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from hireloop.api.deps import SessionDep
from hireloop.api.leads.auth import PREFIX, LeadsKeyDep, actor_for
from hireloop.api.leads.payload import PayloadDep, UploadedFile
from hireloop.api.leads.routing import LeadsRouter
from hireloop.config import Settings
from hireloop.domain.intake import service as intake
from hireloop.domain.intake import sheets
from hireloop.domain.intake.models import ImportRun, SheetSource
from hireloop.domain.leads.service import get_campaign
from hireloop.errors import Invalid
from hireloop.integrations.google_sheets import service_account_email

router = LeadsRouter(tags=["Leads (Talkpush): intake"])


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_json(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.public_id,
        "campaign_id": run.job_id,
        "kind": run.kind,
        "filename": run.filename,
        "status": run.status,
        "total_rows": run.total_rows,
        "processed_rows": run.processed_rows,
        "created": run.created_count,
        "duplicates": run.duplicate_count,
        "failed": run.failed_count,
        "errors": run.errors or [],
        "created_at": _iso(run.created_at),
        "finished_at": _iso(run.finished_at),
    }


def sheet_json(source: SheetSource, share_with: str | None) -> dict[str, Any]:
    return {
        "id": source.id,
        "campaign_id": source.job_id,
        "spreadsheet_id": source.spreadsheet_id,
        "url": source.url,
        "sheet_name": source.sheet_name,
        "last_row": source.last_row,
        "active": source.active,
        "last_synced_at": _iso(source.last_synced_at),
        "last_error": source.last_error,
        "share_with": share_with,
        "created_at": _iso(source.created_at),
    }


@router.post(
    f"{PREFIX}/campaigns/{{campaign_id}}/imports",
    summary="Import a CSV file of leads (hireloop extension)",
    status_code=201,
)
def import_leads_csv(
    campaign_id: int,
    request: Request,
    session: SessionDep,
    key: LeadsKeyDep,
    payload: PayloadDep,
) -> JSONResponse:
    """Multipart field ``file``: a CSV with the columns ``first name, last name, email,
    country code, phone number, referee``. 201 with the run: counts of created, duplicate
    and failed rows and the failed rows' numbers and reasons. A file that is not such a
    table is refused whole (400) and nothing is imported."""
    upload = payload.get("file")
    if not isinstance(upload, UploadedFile):
        raise Invalid(
            "Missing file: send the CSV as the multipart field 'file'.",
            details={"file": "is required"},
        )
    encoding = payload.get("encoding")
    if encoding is not None and not isinstance(encoding, str):
        raise Invalid("encoding must be a text.", details={"encoding": "must be a text"})
    job = get_campaign(session, key.company_id, campaign_id)
    run = intake.import_csv(
        session,
        key.company,
        job,
        upload.data,
        filename=upload.filename,
        actor=actor_for(key),
        ttl_hours=_settings(request).pin_ttl_hours,
        encoding=encoding.strip() or None if encoding else None,
    )
    return JSONResponse(run_json(run), status_code=201)


@router.get(f"{PREFIX}/imports/{{import_id}}", summary="An import run (hireloop extension)")
def get_import(import_id: str, session: SessionDep, key: LeadsKeyDep) -> dict[str, Any]:
    return run_json(intake.get_run(session, key.company_id, import_id))


@router.post(
    f"{PREFIX}/campaigns/{{campaign_id}}/sheets",
    summary="Link a Google Sheet to a campaign (hireloop extension)",
    status_code=201,
)
def add_sheet(
    campaign_id: int,
    request: Request,
    session: SessionDep,
    key: LeadsKeyDep,
    payload: PayloadDep,
) -> JSONResponse:
    """``url``: the spreadsheet's link (a Google Form's response sheet, or a sheet laid
    out like one); optional ``sheet_name`` (the first sheet otherwise). The spreadsheet
    must be shared with the ``share_with`` account; the worker then imports new rows."""
    section = payload.get("sheet") if isinstance(payload.get("sheet"), dict) else payload
    url = section.get("url")
    sheet_name = section.get("sheet_name")
    if url is not None and not isinstance(url, str):
        raise Invalid("url must be a string.", details={"url": "must be a string"})
    if sheet_name is not None and not isinstance(sheet_name, str):
        raise Invalid("sheet_name must be a string.", details={"sheet_name": "must be a string"})
    job = get_campaign(session, key.company_id, campaign_id)
    share_with = service_account_email(_settings(request).google_service_account_file)
    if share_with is None:
        # No worker would ever read the sheet: say so now rather than link it silently.
        raise Invalid(
            "Google Sheets are not configured on this server: it needs a Google service "
            "account (HIRELOOP_GOOGLE_SERVICE_ACCOUNT_FILE) to read spreadsheets.",
            details={"url": "Google Sheets are not configured"},
        )
    source = sheets.add_sheet_source(session, key.company, job, url, sheet_name=sheet_name)
    return JSONResponse(sheet_json(source, share_with), status_code=201)


@router.get(
    f"{PREFIX}/campaigns/{{campaign_id}}/sheets",
    summary="A campaign's Google Sheets (hireloop extension)",
)
def list_sheets(
    campaign_id: int, request: Request, session: SessionDep, key: LeadsKeyDep
) -> dict[str, Any]:
    job = get_campaign(session, key.company_id, campaign_id)
    share_with = service_account_email(_settings(request).google_service_account_file)
    return {
        "sheets": [
            sheet_json(s, share_with)
            for s in sheets.list_sheet_sources(session, key.company_id, job.id)
        ]
    }
