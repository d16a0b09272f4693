"""The default texts of the emails hireloop sends (campaign templates can replace them)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


_TEXTS = {
    "confirmation": (
        "We received your application: {job}",
        "Hello {name},\n\nThank you for applying to {job} at {company}. We have received your "
        "application and will get back to you.\n\nBest regards,\n{company}",
    ),
    "rejection": (
        "Your application: {job}",
        "Hello {name},\n\nThank you for your interest in {job} at {company}. After reviewing "
        "your application, we will not move forward with it at this time.\n\nWe wish you the "
        "best in your search.\n{company}",
    ),
}


def render(kind: str, *, candidate: Any, job: Any, company: Any) -> Rendered:
    subject, body = _TEXTS[kind]
    values = {
        "name": candidate.first_name or "there",
        "job": job.title,
        "company": company.name,
    }
    text = body.format(**values)
    safe = {k: escape(v) for k, v in values.items()}
    html = "".join(f"<p>{line}</p>" for line in body.format(**safe).split("\n\n"))
    return Rendered(subject=subject.format(**values), text=text, html=html.replace("\n", "<br>"))
