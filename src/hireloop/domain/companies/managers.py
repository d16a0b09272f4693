"""Managers: the active users of a company, as the Talkpush ``/managers`` list shows them."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hireloop.db import LIKE_ESCAPE, contains_pattern
from hireloop.domain.companies.models import User
from hireloop.domain.pagination import Page

ROLES = ("owner", "manager")


def display_name(user: User) -> str:
    """The user's name, or their email when no name is set."""
    return " ".join((user.name or "").split()) or user.email


def list_managers(
    session: Session,
    company_id: int,
    *,
    role: str | None = None,
    name: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[User]:
    """Active users of the company, by name: ``role`` matches exactly, ``name`` is a
    case-insensitive partial match on the name."""
    where = [User.company_id == company_id, User.active.is_(True)]
    if role:
        where.append(User.role == role)
    if name:
        pattern = contains_pattern(name.lower())
        where.append(or_(func.lower(User.name).like(pattern, escape=LIKE_ESCAPE)))
    total = session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    items = list(
        session.scalars(
            select(User)
            .where(*where)
            .order_by(func.lower(User.name), User.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)
