"""Outbox handlers. Importing this module registers them with the relay.

Later parts add their handlers here (webhook delivery, emails, SMS, ATS push).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from hireloop.domain.outbox.models import OutboxEvent
from hireloop.domain.outbox.service import Record, after_commit, gives_up, handles

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


@handles("intake.leads_created")
def screen_imported_applications(session: Session, event: OutboxEvent) -> None:
    """A bulk import's chunk (CSV, Google Sheet): one event for its new candidates and
    applications instead of one ``candidate.created`` and ``application.created`` each.
    Scores the chunk's applications as ``screen_new_application`` does one, in this
    event's transaction; a retry skips those already scored."""
    from hireloop.domain.screening.service import screen_applications

    ids = [int(i) for i in event.payload.get("applicationIds") or []]
    scored = screen_applications(session, event.company_id, ids)
    log.info(
        "job %s: %s imported applications scored (%s new candidates)",
        event.payload.get("jobId"),
        scored,
        len(event.payload.get("candidateIds") or []),
    )


@handles("candidate.resume_submitted")
def fetch_submitted_resume(session: Session, event: OutboxEvent) -> None:
    """A résumé given as a URL: fetched (through the SSRF guard) with no transaction open,
    then stored and parsed into the profile and the candidate's applications scored again.
    The event stays claimed until that is done: a worker stopped or killed meanwhile leaves
    it to the next relay (its lease), instead of a queued task that a flushed queue loses."""
    candidate_id = int(event.payload["candidateId"])
    url = str(event.payload["url"])
    after_commit(session, lambda: _read_resume_url(candidate_id, url))


def _read_resume_url(candidate_id: int, url: str) -> Record | None:
    from hireloop.config import get_settings
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
    except DomainError as exc:  # retrying would not help: logged, the event is done
        log.warning("résumé of candidate %s not fetched: %s", candidate_id, exc.message)
        return None

    def record(session: Session) -> None:
        from sqlalchemy import select

        from hireloop.domain.applications.models import Application
        from hireloop.domain.candidates.models import Candidate
        from hireloop.domain.companies.models import Company
        from hireloop.domain.files.storage import local_storage
        from hireloop.domain.resumes.service import attach_resume
        from hireloop.domain.screening.service import screen_application

        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            return
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
        except DomainError as exc:  # not a résumé we can read: nothing stored
            log.warning("résumé of candidate %s not read: %s", candidate_id, exc.message)
            return
        for application_id in session.scalars(
            select(Application.id).where(Application.candidate_id == candidate_id)
        ):
            screen_application(session, application_id)

    return record


@handles("resume.bulk_upload_parse.started")
def enqueue_batch_items(session: Session, event: OutboxEvent) -> None:
    """Hand every file of a new batch to the task queue; workers parse them in parallel."""
    from hireloop.domain.batches.service import pending_item_ids
    from hireloop.worker.tasks import parse_batch_item

    for item_id in pending_item_ids(session, int(event.payload["batchId"])):
        parse_batch_item(item_id)


@handles("message.queued")
def deliver_queued_message(session: Session, event: OutboxEvent) -> None:
    """Send a queued message by its channel: email through SMTP, SMS through the SMS
    provider, or only recorded (status ``stored``) when that channel is not configured.
    The message is claimed (``sending``) in this event's transaction and sent once it is
    committed, with no transaction open; the outcome is recorded in a short one (see
    domain/messaging/delivery.py, ``claim``). Not due yet or the provider unavailable:
    ``RetryLater`` runs this event again later."""
    from hireloop.config import get_settings
    from hireloop.domain.messaging.delivery import claim
    from hireloop.domain.messaging.models import Message

    message = session.get(Message, int(event.payload["messageId"]))
    if message is None or message.company_id != event.company_id:
        return
    result = claim(session, message, get_settings())
    if callable(result):
        after_commit(session, result)
        status = "sending"
    else:
        status = result
    log.info(
        "message %s (%s, %s) to candidate %s: %s",
        message.id,
        message.kind,
        message.channel,
        message.candidate_id,
        status,
    )


@gives_up("message.queued")
def fail_undelivered_message(session: Session, event: OutboxEvent) -> None:
    """The delivery failed ``outbox_max_attempts`` times with an unexpected error: the
    message, if still waiting, is marked failed with that error (never left queued)."""
    from hireloop.domain.messaging.delivery import give_up
    from hireloop.domain.messaging.models import Message

    message = session.get(Message, int(event.payload["messageId"]))
    if message is not None and message.company_id == event.company_id:
        give_up(session, message, event.last_error)


@handles("intake.invitations_requested")
def queue_imported_invitations(session: Session, event: OutboxEvent) -> None:
    """A bulk import (CSV, Google Sheet) added leads: queue the campaign's invitation for
    each of them when it is enabled (already invited applications are skipped)."""
    from hireloop.domain.messaging.automatic import queue_invitations

    payload = event.payload
    count = queue_invitations(
        session,
        event.company_id,
        int(payload["jobId"]),
        [int(i) for i in payload.get("applicationIds") or []],
    )
    log.info("job %s: %s invitation messages queued", payload["jobId"], count)
