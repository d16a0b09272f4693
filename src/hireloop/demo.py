"""Demo data: one company with users, jobs and candidates. Idempotent."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import get_settings
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application, move_application
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.models import ApiKey, Company
from hireloop.domain.companies.onboarding import (
    career_page_url,
    issue_face_keys,
    issue_profiles_key,
    onboard_company,
    profiles_credentials,
)
from hireloop.domain.companies.service import create_user, hash_secret, revoke_api_key
from hireloop.domain.companies.tokens import (
    ONBOARDING_LIFETIME,
    issue_access_token,
    token_remaining,
)
from hireloop.domain.jobs.models import Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.library import create_quick_reply

DEMO_SLUG = "acme-recruiting"
ADMIN_EMAIL = "admin@acme.example.com"

JOBS = [
    JobData(
        title="Customer Support Representative",
        description="# About the role\n\nHelp our customers by phone and chat.\n\n"
        "## You have\n\n- Excellent English\n- 1+ year in a contact center\n",
        city="Manila",
        state="Metro Manila",
        country="Philippines",
        job_type="Full-time",
        status="open",
        years_of_experience=1,
        criteria={"mustHave": ["English"], "niceToHave": ["BPO experience"], "bonus": ["Tagalog"]},
    ),
    JobData(
        title="Full Stack Developer",
        description="# About the role\n\nWe are hiring a full stack developer (Python, TypeScript).\n",
        city="Paris",
        state="Île-de-France",
        country="France",
        job_type="CDI",
        work_mode="HYBRID",
        status="open",
        years_of_experience=3,
    ),
    JobData(
        title="Recruitment Coordinator",
        description="# About the role\n\nSchedule interviews and keep candidates informed.\n",
        city="Singapore",
        state="Singapore",
        country="Singapore",
        job_type="Full-time",
        status="draft",
    ),
]

# (title, content): the recruiters' canned answers (Talkpush "Quick Replies").
QUICK_REPLIES = [
    (
        "Interview reminder",
        "Hi @candidate_name, this is @company. Your interview for @job_title is waiting: "
        "@messenger_interview_link (access code @access_code).",
    ),
    ("Thank you", "Thank you @candidate_name, we received your application to @job_title."),
]

CANDIDATES = [
    ("Maria", "Santos", "maria.santos@example.com", "+639171234567", "Manila", "Philippines"),
    ("Jean", "Dupont", "jean.dupont@example.com", "+33123456789", "Paris", "France"),
    ("Éloïse", "Martin", "eloise.martin@example.com", "+33612345678", "Lyon", "France"),
    ("Arjun", "Mehta", "arjun.mehta@example.com", "+919812345678", "Pune", "India"),
    ("Siti", "Rahman", "siti.rahman@example.com", "+6591234567", "Singapore", "Singapore"),
]


def _credentials_file(data_dir: Path) -> Path:
    return data_dir / "demo-credentials.json"


def ensure_demo(
    session: Session, data_dir: Path, environment: str = "test", base_url: str | None = None
) -> dict[str, Any]:
    """Create the demo company on first run; later runs return the same credentials.

    Raw keys are never stored in the database, so the demo keeps them in a private file
    under the data dir. If that file is lost, the demo keys are rotated. A file written
    before the profiles face existed (no ``profiles_*`` fields), or whose profiles token
    has expired or is about to, gets them (re)issued and is rewritten. So does a file
    without ``career_page_url`` (or with one for another ``base_url``; default: the
    ``base_url`` setting).
    """
    path = _credentials_file(data_dir)
    base_url = base_url or get_settings().base_url
    company = session.scalar(select(Company).where(Company.slug == DEMO_SLUG))
    if company is not None and path.exists():
        stored = json.loads(path.read_text())
        if stored.get("company_id") == company.id:
            changed = _refresh_profiles_credentials(session, company.id, stored, environment)
            page_url = career_page_url(base_url, company.slug)
            if stored.get("career_page_url") != page_url:
                stored["career_page_url"] = page_url
                changed = True
            if changed:
                session.flush()
                _write_credentials(path, stored)
            return stored
    if company is None:
        company, credentials = onboard_company(
            session,
            "Acme Recruiting",
            owner_email=ADMIN_EMAIL,
            owner_password=secrets.token_urlsafe(9),
            environment=environment,
            default_country="PH",
            base_url=base_url,
        )
        create_user(
            session,
            company.id,
            email="manager@acme.example.com",
            name="Morgan Manager",
            password=credentials["admin_password"],
            role="manager",
        )
        _seed_jobs_and_candidates(session, company.id)
        for title, content in QUICK_REPLIES:
            create_quick_reply(session, company.id, title=title, content=content)
    else:
        # Credentials file lost: rotate the face keys, and reset the admin password.
        from hireloop.domain.companies.models import User
        from hireloop.domain.companies.service import hash_password

        for key in session.scalars(select(ApiKey).where(ApiKey.company_id == company.id)):
            if key.active:
                revoke_api_key(session, company.id, key.id)
        admin = session.scalar(select(User).where(User.email == ADMIN_EMAIL))
        password = secrets.token_urlsafe(9)
        if admin is not None:
            admin.password_hash = hash_password(password)
        credentials = {
            "company_id": company.id,
            "company_slug": company.slug,
            **issue_face_keys(session, company.id, environment),
            "admin_email": ADMIN_EMAIL,
            "admin_password": password,
            "career_page_url": career_page_url(base_url, company.slug),
        }
    credentials["job_ids"] = list(
        session.scalars(select(Job.id).where(Job.company_id == company.id).order_by(Job.id))
    )
    session.flush()
    _write_credentials(path, credentials)
    return credentials


# A stored demo token with less than this left is replaced by a new one.
_TOKEN_REFRESH_MARGIN = timedelta(days=1)


def _refresh_profiles_credentials(
    session: Session, company_id: int, stored: dict[str, Any], environment: str
) -> bool:
    """Make ``stored`` hold a live profiles key, secret and token; True if it changed."""
    client_id = stored.get("profiles_client_id")
    key = None
    if isinstance(client_id, str) and isinstance(stored.get("profiles_client_secret"), str):
        key = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(client_id)))
        secret_ok = key is not None and key.secret_hash == hash_secret(
            stored["profiles_client_secret"]
        )
        if key is None or not key.active or key.company_id != company_id or not secret_ok:
            key = None
    if key is None:
        stored.update(
            profiles_credentials(session, issue_profiles_key(session, company_id, environment))
        )
        return True
    remaining = token_remaining(session, stored.get("profiles_token"), key.id)
    if remaining is not None and remaining > _TOKEN_REFRESH_MARGIN:
        return False
    stored["profiles_token"] = issue_access_token(session, key, ONBOARDING_LIFETIME)
    return True


def _write_credentials(path: Path, credentials: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(credentials, fh, indent=2)


def _seed_jobs_and_candidates(session: Session, company_id: int) -> None:
    actor = Actor.system()
    jobs = [create_job(session, company_id, data, actor) for data in JOBS]
    for i, (first, last, email, phone, city, country) in enumerate(CANDIDATES):
        candidate, _ = create_candidate(
            session,
            company_id,
            CandidateData(
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                city=city,
                country=country,
                source="demo",
                skills=["Customer service", "English"] if i % 2 == 0 else ["Python", "SQL"],
            ),
        )
        job = jobs[i % 2]
        application, _ = create_application(session, job, candidate, actor, source="demo")
        if i == 1:
            move_application(session, application, "shortlisted", actor, reason="Strong profile")
