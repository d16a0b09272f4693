"""Outbox handlers. Importing this module registers them with the relay.

Later parts add their handlers here (webhook delivery, emails, SMS, ATS push).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from hireloop.domain.outbox.models import OutboxEvent
from hireloop.domain.outbox.service import handles

log = logging.getLogger("hireloop.events")


@handles("application.created")
def screen_new_application(session: Session, event: OutboxEvent) -> None:
    """Score every new application against its job (profileMatchScore, criteriaMatches,
    aiSummary). Faces that need the score at once (the career site's auto-reject) score
    in the request instead, and the application then already has its score."""
    from hireloop.domain.applications.models import Application
    from hireloop.domain.screening.service import screen_application

    application_id = int(event.payload["applicationId"])
    application = session.get(Application, application_id)
    if application is None or application.ai_score is not None:
        return
    result = screen_application(session, application_id)
    log.info(
        "application %s created: candidate %s in job %s (company %s), score %s",
        application_id,
        event.payload.get("candidateId"),
        event.payload.get("jobId"),
        event.company_id,
        result.score if result else None,
    )


@handles("candidate.resume_submitted")
def fetch_submitted_resume(session: Session, event: OutboxEvent) -> None:
    """A résumé given as a URL (Partner API ``resume`` with ``shouldParseResume``): fetched
    through the SSRF guard, stored and parsed into the profile; then the candidate's
    applications are scored again with what the CV says."""
    from sqlalchemy import select

    from hireloop.config import get_settings
    from hireloop.domain.applications.models import Application
    from hireloop.domain.candidates.models import Candidate
    from hireloop.domain.companies.models import Company
    from hireloop.domain.files.storage import local_storage
    from hireloop.domain.resumes.service import attach_resume
    from hireloop.domain.screening.service import screen_application
    from hireloop.errors import DomainError
    from hireloop.integrations.fetch import fetch_url

    settings = get_settings()
    candidate = session.get(Candidate, int(event.payload["candidateId"]))
    if candidate is None:
        return
    company = session.get(Company, candidate.company_id)
    try:
        fetched = fetch_url(
            event.payload["url"],
            max_bytes=settings.fetch_max_bytes,
            timeout=settings.fetch_timeout_seconds,
            allow_loopback=settings.fetch_allow_loopback,
        )
        attach_resume(
            session,
            local_storage(settings.files_dir),
            candidate,
            fetched.data,
            filename=fetched.filename,
            default_region=company.default_country if company else None,
        )
    except DomainError as exc:
        # A URL that cannot be read will not get better by retrying: log it and stop.
        log.warning("résumé of candidate %s not read: %s", candidate.id, exc.message)
        return
    for application_id in session.scalars(
        select(Application.id).where(Application.candidate_id == candidate.id)
    ):
        screen_application(session, application_id)


@handles("resume.bulk_upload_parse.started")
def enqueue_batch_items(session: Session, event: OutboxEvent) -> None:
    """Hand every file of a new batch to the task queue; workers parse them in parallel."""
    from hireloop.domain.batches.service import pending_item_ids
    from hireloop.worker.tasks import parse_batch_item

    for item_id in pending_item_ids(session, int(event.payload["batchId"])):
        parse_batch_item(item_id)
