"""Messages to candidates: queued in the same transaction as the change that causes them,
delivered by the worker (see worker/handlers.py, ``message.queued``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging import templates
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.service import emit


def queue_email(
    session: Session,
    *,
    kind: str,
    application: Application,
    candidate: Candidate,
    job: Job,
    company: Company,
    send_after: datetime | None = None,
) -> Message | None:
    """Queue the ``kind`` email (confirmation, rejection, ...) about an application.

    None when the candidate has no email address or asked not to be contacted.
    """
    if not candidate.email or candidate.do_not_contact:
        return None
    rendered = templates.render(kind, candidate=candidate, job=job, company=company)
    message = Message(
        company_id=company.id,
        application_id=application.id,
        candidate_id=candidate.id,
        channel="email",
        kind=kind,
        from_name=company.name,
        to_address=candidate.email,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        send_after=send_after or utcnow(),
    )
    session.add(message)
    session.flush()
    emit(session, company.id, "message.queued", {"messageId": message.id, "kind": kind})
    return message
