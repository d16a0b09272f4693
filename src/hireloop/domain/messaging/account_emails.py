"""Emails about a user's account (password reset links, invitations to join a company).

They leave like every other email: a ``Message`` row and a ``message.queued`` outbox
event written in the caller's transaction, delivered by the worker over SMTP (or kept in
the stored mailbox when no SMTP server is configured; see delivery.py). The texts come
rendered, in the recipient's language, from the web app (web/templates/app/email/). Their
links' tokens are removed from the stored text once the message leaves the queue
(``models.forget_tokens``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.companies.models import Company
from hireloop.domain.messaging.models import ACCOUNT_EMAIL_KINDS, Message
from hireloop.domain.outbox.service import emit

__all__ = ["ACCOUNT_EMAIL_KINDS", "queue_account_email"]


def queue_account_email(
    session: Session,
    *,
    company: Company,
    kind: str,
    to_address: str,
    subject: str,
    text: str,
    html: str | None = None,
) -> Message:
    """Queue an account email to ``to_address`` (not about a candidate)."""
    if kind not in ACCOUNT_EMAIL_KINDS:
        raise ValueError(f"unknown account email kind {kind!r}")
    message = Message(
        company_id=company.id,
        channel="email",
        kind=kind,
        from_name=company.name,
        to_address=to_address,
        subject=subject,
        body_text=text,
        body_html=html,
        send_after=utcnow(),
    )
    session.add(message)
    session.flush()
    emit(session, company.id, "message.queued", {"messageId": message.id, "kind": kind})
    return message
