"""Read queries of the company administration pages (the services' writes stay in domain/)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.companies.models import User
from hireloop.domain.messaging.models import Message
from hireloop.errors import NotFound

MESSAGE_NOT_FOUND = "Message not found."


def mailbox_message(session: Session, company_id: int, message_id: int) -> Message:
    """One outgoing message of the company (NotFound for another company's)."""
    message = session.scalar(
        select(Message).where(
            Message.id == message_id,
            Message.company_id == company_id,
            Message.direction == "outbound",
        )
    )
    if message is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    return message


def team_member(session: Session, company_id: int, user_id: int) -> User:
    """A user of the company (NotFound for another company's)."""
    user = session.scalar(select(User).where(User.id == user_id, User.company_id == company_id))
    if user is None:
        raise NotFound("User not found.")
    return user


def user_names(session: Session, company_id: int, ids: set[int]) -> dict[int, str]:
    """Display names of the company's users with these ids."""
    if not ids:
        return {}
    rows = session.execute(
        select(User.id, User.name, User.email).where(
            User.company_id == company_id, User.id.in_(ids)
        )
    )
    return {uid: name or email for uid, name, email in rows}
