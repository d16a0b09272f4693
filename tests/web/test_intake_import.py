"""CSV imports of the web app run by the worker: the import post queues the run (once),
the run's page shows it waiting, running (rows done / total) and finished (counts and
per-row errors), and the worker's task runs it — all against a real, committed database,
the task called as the worker calls it."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hireloop.app import create_app
from hireloop.config import Settings, get_settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_company, create_user
from hireloop.domain.intake import service as intake_service
from hireloop.domain.intake.models import ImportRun
from hireloop.domain.jobs.models import Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.worker.tasks import import_csv_file
from tests.conftest import create_database
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"
CSV = (
    "first name,last name,email,country code,phone number,referee\n"
    "Ana,Cruz,ana.cruz@example.com,63,9171234567,\n"
    "=cmd|' /C calc'!A0,Reyes,ben.reyes@example.com,63,9171234568,Rita Ref\n"
    "Cy,Lim,not-an-email,63,,\n"
    "Ana,Cruz,ana.cruz@example.com,63,9171234567,\n"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A committed database the worker's task reads (HIRELOOP_DATABASE_URL), an app on
    it, a company with an owner and a campaign."""
    data_dir = tmp_path_factory.mktemp("intake-import")
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_import"
    with pytest.MonkeyPatch.context() as mp:
        url = create_database(f"{name}_{os.getpid()}")
        mp.setenv("HIRELOOP_DATABASE_URL", url)  # what the worker's tasks use
        mp.setenv("HIRELOOP_DATA_DIR", str(data_dir))
        get_settings.cache_clear()
        db = Database(url)
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Bulk", default_country="PH")
            create_user(
                session,
                company.id,
                email="olga@acmebulk.com",
                name="Olga",
                password=PASSWORD,
                role="owner",
            )
            company_id = company.id
        app = create_app(Settings(data_dir=data_dir, database_url=url))
        try:
            yield {"db": db, "app": app, "company_id": company_id, "files": data_dir / "files"}
        finally:
            db.dispose()
            get_settings.cache_clear()


@pytest.fixture
def job(world: dict[str, Any]) -> Job:
    with world["db"].unit_of_work() as session:
        return create_job(
            session,
            world["company_id"],
            JobData(title="Call Center Agent", status="open"),
            Actor.system(),
        )


@pytest.fixture
def client(world: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(world["app"], follow_redirects=False) as c:
        page = c.get("/app/login")
        r = c.post(
            "/app/login",
            data={
                "csrf_token": csrf_from(page.text),
                "email": "olga@acmebulk.com",
                "password": PASSWORD,
            },
        )
        assert r.status_code == 303
        yield c


def preview(client: TestClient, job: Job, content: str) -> tuple[str, str]:
    """Upload ``content``; the preview page's (CSRF token, pending id)."""
    tab = client.get(f"/app/campaigns/{job.id}/add?tab=csv")
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv",
        data={"csrf_token": csrf_from(tab.text)},
        files={"file": ("leads.csv", content.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    pending = re.search(r'name="pending_id" value="([0-9a-f]{32})"', r.text)
    assert pending
    return csrf_from(r.text), pending.group(1)


def start(client: TestClient, job: Job, token: str, pending_id: str) -> str:
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv/import",
        data={"csrf_token": token, "pending_id": pending_id},
    )
    assert r.status_code == 303, r.text
    return r.headers["location"]


def run_of(db: Database, location: str) -> ImportRun:
    with db.unit_of_work() as session:
        run = session.scalar(
            select(ImportRun).where(ImportRun.public_id == location.rsplit("/", 1)[-1])
        )
        assert run is not None
        return run


def lead_emails(db: Database, job: Job) -> list[str | None]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(Candidate.email)
                .join(Application, Application.candidate_id == Candidate.id)
                .where(Application.job_id == job.id)
                .order_by(Application.id)
            )
        )


