"""Messages sent on their own when something happens to an application: the campaign's
invitation on intake, completion when the interview is done, shortlisted / rejection on
the matching move when the recruiter chose to notify. Each is sent only when enabled in
the campaign's message settings (Job.messaging_settings), through the outbox.

``Job.messaging_settings[kind]`` = ``{"enabled": bool, "sms": "...", "email_subject":
"...", "email_html": "..."}`` for kind in invitation, completion, shortlisted, rejection.
The SMS goes when the candidate has a mobile number and the SMS template is set; the
email when the candidate has an email address and the HTML template is set (both may
go). A candidate who asked not to be contacted gets nothing. The invitation, and any
message whose templates use ``@access_code``, gives the application a PIN first when it
has none, before either channel is rendered (the SMS and the email carry the same PIN).

A message that cannot be built (an empty text once rendered, for example) never stops
what caused it (a lead's creation, a move, an import's invitations): it is saved
``failed`` with the reason in ``error``, logged, and not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import get_settings
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.pins import issue_pin, start_pin_clock
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.context import token_values
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.service import (
    fit_column,
    prepare_message,
    queue_messages,
    uses_access_code,
)
from hireloop.errors import Invalid

log = logging.getLogger(__name__)

KINDS = ("invitation", "completion", "shortlisted", "rejection")
# The message a move into a folder sends (when the recruiter chose to notify).
FOLDER_MESSAGES = {"shortlisted": "shortlisted", "rejected": "rejection"}
DEFAULT_SUBJECTS = {
    "invitation": "Your application for @job_title at @company",
    "completion": "Thank you for completing your interview for @job_title",
    "shortlisted": "Good news about your application for @job_title",
    "rejection": "Your application for @job_title at @company",
}
_BATCH = 500


def message_settings(job: Job, kind: str) -> dict[str, Any] | None:
    """The campaign's settings of the ``kind`` message when it is enabled, else None."""
    settings = (job.messaging_settings or {}).get(kind)
    if not isinstance(settings, dict) or settings.get("enabled") is not True:
        return None
    return settings


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def send_campaign_message(
    session: Session,
    application: Application,
    kind: str,
    *,
    candidate: Candidate | None = None,
    job: Job | None = None,
    company: Company | None = None,
    prepared: list[Message] | None = None,
) -> list[Message]:
    """Queue the campaign's ``kind`` message for ``application`` by SMS and/or email (see
    the module docstring); returns the messages queued to be sent (none when it is
    disabled; not those saved ``failed``, which are never sent). With ``prepared``, the
    messages (failed ones too) are only appended there, for the caller to save them
    together (``queue_messages``)."""
    job = job or session.get(Job, application.job_id)
    candidate = candidate or session.get(Candidate, application.candidate_id)
    assert job is not None and candidate is not None
    settings = message_settings(job, kind)
    if settings is None or candidate.do_not_contact:
        return []
    sms = _text(settings.get("sms")).strip()
    html = _text(settings.get("email_html")).strip()
    wants_sms = bool(sms and candidate.phone_e164)
    wants_email = bool(html and candidate.email)
    if not (wants_sms or wants_email):
        return []
    subject = _text(settings.get("email_subject")).strip() or DEFAULT_SUBJECTS[kind]
    used = [sms if wants_sms else "", html if wants_email else "", subject if wants_email else ""]
    if not application.pin and (kind == "invitation" or any(map(uses_access_code, used))):
        # Issued once, before rendering either channel: both carry the same PIN.
        issue_pin(application, get_settings().pin_ttl_hours)
    company = company or session.get(Company, application.company_id)
    assert company is not None
    values = token_values(session, application, candidate=candidate, job=job, company=company)
    common: dict[str, Any] = {
        "application": application,
        "kind": kind,
        "candidate": candidate,
        "job": job,
        "company": company,
        "values": values,
        "author_type": "system",
    }
    messages = []
    if wants_sms:
        messages.append(_prepare_or_fail(session, channel="sms", text=sms, **common))
    if wants_email:
        messages.append(
            _prepare_or_fail(session, channel="email", html=html, subject=subject, **common)
        )
    if prepared is not None:
        prepared.extend(messages)
    else:
        queue_messages(session, messages)
    return [message for message in messages if message.status != "failed"]


