"""What a job is made of, independent of which API face sent it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from hireloop.domain.jobs.models import JOB_STATUSES


class JobData(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    description: str = ""
    city: str | None = None
    state: str | None = None
    country: str | None = None
    job_type: str | None = None
    work_mode: str = "ONSITE"
    contract_type: str | None = None
    degree_level: str | None = None
    job_role: str | None = None
    status: str = "draft"
    published_at: datetime | None = None
    salary_from: Decimal | None = None
    salary_to: Decimal | None = None
    salary_currency: str | None = None
    potential_amount: Decimal | None = None
    potential_amount_currency: str | None = None
    potential_hires_count: int | None = None
    years_of_experience: int | None = None
    team_id: str | None = None
    screening_questions: list[dict[str, Any]] = Field(default_factory=list)
    criteria: dict[str, Any] = Field(default_factory=dict)
    ai_settings: dict[str, Any] = Field(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        if self.status not in JOB_STATUSES:
            raise ValueError(f"unknown job status {self.status!r}")
