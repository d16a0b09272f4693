"""A new company with everything it needs to start: an owner and one key per API face."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from hireloop.config import get_settings
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import (
    IssuedKey,
    create_api_key,
    create_company,
    create_user,
)
from hireloop.domain.companies.tokens import ONBOARDING_LIFETIME, issue_access_token


def career_page_url(base_url: str, slug: str) -> str:
    """The company's hosted career page (``/careers/{slug}``), from the server's public URL."""
    return f"{base_url.rstrip('/')}/careers/{slug}"


def issue_profiles_key(session: Session, company_id: int, environment: str) -> IssuedKey:
    """The Talemetry profiles face's API user: client ID (the key) and secret."""
    return create_api_key(
        session,
        company_id,
        name="Talemetry profiles API",
        scope="profiles",
        with_secret=True,
        environment=environment,
    )


def profiles_credentials(session: Session, issued: IssuedKey) -> dict[str, str]:
    """Client ID, secret and a ready token (valid ``ONBOARDING_LIFETIME``) for one key."""
    assert issued.secret is not None
    return {
        "profiles_client_id": issued.key,
        "profiles_client_secret": issued.secret,
        "profiles_token": issue_access_token(session, issued.api_key, ONBOARDING_LIFETIME),
    }


def issue_face_keys(session: Session, company_id: int, environment: str) -> dict[str, str]:
    """One key per face; the Talkpush and Talemetry faces also get a secret, and the
    Talemetry face a ready access token. Raw values, shown once."""
    partner = create_api_key(
        session, company_id, name="Partner API", scope="partner", environment=environment
    )
    career = create_api_key(
        session, company_id, name="Career site", scope="career", environment=environment
    )
    leads = create_api_key(
        session,
        company_id,
        name="Talkpush leads API",
        scope="leads",
        with_secret=True,
        environment=environment,
    )
    assert leads.secret is not None
    profiles = issue_profiles_key(session, company_id, environment)
    return {
        "partner_api_key": partner.key,
        "career_api_key": career.key,
        "talkpush_api_key": leads.key,
        "talkpush_api_secret": leads.secret,
        **profiles_credentials(session, profiles),
    }


def onboard_company(
    session: Session,
    name: str,
    *,
    owner_email: str | None = None,
    owner_password: str | None = None,
    environment: str = "live",
    default_country: str | None = None,
    base_url: str | None = None,
) -> tuple[Company, dict[str, Any]]:
    """Create a company, its owner and its keys; returns the credentials to show once.

    ``career_page_url`` is built from ``base_url`` (default: the ``base_url`` setting)."""
    company = create_company(session, name, default_country=default_country)
    email = owner_email or f"owner@{company.slug}.example.com"
    password = owner_password or secrets.token_urlsafe(12)
    owner = create_user(
        session, company.id, email=email, name="Owner", password=password, role="owner"
    )
    credentials: dict[str, Any] = {
        "company_id": company.id,
        "company_slug": company.slug,
        **issue_face_keys(session, company.id, environment),
        "admin_email": owner.email,
        "admin_password": password,
        "job_ids": [],
        "career_page_url": career_page_url(base_url or get_settings().base_url, company.slug),
    }
    return company, credentials
