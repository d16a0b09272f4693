"""Accounts of the recruiter app: sign-in, server-side sessions, passwords, password reset
links, manager invitations and the team.

Every secret handed to a browser or put in an email (session cookie, reset link,
invitation link) is 32 random bytes; only its SHA-256 is stored, looked up by hash (so no
comparison depends on the secret's value). Passwords are argon2 (``service.hash_password``).

Sessions end after ``SESSION_IDLE`` without a request, ``SESSION_MAX_AGE`` after sign-in,
at sign-out, when the user's password changes (the other sessions), and when the user or
the company is deactivated. Reset links live ``RESET_TTL`` and work once; invitations
live ``INVITATION_TTL`` and are replaced by a newer invitation to the same address.

Messages are English, marked with ``N_`` for the web app to translate.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.share import revoke_links_of_user
from hireloop.domain.candidates.identity import normalize_email
from hireloop.domain.companies.access import N_, check_ip, email_domain_allowed
from hireloop.domain.companies.models import (
    Company,
    Invitation,
    PasswordResetToken,
    User,
    UserSession,
)
from hireloop.domain.companies.service import create_user, hash_password, verify_password
from hireloop.errors import Forbidden, Invalid, NotFound, Unauthorized

SESSION_IDLE = timedelta(hours=12)
SESSION_MAX_AGE = timedelta(days=7)
RESET_TTL = timedelta(hours=1)
INVITATION_TTL = timedelta(days=7)
# last_seen_at is written at most this often per session, so that reads stay reads.
_TOUCH_RESOLUTION = timedelta(minutes=1)

PASSWORD_MIN = 8
PASSWORD_MAX = 256  # argon2 hashes anything, but a megabyte "password" is only a DoS
NAME_MAX = 200
LANGUAGES = ("en", "es", "fr", "pt")

BAD_CREDENTIALS = N_("Wrong email or password.")
INACTIVE = N_("This account is inactive.")
OWNER_ONLY = N_("Only the company owner can do this.")
BAD_LINK = N_("This link is not valid or has expired.")
PASSWORD_TOO_SHORT = N_("Passwords must have at least %(value)s characters.")
PASSWORD_TOO_LONG = N_("Passwords must have at most %(value)s characters.")
WRONG_CURRENT_PASSWORD = N_("Your current password is not correct.")
NAME_REQUIRED = N_("Please enter your name.")
NAME_TOO_LONG = N_("Names must have at most %(value)s characters.")
EMAIL_INVALID = N_("Please enter a valid email address.")
EMAIL_TAKEN = N_("A user with this email address already exists.")
DOMAIN_REFUSED = N_("Only addresses of these domains may join this company: %(value)s")
UNKNOWN_LANGUAGE = N_("Unknown language.")
SELF_DEACTIVATION = N_("You cannot deactivate your own account.")
USER_NOT_FOUND = N_("User not found.")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, _hash(raw)


def _valid_raw(raw: str | None) -> bool:
    return bool(raw) and 20 <= len(raw or "") <= 100 and (raw or "").isascii()


# --- Passwords ----------------------------------------------------------------------------


def check_password_rules(password: str) -> None:
    """Invalid when ``password`` is too short or too long."""
    if len(password) < PASSWORD_MIN:
        raise Invalid(PASSWORD_TOO_SHORT, details={"password": str(PASSWORD_MIN)})
    if len(password) > PASSWORD_MAX:
        raise Invalid(PASSWORD_TOO_LONG, details={"password": str(PASSWORD_MAX)})


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(NAME_REQUIRED, details={"name": ""})
    if len(name) > NAME_MAX:
        raise Invalid(NAME_TOO_LONG, details={"name": str(NAME_MAX)})
    return name


# --- Sign-in and sessions -----------------------------------------------------------------


@dataclass
class SignedIn:
    """A new session: the raw token exists only here (it goes into the cookie)."""

    user: User
    session: UserSession
    token: str


@dataclass
class Current:
    """The user behind a session cookie, with their company."""

    user: User
    company: Company
    session: UserSession


def authenticate(session: Session, email: str, password: str, *, ip: str | None) -> User:
    """The active user with this email and password.

    Unauthorized (one message for every case) when the email is unknown, the password
    wrong, or the user or company inactive; an unknown email still costs one argon2
    verification, so timing does not tell which emails exist. Forbidden when the
    credentials are right but the company's IP allow-list refuses ``ip``.
    """
    if len(password) > PASSWORD_MAX:
        raise Unauthorized(BAD_CREDENTIALS)
    user = session.scalar(select(User).where(User.email == normalize_email(email or "")))
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        raise Unauthorized(BAD_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        raise Unauthorized(BAD_CREDENTIALS)
    company = session.get(Company, user.company_id)
    if not user.active or company is None or not company.active:
        raise Unauthorized(BAD_CREDENTIALS)
    check_ip(company, ip)
    return user


def start_session(
    session: Session, user: User, *, ip: str | None, user_agent: str | None
) -> SignedIn:
    """A new session for ``user`` (after sign-in, reset or invitation)."""
    raw, digest = _new_token()
    now = utcnow()
    row = UserSession(
        company_id=user.company_id,
        user_id=user.id,
        token_hash=digest,
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_MAX_AGE,
        ip=(ip or None) and ip[:64],
        user_agent=(user_agent or None) and (user_agent or "")[:300],
    )
    session.add(row)
    user.last_login_at = now
    session.flush()
    return SignedIn(user=user, session=row, token=raw)


def sign_in(
    session: Session, email: str, password: str, *, ip: str | None, user_agent: str | None
) -> SignedIn:
    """:func:`authenticate`, then :func:`start_session`."""
    user = authenticate(session, email, password, ip=ip)
    return start_session(session, user, ip=ip, user_agent=user_agent)


def current_session(
    session: Session, raw: str | None, *, now: datetime | None = None
) -> Current | None:
    """The live session of the cookie value ``raw``: not expired (idle or absolute), its
    user and company active. An expired session is deleted. None otherwise. The IP
    allow-list is the caller's to check (it knows the request's address)."""
    if not _valid_raw(raw):
        return None
    now = now or utcnow()
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _hash(raw or "")))
    if row is None:
        return None
    if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        session.delete(row)
        session.flush()
        return None
    user = session.get(User, row.user_id)
    company = session.get(Company, row.company_id)
    if user is None or company is None or not user.active or not company.active:
        return None
    if now - row.last_seen_at > _TOUCH_RESOLUTION:
        row.last_seen_at = now
    return Current(user=user, company=company, session=row)


def end_session(session: Session, raw: str | None) -> None:
    """Sign-out: the session of ``raw`` is deleted (nothing happens for an unknown one)."""
    if _valid_raw(raw):
        session.execute(delete(UserSession).where(UserSession.token_hash == _hash(raw or "")))


def end_user_sessions(session: Session, user_id: int, *, keep_id: int | None = None) -> int:
    """Delete every session of the user (but ``keep_id``); returns how many."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_id is not None:
        stmt = stmt.where(UserSession.id != keep_id)
    return session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]


