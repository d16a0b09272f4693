"""Bulk résumé batches, end to end: the API creates the batch, a real `hireloop worker`
process fetches the files from a local web server (through the SSRF guard), parses them in
parallel and reports progress; events go to the outbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.db import Database, get_database
from hireloop.domain.actor import Actor
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_api_key, create_company
from hireloop.domain.files.models import File
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.outbox.models import OutboxEvent
from tests.conftest import create_database
from tests.cv_files import make_docx, make_pdf


def cv_lines(first: str, last: str, email: str, employer: str) -> list[str]:
    return [
        f"{first} {last}",
        email,
        "+63 917 123 4567",
        "",
        "Experience",
        f"Customer Service Representative at {employer}",
        "Jan 2020 - Present",
        "",
        "Education",
        "University of the Philippines",
        "Bachelor of Arts in Communication, 2019",
        "",
        "Skills",
        "Zendesk, Customer service, English",
    ]


FILES = {
    "/ana.pdf": make_pdf(cv_lines("Ana", "Reyes", "ana.reyes@example.com", "Concentrix")),
    "/ben.docx": make_docx(cv_lines("Ben", "Santos", "ben.santos@example.com", "Teleperformance")),
    "/not-a-cv.pdf": b"%PDF-1.7\nnothing readable here\n%%EOF",
}


class Files(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        body = FILES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def file_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database of its own, the app on it, and a `hireloop worker` process on it."""
    url = create_database(f"hireloop_bulk_{os.getpid()}")
    data_dir = tmp_path / "data"
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Bulk Co", default_country="PH")
        other = create_company(session, "Other Co")
        key = create_api_key(session, company.id, name="t", scope="partner").key
        other_key = create_api_key(session, other.id, name="t", scope="partner").key
        job = create_job(session, company.id, JobData(title="CSR", status="open"), Actor.system())
        job_id = job.id
    env = {
        **os.environ,
        "HIRELOOP_DATABASE_URL": url,
        "HIRELOOP_DATA_DIR": str(data_dir),
        "HIRELOOP_FETCH_ALLOW_LOOPBACK": "true",
        "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2",
    }
    env.pop("HIRELOOP_REDIS_URL", None)
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "hireloop", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    app = create_app(Settings(database_url=url, data_dir=data_dir))
    try:
        with TestClient(app) as client:
            yield {
                "client": client,
                "db": db,
                "auth": {"Authorization": f"Bearer {key}"},
                "other_auth": {"Authorization": f"Bearer {other_key}"},
                "job_id": job_id,
                "data_dir": data_dir,
                "log_path": log_path,
            }
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        db.dispose()
        get_database(url).dispose()  # the app's pooled connections to this database


def wait_done(live: dict, batch_id: int) -> dict:  # type: ignore[type-arg]
    """The batch once finished; on time-out, the worker's log explains why."""
    client, auth = live["client"], live["auth"]
    deadline = time.monotonic() + 60
    while True:
        r = client.get(f"/v1/partner/candidates/batch/{batch_id}?perPage=20", headers=auth)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        if data["status"] in ("COMPLETED", "FAILED"):
            return data
        if time.monotonic() > deadline:
            worker_log = live["log_path"].read_text()[-4000:]
            raise AssertionError(f"batch not done: {data}\n{worker_log}")
        time.sleep(0.2)


def test_urls_are_fetched_parsed_and_reported(live, file_server):
    client, auth = live["client"], live["auth"]
    urls = [
        f"{file_server}/ana.pdf",
        f"{file_server}/ben.docx",
        f"{file_server}/not-a-cv.pdf",
        f"{file_server}/missing.pdf",
        f"{file_server}/to-metadata",
    ]
    r = client.post("/v1/partner/candidates/bulk/resume", json={"resumeURLs": urls}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["success"] is True
    batch_id = r.json()["data"]["batchId"]
    assert r.json()["data"]["fileCount"] == 5

    data = wait_done(live, batch_id)
    assert data["status"] == "COMPLETED"
    assert (data["fileCount"], data["processedCount"]) == (5, 5)
    assert (data["successCount"], data["failedCount"]) == (2, 3)
    files = {f["resumeURL"].rsplit("/", 1)[-1]: f for f in data["files"]}
    assert files["ana.pdf"]["status"] == "PARSED" and files["ana.pdf"]["candidateId"]
    assert files["ben.docx"]["status"] == "PARSED"
    assert files["not-a-cv.pdf"]["error"].startswith("Failed to extract text from CV")
    assert "HTTP 404" in files["missing.pdf"]["error"]
    assert "private or internal" in files["to-metadata"]["error"]

    # The parsed candidates, with their CVs stored.
    r = client.get(f"/v1/partner/candidates/{files['ana.pdf']['candidateId']}", headers=auth)
    ana = r.json()["data"]
    assert (ana["firstName"], ana["lastName"], ana["email"]) == (
        "Ana",
        "Reyes",
        "ana.reyes@example.com",
    )
    assert ana["phoneE164"] == "+639171234567"
    assert ana["workExperiences"][0]["companyName"] == "Concentrix"
    assert "Zendesk" in ana["skills"]
    with live["db"].unit_of_work() as session:
        cv = session.scalar(select(File).where(File.candidate_id == ana["id"], File.kind == "cv"))
        assert cv is not None and cv.size == len(FILES["/ana.pdf"])
        assert (live["data_dir"] / "files" / cv.storage_key).exists()
        events = session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type.like("resume.bulk_upload_parse.%"))
        ).all()
        kinds = {e.event_type: e.payload for e in events}
        assert kinds["resume.bulk_upload_parse.started"] == {
            "batchId": batch_id,
            "fileCount": 5,
            "jobId": None,
        }
        assert kinds["resume.bulk_upload_parse.completed"] == {
            "batchId": batch_id,
            "status": "COMPLETED",
            "fileCount": 5,
            "successCount": 2,
            "failedCount": 3,
            "jobId": None,
        }

    # Another company sees nothing of it.
    r = client.get(f"/v1/partner/candidates/batch/{batch_id}", headers=live["other_auth"])
    assert r.status_code == 404


