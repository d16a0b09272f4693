"""Delivery of queued messages, run by the worker for each ``message.queued`` event.

- Not before ``send_after``: the handler raises ``RetryLater(send_after)`` and the outbox
  runs the same event again then (a scheduled rejection email goes out later).
- SMTP configured (``HIRELOOP_SMTP_URL``): sent, status ``sent`` and ``sent_at``.
- No SMTP: status ``stored`` — the stored mailbox the app shows (``list_mailbox``).
- SMTP failure: the attempt and the error are recorded on the message and the outbox
  runs the event again after ``backoff(attempts)``; after ``outbox_max_attempts``
  attempts, or when the server refuses the recipient for good (5xx), status ``failed``.
- A message that is no longer ``queued`` is left alone, so a replayed event sends nothing.
  Delivery is at least once: if the database fails right after the SMTP server accepted
  the email, it is sent again later with the same Message-ID, which lets mail systems
  drop the duplicate.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.service import RetryLater, backoff
from hireloop.domain.pagination import Page
from hireloop.integrations.smtp import SmtpError, build_email, parse_smtp_url, send_email

log = logging.getLogger(__name__)

FINAL_STATUSES = ("sent", "stored", "failed")


def message_id_header(message: Message, from_address: str) -> str:
    """A Message-ID that stays the same for every attempt at one message."""
    domain = from_address.rpartition("@")[2] or "hireloop.local"
    created = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<hireloop.{message.id}.{created}@{domain}>"


def deliver(
    session: Session, message: Message, settings: Settings, *, now: datetime | None = None
) -> str:
    """Deliver ``message`` now (see the module docstring); returns its status.

    Raises ``RetryLater`` when it is not due yet or the SMTP server could not take it.
    """
    if message.status in FINAL_STATUSES:
        return message.status
    now = now or utcnow()
    if message.send_after > now:
        raise RetryLater(message.send_after, "scheduled")
    if not settings.smtp_url:
        message.status = "stored"
        message.error = None
        return message.status

    server = parse_smtp_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
    email = build_email(
        from_name=message.from_name,
        from_address=settings.smtp_from_address,
        to_address=message.to_address,
        subject=message.subject or "",
        text=message.body_text,
        html=message.body_html,
        message_id=message_id_header(message, settings.smtp_from_address),
        date=now,
    )
    message.attempts += 1
    try:
        send_email(server, email)
    except SmtpError as exc:
        message.error = str(exc)[:2000]
        if exc.permanent or message.attempts >= settings.outbox_max_attempts:
            message.status = "failed"
            log.warning("message %s failed for good: %s", message.id, message.error)
            return message.status
        raise RetryLater(now + backoff(message.attempts), message.error) from exc
    message.status = "sent"
    message.sent_at = utcnow()
    message.error = None
    return message.status


def list_mailbox(
    session: Session,
    company_id: int,
    page: int = 1,
    per_page: int = 20,
    *,
    status: str | None = None,
) -> Page[Message]:
    """The company's messages, newest first: the stored mailbox (``status="stored"``) or,
    with no status, everything sent, stored, queued or failed."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), 100)
    where = [Message.company_id == company_id]
    if status:
        where.append(Message.status == status)
    total = session.scalar(select(func.count()).select_from(Message).where(*where)) or 0
    items = list(
        session.scalars(
            select(Message)
            .where(*where)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)
