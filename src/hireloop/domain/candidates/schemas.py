"""What a candidate is made of, independent of which API face or channel sent it."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class CandidateData(BaseModel):
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    current_job_title: str | None = None
    current_company: str | None = None
    summary: str | None = None
    employment: list[dict[str, Any]] = Field(default_factory=list)
    education: list[dict[str, Any]] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    links: dict[str, str] = Field(default_factory=dict)
    gender: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    industry: str | None = None
    category: str | None = None
    majors: str | None = None
    source: str | None = None
    referrer_name: str | None = None
    referrer_email: str | None = None
    referrer_phone: str | None = None
    custom_attributes: dict[str, Any] = Field(default_factory=dict)
    consents: dict[str, Any] = Field(default_factory=dict)
    resume_url: str | None = None


class CandidateFilters(BaseModel):
    search: str | None = None  # name, email or phone, substring
    email: str | None = None
    job_id: int | None = None
    skill: list[str] = Field(default_factory=list)
    city: str | None = None
    country: str | None = None
    source: str | None = None
    created_after: Any = None
    created_before: Any = None
    sort_by: str = "created_at"  # created_at | updated_at | name
    sort_order: str = "desc"