def pending_files(files: Path) -> list[Path]:
    return [p for p in files.glob("company-*/intake-pending/*") if not p.name.startswith(".")]


def test_import_is_queued_once_then_run_by_the_worker(
    world: dict[str, Any], client: TestClient, job: Job
) -> None:
    db = world["db"]
    token, pending_id = preview(client, job, CSV)
    assert run_of(db, str(uuid.UUID(pending_id))).status == "preview"  # kept, not imported
    location = start(client, job, token, pending_id)
    # A second post of the same preview (double click, back button) starts no second run.
    assert start(client, job, token, pending_id) == location
    with db.unit_of_work() as session:
        count = select(func.count()).select_from(ImportRun).where(ImportRun.job_id == job.id)
        assert session.scalar(count) == 1
    run = run_of(db, location)
    assert run.status == "queued" and run.total_rows == 4

    # Waiting for the worker: the page says so and reloads itself without JavaScript.
    page = client.get(location)
    assert page.status_code == 200
    assert "The import is waiting to start" in page.text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text
    assert "0 of 4 rows done" in page.text and "<progress" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    status = client.get(location + "/status")
    assert status.json() == {
        "status": "queued",
        "total_rows": 4,
        "processed_rows": 0,
        "created": 0,
        "duplicates": 0,
        "failed": 0,
    }
    assert lead_emails(db, job) == []

    # The worker's task runs it; a second delivery of the task does nothing.
    assert import_csv_file.call_local(run.id) == "completed"
    assert import_csv_file.call_local(run.id) is None
    page = client.get(location)
    assert "The import is finished" in page.text
    assert "http-equiv" not in page.text and "intake.js" not in page.text
    assert re.search(r'data-testid="created-count"[^>]*>2<', page.text)
    assert re.search(r'data-testid="duplicate-count"[^>]*>1<', page.text)
    assert re.search(r'data-testid="failed-count"[^>]*>1<', page.text)
    assert "Row 4: Invalid email" in page.text
    assert client.get(location + "/status").json()["status"] == "completed"
    assert lead_emails(db, job) == ["ana.cruz@example.com", "ben.reyes@example.com"]
    with db.unit_of_work() as session:
        runs = session.scalars(select(ImportRun).where(ImportRun.job_id == job.id)).all()
        assert len(runs) == 1  # the one the page shows, nothing else
        assert runs[0].processed_rows == 4 and runs[0].finished_at is not None
        first_names = session.scalars(
            select(Candidate.first_name).where(Candidate.email == "ben.reyes@example.com")
        ).all()
        assert first_names == ["'=cmd|' /C calc'!A0"]
    assert pending_files(world["files"]) == []  # the kept file is deleted
    # Posting the import again still leads to the finished run.
    assert start(client, job, token, pending_id) == location


def test_a_refused_import_fails_with_nothing_written(
    world: dict[str, Any], client: TestClient, job: Job
) -> None:
    db = world["db"]
    token, pending_id = preview(client, job, CSV)
    location = start(client, job, token, pending_id)
    with db.unit_of_work() as session:  # archived between the import post and the worker
        session.get(Job, job.id).status = "archived"
    assert import_csv_file.call_local(run_of(db, location).id) == "failed"
    page = client.get(location)
    assert "The import failed" in page.text
    assert "This campaign is archived and takes no new candidates." in page.text
    assert 'data-testid="created-count"' not in page.text
    assert client.get(location + "/status").json()["status"] == "failed"
    assert lead_emails(db, job) == []
    assert pending_files(world["files"]) == []


