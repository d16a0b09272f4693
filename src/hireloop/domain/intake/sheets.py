"""Google Sheets / Google Forms feeding a campaign.

A recruiter links the response spreadsheet of a Google Form (or a sheet laid out the same
way) to a campaign; the worker reads the rows added since the last sync and imports them
with the same bulk service as CSV files (source ``google_sheet``), recording each sync
that found rows as an ImportRun of kind ``sheet``.

The column order is Talkpush's and is strict (headers do not matter):

1. timestamp (as a Form writes it) or empty, 2. full name, 3. email, 4. phone, 5. location,
6. highest level of education, 7. years of experience, 8. referee name, 9. referee email,
10. referee phone, 11. referee employee id, 12. referee account; any further column is
kept in the application's ``others`` under its header text.

Row 1 is the header. Rows are never re-read: ``SheetSource.last_row`` is the last sheet
row seen, so new candidates must be added below the last row (as a Form does).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.companies.models import Company
from hireloop.domain.intake.models import ImportRun, SheetSource
from hireloop.domain.intake.rows import (
    MAX_CELL,
    IntakeRow,
    RowError,
    RowInvalid,
    build_row,
    text_cell,
)
from hireloop.domain.intake.service import (
    chunked,
    ensure_takes_leads,
    finish_run,
    import_chunks,
    start_run,
)
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.service import CAMPAIGN_NOT_FOUND, phone_region
from hireloop.errors import Conflict, Invalid, NotFound

log = logging.getLogger(__name__)

SOURCE = "google_sheet"
LAST_COLUMN = "ZZ"  # 702 columns: far more than a form has
_ID = re.compile(r"^/spreadsheets(?:/u/\d+)?/d/([A-Za-z0-9_-]{10,200})(?:/|$)")
_TIMESTAMP = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
    r"(?: ?[AaPp]\.? ?[Mm]\.?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5}))?)?$"
    r"|^\d+(?:\.\d+)?$"  # a date serial number (unformatted cell)
)
# A Form writes its timestamp in the spreadsheet's locale ("2024. 6. 14 오후 10:32:11",
# "2024年6月14日 10:32:11", "14.6.2024 klo 10.32.11", "14-Jun-2024 10:32:11"): outside the
# numeric forms above, a cell with at least two runs of digits, no "@" and no more than a
# timestamp's length counts as one. What the check is for, a first column that holds a
# name or an email (columns out of order), still fails.
_DIGIT_RUN = re.compile(r"\d+")


def _is_timestamp(value: str) -> bool:
    if _TIMESTAMP.match(value):
        return True
    return len(value) <= 64 and "@" not in value and len(_DIGIT_RUN.findall(value)) >= 2


# ``others`` keys of columns 5-12 (Talkpush's names for the referral fields).
_OTHERS = (
    (4, "location"),
    (5, "education"),
    (6, "years_of_experience"),
    (7, "referee"),
    (8, "referee_email"),
    (9, "referee_mobile"),
    (10, "referee_id"),
    (11, "referee_account"),
)
FIXED_COLUMNS = 12


class SheetSyncFailed(Exception):
    """The spreadsheet could not be read (recorded on the source as ``last_error``)."""


class SheetValuesLike(Protocol):
    first_row: int
    values: list[list[str]]


class SheetsReader(Protocol):
    """What sync needs of integrations.google_sheets.GoogleSheetsClient."""

    def values(self, spreadsheet_id: str, cell_range: str) -> SheetValuesLike: ...


def spreadsheet_id_from_url(url: object) -> str:
    """The spreadsheet id of a Google Sheets link
    (``https://docs.google.com/spreadsheets/d/<id>/edit#gid=0``); Invalid otherwise."""
    text = str(url or "").strip()
    parts = urlsplit(text if "://" in text else "https://" + text)
    if parts.hostname == "docs.google.com" and parts.path.startswith("/forms/"):
        raise Invalid(
            "This is a Google Form link: link the form's response spreadsheet instead "
            "(Responses, Link to Sheets).",
            details={"url": "a form, not a spreadsheet"},
        )
    match = _ID.match(parts.path or "")
    if parts.scheme not in ("http", "https") or parts.hostname != "docs.google.com" or not match:
        raise Invalid(
            "Not a Google Sheets link: expected https://docs.google.com/spreadsheets/d/<id>/...",
            details={"url": "not a Google Sheets URL"},
        )
    return match.group(1)


def _tab_id(url: object) -> str | None:
    """The ``gid`` (tab id) of a Sheets link (``…/edit#gid=123``, ``…?gid=123``), if any."""
    parts = urlsplit(str(url or "").strip())
    for params in (parts.fragment, parts.query):
        for pair in params.split("&"):
            key, _, value = pair.partition("=")
            if key == "gid" and value:
                return value
    return None


def add_sheet_source(
    session: Session, company: Company, job: Job, url: object, *, sheet_name: str | None = None
) -> SheetSource:
    """Link a Google Sheet to the campaign ``job``; the worker imports its rows from then
    on. Invalid for a link that is not a spreadsheet's; Conflict when already linked."""
    if job.company_id != company.id:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    ensure_takes_leads(job)
    spreadsheet_id = spreadsheet_id_from_url(url)
    name = " ".join((sheet_name or "").split())[:200] or None
    if name is None and _tab_id(url) not in (None, "0"):
        # The link was copied with another tab open; the Sheets API reads tabs by name.
        raise Invalid(
            "This link points to one tab of the spreadsheet: give that tab's name as "
            "sheet_name (without it, the first tab is read).",
            details={"sheet_name": "required for a link to a tab other than the first"},
        )
    linked = session.scalars(
        select(SheetSource.sheet_name).where(
            SheetSource.company_id == company.id,
            SheetSource.job_id == job.id,
            SheetSource.spreadsheet_id == spreadsheet_id,
        )
    ).all()
    # One source per tab: "Form Responses 2" of a file can join its first tab.
    if any((other or "").casefold() == (name or "").casefold() for other in linked):
        raise Conflict("This spreadsheet is already linked to the campaign.")
    source = SheetSource(
        company_id=company.id,
        job_id=job.id,
        spreadsheet_id=spreadsheet_id,
        url=str(url).strip()[:2000],
        sheet_name=name,
        last_row=0,
        active=True,
    )
    session.add(source)
    session.flush()
    return source


def list_sheet_sources(session: Session, company_id: int, job_id: int) -> list[SheetSource]:
    return list(
        session.scalars(
            select(SheetSource)
            .where(SheetSource.company_id == company_id, SheetSource.job_id == job_id)
            .order_by(SheetSource.id)
        )
    )


def _range(source: SheetSource, first: int, last: int | None = None) -> str:
    a1 = f"A{first}:{LAST_COLUMN}{last or ''}"
    if source.sheet_name:
        return "'" + source.sheet_name.replace("'", "''") + "'!" + a1
    return a1


@dataclass
class SheetRows:
    rows: list[IntakeRow]
    errors: list[RowError]
    last_row: int  # the last sheet row returned (0 when none)


def read_rows(
    header: list[str], values: list[list[str]], first_row: int, region: str | None
) -> SheetRows:
    """Sheet rows (``values[i]`` is row ``first_row + i``) as leads, in Talkpush's strict
    column order. Empty rows are skipped."""
    out = SheetRows(rows=[], errors=[], last_row=0)
    extra_keys = _extra_keys(header)
    for offset, cells in enumerate(values):
        number = first_row + offset
        out.last_row = number
        if not any(str(c).strip() for c in cells):
            continue
        try:
            out.rows.append(_row(number, cells, extra_keys, region))
        except RowInvalid as exc:
            out.errors.append(RowError(number, str(exc)))
    return out


def _extra_keys(header: list[str]) -> list[str]:
    keys: list[str] = []
    used = {key for _, key in _OTHERS} | {"timestamp"}
    for index in range(FIXED_COLUMNS, max(len(header), FIXED_COLUMNS)):
        text = " ".join(str(header[index]).split())[:100] if index < len(header) else ""
        key = text or f"column_{index + 1}"
        if key.startswith(("=", "+", "-", "@")):
            key = "'" + key
        base, n = key, 2
        while key in used:
            key, n = f"{base} ({n})", n + 1
        used.add(key)
        keys.append(key)
    return keys


def _row(number: int, cells: list[str], extra_keys: list[str], region: str | None) -> IntakeRow:
    def cell(i: int) -> str:
        return str(cells[i]).strip() if i < len(cells) else ""

    timestamp = cell(0)
    if timestamp and not _is_timestamp(timestamp):
        raise RowInvalid("The first column must hold the form's timestamp or be empty")
    first, last = split_full_name(cell(1))
    others: dict[str, Any] = {}
    if timestamp:
        others["timestamp"] = timestamp
    for index, key in _OTHERS:
        value = text_cell(cell(index), key.replace("_", " ").capitalize())
        if value:
            others[key] = value
    for offset, key in enumerate(extra_keys):
        value = text_cell(cell(FIXED_COLUMNS + offset), key, limit=MAX_CELL)
        if value:
            others[key] = value
    row = build_row(
        number,
        first_name=first,
        last_name=last,
        email=cell(2),
        phone=cell(3),
        region=region,
        referrer_name=cell(7),
        referrer_email=cell(8),
        referrer_phone=cell(9),
        others=others,
    )
    # A referee contact that parses is kept normalized (a +E.164 phone is no formula).
    if row.referrer_email:
        others["referee_email"] = row.referrer_email
    if row.referrer_phone:
        others["referee_mobile"] = row.referrer_phone
    return row


def split_full_name(full_name: str) -> tuple[str, str]:
    """``"Maria Clara Santos"`` -> (``"Maria Clara"``, ``"Santos"``): the last word is the
    last name (the form asks for "First Name Last Name")."""
    words = full_name.split()
    if len(words) < 2:
        return " ".join(words), ""
    return " ".join(words[:-1]), words[-1]


def sync_sheet(
    session: Session, source: SheetSource, client: SheetsReader, *, ttl_hours: int
) -> ImportRun | None:
    """Import the rows added to ``source`` since its last sync; returns the ImportRun, or
    None when there was nothing new. When the sheet cannot be read, the reason is recorded
    on the source (``last_error``) and SheetSyncFailed raised; nothing else changes."""
    job = session.scalar(
        select(Job).where(Job.company_id == source.company_id, Job.id == source.job_id)
    )
    company = session.get(Company, source.company_id)
    if job is None or company is None:  # pragma: no cover - cascades delete the source
        raise NotFound(CAMPAIGN_NOT_FOUND)
    first = max(source.last_row + 1, 2)
    source.last_synced_at = utcnow()
    try:
        ensure_takes_leads(job)
        header = client.values(source.spreadsheet_id, _range(source, 1, 1)).values
        fetched = client.values(source.spreadsheet_id, _range(source, first))
    except Exception as exc:  # SheetsError, network errors, an archived campaign: all say why
        source.last_error = str(getattr(exc, "message", exc))[:2000]
        session.flush()
        raise SheetSyncFailed(source.last_error) from exc
    source.last_error = None
    read = read_rows(
        header[0] if header else [],
        fetched.values,
        max(fetched.first_row, first),
        phone_region(company, job),
    )
    if not read.rows and not read.errors:
        session.flush()
        return None
    actor = Actor.system()
    run = start_run(
        session,
        job,
        kind="sheet",
        filename=source.sheet_name or source.spreadsheet_id,
        actor=actor,
        total_rows=len(read.rows) + len(read.errors),
    )
    import_chunks(
        session,
        run,
        job,
        chunked(read.rows, read.errors),
        source=SOURCE,
        actor=actor,
        ttl_hours=ttl_hours,
    )
    finish_run(run)
    source.last_row = max(source.last_row, read.last_row)
    session.flush()
    return run


def sync_all_due(db: Database, client: SheetsReader, *, ttl_hours: int) -> int:
    """Sync every active sheet source, each in its own transaction (one broken sheet
    does not stop the others; two workers never sync one sheet at once). Returns how many
    rows were imported. Run by the worker every ``settings.sheets_poll_seconds``."""
    with db.unit_of_work() as session:
        ids = list(
            session.scalars(
                select(SheetSource.id).where(SheetSource.active.is_(True)).order_by(SheetSource.id)
            )
        )
    imported = 0
    for source_id in ids:
        try:
            with db.unit_of_work() as session:
                source = session.scalar(
                    select(SheetSource)
                    .where(SheetSource.id == source_id, SheetSource.active.is_(True))
                    .with_for_update(skip_locked=True)
                )
                if source is None:
                    continue
                try:
                    run = sync_sheet(session, source, client, ttl_hours=ttl_hours)
                except SheetSyncFailed as exc:
                    # Only last_error changed; the rows are read again next time.
                    log.warning("sheet source %s not read: %s", source_id, exc)
                    continue
                if run is not None:
                    imported += run.processed_rows
        except Exception:  # noqa: BLE001 - logged; the next source is synced all the same
            log.exception("sheet source %s not synced", source_id)
    return imported
