"""A new company with everything it needs to start: an owner and one key per API face."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_api_key, create_company, create_user


def issue_face_keys(session: Session, company_id: int, environment: str) -> dict[str, str]:
    """One key per face; the Talkpush face also gets a secret. Raw values, shown once."""
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
    return {
        "partner_api_key": partner.key,
        "career_api_key": career.key,
        "talkpush_api_key": leads.key,
        "talkpush_api_secret": leads.secret,
    }


def onboard_company(
    session: Session,
    name: str,
    *,
    owner_email: str | None = None,
    owner_password: str | None = None,
    environment: str = "live",
    default_country: str | None = None,
) -> tuple[Company, dict[str, Any]]:
    """Create a company, its owner and its keys; returns the credentials to show once."""
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
    }
    return company, credentials
