"""Import runs (CSV files, Google Sheet syncs) and the Google Sheets a campaign reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, JSONType, UTCDateTime, new_public_id, utcnow


class ImportRun(Base):
    """One import of many rows into a campaign, with its progress and per-row errors."""

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_company_created", "company_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # csv | sheet
    filename: Mapped[str | None] = mapped_column(String(300))
    # The encoding a CSV file is read in: the one the user chose, else the detected one. A
    # web app preview records it, so that the import reads the file as the preview did.
    encoding: Mapped[str | None] = mapped_column(String(40))
    # preview | queued | running | completed | failed; preview and queued are the web
    # app's CSV imports waiting for their confirmation and for the worker
    # (domain/intake/background.py); the API, the CLI and sheet syncs start at running.
    status: Mapped[str] = mapped_column(String(20), default="running")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    # [{"row": 7, "error": "..."}], capped so a broken file cannot bloat the row.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # How many times the worker started the run (the web app's CSV imports): a run whose
    # worker died is queued again, and fails once it was started MAX_ATTEMPTS times
    # (domain/intake/background.py). Migration 0019.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # For the web app's runs, when the run last became queued or running.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SheetSource(Base):
    """A Google Sheet (or a Form's response sheet) that feeds a campaign; the worker
    imports only the rows after ``last_row``."""

    __tablename__ = "sheet_sources"
    __table_args__ = (Index("ix_sheet_sources_company", "company_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    spreadsheet_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    sheet_name: Mapped[str | None] = mapped_column(String(200))
    # 1-based number of the last sheet row imported (the header row counts).
    last_row: Mapped[int] = mapped_column(Integer, default=0)
    # The fingerprint of that row as imported (sheets._digest): rows deleted above it
    # move it up, and the next sync finds it there.
    last_row_digest: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