def test_uploaded_files_into_a_job_become_job_candidates(live):
    client, auth, job_id = live["client"], live["auth"], live["job_id"]
    files = [
        ("resumes", ("ana.pdf", FILES["/ana.pdf"], "application/pdf")),
        ("resumes", ("ben.docx", FILES["/ben.docx"], "application/octet-stream")),
    ]
    r = client.post(
        "/v1/partner/job-candidates/bulk/resume",
        data={"jobId": str(job_id)},
        files=files,
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["jobId"] == job_id
    data = wait_done(live, r.json()["data"]["batchId"])
    assert data["successCount"] == 2
    assert all(f["jobCandidateId"] for f in data["files"])
    listed = client.get(f"/v1/partner/job-candidates/job/{job_id}/candidates", headers=auth).json()
    emails = {c["candidate_details"]["email"] for c in listed["data"]["jobCandidates"]}
    assert emails == {"ana.reyes@example.com", "ben.santos@example.com"}
    with live["db"].unit_of_work() as session:
        # The uploaded bytes were only kept until parsed; the CVs stay.
        assert not session.scalars(select(File).where(File.kind == "batch_upload")).all()
        assert session.scalars(select(Candidate)).all()


def test_the_same_cv_twice_is_the_same_candidate(live, file_server):
    client, auth = live["client"], live["auth"]
    url = f"{file_server}/ana.pdf"
    r = client.post(
        "/v1/partner/candidates/bulk/resume", json={"resumeURLs": [url, url]}, headers=auth
    )
    data = wait_done(live, r.json()["data"]["batchId"])
    assert data["successCount"] == 2
    ids = {f["candidateId"] for f in data["files"]}
    assert len(ids) == 1


def test_a_file_naming_nobody_makes_no_candidate(live):
    """Text that says neither who nor how to reach them ("hello", a bare skills list) is
    not a candidate: the file FAILS with its reason and nothing is created."""
    client, auth, job_id = live["client"], live["auth"], live["job_id"]
    before = snapshot(live)
    files = [
        ("resumes", ("hello.txt", b"hello", "text/plain")),
        ("resumes", ("skills.txt", b"Skills: Python, SQL\n", "text/plain")),
        ("resumes", ("ana.pdf", FILES["/ana.pdf"], "application/pdf")),
    ]
    r = client.post(
        "/v1/partner/job-candidates/bulk/resume",
        data={"jobId": str(job_id)},
        files=files,
        headers=auth,
    )
    assert r.status_code == 200, r.text
    data = wait_done(live, r.json()["data"]["batchId"])
    assert data["status"] == "COMPLETED"
    assert (data["successCount"], data["failedCount"]) == (1, 2)
    by_name = {f["fileName"]: f for f in data["files"]}
    for name in ("hello.txt", "skills.txt"):
        assert by_name[name]["status"] == "FAILED"
        assert by_name[name]["error"] == "Failed to parse CV: no name or email address found in it"
        assert by_name[name]["candidateId"] is None
        assert by_name[name]["jobCandidateId"] is None
    assert by_name["ana.pdf"]["status"] == "PARSED"
    candidates, cvs = snapshot(live)
    assert candidates - before[0] == {by_name["ana.pdf"]["candidateId"]}
    assert len(cvs - before[1]) == 1  # ana's CV only
    with live["db"].unit_of_work() as session:
        # The failed files' uploaded bytes are gone too.
        assert not session.scalars(select(File).where(File.kind == "batch_upload")).all()


def snapshot(live: dict) -> tuple[set[int], set[int]]:  # type: ignore[type-arg]
    """The ids of all candidates and of all stored CVs."""
    with live["db"].unit_of_work() as session:
        return (
            set(session.scalars(select(Candidate.id))),
            set(session.scalars(select(File.id).where(File.kind == "cv"))),
        )


def test_a_batch_of_files_naming_nobody_fails(live):
    client, auth = live["client"], live["auth"]
    before = snapshot(live)
    r = client.post(
        "/v1/partner/candidates/bulk/resume",
        files=[("resumes", ("hello.txt", b"hello", "text/plain"))],
        headers=auth,
    )
    data = wait_done(live, r.json()["data"]["batchId"])
    assert data["status"] == "FAILED"
    assert data["files"][0]["error"] == "Failed to parse CV: no name or email address found in it"
    assert snapshot(live) == before