def _prepare_or_fail(session: Session, *, channel: str, **fields: Any) -> Message:
    """``prepare_message``; a message it refuses is returned ``failed`` with the reason in
    ``error`` (saved without an outbox event: nothing is sent), and logged."""
    try:
        return prepare_message(session, channel=channel, **fields)
    except Invalid as exc:
        application: Application = fields["application"]
        candidate: Candidate = fields["candidate"]
        company: Company = fields["company"]
        reason = str(exc)
        log.warning(
            "application %s: the %s %s message could not be prepared: %s",
            application.id,
            fields["kind"],
            channel,
            reason,
        )
        email = channel == "email"
        return Message(
            company_id=application.company_id,
            application_id=application.id,
            candidate_id=candidate.id,
            job_id=application.job_id,
            channel=channel,
            kind=fields["kind"],
            direction="outbound",
            author_type=fields.get("author_type", "system"),
            to_address=(candidate.email if email else candidate.phone_e164) or "",
            from_name=fit_column("from_name", company.name) if email else None,
            body_text="",
            status="failed",
            error=f"{reason} It was not sent.",
        )


def on_lead_created(session: Session, application: Application) -> None:
    """Queue the campaign's invitation (SMS and/or email) when it is enabled."""
    send_campaign_message(session, application, "invitation")


def on_interview_completed(session: Session, application: Application) -> None:
    """Queue the campaign's completion message when it is enabled."""
    send_campaign_message(session, application, "completion")


def on_moved(session: Session, application: Application, *, notify: bool) -> None:
    """Queue the shortlisted / rejection message after a move to that folder, when the
    recruiter chose to notify and the message is enabled."""
    kind = FOLDER_MESSAGES.get(application.folder)
    if notify and kind:
        send_campaign_message(session, application, kind)


def queue_invitations(
    session: Session, company_id: int, job_id: int, application_ids: Iterable[int]
) -> int:
    """The bulk form of ``on_lead_created`` (CSV and Sheet imports): the invitation for
    each of the company's applications in ``job_id`` among ``application_ids``, skipping
    those already invited, so running it again sends nothing twice; the PIN of each lead
    invited starts its lifetime now (``pins.start_pin_clock``). Returns the number of
    messages queued."""
    job = session.scalar(select(Job).where(Job.company_id == company_id, Job.id == job_id))
    if job is None or message_settings(job, "invitation") is None:
        return 0
    company = session.get(Company, company_id)
    ids = sorted({int(i) for i in application_ids})
    count = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        invited = set(
            session.scalars(
                select(Message.application_id).where(
                    Message.company_id == company_id,
                    Message.application_id.in_(chunk),
                    Message.kind == "invitation",
                    Message.direction == "outbound",
                )
            )
        )
        rows = session.execute(
            select(Application, Candidate)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(
                Application.company_id == company_id,
                Application.job_id == job.id,
                Application.id.in_(chunk),
            )
            .order_by(Application.id)
        )
        prepared: list[Message] = []
        ttl_hours = get_settings().pin_ttl_hours
        for application, candidate in rows:
            if application.id not in invited:
                queued = send_campaign_message(
                    session,
                    application,
                    "invitation",
                    candidate=candidate,
                    job=job,
                    company=company,
                    prepared=prepared,
                )
                if queued:
                    # The PIN's lifetime starts with the invitation (as for API leads).
                    start_pin_clock(application, ttl_hours)
        queue_messages(session, prepared)
        count += sum(message.status != "failed" for message in prepared)
    return count
