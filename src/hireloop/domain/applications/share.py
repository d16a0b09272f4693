"""Share links: a recruiter shows one candidate's profile to someone without an account
(a hiring manager, a client) through an unguessable link.

The recruiter chooses what the link shows (``SHARE_FIELDS``: contact details, résumé,
interview answers, AI score — never comments, labels or the conversation) and how long
it lives (``EXPIRY_DAYS``, 14 days by default). Only the SHA-256 of the token is stored,
so the link is shown once, when it is made; it can be revoked at any time. Opening a
revoked or expired link is refused (``Gone``), an unknown one is ``NotFound``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application, ShareLink
from hireloop.domain.applications.service import get_application
from hireloop.errors import DomainError, Invalid, NotFound

# What a link may show, in the order the page shows them. Comments are never shared.
SHARE_FIELDS = ("contact", "resume", "answers", "score")
EXPIRY_DAYS = (1, 7, 14, 30, 90)
DEFAULT_EXPIRY_DAYS = 14
MAX_ACTIVE_LINKS = 20  # per application: links are cheap, but not unlimited
TOKEN_BYTES = 32

NO_FIELDS = "Choose at least one part of the profile to share."
BAD_EXPIRY = "Choose how long the link stays valid."
TOO_MANY_LINKS = "This profile has too many active links: revoke one first."
LINK_NOT_FOUND = "Share link not found."
LINK_GONE = "This link has expired or was revoked."


class Gone(DomainError):
    """The link existed but is revoked or expired (HTTP 410)."""

    kind = "gone"


@dataclass(frozen=True)
class NewShareLink:
    link: ShareLink
    token: str  # shown once; only its hash is kept


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_fields(fields: list[str] | tuple[str, ...]) -> list[str]:
    """The known fields among ``fields`` in page order; Invalid when none is left."""
    chosen = [f for f in SHARE_FIELDS if f in set(fields)]
    if not chosen:
        raise Invalid(NO_FIELDS, details={"fields": "choose at least one"})
    return chosen


def is_active(link: ShareLink, now: datetime | None = None) -> bool:
    return link.revoked_at is None and link.expires_at > (now or utcnow())


def active_links(
    session: Session, company_id: int, application_id: int, now: datetime | None = None
) -> list[ShareLink]:
    """The application's links that still work, newest first."""
    return list(
        session.scalars(
            select(ShareLink)
            .where(
                ShareLink.company_id == company_id,
                ShareLink.application_id == application_id,
                ShareLink.revoked_at.is_(None),
                ShareLink.expires_at > (now or utcnow()),
            )
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        )
    )


def create_link(
    session: Session,
    company_id: int,
    application_id: int,
    *,
    fields: list[str] | tuple[str, ...],
    days: int = DEFAULT_EXPIRY_DAYS,
    user_id: int | None = None,
    now: datetime | None = None,
) -> NewShareLink:
    """A new link to the company's application showing ``fields`` for ``days`` days
    (one of ``EXPIRY_DAYS``). NotFound for another company's application."""
    application = get_application(session, company_id, application_id)
    chosen = clean_fields(fields)
    if days not in EXPIRY_DAYS:
        raise Invalid(BAD_EXPIRY, details={"days": f"one of {EXPIRY_DAYS}"})
    now = now or utcnow()
    if len(active_links(session, company_id, application.id, now)) >= MAX_ACTIVE_LINKS:
        raise Invalid(TOO_MANY_LINKS, details={"links": "too many"})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        company_id=company_id,
        application_id=application.id,
        token_hash=token_hash(token),
        fields=chosen,
        created_by_user_id=user_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    return NewShareLink(link=link, token=token)


def revoke_link(session: Session, company_id: int, application_id: int, link_id: int) -> ShareLink:
    """Revoke one of the application's links (revoking twice changes nothing)."""
    link = session.scalar(
        select(ShareLink).where(
            ShareLink.company_id == company_id,
            ShareLink.application_id == application_id,
            ShareLink.id == link_id,
        )
    )
    if link is None:
        raise NotFound(LINK_NOT_FOUND)
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.flush()
    return link


def find_active_by_token(
    session: Session, application_id: int, token: str | None
) -> ShareLink | None:
    """The active link of ``application_id`` whose token is ``token``, else None (used to
    show a new link once more to the recruiter who just made it)."""
    if not token or len(token) > 200:
        return None
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if link is None or link.application_id != application_id or not is_active(link):
        return None
    return link


def open_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[ShareLink, Application]:
    """The link of ``token`` and its application, its view recorded. NotFound for an
    unknown token, Gone for a revoked or expired one."""
    if not token or len(token) > 200:
        raise NotFound(LINK_NOT_FOUND)
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if link is None:
        raise NotFound(LINK_NOT_FOUND)
    now = now or utcnow()
    if not is_active(link, now):
        raise Gone(LINK_GONE)
    application = get_application(session, link.company_id, link.application_id)
    link.last_viewed_at = now
    session.flush()
    return link, application
