"""An application's conversation, as the recruiter's chat history shows it: the messages
both ways (with channel, author — recruiter, bot, system or candidate — and delivery
status) and the recruiters' comments, which the candidate never sees, in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.service import get_application
from hireloop.domain.candidates.models import Comment
from hireloop.domain.messaging.models import Message


@dataclass(frozen=True)
class ConversationEntry:
    """One line of the conversation. ``type`` is ``message`` or ``comment``; comments have
    no direction, channel or status and are never sent."""

    type: str
    id: int
    at: datetime
    body: str
    author_type: str  # user | bot | system | candidate
    author_user_id: int | None
    author_name: str | None = None
    direction: str | None = None  # outbound | inbound
    channel: str | None = None  # email | sms | dev
    kind: str | None = None
    subject: str | None = None
    status: str | None = None  # queued | sent | stored | delivered | received | failed
    provider_status: str | None = None
    error: str | None = None
    encoding: str | None = None
    segments: int | None = None
    visible_to_candidate: bool = True


def _from_message(message: Message) -> ConversationEntry:
    return ConversationEntry(
        type="message",
        id=message.id,
        at=message.created_at,
        body=message.body_text,
        author_type=message.author_type,
        author_user_id=message.author_user_id,
        direction=message.direction,
        channel=message.channel,
        kind=message.kind,
        subject=message.subject,
        status=message.status,
        provider_status=message.provider_status,
        error=message.error,
        encoding=message.encoding,
        segments=message.segments,
    )


def _from_comment(comment: Comment) -> ConversationEntry:
    return ConversationEntry(
        type="comment",
        id=comment.id,
        at=comment.created_at,
        body=comment.body,
        author_type="user",
        author_user_id=comment.author_user_id,
        author_name=comment.author_name,
        visible_to_candidate=False,
    )


def conversation(session: Session, company_id: int, application_id: int) -> list[ConversationEntry]:
    """Messages and comments of the company's application, oldest first (NotFound for
    another company's application)."""
    application = get_application(session, company_id, application_id)
    messages = session.scalars(
        select(Message).where(
            Message.company_id == company_id, Message.application_id == application.id
        )
    )
    comments = session.scalars(
        select(Comment).where(
            Comment.company_id == company_id, Comment.application_id == application.id
        )
    )
    entries = [_from_message(m) for m in messages] + [_from_comment(c) for c in comments]
    # Messages before comments at the same instant; ids keep each kind in write order.
    entries.sort(key=lambda e: (e.at, e.type != "message", e.id))
    return entries
