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
def log_application_created(session: Session, event: OutboxEvent) -> None:
    log.info(
        "application %s created: candidate %s in job %s (company %s)",
        event.payload.get("applicationId"),
        event.payload.get("candidateId"),
        event.payload.get("jobId"),
        event.company_id,
    )


@handles("resume.bulk_upload_parse.started")
def enqueue_batch_items(session: Session, event: OutboxEvent) -> None:
    """Hand every file of a new batch to the task queue; workers parse them in parallel."""
    from hireloop.domain.batches.service import pending_item_ids
    from hireloop.worker.tasks import parse_batch_item

    for item_id in pending_item_ids(session, int(event.payload["batchId"])):
        parse_batch_item(item_id)
