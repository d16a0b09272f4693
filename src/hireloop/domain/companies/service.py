"""Companies, users and API keys."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.candidates.identity import name_key, normalize_email
from hireloop.domain.companies.access import enforce_request_ip
from hireloop.domain.companies.models import ApiKey, Company, User
from hireloop.errors import Forbidden, Invalid, NotFound, Unauthorized

KEY_SCOPES = ("partner", "career", "leads", "profiles", "all")
_BASE62 = string.ascii_letters + string.digits
_hasher = PasswordHasher()
# last_used_at is written at most this often per key, so that reads stay reads.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    """SHA-256 of a high-entropy secret (API keys): fast to look up, useless if leaked."""
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-")
    return slug[:100] or "company"


def create_company(session: Session, name: str, *, default_country: str | None = None) -> Company:
    name = " ".join(name.split())
    if not name:
        raise Invalid("Company name is required.", details={"name": "is required"})
    if default_country is not None:
        default_country = default_country.strip().upper()
        if default_country not in phonenumbers.SUPPORTED_REGIONS:
            raise Invalid(
                "Unknown country.",
                details={"country": "must be an ISO 3166 alpha-2 code such as PH or FR"},
            )
    base = slugify(name)
    slug, n = base, 1
    while session.scalar(select(func.count()).where(Company.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    company = Company(name=name, slug=slug, default_country=default_country, settings={})
    session.add(company)
    session.flush()
    return company


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("Company not found.")
    return company


def set_company_active(session: Session, company_id: int, *, active: bool) -> Company:
    """An inactive company's keys are refused (403) until it is reactivated."""
    company = get_company(session, company_id)
    company.active = active
    return company


def create_user(
    session: Session,
    company_id: int,
    *,
    email: str,
    name: str,
    password: str | None,
    role: str = "manager",
    language: str = "en",
) -> User:
    if role not in ("owner", "manager"):
        raise Invalid("Unknown role.", details={"role": "must be owner or manager"})
    normalized = normalize_email(email)
    if not normalized:
        raise Invalid("Email is required.", details={"email": "is required"})
    if session.scalar(select(User.id).where(User.email == normalized)):
        raise Invalid("A user with this email already exists.", details={"email": "is taken"})
    user = User(
        company_id=company_id,
        email=normalized,
        name=name,
        role=role,
        language=language,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate_user(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        return None
    return user


@dataclass
class IssuedKey:
    """A key as issued: the raw key (and secret) exist only here, shown once."""

    api_key: ApiKey
    key: str
    secret: str | None


def create_api_key(
    session: Session,
    company_id: int,
    *,
    name: str,
    scope: str = "all",
    with_secret: bool = False,
    environment: str = "live",
    created_by_user_id: int | None = None,
) -> IssuedKey:
    if scope not in KEY_SCOPES:
        raise Invalid(
            "Unknown scope.", details={"scope": f"must be one of {', '.join(KEY_SCOPES)}"}
        )
    if environment not in ("live", "test"):
        raise Invalid("Unknown environment.", details={"environment": "must be live or test"})
    raw = f"sk_{environment}_" + "".join(secrets.choice(_BASE62) for _ in range(22))
    secret = secrets.token_urlsafe(24) if with_secret else None
    api_key = ApiKey(
        company_id=company_id,
        name=name,
        scope=scope,
        key_hash=hash_secret(raw),
        key_prefix=raw[:12],
        secret_hash=hash_secret(secret) if secret else None,
        created_by_user_id=created_by_user_id,
    )
    session.add(api_key)
    session.flush()
    return IssuedKey(api_key=api_key, key=raw, secret=secret)


# Every API call looks its key up: the statement is built once (building it and its cache
# key again cost ~0.1 ms a call).
_KEY_BY_HASH = select(ApiKey).where(ApiKey.key_hash == bindparam("key_hash"))


def authenticate_api_key(
    session: Session, raw_key: str | None, *, scope: str, secret: str | None = None
) -> ApiKey:
    """The active key ``raw_key`` for the face ``scope``; Unauthorized otherwise.

    Forbidden when the key is fine but its company is inactive. When ``secret`` is given
    (the Talkpush face), it must match the key's secret.
    """
    if not raw_key or not raw_key.strip():
        raise Unauthorized("Missing API key.")
    # Looked up by hash, so no comparison of the secret value itself is timing-dependent.
    api_key = session.scalar(_KEY_BY_HASH, {"key_hash": hash_secret(raw_key.strip())})
    return check_api_key(api_key, scope=scope, secret=secret)


def check_api_key(api_key: ApiKey | None, *, scope: str, secret: str | None = None) -> ApiKey:
    """``authenticate_api_key``'s checks of the key found by the hash of the one sent (None:
    no such key), for a caller that looked it up itself (with more in the same query)."""
    if api_key is None or not api_key.active or api_key.scope not in (scope, "all"):
        raise Unauthorized("Invalid API key.")
    if secret is not None and (
        api_key.secret_hash is None
        or not hmac.compare_digest(api_key.secret_hash, hash_secret(secret))
    ):
        raise Unauthorized("Invalid API secret.")
    company = api_key.company
    if not company.active:
        raise Forbidden("Your account is inactive.")
    enforce_request_ip(company)  # the company's IP allow-list, on every face
    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at > _LAST_USED_RESOLUTION:
        api_key.last_used_at = now
    return api_key


def list_api_keys(session: Session, company_id: int) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.company_id == company_id).order_by(ApiKey.id))
    )


def revoke_api_key(session: Session, company_id: int | None, key_id: int) -> ApiKey:
    stmt = select(ApiKey).where(ApiKey.id == key_id)
    if company_id is not None:
        stmt = stmt.where(ApiKey.company_id == company_id)
    api_key = session.scalar(stmt)
    if api_key is None:
        raise NotFound("API key not found.")
    api_key.active = False
    api_key.revoked_at = api_key.revoked_at or utcnow()
    return api_key
