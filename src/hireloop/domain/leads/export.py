"""Excel export of a campaign's leads: one row per lead with the candidate's data, folder,
labels, dates, AI score, referee and every ``others`` column.

- **Constant memory**: the leads are read in chunks (``yield_per``) and written with
  XlsxWriter's ``constant_memory`` mode, which flushes each row to a temporary file, so a
  campaign of a million leads costs no more memory than one of ten.
- **No formula injection**: every cell is written as a string or a number, never as a
  formula; a text that starts like one (``intake.rows.FORMULA_TRIGGERS``) also gets
  Excel's *quote prefix* (the cell shows and edits as text, its value unchanged).
- The caller checks who may export (``campaigns.can_see``) and passes the column titles
  in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.labels import labels_for
from hireloop.domain.applications.models import Application, CustomFolder
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.intake.rows import FORMULA_TRIGGERS
from hireloop.domain.jobs.models import Job

CHUNK = 2000
MAX_CELL = 32_767  # Excel's limit on the text of one cell
MAX_OTHERS_COLUMNS = 300
# The fixed columns, in order; the caller gives their titles.
COLUMNS = (
    "lead_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "source",
    "folder",
    "labels",
    "added",
    "completed",
    "ai_score",
    "city",
    "country",
    "referrer_name",
    "referrer_email",
    "referrer_phone",
)


@dataclass
class ExportRow:
    lead_id: int
    values: dict[str, Any]
    others: dict[str, Any]


def others_keys(session: Session, job: Job) -> list[str]:
    """Every key of the leads' ``others`` in the campaign, alphabetically (PostgreSQL's
    JSONB keeps no key order), at most ``MAX_OTHERS_COLUMNS``: the export's extra columns."""
    keys: dict[str, None] = {}
    rows = session.execute(
        select(Application.others)
        .where(Application.company_id == job.company_id, Application.job_id == job.id)
        .order_by(Application.id)
        .execution_options(yield_per=CHUNK)
    )
    for (others,) in rows:
        for key in others or {}:
            if len(keys) >= MAX_OTHERS_COLUMNS:
                break
            keys.setdefault(str(key), None)
    return sorted(keys, key=lambda k: (k.lower(), k))


def _naive(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def lead_rows(
    session: Session, job: Job, folder_name: Callable[[str, str | None], str]
) -> Iterator[ExportRow]:
    """The campaign's leads, oldest first, read ``CHUNK`` at a time.
    ``folder_name(folder, custom_folder_name)`` names a lead's folder."""
    custom = dict(
        session.execute(
            select(CustomFolder.id, CustomFolder.name).where(
                CustomFolder.company_id == job.company_id
            )
        ).all()
    )
    # Plain columns, not ORM objects: nothing piles up in the session's identity map.
    stmt = (
        select(
            Application.id,
            Application.folder,
            Application.custom_folder_id,
            Application.source,
            Application.created_at,
            Application.completed_at,
            Application.ai_score,
            Application.others,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.email,
            Candidate.phone_e164,
            Candidate.phone,
            Candidate.source.label("candidate_source"),
            Candidate.city,
            Candidate.country,
            Candidate.referrer_name,
            Candidate.referrer_email,
            Candidate.referrer_phone,
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.company_id == job.company_id, Application.job_id == job.id)
        .order_by(Application.id)
        .execution_options(yield_per=CHUNK)
    )
    for partition in session.execute(stmt).partitions():
        labels = labels_for(session, [r.id for r in partition])
        for r in partition:
            yield ExportRow(
                lead_id=r.id,
                values={
                    "lead_id": r.id,
                    "first_name": r.first_name,
                    "last_name": r.last_name,
                    "email": r.email,
                    "phone": r.phone_e164 or r.phone,
                    "source": r.source or r.candidate_source,
                    "folder": folder_name(r.folder, custom.get(r.custom_folder_id or 0)),
                    "labels": ", ".join(labels.get(r.id, [])),
                    "added": _naive(r.created_at),
                    "completed": _naive(r.completed_at),
                    "ai_score": r.ai_score,
                    "city": r.city,
                    "country": r.country,
                    "referrer_name": r.referrer_name,
                    "referrer_email": r.referrer_email,
                    "referrer_phone": r.referrer_phone,
                },
                others=r.others or {},
            )


def _cell_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        value = json.dumps(value, ensure_ascii=False)
    return str(value)[:MAX_CELL]


def write_xlsx(
    out: str | IO[bytes],
    *,
    sheet_name: str,
    titles: Mapping[str, str],
    extra_columns: list[str],
    rows: Iterator[ExportRow],
) -> int:
    """Write the rows to an .xlsx file (a path or a binary file object); returns how many
    leads were written. ``titles`` names each of ``COLUMNS``."""
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Never read a text as a number, a formula or a link: a text is a text.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    as_text = workbook.add_format({"quote_prefix": True})
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    safe_sheet = "".join(ch for ch in sheet_name if ch not in "[]:*?/\\'")[:31].strip()
    sheet = workbook.add_worksheet(safe_sheet or "Leads")

    header = [titles[c] for c in COLUMNS] + extra_columns
    for col, title in enumerate(header):
        _write_text(sheet, 0, col, title, bold)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, len(COLUMNS) - 1, 18)

    count = 0
    for row_number, row in enumerate(rows, start=1):
        for col, key in enumerate(COLUMNS):
            _write(sheet, row_number, col, row.values.get(key), as_text, as_date)
        for offset, key in enumerate(extra_columns):
            _write(sheet, row_number, len(COLUMNS) + offset, row.others.get(key), as_text, as_date)
        count += 1
    workbook.close()
    return count


def _write_text(sheet: Any, row: int, col: int, value: str, fmt: Any | None = None) -> None:
    sheet.write_string(row, col, value, fmt)


def _write(sheet: Any, row: int, col: int, value: Any, as_text: Any, as_date: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, as_date)
    else:
        text = _cell_text(value)
        sheet.write_string(row, col, text, as_text if text.startswith(FORMULA_TRIGGERS) else None)
