"""The values of the message tokens for one application (``tokens.render`` renders them).

- ``candidate_name``: the candidate's first name (messages greet "Hi Ana"), or the full
  name when no first name is known.
- ``access_code``: the application's interview PIN.
- ``referee``: the referrer's name from the lead's ``others`` fields (``referee`` as the
  CSV column, or ``referee_first_name`` + ``referee_last_name`` from the leads API), else
  the candidate's ``referrer_name``.
- ``messenger_interview_link``, ``webdialout``, ``webdialout_skip_confirmation``: links
  under the public base URL to the candidate's interview page
  (``/interview/{application.public_id}``); the pages themselves come with the interview
  engine.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hireloop.config import get_settings
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job


def interview_links(base_url: str, application: Application) -> dict[str, str]:
    """The candidate's interview links: chat, web dial-out, and web dial-out going
    straight to the first question."""
    page = f"{base_url.rstrip('/')}/interview/{application.public_id}"
    return {
        "messenger_interview_link": page,
        "webdialout": f"{page}?mode=web",
        "webdialout_skip_confirmation": f"{page}?mode=web&skip_confirmation=1",
    }


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def referee_name(application: Application, candidate: Candidate) -> str:
    """Who referred the candidate (Employee Referral Program), or ""."""
    others = application.others or {}
    if _text(others.get("referee")):
        return _text(others.get("referee"))
    full = " ".join(
        part
        for part in (
            _text(others.get("referee_first_name")),
            _text(others.get("referee_last_name")),
        )
        if part
    )
    return full or _text(candidate.referrer_name)


def candidate_name(candidate: Candidate) -> str:
    first = _text(candidate.first_name)
    if first:
        return first
    return " ".join(p for p in (_text(candidate.first_name), _text(candidate.last_name)) if p)


def token_values(
    session: Session,
    application: Application,
    *,
    candidate: Candidate | None = None,
    job: Job | None = None,
    company: Company | None = None,
    base_url: str | None = None,
) -> dict[str, str]:
    """Every token's value for ``application`` (objects already loaded may be passed)."""
    candidate = candidate or session.get(Candidate, application.candidate_id)
    job = job or session.get(Job, application.job_id)
    company = company or session.get(Company, application.company_id)
    assert candidate is not None and job is not None and company is not None
    values = {
        "candidate_name": candidate_name(candidate),
        "company": company.name,
        "access_code": application.pin or "",
        "referee": referee_name(application, candidate),
        "job_title": job.title,
    }
    values.update(interview_links(base_url or get_settings().base_url, application))
    return values
