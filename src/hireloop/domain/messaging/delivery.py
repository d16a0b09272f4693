"""Delivery of queued messages, run by the worker for each ``message.queued`` event.

- Not before ``send_after``: the handler raises ``RetryLater(send_after)`` and the outbox
  runs the same event again then (a scheduled rejection email goes out later).
- The message leaves by its channel (domain/messaging/channels.py): email over SMTP when
  ``HIRELOOP_SMTP_URL`` is set, SMS through the provider when ``HIRELOOP_SMS_*`` are set;
  otherwise the dev channel records it with status ``stored`` (the stored mailbox).
- Sent: status ``sent`` and ``sent_at``; SMS then move to ``delivered`` or ``failed`` by
  the provider's signed status callbacks.
- Provider failure: the attempt and the error are recorded on the message and the outbox
  runs the event again after ``backoff(attempts)``; after ``outbox_max_attempts``
  attempts, or when the provider refuses the message for good (SMTP 5xx, an SMS API 4xx
  such as an invalid number), status ``failed``. The SMS API refusing our credentials or
  account (401/403/404) is a configuration error: logged, and retried like an outage.
- A rejection email (``kind`` rejection, such as the one scheduled an hour after an AI
  auto-reject) is sent only if its application is still in Rejected when it is due: a
  recruiter who moved the candidate out meanwhile undid the rejection, so the message is
  marked ``canceled`` with the reason in ``error`` and never sent.
- A message that is no longer ``queued`` is left alone, so a replayed event sends nothing.
  Delivery is at least once: if the database fails right after the provider accepted the
  message, it is sent again later (emails with the same Message-ID, which lets mail
  systems drop the duplicate).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.messaging.channels import channel_for, message_id_header
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.service import RetryLater
from hireloop.domain.pagination import Page

__all__ = ["deliver", "list_mailbox", "message_id_header"]


def deliver(
    session: Session, message: Message, settings: Settings, *, now: datetime | None = None
) -> str:
    """Deliver ``message`` now (see the module docstring); returns its status.

    Raises ``RetryLater`` when it is not due yet or the provider could not take it.
    """
    if message.status != "queued" or message.direction != "outbound":
        return message.status
    # Hold the row while the provider is called: a status callback for this message
    # (looked up FOR UPDATE) waits for this transaction instead of being overwritten by it.
    session.flush()
    session.refresh(message, with_for_update=True)
    if message.status != "queued":
        return message.status
    now = now or utcnow()
    if message.send_after > now:
        raise RetryLater(message.send_after, "scheduled")
    withdrawn = _withdrawn(session, message)
    if withdrawn:
        message.status = "canceled"
        message.error = withdrawn
        session.flush()
        return message.status
    return channel_for(message, settings).send(message, settings, now)


# The folder a message of this kind is about: sent only while the application is there.
_FOLDER_OF_KIND = {"rejection": "rejected"}


def _withdrawn(session: Session, message: Message) -> str | None:
    """Why ``message`` must not go out any more (its application left the folder it is
    about), or None."""
    folder = _FOLDER_OF_KIND.get(message.kind)
    if folder is None or message.application_id is None:
        return None
    application = session.get(Application, message.application_id, populate_existing=True)
    if application is None or application.folder == folder:
        return None
    return (
        f"Canceled: the application is no longer in {folder.capitalize()} "
        f"(now {application.folder}), so the {message.kind} message was not sent."
    )


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
