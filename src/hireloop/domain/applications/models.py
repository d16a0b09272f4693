"""Applications (candidate x job), folders, labels and the history of every move."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, JSONType, UTCDateTime, new_public_id, utcnow

# System folders (Talkpush names them Inbox, Completed, ...). Custom folders are rows of
# CustomFolder and are referred to as folder="custom" + custom_folder_id.
FOLDERS = (
    "inbox",
    "completed",
    "shortlisted",
    "on_hold",
    "rejected",
    "hired",
    "no_campaign_invitation",
    "no_response",
    "custom",
)


class CustomFolder(Base):
    __tablename__ = "custom_folders"
    __table_args__ = (
        UniqueConstraint("company_id", "name"),
        # One name in any case (migration 0013): "Pool" and "pool" are one folder.
        Index(
            "uq_custom_folders_company_id_lower_name",
            "company_id",
            text("lower(name)"),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # Talkpush's "default" folders are attached to every campaign; the others only to the
    # campaigns in CampaignFolder.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignFolder(Base):
    """A custom folder associated with one campaign (job)."""

    __tablename__ = "campaign_folders"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    custom_folder_id: Mapped[int] = mapped_column(
        ForeignKey("custom_folders.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("job_id", "candidate_id"),
        # The campaign view / job-candidates page: newest first within a job. On PostgreSQL
        # it covers the campaign list's filters, so a filtered list is read and counted from
        # the index alone (migration 0008).
        Index(
            "ix_applications_job_list",
            "job_id",
            "created_at",
            "id",
            postgresql_include=["company_id", "folder", "custom_folder_id", "source", "ai_score"],
        ),
        Index("ix_applications_job_folder", "job_id", "folder"),
        Index("ix_applications_candidate", "candidate_id"),
        Index("ix_applications_company_created", "company_id", "created_at"),
        # The sweep that moves applications with an expired PIN to No Response; only
        # rows whose PIN expires (migration 0016).
        Index(
            "ix_applications_pin_expires",
            "pin_expires_at",
            postgresql_where=text("pin_expires_at IS NOT NULL"),
            sqlite_where=text("pin_expires_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The UUID that the Talqo face shows.
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    # The job's company (tenant filters without a join). No foreign key on PostgreSQL
    # (migration 0016): the row is deleted with its job, the job with its company.
    company_id: Mapped[int] = mapped_column(BigId)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(30), default="inbox")
    custom_folder_id: Mapped[int | None] = mapped_column(
        ForeignKey("custom_folders.id", ondelete="SET NULL")
    )
    # Talqo's data.status (new | rejected) and first pipeline step.
    status: Mapped[str] = mapped_column(String(20), default="new")
    step: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(200))
    cover_letter: Mapped[str] = mapped_column(Text, default="")
    # The CV sent with this application (a plain column: files.application_id points back).
    cv_file_id: Mapped[int | None] = mapped_column(BigId)
    # AI screening (filled by the screening service).
    ai_score: Mapped[int | None] = mapped_column(Integer)
    ai_breakdown: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ai_summary: Mapped[str | None] = mapped_column(Text)
    ai_first_impression: Mapped[str | None] = mapped_column(Text)
    ai_recommended: Mapped[bool | None] = mapped_column(Boolean)
    pin: Mapped[str | None] = mapped_column(String(12))
    pin_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Talkpush's campaign_invitation[others]: referee fields, bpo_experience, any column.
    others: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The recruiter the lead is assigned to (Talkpush "reassign").
    assignee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The recruiter stopped the chatbot for this application.
    bot_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    folder_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


FOLDER_COUNT_SLOTS = 16


class JobFolderCount(Base):
    """How many applications each folder of a job holds, kept up to date by every creation
    and move, so that the campaign view and list totals never count rows.

    A folder's count is the sum of its rows (``slot`` 0 to FOLDER_COUNT_SLOTS - 1): an
    application adds to the slot ``id % FOLDER_COUNT_SLOTS``, so concurrent applies to one
    campaign rarely wait for each other's row lock (migration 0011). A slot may be
    negative (an application counted in by one slot and moved out through another)."""

    __tablename__ = "job_folder_counts"
    # Company-wide totals (lead list without a campaign, Show All) read one company's rows.
    __table_args__ = (Index("ix_job_folder_counts_company_folder", "company_id", "folder_key"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    # A system folder ("inbox") or "custom:<id>".
    folder_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=0, server_default="0")
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(Integer, default=0)


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(20))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # Duplicate, Attempted, ...
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ApplicationLabel(Base):
    __tablename__ = "application_labels"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(
        ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApplicationEvent(Base):
    """Every creation and folder move, with who did it and when (analytics and audit)."""

    __tablename__ = "application_events"
    __table_args__ = (
        Index("ix_application_events_application", "application_id", "created_at"),
        Index("ix_application_events_company_created", "company_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The application's company and its job at the time of the event (tenant filters and
    # per-campaign analytics without a join). Plain columns, no foreign keys: the row lives
    # and dies with its application (ON DELETE CASCADE below), and a history entry of an
    # application later moved to another campaign names the campaign it was in then.
    company_id: Mapped[int] = mapped_column(BigId)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(40))  # created | moved | labeled | ...
    from_folder: Mapped[str | None] = mapped_column(String(30))
    to_folder: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    # Who: user | api_key | candidate | system
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(BigId)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MovementReason(Base):
    """A reason a recruiter can pick when shortlisting or rejecting (Talkpush
    ``/movement_reasons``)."""

    __tablename__ = "movement_reasons"
    __table_args__ = (UniqueConstraint("company_id", "type", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(20))  # rejected | shortlisted
    name: Mapped[str] = mapped_column(String(200))  # stored snake_case, shown Title Case
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentTag(Base):
    """A kind of document attached to a lead (Talkpush document tags: "ID", "NBI", ...)."""

    __tablename__ = "document_tags"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShareLink(Base):
    """A link that shows one candidate's profile, with the fields the recruiter chose, to
    someone without an account. Only the SHA-256 of its token is stored; it expires and
    can be revoked."""

    __tablename__ = "share_links"
    __table_args__ = (Index("ix_share_links_application", "application_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Which parts of the profile the link shows (contact, resume, answers, score, ...).
    fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
