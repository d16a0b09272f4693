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
from hireloop.worker.queue import huey
from hireloop.worker.tasks import read_candidate_resume
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
        pending = huey.pending_count()
        relay_outbox(db)
        assert huey.pending_count() == pending + 1  # handed to the task queue
        url = f"http://127.0.0.1:{server.server_address[1]}/cv.pdf"
        assert read_candidate_resume.call_local(candidate_id, url) is True
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