# --- My account ---------------------------------------------------------------------------


def update_profile(session: Session, user: User, *, name: str, language: str) -> User:
    """The user's own name and interface language."""
    if language not in LANGUAGES:
        raise Invalid(UNKNOWN_LANGUAGE, details={"language": language})
    user.name = _clean_name(name)
    user.language = language
    session.flush()
    return user


def change_password(
    session: Session, user: User, *, current: str, new: str, keep_session_id: int | None
) -> None:
    """Change the user's password after checking the current one; every other session
    of the user ends."""
    if not verify_password(user.password_hash, current):
        raise Invalid(WRONG_CURRENT_PASSWORD, details={"current_password": ""})
    check_password_rules(new)
    user.password_hash = hash_password(new)
    end_user_sessions(session, user.id, keep_id=keep_session_id)
    session.flush()


# --- Password reset -----------------------------------------------------------------------


def request_password_reset(session: Session, email: str) -> tuple[User, str] | None:
    """A reset link token for the active user with this email, or None (the caller says
    the same thing either way, so the answer tells nothing about which emails exist).
    Earlier unused links of the user stop working."""
    user = session.scalar(select(User).where(User.email == normalize_email(email or "")))
    if user is None or not user.active:
        return None
    company = session.get(Company, user.company_id)
    if company is None or not company.active:
        return None
    now = utcnow()
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw, digest = _new_token()
    session.add(
        PasswordResetToken(
            company_id=user.company_id,
            user_id=user.id,
            token_hash=digest,
            created_at=now,
            expires_at=now + RESET_TTL,
        )
    )
    session.flush()
    return user, raw


