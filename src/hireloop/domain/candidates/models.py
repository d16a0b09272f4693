"""Candidates: people in a company's CRM, with their tags and notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, JSONType, UTCDateTime, new_public_id, utcnow


class Candidate(Base):
    __tablename__ = "candidates"
    __table_args__ = (
        # Dedupe key (see candidates.identity): one person per email + names in a company.
        # Its leading (company_id, email) also serves every lookup by email.
        UniqueConstraint(
            "company_id", "email", "first_name_key", "last_name_key", name="uq_candidates_identity"
        ),
        Index("ix_candidates_company_phone", "company_id", "phone_e164"),
        Index("ix_candidates_company_created", "company_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The GUID that the Talqo and Talemetry faces show.
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    # Matching keys: trimmed, lower-cased, accent-stripped names.
    first_name_key: Mapped[str] = mapped_column(String(200), default="")
    last_name_key: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(500))  # trimmed + lower-cased
    phone: Mapped[str | None] = mapped_column(String(50))  # as given
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    current_job_title: Mapped[str | None] = mapped_column(String(300))
    current_company: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    employment: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    education: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    skills: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # ",python,sql," — lets both databases filter by skill with a plain LIKE.
    skills_index: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    links: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)  # linkedin, github, ...
    gender: Mapped[str | None] = mapped_column(String(20))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(100))
    industry: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(200))
    majors: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(100))
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referrer_email: Mapped[str | None] = mapped_column(String(320))
    referrer_phone: Mapped[str | None] = mapped_column(String(50))
    custom_attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    consents: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_hire: Mapped[bool] = mapped_column(Boolean, default=False)
    resume_url: Mapped[str | None] = mapped_column(String(2000))
    # Points at the current CV in ``files``; a plain column because files.candidate_id
    # already references candidates (a foreign key both ways would make a cycle).
    resume_file_id: Mapped[int | None] = mapped_column(BigId)
    resume_text: Mapped[str | None] = mapped_column(Text)
    parsed_resume: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    parser_version: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# The longest text each length-limited column of candidates holds (PostgreSQL refuses a
# longer one; SQLite would keep it): checked where values come in, so bad input is a clear
# error and not a failed INSERT.
TEXT_LIMITS: dict[str, int] = {
    column.key: column.type.length
    for column in Candidate.__table__.columns
    if isinstance(column.type, String) and column.type.length
}


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))


class CandidateTag(Base):
    __tablename__ = "candidate_tags"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class Comment(Base):
    """A note on a candidate, optionally about one application."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_candidate", "candidate_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
