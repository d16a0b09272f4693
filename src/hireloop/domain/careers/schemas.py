"""What the career-site (Talqo) face hands to the careers service, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.jobs.models import Job


@dataclass
class ApplicationForm:
    """The flat fields of a multipart apply request, as sent (not yet trimmed).

    ``cv`` is None when the request has no *file* named ``cv`` (a text field named ``cv``
    does not count); ``b""`` is an empty file. There is no ``source`` or ``cv_url``: the
    source comes from the request headers and a CV URL is never fetched.
    """

    job_offer_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin_url: str | None = None
    cover_letter: str | None = None
    cv: bytes | None = None
    cv_filename: str | None = None
    source: str = "career_site"


@dataclass
class CareerSubmission:
    """The outcome of one apply: the application (new or the existing one, as-is)."""

    application: Application
    candidate: Candidate
    job: Job
    created: bool
    auto_rejected: bool = False
    warnings: list[str] = field(default_factory=list)
    # A confirmation email was queued (not for an existing application, an auto-reject,
    # or a candidate who asked not to be contacted).
    confirmation_queued: bool = False


@dataclass(frozen=True)
class JobOfferFilters:
    page: int = 1
    per_page: int = 20
    status: str = "open"
    location: str | None = None
    job_type: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
