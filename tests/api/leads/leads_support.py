"""Helpers of the campaign-invitation (lead) tests: a tenant with a Leads API key and a
campaign, and a lead created through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_api_key
from hireloop.domain.jobs.models import Job
from tests.factories import Factory

P = "/api/talkpush_services"


@dataclass
class Tenant:
    company: Company
    key: str
    secret: str
    job: Job


def make_tenant(
    factory: Factory, session: Session, name: str = "Acme BPO", *, with_secret: bool = True
) -> Tenant:
    """A company with a job and a leads key; the key has a secret unless ``with_secret`` is
    False (``secret`` is then '')."""
    company = factory.company(name, default_country="PH")
    issued = create_api_key(
        session, company.id, name="leads", scope="leads", with_secret=with_secret
    )
    session.commit()
    job = factory.job(company, title=f"{name} Customer Service", status="active")
    return Tenant(company, issued.key, issued.secret or "", job)


def new_lead(
    client: TestClient, tenant: Tenant, job: Job | None = None, **fields: Any
) -> dict[str, Any]:
    """A lead created with the v2 JSON body; returns the ``campaign_invitation``."""
    body: dict[str, Any] = {"first_name": "Maria", "last_name": "Santos"}
    body.update(fields)
    r = client.post(
        f"{P}/campaigns/{(job or tenant.job).id}/campaign_invitations",
        params={"api_key": tenant.key, **({"api_secret": tenant.secret} if tenant.secret else {})},
        json={"campaign_invitation": body},
    )
    assert r.status_code == 200, r.text
    return r.json()["campaign_invitation"]  # type: ignore[no-any-return]
