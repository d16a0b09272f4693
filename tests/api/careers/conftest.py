from __future__ import annotations

from typing import Any

import pytest

from tests.cv_files import make_pdf
from tests.factories import Factory


@pytest.fixture
def company(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.company("Acme")


@pytest.fixture
def key(factory: Factory, company) -> str:  # type: ignore[no-untyped-def]
    return factory.api_key(company, scope="career")


@pytest.fixture
def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


@pytest.fixture
def job(factory: Factory, company):  # type: ignore[no-untyped-def]
    return factory.job(
        company,
        title="Full Stack Developer",
        description="# About the role\n\nWe are hiring a **Python** developer.",
        city="Paris",
        country="France",
        job_type="CDI",
    )


def cv_lines(
    first: str = "Jean", last: str = "Dupont", email: str = "jean.dupont@example.com"
) -> list[str]:
    return [
        f"{first} {last}",
        email,
        "+33 1 23 45 67 89",
        "",
        "Experience",
        "Full Stack Developer at Doctolib",
        "Jan 2019 - Present",
        "Python, FastAPI, React, PostgreSQL",
        "",
        "Education",
        "Universite Paris-Saclay",
        "Master in Computer Science, 2018",
        "",
        "Skills",
        "Python, JavaScript, React, PostgreSQL, Docker",
    ]


CV_PDF = make_pdf(cv_lines())


def form_fields(job_offer_id_: str, **overrides: Any) -> dict[str, str]:
    fields = {
        "job_offer_id": job_offer_id_,
        "first_name": "Jean",
        "last_name": "Dupont",
        "email": "jean.dupont@example.com",
        "phone": "+33123456789",
        "linkedin_url": "https://linkedin.com/in/jeandupont",
        "cover_letter": "Je suis motive par ce poste et disponible rapidement.",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def hold_apply_turns(client):  # type: ignore[no-untyped-def]
    """Takes every apply turn of the app's process, as that many applies under way would;
    returns what gives them back."""
    limiter = client.app.state.apply_limiter
    holders = [object() for _ in range(client.app.state.settings.career_apply_concurrency)]
    for holder in holders:
        client.portal.call(limiter.acquire_on_behalf_of, holder)

    def release() -> None:
        for holder in holders:
            client.portal.call(limiter.release_on_behalf_of, holder)

    return release
