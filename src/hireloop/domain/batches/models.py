"""Bulk résumé batches: many CVs (URLs or uploaded files) parsed in the background."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, UTCDateTime, utcnow

# Batch: PENDING -> PROCESSING -> COMPLETED | FAILED (every file failed)
# Item:  PENDING -> PROCESSING -> PARSED | FAILED
BATCH_STATUSES = ("PENDING", "PROCESSING", "COMPLETED", "FAILED")
ITEM_STATUSES = ("PENDING", "PROCESSING", "PARSED", "FAILED")


class ResumeBatch(Base):
    __tablename__ = "resume_batches"
    __table_args__ = (Index("ix_resume_batches_company_created", "company_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # urls | upload | cli
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    processed_count: Mapped[int] = mapped_column(Integer, default=0)
    success_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResumeBatchItem(Base):
    __tablename__ = "resume_batch_items"
    __table_args__ = (
        Index("ix_resume_batch_items_batch", "batch_id", "position"),
        Index("ix_resume_batch_items_pending", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("resume_batches.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    # For uploads: the stored bytes, kept until the item is processed.
    upload_file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id", ondelete="SET NULL"))
    filename: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    error: Mapped[str | None] = mapped_column(Text)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL")
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a worker took the item; a PROCESSING item claimed long ago was abandoned.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
