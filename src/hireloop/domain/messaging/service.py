"""Messages to candidates: queued in the same transaction as the change that causes them,
delivered by the worker (see worker/handlers.py, ``message.queued``), and the replies and
delivery reports the SMS provider sends back.

Every message to a candidate is written by :func:`queue_message` (tokens rendered by
``tokens.render`` with the values of ``context.token_values``); the system emails of the
careers face keep their fixed texts (:func:`queue_email`)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import lru_cache
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import get_settings
from hireloop.db import insert_for, insert_returning, utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.pins import issue_pin
from hireloop.domain.candidates.identity import normalize_phone
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging import templates, tokens
from hireloop.domain.messaging.context import token_values
from hireloop.domain.messaging.models import Message, MessageTemplate
from hireloop.domain.messaging.sanitize import clean_html, clean_template_html, html_to_text
from hireloop.domain.messaging.sms import normalize_newlines, sms_length, too_long
from hireloop.domain.outbox.service import emit
from hireloop.errors import Invalid

log = logging.getLogger(__name__)


def fit_column(field: str, value: str | None) -> str | None:
    """``value`` cut to the length of the ``Message`` column ``field`` (``subject``,
    ``from_name``), ending with "…" when cut: a long job title or company name must never
    make a message, and the change that queues it (an apply), fail."""
    limit = Message.__table__.c[field].type.length
    if value is None or limit is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


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
    message = insert_returning(
        session,
        Message,
        {
            "company_id": company.id,
            "application_id": application.id,
            "candidate_id": candidate.id,
            "job_id": job.id,
            "channel": "email",
            "kind": kind,
            "from_name": fit_column("from_name", company.name),
            "to_address": candidate.email,
            "subject": fit_column("subject", rendered.subject),
            "body_text": rendered.text,
            "body_html": rendered.html,
            "send_after": send_after or utcnow(),
        },
    )
    assert message is not None
    emit(session, company.id, "message.queued", {"messageId": message.id, "kind": kind})
    return message


CHANNELS = ("email", "sms")
LAST_CHANNEL = "last"
NULL_IN_MESSAGE = "The message must not contain null characters."

# Our status for each status the SMS provider reports (Twilio's MessageStatus).
_PROVIDER_STATUS = {
    "accepted": "sent",
    "scheduled": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
# Callbacks may arrive out of order: a later stage is never overwritten by an earlier one,
# and a delivered message stays delivered (see record_provider_status).
_PROVIDER_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
    "read": 4,
}


def contact_problem(candidate: Candidate, channel: str) -> str | None:
    """Why ``candidate`` cannot be sent a message on ``channel``, or None when it can."""
    if candidate.do_not_contact:
        return "The candidate asked not to be contacted."
    if channel == "sms" and not candidate.phone_e164:
        return "The candidate has no valid mobile phone number."
    if channel == "email" and not candidate.email:
        return "The candidate has no email address."
    if channel not in CHANNELS:
        return f"Unknown channel {channel!r}."
    return None


def last_channel(session: Session, application: Application, candidate: Candidate) -> str:
    """The channel last used with this application (either direction); with none yet,
    SMS when the candidate has a phone number, else email."""
    used = session.scalar(
        select(Message.channel)
        .where(
            Message.company_id == application.company_id,
            Message.application_id == application.id,
            Message.channel.in_(CHANNELS),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    if used:
        return used
    return "sms" if candidate.phone_e164 else "email"


@lru_cache(maxsize=256)
def _clean_template(html: str) -> str:
    """An email template's HTML, sanitized (the same template serves many messages)."""
    return clean_template_html(html)


_HAS_IMAGE = re.compile(r"<img\b", re.IGNORECASE)


def uses_access_code(template: str | None) -> bool:
    """Whether ``template`` uses the ``@access_code`` token (it needs the PIN)."""
    return "access_code" in tokens.find_tokens(template or "")


