"""A decompression-bomb PDF sent through the public career page's apply form (no account
needed): the form says the CV cannot be read, and the server process does not grow."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from tests.pdf_bomb import flate_bomb_pdf, pdf_limits, peak_rss_growth  # noqa: F401
from tests.web.test_career_pages import post_apply


def test_a_pdf_bomb_gets_the_unreadable_message(
    client: TestClient,
    session: Session,
    company: Company,
    job: Job,
    pdf_limits,  # noqa: F811
) -> None:
    pdf_limits(memory_mb=256)
    bomb = flate_bomb_pdf(600)  # a 0.6 MB file; 600 MB once inflated
    with peak_rss_growth() as growth:
        r = post_apply(client, company, job, cv=("cv.pdf", bomb, "application/pdf"))
    assert r.status_code == 400
    assert "We could not read the text of your CV." in r.text
    assert growth.megabytes < 100, f"the server process grew by {growth.megabytes:.0f} MB"
    assert session.scalars(select(Application)).all() == []
    assert post_apply(client, company, job).status_code == 303  # a fresh reader
