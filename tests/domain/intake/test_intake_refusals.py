"""Intake refusals a user meets: codecs that are no file encoding (CLI and API), names
that only grow too long once normalized (a row error, never a database error), and a
Google Sheet linked on a server without a Google service account."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hireloop.cli import app
from hireloop.config import Settings, get_settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.intake.encodings import checked_encoding
from hireloop.domain.intake.models import SheetSource
from hireloop.domain.intake.service import import_csv
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.errors import Invalid
from tests.conftest import create_database
from tests.factories import Factory

P = "/api/talkpush_services"
HEADER = "first name,last name,email,country code,phone number,referee\n"
NOT_FILE_ENCODINGS = [
    "punycode",
    "idna",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-7",
    "rot13",
    "base64",
    "hex",
    "zlib",
]
SHEET_URL = (
    "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit"
)


@pytest.mark.parametrize("name", NOT_FILE_ENCODINGS)
def test_codecs_that_are_no_file_encoding_are_refused(name: str) -> None:
    with pytest.raises(Invalid, match=f"Unknown encoding '{name}'"):
        checked_encoding(name)


@pytest.mark.parametrize("name", ["utf-8", "UTF8", "cp1252", "windows-1251", "utf-16", "latin-1"])
def test_file_encodings_are_taken(name: str) -> None:
    assert checked_encoding(name)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Database, int]]:
    url = create_database(f"h2_intake_refusals_{os.getpid()}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "CLI Co", default_country="PH")
        session.flush()
        job = create_job(session, company.id, JobData(title="Agent", status="open"), Actor.system())
        job_id = job.id
    yield db, job_id
    db.dispose()
    get_settings.cache_clear()


def test_cli_refuses_a_codec_that_is_no_file_encoding(
    cli_db: tuple[Database, int], tmp_path: Path
) -> None:
    db, job_id = cli_db
    file = tmp_path / "leads.csv"
    file.write_text(HEADER + "Ana,Cruz,ana@example.com,63,,\n")
    runner = CliRunner()
    for name in ["punycode", "idna", "unicode_escape"]:
        result = runner.invoke(
            app, ["import", "csv", str(file), "--job", str(job_id), "--encoding", name]
        )
        assert result.exit_code == 1, result.output
        assert f"error: Unknown encoding '{name}'" in result.output
        assert "Traceback" not in result.output
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Candidate)) == 0


def test_api_refuses_a_codec_that_is_no_file_encoding(client: TestClient, factory: Factory) -> None:
    company = factory.company(default_country="PH")
    job = factory.job(company)
    key = factory.api_key(company, scope="leads")
    for name in ["punycode", "idna", "unicode_escape", "utf-7"]:
        response = client.post(
            f"{P}/campaigns/{job.id}/imports",
            params={"api_key": key},
            files={"file": ("leads.csv", (HEADER + "Ana,Cruz,ana@example.com,63,,\n").encode())},
            data={"encoding": name},
        )
        assert response.status_code == 400, (name, response.text)
        assert response.json()["error"] == "bad_request"
        assert f"Unknown encoding '{name}'" in response.json()["message"]


def test_csv_names_too_long_once_normalized_are_row_errors(
    session: Session, factory: Factory
) -> None:
    company = factory.company(default_country="PH")
    job = factory.job(company)
    data = (
        HEADER
        + f"{'ß' * 101},Weiss,ss@example.com,63,,\n"
        + f"Anna,{'ﬃ' * 150},ffi@example.com,63,,\n"
        + "Ben,Reyes,ben@example.com,63,,\n"
    ).encode()
    run = import_csv(
        session, company, job, data, filename="x.csv", actor=Actor.system(), ttl_hours=1
    )
    session.commit()
    assert (run.created_count, run.failed_count) == (1, 2)
    errors = {e["row"]: e["error"] for e in run.errors}
    assert errors[2] == "First name is longer than 200 characters once normalized"
    assert errors[3] == "Last name is longer than 200 characters once normalized"
    assert session.scalars(
        select(Candidate.first_name).where(Candidate.company_id == company.id)
    ).all() == ["Ben"]


def test_linking_a_sheet_without_a_service_account_is_refused(
    client: TestClient, factory: Factory, settings: Settings, session: Session, tmp_path: Path
) -> None:
    company = factory.company()
    job = factory.job(company)
    key = factory.api_key(company, scope="leads")
    settings.google_service_account_file = None
    response = client.post(
        f"{P}/campaigns/{job.id}/sheets", params={"api_key": key}, json={"url": SHEET_URL}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad_request"
    assert response.json()["message"].startswith("Google Sheets are not configured on this server")
    assert session.scalar(select(func.count()).select_from(SheetSource)) == 0

    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({"client_email": "intake@proj.iam.gserviceaccount.com"}))
    settings.google_service_account_file = key_file
    response = client.post(
        f"{P}/campaigns/{job.id}/sheets", params={"api_key": key}, json={"url": SHEET_URL}
    )
    assert response.status_code == 201, response.text
    assert response.json()["share_with"] == "intake@proj.iam.gserviceaccount.com"
