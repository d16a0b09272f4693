"""The worker imports new Google Sheet rows periodically (a real ``hireloop worker`` process
against a local fake of Google's token endpoint and Sheets API)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.companies.service import create_company
from hireloop.domain.intake.models import SheetSource
from hireloop.domain.intake.sheets import add_sheet_source
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.conftest import create_database
from tests.fakes.google_sheets import FakeGoogleSheets

SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


@pytest.fixture
def worker_db() -> Iterator[Database]:
    db = Database(create_database(f"h2_sheets_worker_{os.getpid()}"))
    yield db
    db.dispose()


def _wait_for(predicate: Callable[[], bool], timeout: float = 40.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_syncs_new_rows(worker_db: Database, tmp_path: Path) -> None:
    with FakeGoogleSheets().running() as fake:
        rows = [
            ["Timestamp", "Full Name", "Email", "Phone Number"],
            ["6/14/2024 10:32:11", "Ana Cruz", "ana@example.com", "09171234567"],
        ]
        fake.sheet(SHEET_ID, rows)
        with worker_db.unit_of_work() as session:
            company = create_company(session, "Sheets Co", default_country="PH")
            session.flush()
            job = create_job(
                session, company.id, JobData(title="Agent", status="open"), Actor.system()
            )
            url = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"
            source_id = add_sheet_source(session, company, job, url).id
            job_id = job.id

        def applications() -> int:
            with worker_db.unit_of_work() as session:
                return (
                    session.scalar(
                        select(func.count())
                        .select_from(Application)
                        .where(Application.job_id == job_id)
                    )
                    or 0
                )

        env = {
            **os.environ,
            "HIRELOOP_DATABASE_URL": worker_db.url,
            "HIRELOOP_DATA_DIR": str(tmp_path / "data"),
            "HIRELOOP_GOOGLE_SERVICE_ACCOUNT_FILE": str(fake.service_account_file(tmp_path)),
            "HIRELOOP_GOOGLE_SHEETS_BASE_URL": fake.url,
            "HIRELOOP_SHEETS_POLL_SECONDS": "0.3",
        }
        env.pop("HIRELOOP_REDIS_URL", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "hireloop.cli", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert _wait_for(lambda: applications() == 1)
            rows.append(["6/14/2024 11:00:00", "Ben Reyes", "ben@example.com", ""])
            assert _wait_for(lambda: applications() == 2)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                out, _ = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
        assert fake.token_requests >= 1
        with worker_db.unit_of_work() as session:
            source = session.get(SheetSource, source_id)
            assert source is not None
            assert (source.last_row, source.last_error) == (3, None), out.decode()
