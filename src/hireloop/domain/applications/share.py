"""Share links: a recruiter shows one candidate's profile to someone without an account
(a hiring manager, a client) through an unguessable link.

The recruiter chooses what the link shows (``SHARE_FIELDS``: contact details, résumé,
interview answers, AI score — never comments, labels or the conversation) and how long
it lives (``EXPIRY_DAYS``, 14 days by default). Only the SHA-256 of the token is stored,
so the link is shown once, when it is made; it can be revoked at any time. Opening a
revoked or expired link is refused (``Gone``), an unknown one is ``NotFound``.

A link speaks for the company and for the recruiter who made it, so it stops working
with either: a link of a deactivated company answers as an unknown one (``NotFound``,
like the company's career pages; it works again if the company is reactivated before
it expires), and deactivating or deleting a user revokes the links they made
(:func:`revoke_links_of_user`; reactivating them does not bring the links back). A link
whose maker is inactive is refused as revoked even if it was not revoked (links made
before this rule).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application, ShareLink
from hireloop.domain.applications.service import get_application
from hireloop.domain.companies.models import Company, User
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
    """Not revoked and not expired (the maker's and the company's state aside)."""
    return link.revoked_at is None and link.expires_at > (now or utcnow())


def _maker_active(session: Session, link: ShareLink) -> bool:
    """Whether the user who made the link is still active (True for a link without a
    known maker: made by the system, or by a user deleted before deletion revoked)."""
    if link.created_by_user_id is None:
        return True
    return bool(session.scalar(select(User.active).where(User.id == link.created_by_user_id)))


def revoke_links_of_user(session: Session, company_id: int, user_id: int) -> int:
    """Revoke the active links ``user_id`` made (when the user is deactivated or
    deleted); the number revoked."""
    result = session.execute(
        update(ShareLink)
        .where(
            ShareLink.company_id == company_id,
            ShareLink.created_by_user_id == user_id,
            ShareLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def active_links(
    session: Session, company_id: int, application_id: int, now: datetime | None = None
) -> list[ShareLink]:
    """The application's links that still work, newest first."""
    return list(
        session.scalars(
            select(ShareLink)
            .outerjoin(User, User.id == ShareLink.created_by_user_id)
            .where(
                ShareLink.company_id == company_id,
                ShareLink.application_id == application_id,
                ShareLink.revoked_at.is_(None),
                ShareLink.expires_at > (now or utcnow()),
                or_(ShareLink.created_by_user_id.is_(None), User.active.is_(True)),
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
    if not _maker_active(session, link):
        return None
    return link


def open_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[ShareLink, Application]:
    """The link of ``token`` and its application, its view recorded. NotFound for an
    unknown token or a link of a deactivated company, Gone for a revoked or expired one
    or one whose maker is no longer active."""
    if not token or len(token) > 200:
        raise NotFound(LINK_NOT_FOUND)
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if link is None:
        raise NotFound(LINK_NOT_FOUND)
    if not session.scalar(select(Company.active).where(Company.id == link.company_id)):
        raise NotFound(LINK_NOT_FOUND)  # as the company's career pages: nothing here
    now = now or utcnow()
    if not is_active(link, now) or not _maker_active(session, link):
        raise Gone(LINK_GONE)
    application = get_application(session, link.company_id, link.application_id)
    link.last_viewed_at = now
    session.flush()
    return link, application