def _text_to_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def prepare_message(
    session: Session,
    *,
    application: Application,
    channel: str,
    kind: str,
    text: str = "",
    html: str | None = None,
    subject: str | None = None,
    author_type: str = "system",
    author_user_id: int | None = None,
    template_id: int | None = None,
    send_after: datetime | None = None,
    candidate: Candidate | None = None,
    job: Job | None = None,
    company: Company | None = None,
    values: dict[str, str] | None = None,
) -> Message:
    """The message about ``application`` on ``channel`` (``email``, ``sms`` or ``last``:
    the channel last used with it), rendered but not saved: :func:`queue_messages` saves
    it with its outbox event (:func:`queue_message` does both).

    ``text``, ``html`` and ``subject`` are templates: their tokens are rendered here, plain
    for SMS text and subjects, HTML-escaped in email HTML (which is sanitized before and
    after), percent-encoded inside URLs (``tokens.render``). An email without HTML gets
    one made from its text; one without text gets its text from the HTML (HTML without
    text, such as a banner image, gives its images' alt texts, else the subject). Subject
    and sender name are cut to their columns (``fit_column``). SMS have their
    line breaks written ``\n`` and record their encoding and segment count; an SMS over
    1600 characters is not sent: it is saved ``failed`` with the reason in ``error``. A
    message using ``@access_code`` gives the application a PIN first when it has none.

    Invalid when the candidate asked not to be contacted or cannot be reached on that
    channel (no phone number, no email address), when the message is empty (no text,
    and for email no HTML text or image), or when a template holds a null character
    (PostgreSQL's text cannot keep one).
    """
    for name, template in (("text", text), ("html", html), ("subject", subject)):
        if template and "\x00" in template:
            raise Invalid(NULL_IN_MESSAGE, details={name: "must not contain null characters"})
    candidate = candidate or session.get(Candidate, application.candidate_id)
    job = job or session.get(Job, application.job_id)
    company = company or session.get(Company, application.company_id)
    assert candidate is not None and job is not None and company is not None
    if channel == LAST_CHANNEL:
        channel = last_channel(session, application, candidate)
    problem = contact_problem(candidate, channel)
    if problem:
        raise Invalid(problem, details={"channel": problem})
    templates_used = (text,) if channel == "sms" else (text, html, subject)
    if not application.pin and any(uses_access_code(t) for t in templates_used):
        issue_pin(application, get_settings().pin_ttl_hours)
    if values is not None and values.get("access_code") != (application.pin or ""):
        # Values computed by the caller before the PIN existed (or changed).
        values = {**values, "access_code": application.pin or ""}
    if values is None:
        values = token_values(session, application, candidate=candidate, job=job, company=company)

    message = Message(
        company_id=application.company_id,
        application_id=application.id,
        candidate_id=candidate.id,
        job_id=application.job_id,
        channel=channel,
        kind=kind,
        direction="outbound",
        author_type=author_type,
        author_user_id=author_user_id,
        template_id=template_id,
        send_after=send_after or utcnow(),
    )
    if channel == "sms":
        body = normalize_newlines(tokens.render(text, values)).strip()
        if not body:
            raise Invalid("The message is empty.", details={"text": "must not be empty"})
        length = sms_length(body)
        message.to_address = candidate.phone_e164 or ""
        message.body_text = body
        message.encoding = length.encoding
        message.segments = length.segments
        problem = too_long(body)
        if problem:
            message.status = "failed"
            message.error = f"{problem} It was not sent."
    else:
        if html and html.strip():
            body_html = tokens.render(_clean_template(html), values, html=True)
            # Escaping keeps a value from adding markup, not from being a whole URL: a
            # lead's "javascript:..." in <a href="@referee"> must be dropped too.
            body_html = clean_html(body_html)
            body_text = tokens.render(text, values) if text.strip() else html_to_text(body_html)
            if not body_text.strip():
                # HTML without text (a banner, a flyer): the text part gives the images'
                # alt texts, else the subject below.
                body_text = html_to_text(body_html, images=True)
            if not body_text.strip() and not _HAS_IMAGE.search(body_html):
                raise Invalid("The message is empty.", details={"text": "must not be empty"})
        else:
            body_text = tokens.render(text, values)
            body_html = _text_to_html(body_text)
            if not body_text.strip():
                raise Invalid("The message is empty.", details={"text": "must not be empty"})
        message.to_address = candidate.email or ""
        message.from_name = fit_column("from_name", company.name)
        rendered = tokens.render(subject, values) if subject and subject.strip() else ""
        # One line: a value with a line break must not break the email header.
        message.subject = fit_column(
            "subject", " ".join(rendered.split()) or f"{company.name}: {job.title}"
        )
        message.body_text = body_text or message.subject or ""
        message.body_html = body_html
    return message


