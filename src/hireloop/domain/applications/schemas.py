"""Filters for listing a job's applications."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ApplicationFilters(BaseModel):
    folders: list[str] = []
    evaluation_status: str | None = None  # PENDING | APPROVED | REJECTED
    min_score: int | None = None
    max_score: int | None = None
    source: str | None = None
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    sort_by: str = "created_at"  # created_at | score
    sort_order: str = "desc"