def _live_reset(session: Session, raw: str | None) -> tuple[PasswordResetToken, User] | None:
    if not _valid_raw(raw):
        return None
    row = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(raw or ""))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or user.company_id != row.company_id:
        return None
    return row, user


def reset_link_user(session: Session, raw: str | None) -> User | None:
    """The user a live reset link is for, or None (unknown, used or expired)."""
    found = _live_reset(session, raw)
    return found[1] if found else None


def reset_password(session: Session, raw: str | None, new_password: str, *, ip: str | None) -> User:
    """Set a new password through a reset link: the link is used up and every session of
    the user ends. Invalid for a bad link or password; Forbidden from outside the
    company's IP allow-list."""
    found = _live_reset(session, raw)
    if found is None:
        raise Invalid(BAD_LINK, details={"token": ""})
    row, user = found
    company = session.get(Company, user.company_id)
    if company is None or not company.active:
        raise Invalid(BAD_LINK, details={"token": ""})
    check_ip(company, ip)
    check_password_rules(new_password)
    # Used up with a compare-and-set, so two concurrent posts of one link cannot both win.
    used = session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not used:
        raise Invalid(BAD_LINK, details={"token": ""})
    user.password_hash = hash_password(new_password)
    end_user_sessions(session, user.id)
    session.flush()
    return user


# --- Invitations --------------------------------------------------------------------------


def require_owner(user: User) -> None:
    if user.role != "owner" or not user.active:
        raise Forbidden(OWNER_ONLY)


def _check_domain(company: Company, email: str) -> None:
    if not email_domain_allowed(company, email):
        domains = ", ".join((company.settings or {}).get("domain_allowlist") or [])
        raise Invalid(DOMAIN_REFUSED, details={"email": domains})


