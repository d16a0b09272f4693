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

Row 1 is the header. Rows are not imported twice: ``SheetSource.last_row`` is the last
sheet row seen, so new candidates must be added below the last row (as a Form does). Each
sync reads that row again to check that it still holds a person imported; when rows above
it were deleted, the sync goes back to the last row that does (see ``_resume_after``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.candidates.models import Candidate
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
_DRIVE_ID = re.compile(r"^(?:/u/\d+)?/file/d/([A-Za-z0-9_-]{10,200})(?:/|$)")
_BARE_ID = re.compile(r"([A-Za-z0-9_-]{10,200})")
_WORKSPACE = re.compile(r"^/a/[^/]+(?=/)")  # a Google Workspace link: /a/<domain>/...
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
    (``https://docs.google.com/spreadsheets/d/<id>/edit#gid=0``, also with a Workspace
    domain: ``…/a/<domain>/spreadsheets/d/<id>``) or of a Drive share link of the
    spreadsheet (``https://drive.google.com/file/d/<id>/view``, ``…/open?id=<id>``);
    Invalid otherwise."""
    text = str(url or "").strip()
    parts = urlsplit(text if "://" in text else "https://" + text)
    path = _WORKSPACE.sub("", parts.path or "")
    if parts.hostname == "forms.gle" or (
        parts.hostname == "docs.google.com" and path.startswith("/forms/")
    ):
        raise Invalid(
            "This is a Google Form link: link the form's response spreadsheet instead "
            "(Responses, Link to Sheets).",
            details={"url": "a form, not a spreadsheet"},
        )
    match = None
    if parts.scheme in ("http", "https") and parts.hostname == "docs.google.com":
        match = _ID.match(path)
    elif parts.scheme in ("http", "https") and parts.hostname == "drive.google.com":
        match = _DRIVE_ID.match(path)
        if match is None and path.rstrip("/") == "/open":
            match = _BARE_ID.fullmatch(dict(parse_qsl(parts.query)).get("id", ""))
    if not match:
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


def _range(source: SheetSource | _Snapshot, first: int, last: int | None = None) -> str:
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
            out.errors.append(RowError.of(number, exc))
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
        raise RowInvalid(
            "The first column must hold the form's timestamp or be empty", "timestamp_column"
        )
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


@dataclass
class _Snapshot:
    """What read_sheet needs of a source, read in a short transaction."""

    id: int
    spreadsheet_id: str
    sheet_name: str | None
    last_row: int


@dataclass
class SheetRead:
    """What a sync read of a sheet: its header, the rows from the last imported one on
    (``values[i]`` is row ``first_row + i``) and, when asked for, the rows above it."""

    header: list[str]
    values: list[list[str]]
    first_row: int
    last_row: int  # the source's last_row when read
    before: list[list[str]] | None = None  # rows 2 .. last_row - 1


class _ScanNeeded(Exception):
    """The last imported row moved: the rows above it must be read too."""


def _empty(cells: list[str]) -> bool:
    return not any(str(c).strip() for c in cells)


def _digest(cells: list[str]) -> str | None:
    """A row's fingerprint (its cells, trimmed; None for an empty row): how a sync knows
    the last row it imported when rows above it were deleted."""
    values = [str(c).strip() for c in cells]
    while values and not values[-1]:
        values.pop()
    if not values:
        return None
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()


def read_sheet(
    source: SheetSource | _Snapshot, client: SheetsReader, *, scan: bool = False
) -> SheetRead:
    """Read the header and the rows from the last imported row on (that row again: it is
    the check that no row above it was deleted), and the rows above it too when ``scan``
    or when the sheet now ends above it. No database access: no transaction is held
    during the HTTP calls. Raises what the client raises."""
    header = client.values(source.spreadsheet_id, _range(source, 1, 1)).values
    last = source.last_row
    first = max(last, 2)
    fetched = client.values(source.spreadsheet_id, _range(source, first))
    read = SheetRead(
        header[0] if header else [], fetched.values, max(fetched.first_row, first), last
    )
    if last >= 2 and (scan or all(_empty(cells) for cells in read.values)):
        read.before = []
        if last > 2:
            above = client.values(source.spreadsheet_id, _range(source, 2, last - 1))
            read.before = [[] for _ in range(max(above.first_row, 2) - 2)] + above.values
    return read


def _rows_by_number(read: SheetRead) -> dict[int, list[str]]:
    rows = dict(enumerate(read.before or [], start=2))
    rows.update(enumerate(read.values, start=read.first_row))
    return rows


def _imported(
    session: Session, company_id: int, cells: list[str], region: str | None
) -> bool | None:
    """Whether the person of a sheet row is a candidate of the company (None when the row
    names no valid email or phone: it cannot tell)."""
    try:
        row = _row(0, cells, [], region)
    except RowInvalid:
        return None
    same = []
    if row.email:
        same.append(Candidate.email == row.email)
    if row.phone_e164:
        same.append(Candidate.phone_e164 == row.phone_e164)
    found = session.scalar(
        select(Candidate.id).where(Candidate.company_id == company_id, or_(*same)).limit(1)
    )
    return found is not None


def _resume_after(
    session: Session, source: SheetSource, read: SheetRead, region: str | None
) -> tuple[int, str | None]:
    """The row after which the new rows start: ``last_row`` while that row is the one
    imported (its ``last_row_digest``), else the row above it that is (rows above it were
    deleted). Without a digest that matches (a source synced before digests were kept, or
    the row edited since), by the person: ``last_row`` while that row still holds a person
    imported, else the last row above it that does, found by reading back. With it, what
    the user must know (None: nothing). Raises _ScanNeeded when the rows above were not
    read."""
    last = read.last_row
    if last < 2:
        return last, None
    rows = _rows_by_number(read)
    digest = source.last_row_digest
    if digest is not None:
        # The row as it was imported: found where it was, or higher up (rows above it
        # deleted). Not found, it was edited: the person check below decides.
        if _digest(rows.get(last, [])) == digest:
            return last, None
        if read.before is None:
            raise _ScanNeeded
        for number in range(last - 1, 1, -1):
            if _digest(rows.get(number, [])) == digest:
                log.warning(
                    "sheet source %s: the last row imported moved from row %s to row %s "
                    "(rows deleted above it)",
                    source.id,
                    last,
                    number,
                )
                return number, None
    if not _empty(rows.get(last, [])) and _imported(
        session, source.company_id, rows[last], region
    ) in (True, None):
        return last, None
    if read.before is None:
        raise _ScanNeeded
    end = max((n for n, cells in rows.items() if not _empty(cells)), default=1)
    for number in range(min(last, end), 1, -1):
        cells = rows.get(number, [])
        if not _empty(cells) and _imported(session, source.company_id, cells, region):
            log.warning(
                "sheet source %s: row %s is not the last row imported any more (rows deleted "
                "above it); going on after row %s",
                source.id,
                last,
                number,
            )
            return number, None
    # No row above holds a person imported: nothing to go by. The rows up to the last
    # one imported are not read again, and the user is told.
    return min(last, end), (
        f"Row {last}, the last row imported, has changed: rows above it were deleted or "
        "moved. Check that the responses at the end of the sheet were imported; add rows "
        "only below the last one, and clear a row rather than delete it."
    )


def sync_sheet(
    session: Session, source: SheetSource, client: SheetsReader, *, ttl_hours: int
) -> ImportRun | None:
    """Import the rows added to ``source`` since its last sync; returns the ImportRun, or
    None when there was nothing new. When the sheet cannot be read, the reason is recorded
    on the source (``last_error``) and SheetSyncFailed raised; nothing else changes."""
    scan = False
    while True:
        try:
            read = read_sheet(source, client, scan=scan)
        except Exception as exc:  # SheetsError, network errors: all say why
            _failed(source, exc)
            session.flush()
            raise SheetSyncFailed(source.last_error) from exc
        try:
            return import_read(session, source, read, ttl_hours=ttl_hours)
        except _ScanNeeded:
            scan = True


def _failed(source: SheetSource, exc: Exception) -> None:
    source.last_synced_at = utcnow()
    source.last_error = str(getattr(exc, "message", None) or exc or type(exc).__name__)[:2000]


def _import_failed(source: SheetSource, exc: Exception) -> None:
    # Not the exception's text: a database error's holds the rows' data.
    source.last_synced_at = utcnow()
    source.last_error = (
        f"The new rows could not be imported ({type(exc).__name__}); they are read again "
        "at the next sync. The worker's log has the details."
    )


def import_read(
    session: Session, source: SheetSource, read: SheetRead, *, ttl_hours: int
) -> ImportRun | None:
    """Import the rows ``read_sheet`` read (see sync_sheet). Raises _ScanNeeded, having
    changed nothing, when the rows above the last imported one must be read."""
    job = session.scalar(
        select(Job).where(Job.company_id == source.company_id, Job.id == source.job_id)
    )
    company = session.get(Company, source.company_id)
    if job is None or company is None:  # pragma: no cover - cascades delete the source
        raise NotFound(CAMPAIGN_NOT_FOUND)
    try:
        ensure_takes_leads(job)
    except Exception as exc:  # an archived campaign: the reason is shown on the sheet
        _failed(source, exc)
        session.flush()
        raise SheetSyncFailed(source.last_error) from exc
    region = phone_region(company, job)
    after, source.last_error = _resume_after(session, source, read, region)
    source.last_synced_at = utcnow()
    source.last_row = after
    rows = _rows_by_number(read)
    values = [rows.get(n, []) for n in range(after + 1, max(rows, default=0) + 1)]
    fresh = read_rows(read.header, values, after + 1, region)
    if not fresh.rows and not fresh.errors:
        source.last_row_digest = _digest(rows.get(after, [])) if after >= 2 else None
        session.flush()
        return None
    actor = Actor.system()
    run = start_run(
        session,
        job,
        kind="sheet",
        filename=source.sheet_name or source.spreadsheet_id,
        actor=actor,
        total_rows=len(fresh.rows) + len(fresh.errors),
    )
    import_chunks(
        session,
        run,
        job,
        chunked(fresh.rows, fresh.errors),
        source=SOURCE,
        actor=actor,
        ttl_hours=ttl_hours,
    )
    finish_run(run)
    source.last_row = max(source.last_row, fresh.last_row)
    source.last_row_digest = _digest(rows.get(source.last_row, []))
    session.flush()
    return run


def sync_all_due(db: Database, client: SheetsReader, *, ttl_hours: int) -> int:
    """Sync every active sheet source, each in its own transaction (one broken sheet
    does not stop the others; two workers never import one sheet's rows twice). Google is
    read outside any transaction (on SQLite a write transaction locks the whole database);
    any failure, reading or importing, is recorded as the source's ``last_error``. Returns
    how many rows were imported. Run by the worker every ``settings.sheets_poll_seconds``."""
    with db.unit_of_work() as session:
        sources = [
            _Snapshot(s.id, s.spreadsheet_id, s.sheet_name, s.last_row)
            for s in session.scalars(
                select(SheetSource).where(SheetSource.active.is_(True)).order_by(SheetSource.id)
            )
        ]
    return sum(_sync_one(db, client, snapshot, ttl_hours=ttl_hours) for snapshot in sources)


def _sync_one(db: Database, client: SheetsReader, snapshot: _Snapshot, *, ttl_hours: int) -> int:
    scan = False
    while True:
        try:
            read = read_sheet(snapshot, client, scan=scan)
        except Exception as exc:  # noqa: BLE001 - recorded; read again next time
            log.warning("sheet source %s not read: %s", snapshot.id, exc)
            _record_failure(db, snapshot.id, exc, _failed)
            return 0
        try:
            with db.unit_of_work() as session:
                source = session.scalar(
                    select(SheetSource)
                    .where(SheetSource.id == snapshot.id, SheetSource.active.is_(True))
                    .with_for_update(skip_locked=True)
                )
                if source is None or source.last_row != snapshot.last_row:
                    return 0  # unlinked, or synced meanwhile by another worker
                try:
                    run = import_read(session, source, read, ttl_hours=ttl_hours)
                except SheetSyncFailed as exc:
                    log.warning("sheet source %s not synced: %s", snapshot.id, exc)
                    return 0
                return run.processed_rows if run is not None else 0
        except _ScanNeeded:
            scan = True  # read again, with the rows above the last imported one
        except Exception as exc:  # noqa: BLE001 - recorded; the next source is synced all the same
            log.exception("sheet source %s not synced", snapshot.id)
            _record_failure(db, snapshot.id, exc, _import_failed)
            return 0


def _record_failure(
    db: Database,
    source_id: int,
    exc: Exception,
    record: Callable[[SheetSource, Exception], None],
) -> None:
    """Record why a source was not synced, in a transaction of its own (the import's was
    rolled back), so that the sheet shows it (``last_error``)."""
    try:
        with db.unit_of_work() as session:
            source = session.get(SheetSource, source_id)
            if source is not None:
                record(source, exc)
    except Exception:  # noqa: BLE001 - the database itself is failing: logged
        log.exception("sheet source %s: its error could not be recorded", source_id)


def record_not_readable(db: Database, reason: str) -> int:
    """Record ``reason`` as the ``last_error`` of every active source: the worker cannot
    read any sheet (no usable service account). Returns how many sources there are."""
    with db.unit_of_work() as session:
        sources = list(session.scalars(select(SheetSource).where(SheetSource.active.is_(True))))
        for source in sources:
            source.last_error = reason[:2000]
    return len(sources)
