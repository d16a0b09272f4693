"""Factories: companies, keys, jobs, candidates and applications through the services."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_api_key, create_company
from hireloop.domain.jobs.models import Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job

_seq = itertools.count(1)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def company(self, name: str | None = None, **kwargs: Any) -> Company:
        company = create_company(self.session, name or f"Company {next(_seq)}", **kwargs)
        self.session.commit()
        return company

    def api_key(self, company: Company, scope: str = "partner", **kwargs: Any) -> str:
        issued = create_api_key(self.session, company.id, name="test", scope=scope, **kwargs)
        self.session.commit()
        return issued.key

    def job(self, company: Company, **fields: Any) -> Job:
        data = {"title": f"Job {next(_seq)}", "city": "Manila", "country": "Philippines"}
        data.update(fields)
        data.setdefault("status", "open")
        job = create_job(self.session, company.id, JobData(**data), Actor.system())
        self.session.commit()
        return job

    def candidate(self, company: Company, **fields: Any) -> Candidate:
        n = next(_seq)
        data = {"first_name": "Ana", "last_name": f"Cruz{n}", "email": f"ana{n}@example.com"}
        data.update(fields)
        candidate, _ = create_candidate(self.session, company.id, CandidateData(**data))
        self.session.commit()
        return candidate

    def application(self, job: Job, candidate: Candidate, **fields: Any) -> Application:
        application, _ = create_application(self.session, job, candidate, Actor.system(), **fields)
        self.session.commit()
        return application
