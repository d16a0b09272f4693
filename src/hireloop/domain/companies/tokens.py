"""Access tokens: short-lived bearer tokens issued to an API key (the Talemetry face's
``Authorization: OAUTH <token>``).

A token looks like Talemetry's: ``TGC-`` + the 10-digit Unix time of issue + 19 random
alphanumerics (``TGC-1733155440r2C2BC952A8F9A34CF9``). Only its SHA-256 is stored.
"""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.companies.access import enforce_request_ip
from hireloop.domain.companies.models import AccessToken, ApiKey, Company
from hireloop.domain.companies.service import authenticate_api_key, hash_secret
from hireloop.errors import Forbidden, Unauthorized

TOKEN_PREFIX = "TGC-"  # noqa: S105 - not a secret
# What the token call grants by default, and what onboarding (demo, company create) prints.
DEFAULT_LIFETIME = timedelta(hours=1)
ONBOARDING_LIFETIME = timedelta(days=30)
_ALPHANUMERIC = string.ascii_letters + string.digits
_SUFFIX_LENGTH = 19
# last_used_at is written at most this often per token, so that reads stay reads.
_LAST_USED_RESOLUTION = timedelta(minutes=1)
INVALID_TOKEN = "Invalid or expired access token."  # noqa: S105 - a message


def new_token() -> str:
    stamp = f"{int(utcnow().timestamp()):010d}"
    return (
        TOKEN_PREFIX + stamp + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(_SUFFIX_LENGTH))
    )


def issue_access_token(
    session: Session,
    api_key: ApiKey,
    lifetime: timedelta = DEFAULT_LIFETIME,
    *,
    scope: str = "profiles",
) -> str:
    """A new token for ``api_key``, valid for ``lifetime``. The raw token exists only here.

    The key's expired tokens are deleted on the way, so the table does not grow forever.
    """
    if lifetime <= timedelta(0):
        raise ValueError("lifetime must be positive")
    now = utcnow()
    session.execute(
        delete(AccessToken).where(
            AccessToken.api_key_id == api_key.id, AccessToken.expires_at <= now
        )
    )
    raw = new_token()
    session.add(
        AccessToken(
            company_id=api_key.company_id,
            api_key_id=api_key.id,
            scope=scope,
            token_hash=hash_secret(raw),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return raw


def exchange_client_credentials(
    session: Session,
    client_id: str,
    client_secret: str,
    lifetime: timedelta = DEFAULT_LIFETIME,
    *,
    scope: str = "profiles",
) -> tuple[str, int]:
    """The token call: an API key of ``scope`` (or ``all``) and its secret -> (token, seconds).

    Unauthorized for an unknown, revoked or other-scope key, or a wrong or missing secret
    (one message for all, so the answer tells nothing about which part was wrong);
    Forbidden when the company is inactive.
    """
    try:
        api_key = authenticate_api_key(session, client_id, scope=scope, secret=client_secret)
    except Unauthorized as exc:
        raise Unauthorized("Invalid client credentials.") from exc
    return issue_access_token(session, api_key, lifetime, scope=scope), int(
        lifetime.total_seconds()
    )


def find_access_token(session: Session, raw: str | None) -> AccessToken | None:
    """The stored token ``raw`` (whatever its state), or None."""
    if not raw or not raw.strip():
        return None
    return session.scalar(
        select(AccessToken).where(AccessToken.token_hash == hash_secret(raw.strip()))
    )


def authenticate_access_token(
    session: Session, raw: str | None, scope: str = "profiles"
) -> AccessToken:
    """The live token ``raw`` for ``scope``; Unauthorized otherwise.

    A token dies when it expires and with its API key (revoked, or its scope changed).
    Forbidden when the token is fine but its company is inactive.
    """
    token = find_access_token(session, raw)
    now = utcnow()
    if token is None or token.scope != scope or token.expires_at <= now:
        raise Unauthorized(INVALID_TOKEN)
    api_key = session.get(ApiKey, token.api_key_id)
    if (
        api_key is None
        or not api_key.active
        or api_key.company_id != token.company_id
        or api_key.scope not in (scope, "all")
    ):
        raise Unauthorized(INVALID_TOKEN)
    company = session.get(Company, token.company_id)
    if company is None or not company.active:
        raise Forbidden("Your account is inactive.")
    enforce_request_ip(company)  # the company's IP allow-list, on every face
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token


def token_remaining(session: Session, raw: str | None, api_key_id: int) -> timedelta | None:
    """How long the token ``raw`` of key ``api_key_id`` still lives; None when it is
    unknown, of another key, or expired. Reads only (used by the demo to reuse its token)."""
    token = find_access_token(session, raw)
    if token is None or token.api_key_id != api_key_id:
        return None
    remaining = token.expires_at - utcnow()
    return remaining if remaining > timedelta(0) else None
