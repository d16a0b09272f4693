"""A candidate as a JSON Resume document (https://jsonresume.org/schema, v1.0.0).

Pure function from a Candidate to a dict. The schema types every field as a string (or a
list/object of them), so unknown values are left out rather than null. Dates follow the
schema's ISO 8601 forms: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a current position has
no ``endDate`` (the schema's convention for "present").
"""

from __future__ import annotations

from typing import Any

from hireloop.domain.candidates.models import Candidate
from hireloop.domain.resumes.hrxml import country_code, hr_date

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
# Link keys that are a personal site (basics.url) rather than a network profile.
_WEBSITE_KEYS = ("portfolio", "website", "site", "homepage", "blog")
_NETWORKS = {
    "linkedin": "LinkedIn",
    "github": "GitHub",
    "gitlab": "GitLab",
    "twitter": "Twitter",
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "stackoverflow": "Stack Overflow",
    "behance": "Behance",
    "dribbble": "Dribbble",
    "medium": "Medium",
}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its None, empty-text and empty-container values."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def iso_date(value: Any) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None for anything else (text, "current")."""
    parsed = hr_date(value)
    if not parsed:
        return None
    for key in ("AnyDate", "YearMonth", "Year"):
        if key in parsed:
            return parsed[key]
    return None


def _profiles(links: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for key, url in (links or {}).items():
        if key in _WEBSITE_KEYS:
            continue
        urls = url if isinstance(url, list) else [url]
        for item in urls:
            text = _text(item)
            if text:
                network = _NETWORKS.get(key.lower(), key if key != "other" else "Other")
                out.append({"network": network, "url": text})
    return out


def _website(links: dict[str, Any]) -> str | None:
    for key in _WEBSITE_KEYS:
        text = _text((links or {}).get(key))
        if text:
            return text
    return None


def _work(item: dict[str, Any]) -> dict[str, Any]:
    return _compact(
        {
            "name": _text(item.get("employer")),
            "position": _text(item.get("title")),
            "location": _text(item.get("location")),
            "startDate": iso_date(item.get("start")),
            "endDate": None if item.get("current") else iso_date(item.get("end")),
            "summary": _text(item.get("description")),
        }
    )


def _education(item: dict[str, Any]) -> dict[str, Any]:
    return _compact(
        {
            "institution": _text(item.get("school")),
            "area": _text(item.get("major")),
            "studyType": _text(item.get("degree")),
            "startDate": iso_date(item.get("start")),
            "endDate": iso_date(item.get("end")),
        }
    )


def json_resume(candidate: Candidate) -> dict[str, Any]:
    """The candidate as a JSON Resume: basics, work, education, skills, languages, meta."""
    c = candidate
    links = c.links or {}
    stamp = c.updated_at or c.created_at
    basics = _compact(
        {
            "name": c.full_name or None,
            "label": _text(c.current_job_title),
            "email": c.email or None,
            "phone": c.phone_e164 or _text(c.phone),
            "url": _website(links),
            "summary": _text(c.summary),
            "location": _compact(
                {
                    "city": _text(c.city),
                    "region": _text(c.state),
                    "countryCode": country_code(c.country),
                }
            ),
            "profiles": _profiles(links),
        }
    )
    resume: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "basics": basics,
        "work": [w for w in (_work(i) for i in c.employment or []) if w],
        "education": [e for e in (_education(i) for i in c.education or []) if e],
        "skills": [{"name": _text(s)} for s in c.skills or [] if _text(s)],
        "languages": [{"language": _text(x)} for x in c.languages or [] if _text(x)],
        "meta": _compact(
            {
                "version": "v1.0.0",
                "lastModified": stamp.replace(microsecond=0).isoformat() if stamp else None,
            }
        ),
    }
    return resume
