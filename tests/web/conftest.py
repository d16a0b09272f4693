from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from tests.factories import Factory

DESCRIPTION = """# About the role

We are hiring a **Python** developer to build our *career site*.

| Skill | Level |
|-------|-------|
| Python | Expert |
| SQL | ~~Beginner~~ Good |

<script>alert("xss")</script>

[Our blog](https://blog.example.com) and [a trap](javascript:alert(1)).
"""


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    # Over https-less http the CSRF cookie is not Secure, so the client sends it back.
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Careers")


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(
        company,
        title="Full Stack Developer",
        description=DESCRIPTION,
        city="Paris",
        country="France",
        job_type="CDI",
    )


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form has a CSRF token"
    return match.group(1)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """One headless Chromium per test module (modules using it set
    ``pytestmark = requires_browser`` from tests.web.browser)."""
    from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, sync_playwright

    assert sync_playwright is not None
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
