"""Stored files (CVs, documents, audio). The bytes live in the file storage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, UTCDateTime, utcnow


class File(Base):
    __tablename__ = "files"
    __table_args__ = (Index("ix_files_candidate", "candidate_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE")
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20), default="document")  # cv | document | audio
    name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(500))
    # Documents attached to a lead carry a tag (applications.models.DocumentTag).
    document_tag_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_tags.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