def _valid_email(email: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(EMAIL_INVALID, details={"email": ""}) from None
    normalized = normalize_email(email)
    if not normalized:
        raise Invalid(EMAIL_INVALID, details={"email": ""})
    return normalized


def invite_manager(session: Session, inviter: User, email: str) -> tuple[Invitation, str]:
    """Invite ``email`` to join the inviter's company as a manager (owner only); returns
    the invitation and its raw token, for the email. The company's domain allow-list must
    accept the address; an earlier pending invitation to it is revoked."""
    require_owner(inviter)
    company = session.get(Company, inviter.company_id)
    assert company is not None
    normalized = _valid_email((email or "").strip())
    _check_domain(company, normalized)
    if session.scalar(select(User.id).where(User.email == normalized)):
        raise Invalid(EMAIL_TAKEN, details={"email": ""})
    now = utcnow()
    session.execute(
        update(Invitation)
        .where(
            Invitation.company_id == company.id,
            Invitation.email == normalized,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    raw, digest = _new_token()
    invitation = Invitation(
        company_id=company.id,
        email=normalized,
        role="manager",
        token_hash=digest,
        invited_by_user_id=inviter.id,
        created_at=now,
        expires_at=now + INVITATION_TTL,
    )
    session.add(invitation)
    session.flush()
    return invitation, raw


def pending_invitation(session: Session, raw: str | None) -> Invitation | None:
    """The invitation of a link if it can still be accepted, else None."""
    if not _valid_raw(raw):
        return None
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(raw or "")))
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        return None
    return invitation


def accept_invitation(
    session: Session, raw: str | None, *, name: str, password: str, ip: str | None
) -> User:
    """Create the invited manager with their name and password. The domain allow-list is
    checked again (it may have changed since the invitation), and the IP allow-list."""
    invitation = pending_invitation(session, raw)
    if invitation is None:
        raise Invalid(BAD_LINK, details={"token": ""})
    company = session.get(Company, invitation.company_id)
    if company is None or not company.active:
        raise Invalid(BAD_LINK, details={"token": ""})
    check_ip(company, ip)
    _check_domain(company, invitation.email)
    clean = _clean_name(name)
    check_password_rules(password)
    if session.scalar(select(User.id).where(User.email == invitation.email)):
        raise Invalid(EMAIL_TAKEN, details={"email": ""})
    accepted = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not accepted:
        raise Invalid(BAD_LINK, details={"token": ""})
    inviter = (
        session.get(User, invitation.invited_by_user_id) if invitation.invited_by_user_id else None
    )
    user = create_user(
        session,
        company.id,
        email=invitation.email,
        name=clean,
        password=password,
        role=invitation.role,
        language=inviter.language if inviter else "en",
    )
    session.execute(
        update(Invitation).where(Invitation.id == invitation.id).values(accepted_user_id=user.id)
    )
    session.flush()
    return user


def list_pending_invitations(session: Session, company_id: int) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.company_id == company_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


# --- The team -----------------------------------------------------------------------------


def list_team(session: Session, company_id: int) -> list[User]:
    """Every user of the company, the owner first, then by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.company_id == company_id)
            .order_by(
                case((User.role == "owner", 0), else_=1),
                func.lower(User.name),
                User.id,
            )
        )
    )


def set_user_active(session: Session, actor: User, user_id: int, *, active: bool) -> User:
    """Deactivate or reactivate a user of the actor's company (owner only). A deactivated
    user keeps their data but cannot sign in, their sessions end at once and the share
    links they made are revoked (reactivation does not bring those back)."""
    require_owner(actor)
    user = session.scalar(
        select(User).where(User.id == user_id, User.company_id == actor.company_id)
    )
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    if user.id == actor.id and not active:
        raise Invalid(SELF_DEACTIVATION, details={"user": ""})
    user.active = active
    if not active:
        end_user_sessions(session, user.id)
        revoke_links_of_user(session, user.company_id, user.id)  # their share links
    session.flush()
    return user


# --- Team administration: weekly statistics, deletion, ownership ---------------------------

CANNOT_DELETE_OWNER = N_("The company owner cannot be deleted. Transfer the ownership first.")
TRANSFER_TARGET = N_("Ownership can only go to another active manager of the company.")
WEEKLY_STATS_SELF = N_("You can only change your own weekly statistics email.")


def _team_member(session: Session, actor: User, user_id: int, *, lock: bool = False) -> User:
    stmt = select(User).where(User.id == user_id, User.company_id == actor.company_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    user = session.scalar(stmt)
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return user


def set_weekly_stats(session: Session, actor: User, user_id: int, *, enabled: bool) -> User:
    """Turn the weekly statistics email on or off for a user of the actor's company: the
    owner for anyone, a manager for themselves only."""
    if user_id != actor.id and (actor.role != "owner" or not actor.active):
        raise Forbidden(WEEKLY_STATS_SELF)
    user = _team_member(session, actor, user_id)
    user.weekly_stats = enabled
    session.flush()
    return user


def _without_manager(session: Session, company_id: int, user_id: int) -> None:
    """Take ``user_id`` out of every campaign's permitted managers (a deleted user's id
    would otherwise make the campaign settings invalid when next saved)."""
    from hireloop.domain.jobs.models import Job  # companies must not import jobs at load

    jobs = session.scalars(
        select(Job).where(Job.company_id == company_id, Job.campaign_settings.is_not(None))
    )
    for job in jobs:
        settings = job.campaign_settings or {}
        ids = settings.get("manager_ids") or []
        if user_id in ids:
            job.campaign_settings = {
                **settings,
                "manager_ids": [i for i in ids if i != user_id],
            }


def delete_user(session: Session, actor: User, user_id: int) -> None:
    """Delete a manager of the actor's company (owner only; never the owner). Their
    sessions end; what they did stays (the references to them become empty: every
    foreign key to users is ``ON DELETE SET NULL``, but sessions and reset links, which
    go with them); they leave the campaigns' permitted managers, and the share links they
    made are revoked."""
    require_owner(actor)
    user = _team_member(session, actor, user_id, lock=True)
    if user.role == "owner" or user.id == actor.id:
        raise Invalid(CANNOT_DELETE_OWNER, details={"user": ""})
    _without_manager(session, actor.company_id, user.id)
    end_user_sessions(session, user.id)
    revoke_links_of_user(session, actor.company_id, user.id)  # before the maker is forgotten
    session.delete(user)
    session.flush()


def transfer_ownership(session: Session, actor: User, user_id: int) -> User:
    """Make an active manager of the actor's company its owner (owner only); the actor
    becomes a manager. Returns the new owner."""
    require_owner(actor)
    # Lock the owner's row and read it again, so two transfers at once cannot both win.
    current = session.scalar(
        select(User)
        .where(User.id == actor.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if current is None or current.role != "owner":
        raise Forbidden(OWNER_ONLY)
    target = _team_member(session, actor, user_id, lock=True)
    if target.id == actor.id or target.role != "manager" or not target.active:
        raise Invalid(TRANSFER_TARGET, details={"user": ""})
    target.role = "owner"
    current.role = "manager"
    session.flush()
    return target
