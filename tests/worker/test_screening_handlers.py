"""What the worker does with new applications and submitted résumé URLs."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from hireloop.config import get_settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.files.models import File
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.outbox.service import emit, relay_outbox
from hireloop.worker import handlers  # noqa: F401 - registers the handlers
from tests.conftest import create_database
from tests.cv_files import make_pdf

CV = make_pdf(
    [
        "Maria Santos",
        "maria.santos@example.com",
        "+63 917 555 0101",
        "",
        "Experience",
        "Senior Python Developer at Acme Corp",
        "Jan 2017 - Present",
        "Built Django and PostgreSQL services.",
        "",
        "Education",
        "University of the Philippines",
        "Bachelor of Science in Computer Science, 2016",
        "",
        "Skills",
        "Python, Django, PostgreSQL, Docker",
    ]
)


class CVServer(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", str(len(CV)))
        self.end_headers()
        self.wfile.write(CV)


@pytest.fixture
def db(monkeypatch, tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HIRELOOP_FETCH_ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    url = create_database(f"hireloop_screening_{os.getpid()}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)  # what the worker's tasks use
    get_settings.cache_clear()
    database = Database(url)
    yield database
    database.dispose()
    get_settings.cache_clear()


def _job_and_candidate(db: Database, **candidate: object) -> tuple[int, int]:
    with db.unit_of_work() as session:
        company = create_company(session, "Screening Co")
        job = create_job(
            session,
            company.id,
            JobData(
                title="Python Developer",
                description="We need a Python developer with Django and PostgreSQL.",
                years_of_experience=3,
                criteria={"mustHave": ["Python", "Django"], "niceToHave": ["Docker"]},
                status="open",
            ),
            Actor.system(),
        )
        person, _ = create_candidate(
            session,
            company.id,
            CandidateData(first_name="Maria", last_name="Santos", **candidate),  # type: ignore[arg-type]
        )
        application, _ = create_application(session, job, person, Actor.system())
        return application.id, person.id


def test_new_applications_are_scored_by_the_worker(db: Database) -> None:
    application_id, _ = _job_and_candidate(
        db,
        email="maria@example.com",
        skills=["Python", "Django", "Docker"],
        current_job_title="Python Developer",
        employment=[
            {"title": "Python Developer", "employer": "Acme", "start": "2015-01", "current": True}
        ],
    )
    with db.unit_of_work() as session:
        assert session.get(Application, application_id).ai_score is None
    relay_outbox(db)
    with db.unit_of_work() as session:
        application = session.get(Application, application_id)
        assert application.ai_score is not None and application.ai_score >= 70
        assert application.ai_breakdown["criteriaMatches"]["skills"] >= 70
        assert application.ai_breakdown["reasons"]
        assert application.ai_summary
        assert "Maria" not in application.ai_summary  # name-blind


def test_imported_leads_are_scored_from_one_event_per_chunk(db: Database) -> None:
    """A CSV import writes one ``intake.leads_created`` event per chunk; relaying it
    scores every application of the chunk, and a second relay changes nothing."""
    from hireloop.domain.companies.models import Company
    from hireloop.domain.intake.service import LEADS_CREATED_EVENT, import_csv
    from hireloop.domain.jobs.models import Job
    from hireloop.domain.outbox.models import OutboxEvent

    application_id, _ = _job_and_candidate(db, email="maria@example.com")
    relay_outbox(db)  # the existing application: scored on its own event
    rows = "".join(f"Lead{i},Person{i},lead{i}@example.com,63,91712345{i:02d},\n" for i in range(5))
    with db.unit_of_work() as session:
        job = session.get(Job, session.get(Application, application_id).job_id)
        company = session.get(Company, job.company_id)
        import_csv(
            session,
            company,
            job,
            ("first name,last name,email,country code,phone number,referee\n" + rows).encode(),
            filename="leads.csv",
            actor=Actor.system(),
            ttl_hours=72,
        )
    with db.unit_of_work() as session:
        imported = session.scalars(
            select(Application)
            .where(Application.job_id == job.id, Application.id != application_id)
            .order_by(Application.id)
        ).all()
        assert len(imported) == 5 and all(a.ai_score is None for a in imported)
        events = session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.company_id == job.company_id, OutboxEvent.status == "pending"
            )
        ).all()
        assert [e.event_type for e in events] == [LEADS_CREATED_EVENT]
        assert events[0].payload["applicationIds"] == [a.id for a in imported]
        # Scored meanwhile (say, by an earlier attempt): left as it is.
        session.get(Application, imported[0].id).ai_score = 1
    assert relay_outbox(db) == 1
    with db.unit_of_work() as session:
        first, *scored = [session.get(Application, a.id) for a in imported]
        assert first.ai_score == 1 and not first.ai_summary
        assert all(a.ai_score is not None and a.ai_breakdown.get("reasons") for a in scored)
        assert all(a.ai_summary for a in scored)
        event = session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.company_id == job.company_id,
                OutboxEvent.event_type == LEADS_CREATED_EVENT,
            )
        ).one()
        assert event.status == "done" and event.attempts == 1


def test_a_resume_url_is_fetched_parsed_and_rescored(db: Database) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CVServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        application_id, candidate_id = _job_and_candidate(db, email="maria.santos@example.com")
        relay_outbox(db)
        with db.unit_of_work() as session:
            before = session.get(Application, application_id).ai_score
            candidate = session.get(Candidate, candidate_id)
            emit(
                session,
                candidate.company_id,
                "candidate.resume_submitted",
                {
                    "candidateId": candidate_id,
                    "url": f"http://127.0.0.1:{server.server_address[1]}/cv.pdf",
                },
            )
        assert relay_outbox(db) == 1  # fetched, stored and parsed by the relay
        with db.unit_of_work() as session:
            candidate = session.get(Candidate, candidate_id)
            assert "Senior Python Developer" in candidate.resume_text
            assert candidate.employment[0]["employer"] == "Acme Corp"
            assert "Django" in candidate.skills
            assert candidate.phone_e164 == "+639175550101"  # filled from the CV
            assert session.scalar(select(File).where(File.candidate_id == candidate_id)) is not None
            after = session.get(Application, application_id).ai_score
        assert after > before
    finally:
        server.shutdown()
