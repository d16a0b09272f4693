"""Jobs: one entity that is a Talkpush campaign, a Taptalent job and a Talqo job offer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, JSONType, UTCDateTime, new_public_id, utcnow

# Talkpush campaign types; job offers and Taptalent jobs are "job_application".
CAMPAIGN_TYPES = (
    "job_application",
    "inquiry",
    "single_time_engagement",
    "onboarding",
    "exit_interview",
)
# The one campaign type that is a job offer (Talqo API, hosted career pages); the others
# are internal campaigns, never published as offers.
JOB_OFFER_TYPE = "job_application"
JOB_STATUSES = ("draft", "open", "active", "paused", "closed", "archived")
# Statuses in which a job takes applications.
OPEN_STATUSES = ("open", "active")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_company_created", "company_id", "created_at"),
        Index("ix_jobs_company_status_published", "company_id", "status", "published_at"),
        Index("ix_jobs_company_ats_external_id", "company_id", "ats_external_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    city: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    job_type: Mapped[str | None] = mapped_column(String(100))  # CDI, CDD, Freelance, ...
    work_mode: Mapped[str] = mapped_column(String(20), default="ONSITE")
    contract_type: Mapped[str | None] = mapped_column(String(50))
    degree_level: Mapped[str | None] = mapped_column(String(50))
    job_role: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    campaign_type: Mapped[str] = mapped_column(String(30), default="job_application")
    # The job's id in the customer's ATS (Talkpush ats_external_id; searchable).
    ats_external_id: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    salary_from: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    salary_to: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    potential_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    potential_amount_currency: Mapped[str | None] = mapped_column(String(3))
    potential_hires_count: Mapped[int | None] = mapped_column(Integer)
    years_of_experience: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[str | None] = mapped_column(String(64))
    # Taptalent screeningQuestion[] and criterionDetails (Must Have / Nice to Have / Bonus).
    screening_questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Room for the campaign, messaging, interview and AI settings that later parts add:
    # each is a JSON document validated by its own schema in the service that owns it.
    campaign_settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    messaging_settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    interview_settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ai_settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def location(self) -> str:
        return ", ".join(p for p in (self.city, self.state, self.country) if p)