def queue_messages(session: Session, messages: list[Message]) -> list[Message]:
    """Save prepared messages (one flush for all of them) and the ``message.queued``
    outbox events of those to send (not of one prepared ``failed``)."""
    session.add_all(messages)
    session.flush()
    for message in messages:
        if message.status == "failed":
            continue
        emit(
            session,
            message.company_id,
            "message.queued",
            {"messageId": message.id, "kind": message.kind, "channel": message.channel},
        )
    return messages


def queue_message(session: Session, **fields: Any) -> Message:
    """Queue one message (the arguments of :func:`prepare_message`) and its
    ``message.queued`` outbox event. Invalid when the candidate asked not to be contacted
    or cannot be reached on that channel; nothing is written then."""
    return queue_messages(session, [prepare_message(session, **fields)])[0]


def _reported_message(
    session: Session, provider_message_id: str, message_id: int | None
) -> Message | None:
    outbound_sms = (Message.channel == "sms", Message.direction == "outbound")
    if message_id is not None:
        # Locked: waits for a delivery still recording the provider's id (see delivery.py).
        message = session.scalar(
            select(Message).where(Message.id == message_id, *outbound_sms).with_for_update()
        )
        if message is not None and message.provider_message_id in (None, provider_message_id):
            return message
    return session.scalar(
        select(Message)
        .where(Message.provider_message_id == provider_message_id, *outbound_sms)
        .with_for_update()
    )


def record_provider_status(
    session: Session,
    provider_message_id: str,
    provider_status: str,
    *,
    error_code: str | None = None,
    message_id: int | None = None,
) -> Message | None:
    """Apply the SMS provider's status report to the message it sent as
    ``provider_message_id`` (``message_id``: our id, carried in the callback URL the
    provider signs). A report older than what is known already is ignored, and so is a
    failure (undelivered, failed, canceled) of a delivered message; a cancel arrives only
    before the provider sends. A move to delivered clears the error of an earlier
    failure report. A report for a message whose send was not recorded (the worker failed after the provider took it)
    records the provider's id, so the message is not sent again. None when no message
    matches."""
    message = _reported_message(session, provider_message_id, message_id)
    if message is None:
        return None
    if message.provider_message_id is None:
        message.provider_message_id = provider_message_id
    reported = provider_status.strip().lower()
    if reported not in _PROVIDER_STATUS:
        return message
    current = _PROVIDER_RANK.get(message.provider_status or "", -1)
    if _PROVIDER_RANK[reported] < current:
        return message
    # Delivered is final: a later failure report (or a replayed one) does not undo it.
    if message.status == "delivered" and _PROVIDER_STATUS[reported] == "failed":
        return message
    # The provider cancels only a message it has not sent yet.
    if reported == "canceled" and current >= _PROVIDER_RANK["sending"]:
        return message
    message.provider_status = reported
    message.status = _PROVIDER_STATUS[reported]
    if message.status == "failed":
        message.error = f"SMS {reported}" + (f" (error {error_code})" if error_code else "")
    else:
        if message.status == "delivered":
            message.error = None
        if message.sent_at is None:
            message.sent_at = utcnow()
    return message


