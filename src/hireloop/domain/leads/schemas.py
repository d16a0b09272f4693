"""What the leads services take: a new lead, an edit, the search filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CvUpload:
    """The résumé sent with a lead (``campaign_invitation[temporary_cv]``)."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class LabelChange:
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)


@dataclass
class LeadInput:
    """A lead as an API client sends it. ``others`` holds the referee fields,
    bpo_experience and any extra column."""

    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    others: dict[str, Any] = field(default_factory=dict)
    labels: LabelChange | None = None
    cv: CvUpload | None = None


@dataclass
class LeadUpdate:
    """Fields of a lead to change; None leaves a field as it is."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    others: dict[str, Any] | None = None
    labels: LabelChange | None = None


@dataclass
class LeadFilters:
    """The search of ``GET /campaign_invitations``. Dates are already parsed; an ``*_to``
    bound is exclusive (the face turns an inclusive DD-MM-YYYY day into the next midnight)."""

    query: str | None = None
    campaign_ids: list[int] = field(default_factory=list)
    status: str | None = None
    # A custom folder by id (the recruiter app's folder links), instead of a status.
    custom_folder_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    scheduled_from: datetime | None = None
    scheduled_to: datetime | None = None
    source: str | None = None
    label: str | None = None
    location: str | None = None
    resume: str | None = None  # attached | not_attached
    completion_method: str | None = None
    others: dict[str, str] = field(default_factory=dict)
    # The AI score range, bounds included (the recruiter app's filter).
    score_min: int | None = None
    score_max: int | None = None
    sort_by: str = "created_at"  # name | source | location | created_at | completion_date