def test_runs_of_other_campaigns_and_previews_are_not_shown(
    world: dict[str, Any], client: TestClient, job: Job
) -> None:
    token, pending_id = preview(client, job, CSV)
    uuid_id = str(uuid.UUID(pending_id))
    # A preview is not a run yet.
    assert client.get(f"/app/campaigns/{job.id}/imports/{uuid_id}").status_code == 404
    location = start(client, job, token, pending_id)
    with world["db"].unit_of_work() as session:
        other = create_job(
            session, world["company_id"], JobData(title="Other", status="open"), Actor.system()
        )
    wrong = location.replace(f"/campaigns/{job.id}/", f"/campaigns/{other.id}/")
    assert client.get(wrong).status_code == 404
    assert client.get(wrong + "/status").status_code == 404
    # The preview can be imported only into its own campaign.
    r = client.post(
        f"/app/campaigns/{other.id}/add/csv/import",
        data={"csrf_token": token, "pending_id": pending_id},
    )
    assert r.status_code == 400 and "no longer available" in r.text
    import_csv_file.call_local(run_of(world["db"], location).id)


@pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="progress during the run is written on PostgreSQL (SQLite has one writer)",
)
def test_progress_is_visible_while_the_worker_imports(
    world: dict[str, Any], client: TestClient, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_service, "CHUNK_ROWS", 2_000)
    rows = 10_000  # five chunks of 2,000
    content = "first name,last name,email,country code,phone number,referee\n" + "".join(
        f"Lead,Number{i},lead{i}@example.com,63,,\n" for i in range(rows)
    )
    token, pending_id = preview(client, job, content)
    location = start(client, job, token, pending_id)
    run_id = run_of(world["db"], location).id
    outcome: list[str | None] = []
    worker = threading.Thread(target=lambda: outcome.append(import_csv_file.call_local(run_id)))
    worker.start()
    seen: set[int] = set()
    while worker.is_alive():
        body = client.get(location + "/status").json()
        if body["status"] == "running":
            seen.add(body["processed_rows"])
        time.sleep(0.02)
    worker.join()
    assert outcome == ["completed"]
    assert any(0 < done < rows for done in seen), seen  # rows done while it ran
    page = client.get(location)
    assert re.search(r'data-testid="created-count"[^>]*>10000<', page.text)


def test_the_worker_reads_the_file_in_the_previewed_encoding(
    world: dict[str, Any], client: TestClient, job: Job
) -> None:
    """A stated encoding goes with the kept file to the worker's import."""
    db = world["db"]
    tab = client.get(f"/app/campaigns/{job.id}/add?tab=csv")
    data = "Nino,Peña,nino.pena@example.com,63,9171234567,Renée\n".encode("cp1252")
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv",
        data={"csrf_token": csrf_from(tab.text), "encoding": "cp1250"},
        files={"file": ("leads.csv", data, "text/csv")},
    )
    assert r.status_code == 200 and "<td>Peńa</td>" in r.text  # as the user asked
    pending = re.search(r'name="pending_id" value="([0-9a-f]{32})"', r.text)
    assert pending
    location = start(client, job, csrf_from(r.text), pending.group(1))
    run = run_of(db, location)
    assert run.encoding == "cp1250"
    assert import_csv_file.call_local(run.id) == "completed"
    with db.unit_of_work() as session:
        names = session.execute(
            select(Candidate.last_name, Candidate.referrer_name).where(
                Candidate.email == "nino.pena@example.com"
            )
        ).all()
    assert [tuple(n) for n in names] == [("Peńa", "Renée")]


def test_an_unclosed_quote_is_refused_at_the_preview(client: TestClient, job: Job) -> None:
    tab = client.get(f"/app/campaigns/{job.id}/add?tab=csv")
    rows = "".join(f"U{i},V,uq{i}@x.com,63,91712346{i:02d},\n" for i in range(20))
    content = CSV.splitlines()[0] + "\nBob,\"O'Neil,bobq@x.com,63,9171234501,\n" + rows
    r = client.post(
        f"/app/campaigns/{job.id}/add/csv",
        data={"csrf_token": csrf_from(tab.text)},
        files={"file": ("leads.csv", content.encode(), "text/csv")},
    )
    assert r.status_code == 400
    assert "The file is not valid CSV (check the quotes)." in r.text
    assert "Unclosed quote on line 2" in r.text
