"""The seed's curl examples, verbatim (only the host, the key and the CV path substituted),
and a Node 20 fetch + FormData client like the seed's Next.js proxy, against a live uvicorn
server on 127.0.0.1 with its own database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.audit.models import ApiLog
from hireloop.domain.companies.service import create_api_key, create_company
from hireloop.domain.jobs.models import Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.api.careers.conftest import cv_lines
from tests.conftest import create_database
from tests.cv_files import make_pdf
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parents[3]
SEED_OFFER_ID = "550e8400-e29b-41d4-a716-446655440000"

# --- The seed's examples, character for character ------------------------------------------

CURL_LIST = '''curl "https://talqo.fr/api/job_offers?status=open&per_page=20" \\
-H "X-API-Key: <YOUR_API_KEY>"'''

CURL_APPLY = '''curl -X POST "https://talqo.fr/api/job_applications" \\
-H "X-API-Key: <YOUR_API_KEY>" \\
-H "Origin: https://careers.my-company.com" \\
-F "job_offer_id=550e8400-e29b-41d4-a716-446655440000" \\
-F "first_name=Jean" \\
-F "last_name=Dupont" \\
-F "email=jean.dupont@example.com" \\
-F "phone=+33123456789" \\
-F "linkedin_url=https://linkedin.com/in/jeandupont" \\
-F "cover_letter=Je suis motive par ce poste et disponible rapidement." \\
-F "cv=@/path/to/john_doe_resume.pdf;type=application/pdf"'''

CURL_GET_OFFER = '''curl "https://talqo.fr/api/job_offers/550e8400-e29b-41d4-a716-446655440000" \\
-H "X-API-Key: <YOUR_API_KEY>"'''

CURL_GET_APPLICATION = '''curl "https://talqo.fr/api/job_applications/c3e5b1d6-4f77-4d3a-9e36-0e6fbbfb77c2" \\
-H "X-API-Key: <YOUR_API_KEY>"'''


class Live:
    def __init__(self, base: str, key: str, cv_path: Path, db: Database) -> None:
        self.base, self.key, self.cv_path, self.db = base, key, cv_path, db

    def curl(self, example: str, *extra: str) -> tuple[int, dict[str, Any]]:
        """Runs ``example`` with bash, after substituting the host, key and CV path only;
        ``-sS -w`` are appended to read the status."""
        command = (
            example.replace("https://talqo.fr", self.base)
            .replace("<YOUR_API_KEY>", self.key)
            .replace("/path/to/john_doe_resume.pdf", str(self.cv_path))
        )
        command += " " + " ".join(extra) + ' -sS -w "\\n%{http_code}"'
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        body, _, status = done.stdout.rpartition("\n")
        return int(status), json.loads(body)


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_live"
    url = create_database(name)
    tmp = Path(tempfile.mkdtemp(prefix="hireloop-careers-live-"))
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "My Company")
        key = create_api_key(session, company.id, name="career site", scope="career").key
        job = create_job(
            session,
            company.id,
            JobData(
                title="Full Stack Developer",
                description="# About the role\n\nWe are hiring...",
                city="Paris",
                country="France",
                job_type="CDI",
                status="open",
            ),  # fmt: skip
            Actor.system(),
        )
        session.flush()
        session.execute(update(Job).where(Job.id == job.id).values(public_id=SEED_OFFER_ID))
    cv_path = tmp / "john_doe_resume.pdf"
    cv_path.write_bytes(make_pdf(cv_lines()))
    env = {
        "HIRELOOP_DATABASE_URL": url,
        "HIRELOOP_DATA_DIR": str(tmp / "data"),
        "HIRELOOP_LOG_LEVEL": "WARNING",
    }
    try:
        with live_server(env, tmp / "server.log") as base:
            yield Live(base, key, cv_path, db)
    finally:
        db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def test_curl_examples_verbatim(live: Live) -> None:
    status, body = live.curl(CURL_LIST)
    assert status == 200 and body["status"] == "success"
    assert body["pagination"] == {"page": 1, "per_page": 20, "total": 1, "total_pages": 1}
    assert body["data"][0]["id"] == SEED_OFFER_ID
    assert body["data"][0]["description"] == "# About the role\n\nWe are hiring..."
    assert body["data"][0]["location"] == "Paris, France"

    status, body = live.curl(CURL_GET_OFFER)
    assert status == 200 and body["data"]["title"] == "Full Stack Developer"

    status, created = live.curl(CURL_APPLY)
    assert status == 201, created
    assert created["status"] == "success" and created["data"]["status"] == "new"
    assert set(created["data"]) == {"application_id", "candidate_id", "status", "created_at"}

    status, again = live.curl(CURL_APPLY)
    assert status == 200
    assert again == {**created, "message": "Application already exists"}

    # The seed's application id is an example: not ours.
    status, body = live.curl(CURL_GET_APPLICATION)
    assert (status, body) == (
        404,
        {"status": "error", "data": None, "message": "Application not found"},
    )
    # The same command with the id just created.
    status, body = live.curl(
        CURL_GET_APPLICATION.replace(
            "c3e5b1d6-4f77-4d3a-9e36-0e6fbbfb77c2", created["data"]["application_id"]
        )
    )
    assert status == 200
    assert body["data"]["source"] == "careers.my-company.com"
    assert body["data"]["job_offer_id"] == SEED_OFFER_ID
    assert body["data"]["candidate_id"] == created["data"]["candidate_id"]

    # The log row of a call is written as its response goes out: allow it a moment.
    deadline = time.monotonic() + 10
    while True:
        with live.db.unit_of_work() as session:
            rows = session.scalars(select(ApiLog).order_by(ApiLog.id)).all()
        if len(rows) >= 6 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(rows) >= 6
    assert all(r.user_agent and r.user_agent.startswith("curl/") for r in rows)
    assert all(r.ip == "127.0.0.1" for r in rows)


def test_curl_error_rows(live: Live) -> None:
    status, body = live.curl(CURL_LIST.replace("<YOUR_API_KEY>", "sk_live_wrong"))
    assert (status, body["message"]) == (401, "Invalid API key")
    # The seed's troubleshooting: Content-Type set by hand without a boundary (curl -F would
    # add the boundary itself, so the body is sent raw).
    status, body = live.curl(
        'curl -X POST "https://talqo.fr/api/job_applications" -H "X-API-Key: <YOUR_API_KEY>" '
        '-H "Content-Type: multipart/form-data" --data-binary "@/path/to/john_doe_resume.pdf"'
    )
    assert (status, body["message"]) == (400, "Invalid multipart payload")
    # JSON instead of multipart.
    status, body = live.curl(
        f'curl -X POST "https://talqo.fr/api/job_applications" -H "X-API-Key: <YOUR_API_KEY>" '
        f'-H "Content-Type: application/json" -d \'{{"job_offer_id": "{SEED_OFFER_ID}"}}\''
    )
    assert status == 415 and body["message"].startswith(
        "Unsupported Content-Type. Use multipart/form-data"
    )
    # The file field misnamed.
    status, body = live.curl(CURL_APPLY.replace('-F "cv=@', '-F "resume=@'))
    assert (status, body["message"]) == (400, 'cv file is required (multipart field "cv")')


def test_node_fetch_formdata_client(live: Live) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Node 20 fetch + FormData client cannot run")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 18:
        pytest.skip(f"node {version} has no global fetch/FormData (needs >= 18)")
    with live.db.unit_of_work() as session:
        company_id = session.scalar(select(Job.company_id).where(Job.public_id == SEED_OFFER_ID))
        other = create_job(
            session, company_id, JobData(title="Node role", status="open"), Actor.system()
        )
        session.flush()
        offer_id = other.public_id
    done = subprocess.run(
        [
            node,
            str(Path(__file__).with_name("node_client.mjs")),
            live.base,
            live.key,
            offer_id,
            str(live.cv_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == 201, result
    assert result["body"]["status"] == "success"
    assert result["body"]["data"]["status"] == "new"
    r = httpx.get(f"{live.base}/api/job_applications/{result['body']['data']['application_id']}",
                  headers={"Authorization": f"Bearer {live.key}"})  # fmt: skip
    assert r.status_code == 200 and r.json()["data"]["source"] == "careers.my-company.com"


def test_log_rows_waiting_in_memory_are_written_when_the_server_stops(live: Live) -> None:
    """With a long flush delay, a call's log row waits in the server's memory; stopping the
    server (SIGTERM, as a process supervisor does) writes it before the process exits."""
    tmp = Path(tempfile.mkdtemp(prefix="hireloop-careers-log-"))
    env = {
        "HIRELOOP_DATABASE_URL": live.db.url,
        "HIRELOOP_DATA_DIR": str(tmp / "data"),
        "HIRELOOP_LOG_LEVEL": "WARNING",
        "HIRELOOP_API_LOG_FLUSH_SECONDS": "600",
    }
    agent = "shutdown-check/1.0"

    def logged() -> int:
        with live.db.unit_of_work() as session:
            return len(session.scalars(select(ApiLog).where(ApiLog.user_agent == agent)).all())

    try:
        with live_server(env, tmp / "server.log") as base:
            r = httpx.get(
                f"{base}/api/job_offers", headers={"X-API-Key": live.key, "User-Agent": agent}
            )
            assert r.status_code == 200
            time.sleep(0.5)
            assert logged() == 0, "the row waits for its batch"
        assert logged() == 1, (tmp / "server.log").read_text()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_concurrent_first_uses_of_one_idempotency_key_run_once(live: Live) -> None:
    # One key, eight requests at once, two different bodies: the first to run is stored;
    # the same body replays it, the other body is the 409 (PostgreSQL waits on a lock).
    from concurrent.futures import ThreadPoolExecutor

    cv = live.cv_path.read_bytes()

    def send(n: int) -> tuple[int, str | None]:
        r = httpx.post(
            f"{live.base}/api/job_applications",
            headers={"X-API-Key": live.key, "Idempotency-Key": "same-key-at-once"},
            data={
                "job_offer_id": SEED_OFFER_ID,
                "first_name": "Race",
                "last_name": "Twice",
                "email": f"race.{n % 2}@example.com",
            },
            files={"cv": ("cv.pdf", cv, "application/pdf")},
            timeout=60,
        )
        return r.status_code, r.headers.get("Idempotent-Replayed")

    # A call first: the key's last-use time is then fresh, and the applies do not queue on
    # updating it (which would hide the race).
    assert httpx.get(f"{live.base}/api/job_offers", headers={"X-API-Key": live.key}).is_success
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(8)))
    assert results.count((201, None)) == 1, results  # one ran
    replays, conflicts = results.count((201, "true")), results.count((409, None))
    assert replays == 3 and conflicts == 4, results  # each body was sent four times
    with live.db.unit_of_work() as session:
        from hireloop.domain.candidates.models import Candidate

        emails = session.scalars(
            select(Candidate.email).where(Candidate.email.like("race.%@example.com"))
        ).all()
    assert len(emails) == 1
