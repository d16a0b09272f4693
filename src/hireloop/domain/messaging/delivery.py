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
- A candidate marked do-not-contact after the message was queued is re-checked at send
  time: the message is ``canceled`` with the reason and never sent.
- The relay (``claim``) holds no database transaction during the provider call: the
  message is claimed (``queued`` -> ``sending``, ``send_after`` then the end of the claim)
  and committed, the provider is called with no transaction open (on SQLite an open one
  locks every other writer out), and the outcome is recorded in a short transaction. A
  status callback that arrived meanwhile is kept. Another relay finding the message
  ``sending`` waits for the claim to end; found ``sending`` after it (the worker died),
  the message is ``failed``: the provider may have taken it, so it is never sent again.
- A message that is no longer ``queued`` is left alone, so a replayed event sends nothing.
  Any 2xx answer of the SMS provider is the message taken; an unexpected error during
  the call fails it with the error rather than sending it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.messaging.channels import (
    _failed_attempt,
    channel_for,
    message_id_header,
    record_attempt,
)
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.service import Record, RetryLater, Work
from hireloop.domain.pagination import Page

__all__ = ["claim", "deliver", "give_up", "list_mailbox", "message_id_header"]


# How long a claimed message (status ``sending``) belongs to the worker sending it: longer
# than any send takes (timeouts are seconds). Found past it, the worker died mid-send.
SENDING_LEASE = timedelta(minutes=15)


def deliver(
    session: Session, message: Message, settings: Settings, *, now: datetime | None = None
) -> str:
    """Deliver ``message`` now, all in the caller's transaction (see the module
    docstring); returns its status. The relay uses ``claim`` instead, which calls the
    provider outside any transaction.

    Raises ``RetryLater`` when it is not due yet or the provider could not take it.
    """
    now = now or utcnow()
    status = _ready(session, message, now)
    if status is not None:
        return status
    return channel_for(message, settings).send(message, settings, now)


def claim(
    session: Session, message: Message, settings: Settings, *, now: datetime | None = None
) -> str | Work:
    """The relay's delivery, first step, in the caller's transaction: the checks of
    ``deliver``, then, for a channel that calls a provider, the message is claimed
    (``queued`` -> ``sending``, the attempt counted) and the returned ``Work`` sends it
    once that transaction is committed, with no transaction open (on SQLite an open write
    transaction locks the whole database), and records the outcome in a short one.
    Returns the status instead when there is nothing to send (not queued any more,
    canceled, stored by the dev channel, failed before any call); raises ``RetryLater``
    when it is not due yet."""
    now = now or utcnow()
    status = _ready(session, message, now)
    if status is not None:
        return status
    channel = channel_for(message, settings)
    if not channel.network:
        return channel.send(message, settings, now)
    message.attempts += 1
    problem = channel.check(message, settings, now)
    if problem:
        return _failed_attempt(message, settings, now, problem, permanent=True)
    send_after = message.send_after
    message.status = "sending"
    message.send_after = now + SENDING_LEASE
    session.flush()
    message_id = message.id

    def send() -> Record:
        attempt = channel.transmit(message, settings, now)

        def record(session: Session) -> None:
            claimed = session.scalar(
                select(Message).where(Message.id == message_id).with_for_update()
            )
            if claimed is None:
                return
            if claimed.status != "sending":
                # A status callback of the provider got there first: it is more recent.
                if attempt.provider_message_id and claimed.provider_message_id is None:
                    claimed.provider_message_id = attempt.provider_message_id
                return
            claimed.send_after = send_after
            record_attempt(claimed, settings, utcnow(), attempt)

        return record

    return send


def _ready(session: Session, message: Message, now: datetime) -> str | None:
    """None when ``message`` is to be sent now; else its status (left alone, or canceled
    because it must not go out any more). Raises ``RetryLater`` when not due yet."""
    if message.status not in ("queued", "sending") or message.direction != "outbound":
        return message.status
    # Hold the row while it is checked and claimed: a status callback for this message
    # (looked up FOR UPDATE), or another worker, waits for this transaction.
    session.flush()
    session.refresh(message, with_for_update=True)
    if message.status == "sending":
        if message.send_after > now:
            raise RetryLater(message.send_after, "being sent by another worker")
        # The worker that claimed it stopped mid-send: the provider may have taken it.
        message.status = "failed"
        message.error = (
            "The worker stopped while sending this message; the provider may have taken "
            "it, so it was not sent again."
        )
        return message.status
    if message.status != "queued":
        return message.status
    if message.send_after > now:
        raise RetryLater(message.send_after, "scheduled")
    reason = _withdrawn(session, message) or _opted_out(session, message)
    if reason:
        message.status = "canceled"
        message.error = reason
        session.flush()
        return message.status
    return None


def _opted_out(session: Session, message: Message) -> str | None:
    """Why ``message`` must not go out: its candidate asked not to be contacted after it
    was queued (re-checked at send time), or None."""
    if message.candidate_id is None:
        return None
    candidate = session.get(Candidate, message.candidate_id, populate_existing=True)
    if candidate is None or not candidate.do_not_contact:
        return None
    return (
        "Canceled: the candidate asked not to be contacted (do not contact), so the "
        f"{message.kind} message was not sent."
    )


def give_up(session: Session, message: Message, error: str | None) -> None:
    """The relay gave up its event (it failed ``outbox_max_attempts`` times): a message
    still waiting is marked failed with the error, so none stays queued silently."""
    if message.status in ("queued", "sending") and message.direction == "outbound":
        message.status = "failed"
        message.error = (error or "The delivery failed too many times.")[:2000]


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
