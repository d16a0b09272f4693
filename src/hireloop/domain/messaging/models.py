"""Messages sent to candidates (emails now; SMS later), and their delivery state."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, JSONType, UTCDateTime, utcnow

# Statuses of a message that never reached the candidate (nor will): a failed send, or
# one canceled before it went out (e.g. a rejection after the candidate was rescued).
NOT_SENT = ("failed", "canceled")
# Emails about a user's account (account_emails.py): their links carry a secret token.
ACCOUNT_EMAIL_KINDS = ("password_reset", "user_invitation")
# Statuses in which a message waits for delivery; any other one is final.
WAITING = ("queued", "sending")
TOKEN_REMOVED = "removed-after-sending"  # noqa: S105 - the placeholder, not a secret
_LINK_TOKEN = re.compile(r"([?&](?:amp;)?token=)[^\s&\"'<>]+")


class Message(Base):
    """An email (or later an SMS). With no SMTP server configured, emails are kept here as
    a stored mailbox (status ``stored``) that the app shows."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_company_created", "company_id", "created_at"),
        Index("ix_messages_application", "application_id", "created_at"),
        # SMS usage per campaign (analytics) and a campaign's sends.
        Index("ix_messages_job_channel", "job_id", "channel", "created_at"),
        Index("ix_messages_provider_message_id", "provider_message_id"),
        # An inbound SMS (its MessageSid) is stored once, even when the provider delivers
        # the webhook twice at the same time (record_inbound_sms: INSERT ... ON CONFLICT).
        Index(
            "ux_messages_inbound_provider_message_id",
            "provider_message_id",
            unique=True,
            postgresql_where=text("direction = 'inbound'"),
            sqlite_where=text("direction = 'inbound'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL")
    )
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL")
    )
    # The campaign the message is about (SMS usage per campaign).
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email | sms | dev
    # confirmation | rejection | invitation | completion | shortlisted | quick_reply | manual
    kind: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(10), default="outbound")  # | inbound
    author_type: Mapped[str] = mapped_column(String(20), default="system")  # user|bot|candidate
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    template_id: Mapped[int | None] = mapped_column(BigId)
    # SMS: GSM-7 or UCS-2, and how many segments the provider bills.
    encoding: Mapped[str | None] = mapped_column(String(10))
    segments: Mapped[int | None] = mapped_column(Integer)
    # The provider's id of the message (Twilio's MessageSid) and its last reported status.
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    provider_status: Mapped[str | None] = mapped_column(String(30))
    from_name: Mapped[str | None] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    # queued -> sending (claimed by the worker during the provider call; send_after then
    # holds the end of the claim) -> sent | stored (no SMTP configured) | failed |
    # canceled (see NOT_SENT)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def forget_tokens(text: str | None) -> str | None:
    """``text`` with the value of every link's ``token=`` replaced by TOKEN_REMOVED."""
    if not text:
        return text
    return _LINK_TOKEN.sub(lambda m: m.group(1) + TOKEN_REMOVED, text)


@event.listens_for(Message.status, "set")
def _forget_tokens_once_out(message: Message, value: str, old: Any, initiator: Any) -> None:
    """An account email's link token is kept only while the email waits for delivery:
    once it is sent, stored, failed or canceled, its stored text loses the token (the
    hash alone is kept, with the user), so a copy of the messages table — a backup, a
    replica, a support tool — holds no working reset or invitation link."""
    if message.kind in ACCOUNT_EMAIL_KINDS and value not in WAITING:
        message.body_text = forget_tokens(message.body_text) or ""
        message.body_html = forget_tokens(message.body_html)


class MessageTemplate(Base):
    """A company's reusable message: a quick reply or a template (Talkpush
    ``/messaging/quick_replies`` and ``/messaging/templates``). Content holds tokens
    (``@candidate_name``, ``<%= @candidate_name %>`` or ``{{candidate_name}}``), checked
    when the template is saved."""

    __tablename__ = "message_templates"
    __table_args__ = (Index("ix_message_templates_company", "company_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # email | sms | whatsapp | messenger | calendar
    type: Mapped[str] = mapped_column(String(20), default="sms")
    category: Mapped[str | None] = mapped_column(String(100))
    is_quick_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str | None] = mapped_column(String(500))
    # Text (SMS, chat) or sanitized HTML (email).
    content: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
