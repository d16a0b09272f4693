"""``hireloop import csv FILE --job ID``, run through typer's CliRunner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hireloop.cli import app
from hireloop.config import get_settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.intake import service as intake
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.conftest import create_database


@pytest.fixture
def cli_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[tuple[Database, dict]]:
    """A database of its own with one company (the command picks it) and one campaign."""
    url = create_database(f"h2_cli_import_{os.getpid()}_{request.node.name[-12:]}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "CLI Co", default_country="PH")
        session.flush()
        job = create_job(session, company.id, JobData(title="Agent", status="open"), Actor.system())
        ids = {"company": company.id, "job": job.id}
    yield db, ids
    db.dispose()
    get_settings.cache_clear()


def test_import_csv_with_progress(
    cli_db: tuple[Database, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids = cli_db
    monkeypatch.setattr(intake, "CHUNK_ROWS", 4)
    rows = [f"N{i},L{i},n{i}@example.com,63,917{i:07d}," for i in range(10)]
    rows += ["Bad,Row,,,,", "N0,L0,n0@example.com,,,"]
    file = tmp_path / "leads.csv"
    file.write_text(
        "first name,last name,email,country code,phone number,referee\n" + "\n".join(rows)
    )
    result = CliRunner().invoke(app, ["import", "csv", str(file), "--job", str(ids["job"])])
    assert result.exit_code == 0, result.output
    assert "Importing leads" in result.output
    assert "10 created, 1 duplicates, 1 failed of 12 rows" in result.output
    assert "row 12: An email or a phone number is required" in result.output
    with db.unit_of_work() as session:
        count = session.scalar(
            select(func.count()).select_from(Application).where(Application.job_id == ids["job"])
        )
    assert count == 10


def test_import_csv_errors(cli_db: tuple[Database, dict], tmp_path: Path) -> None:
    db, ids = cli_db
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nAna,ana@example.com\n")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "csv", str(bad), "--job", str(ids["job"])])
    assert result.exit_code == 1 and "Wrong number of columns" in result.output
    result = runner.invoke(app, ["import", "csv", str(tmp_path / "nope.csv"), "--job", "1"])
    assert result.exit_code == 1 and "is not a file" in result.output
    good = tmp_path / "good.csv"
    good.write_text("Ana,Cruz,ana@example.com,63,9171234567,\n")
    result = runner.invoke(app, ["import", "csv", str(good), "--job", "999999"])
    assert result.exit_code == 1 and "Campaign not found" in result.output


def test_import_csv_encoding(cli_db: tuple[Database, dict], tmp_path: Path) -> None:
    """A PH company's short Windows-1252 file reads right; --encoding states another."""
    db, ids = cli_db
    runner = CliRunner()
    file = tmp_path / "west.csv"
    file.write_bytes(
        (
            "first name,last name,email,country code,phone number,referee\r\n"
            "José,Müller,jose@x.com,63,9171234567,Renée\r\n"
        ).encode("cp1252")
    )
    result = runner.invoke(app, ["import", "csv", str(file), "--job", str(ids["job"])])
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output and "read as cp1252" in result.output
    russian = tmp_path / "ru.csv"
    russian.write_bytes("Иван,Петров,ivan@x.ru,7,9161234567,\n".encode("cp1251"))
    args = ["import", "csv", str(russian), "--job", str(ids["job"])]
    result = runner.invoke(app, [*args, "--encoding", "windows-1251"])
    assert result.exit_code == 0, result.output
    assert "read as cp1251" in result.output
    result = runner.invoke(app, [*args, "--encoding", "klingon"])
    assert result.exit_code == 1 and "Unknown encoding 'klingon'" in result.output
    result = runner.invoke(app, [*args, "--encoding", "utf-8"])
    assert result.exit_code == 1 and "not valid utf-8" in result.output
    with db.unit_of_work() as session:
        names = session.execute(select(Candidate.first_name, Candidate.last_name)).all()
    assert sorted(tuple(n) for n in names) == [("José", "Müller"), ("Иван", "Петров")]


def test_import_csv_refuses_an_unclosed_quote(
    cli_db: tuple[Database, dict], tmp_path: Path
) -> None:
    db, ids = cli_db
    file = tmp_path / "quote.csv"
    rows = "".join(f"U{i},V,uq{i}@x.com,63,91712346{i:02d},\n" for i in range(20))
    file.write_text(
        "first name,last name,email,country code,phone number,referee\n"
        "Ann,Lee,annq@x.com,63,9171234500,\n"
        "Bob,\"O'Neil,bobq@x.com,63,9171234501,\n" + rows
    )
    result = CliRunner().invoke(app, ["import", "csv", str(file), "--job", str(ids["job"])])
    assert result.exit_code == 1 and "Unclosed quote on line 3" in result.output
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0
