"""Messages sent to candidates (emails now; SMS later), and their delivery state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, UTCDateTime, utcnow


class Message(Base):
    """An email (or later an SMS). With no SMTP server configured, emails are kept here as
    a stored mailbox (status ``stored``) that the app shows."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_company_created", "company_id", "created_at"),
        Index("ix_messages_application", "application_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL")
    )
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email | sms
    # confirmation | rejection | invitation | completion | shortlisted | manual
    kind: Mapped[str] = mapped_column(String(30))
    from_name: Mapped[str | None] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    # queued -> sent | stored (no SMTP configured) | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