def _inbound_application(session: Session, phone: str) -> Application | None:
    """The application a reply from ``phone`` belongs to: the one of the last SMS sent to
    that number (the candidate answers it), else the most recent application of a
    candidate with that number (one SMS number serves the install) — but only when all
    such candidates belong to one company: with none texted, nothing says which company a
    shared number's reply is for, and showing it to the wrong one would leak it."""
    replied_to = session.scalar(
        select(Message.application_id)
        .where(
            Message.channel == "sms",
            Message.direction == "outbound",
            Message.to_address == phone,
            Message.application_id.is_not(None),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    if replied_to is not None:
        found = session.get(Application, replied_to)
        if found is not None:
            return found
    latest = (
        select(Application)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Candidate.phone_e164 == phone)
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    found = session.scalar(latest.limit(1))
    if found is None:
        return None
    elsewhere = session.scalar(
        select(Candidate.id)
        .where(Candidate.phone_e164 == phone, Candidate.company_id != found.company_id)
        .limit(1)
    )
    if elsewhere is not None:
        log.warning(
            "inbound SMS from a number that candidates of several companies share, and to "
            "which no SMS was sent: not attached to any application"
        )
        return None
    return found


def record_inbound_sms(
    session: Session,
    *,
    from_number: str,
    body: str,
    provider_message_id: str | None = None,
) -> Message | None:
    """Store a candidate's SMS reply on the application it answers (see
    ``_inbound_application``); None when no candidate has that number. A reply the
    provider delivers twice (same message id) is stored once."""
    phone = normalize_phone(from_number)
    if phone is None:
        return None
    if provider_message_id:
        existing = session.scalar(
            select(Message).where(
                Message.provider_message_id == provider_message_id,
                Message.direction == "inbound",
            )
        )
        if existing is not None:
            return existing
    application = _inbound_application(session, phone)
    if application is None:
        return None
    length = sms_length(body or "")
    values = {
        "company_id": application.company_id,
        "application_id": application.id,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "channel": "sms",
        "kind": "reply",
        "direction": "inbound",
        "author_type": "candidate",
        "to_address": phone,
        "body_text": body or "",
        "encoding": length.encoding,
        "segments": length.segments,
        "provider_message_id": provider_message_id,
        "provider_status": "received",
        "status": "received",
        "sent_at": utcnow(),
    }
    # Race-free: two deliveries of the same MessageSid in flight at once (PostgreSQL runs
    # them in parallel) meet on the unique index of inbound provider ids; the second
    # inserts nothing (it waits for the first to commit) and returns the stored reply.
    message_id = session.scalar(
        insert_for(session, Message).values(values).on_conflict_do_nothing().returning(Message.id)
    )
    if message_id is None:
        return session.scalar(
            select(Message).where(
                Message.provider_message_id == provider_message_id,
                Message.direction == "inbound",
            )
        )
    message = session.get(Message, message_id)
    assert message is not None
    emit(
        session,
        application.company_id,
        "message.received",
        {"messageId": message.id, "applicationId": application.id, "channel": "sms"},
    )
    return message


def send_template(
    session: Session,
    application: Application,
    template: MessageTemplate,
    channel: str,
    *,
    author_type: str = "user",
    author_user_id: int | None = None,
) -> Message:
    """Queue ``template`` (a quick reply or a template of the company's library) to the
    application's candidate on ``channel`` (email, sms or last). An email template's
    content is HTML; any other content is text (made into paragraphs for email)."""
    if template.company_id != application.company_id:
        raise Invalid("The template belongs to another company.")
    html = template.content if template.type == "email" and not template.is_quick_reply else None
    return queue_message(
        session,
        application=application,
        channel=channel,
        kind="quick_reply" if template.is_quick_reply else "template",
        text=html_to_text(html) if html else template.content,
        html=html,
        subject=template.subject,
        author_type=author_type,
        author_user_id=author_user_id,
        template_id=template.id,
    )
