"""Background tasks run by the Huey consumer."""

from __future__ import annotations

import logging

from hireloop.config import Settings, get_settings
from hireloop.db import get_database
from hireloop.domain.batches.service import FetchOptions, process_item
from hireloop.domain.files.storage import local_storage
from hireloop.worker.queue import huey

log = logging.getLogger(__name__)


def fetch_options(settings: Settings) -> FetchOptions:
    return FetchOptions(
        max_bytes=settings.fetch_max_bytes,
        timeout=settings.fetch_timeout_seconds,
        allow_loopback=settings.fetch_allow_loopback,
    )


@huey.task(retries=2, retry_delay=10)
def parse_batch_item(item_id: int) -> bool | None:
    """Parse one file of a résumé batch (idempotent: a claimed or finished item is skipped)."""
    settings = get_settings()
    return process_item(
        get_database(settings.resolved_database_url),
        item_id,
        storage=local_storage(settings.files_dir),
        fetch=fetch_options(settings),
    )


@huey.task()
def import_csv_file(run_id: int) -> str | None:
    """Run a CSV import the web app queued (``intake.background.run_import``: a run taken
    by another delivery of this task is skipped; the run ends completed or failed)."""
    from hireloop.domain.intake.background import run_import

    settings = get_settings()
    return run_import(
        get_database(settings.resolved_database_url),
        run_id,
        storage=local_storage(settings.files_dir),
        ttl_hours=settings.pin_ttl_hours,
    )


@huey.task(retries=2, retry_delay=30)
def read_candidate_resume(candidate_id: int, url: str) -> bool:
    """Fetch a candidate's résumé URL (through the SSRF guard, with no transaction open),
    store and parse it into the profile, then score the candidate's applications again.
    False when the URL or the file cannot be read (logged; retrying would not help)."""
    from sqlalchemy import select

    from hireloop.domain.applications.models import Application
    from hireloop.domain.candidates.models import Candidate
    from hireloop.domain.companies.models import Company
    from hireloop.domain.resumes.service import attach_resume
    from hireloop.domain.screening.service import screen_application
    from hireloop.errors import DomainError
    from hireloop.integrations.fetch import fetch_url

    settings = get_settings()
    try:
        fetched = fetch_url(
            url,
            max_bytes=settings.fetch_max_bytes,
            timeout=settings.fetch_timeout_seconds,
            allow_loopback=settings.fetch_allow_loopback,
        )
    except DomainError as exc:
        log.warning("résumé of candidate %s not fetched: %s", candidate_id, exc.message)
        return False
    with get_database(settings.resolved_database_url).unit_of_work() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            return False
        company = session.get(Company, candidate.company_id)
        try:
            attach_resume(
                session,
                local_storage(settings.files_dir),
                candidate,
                fetched.data,
                filename=fetched.filename,
                default_region=company.default_country if company else None,
            )
        except DomainError as exc:
            log.warning("résumé of candidate %s not read: %s", candidate_id, exc.message)
            return False
        for application_id in session.scalars(
            select(Application.id).where(Application.candidate_id == candidate_id)
        ):
            screen_application(session, application_id)
    return True
