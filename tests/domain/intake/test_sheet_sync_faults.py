"""The worker's sheet sync under faults (against the local fake of Google's Sheets API):
an import that fails is recorded on the sheet, a name that grows when normalized is a row
error, deleted rows do not lose the next Form response, no database lock is held while
Google is read, and a worker without a usable service account says so on every sheet."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from hireloop.config import Settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.service import create_company
from hireloop.domain.intake import sheets
from hireloop.domain.intake.models import ImportRun, SheetSource
from hireloop.domain.intake.sheets import add_sheet_source, spreadsheet_id_from_url, sync_all_due
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.errors import Invalid
from hireloop.integrations.google_sheets import GoogleSheetsClient, SheetValues
from hireloop.worker.runner import Worker
from tests.conftest import create_database
from tests.fakes.google_sheets import FakeGoogleSheets

SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
URL = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"
HEADER = ["Timestamp", "Full Name", "Email", "Phone Number"]


_databases = itertools.count()


@pytest.fixture
def db() -> Iterator[Database]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test")
    n = next(_databases)
    database = Database(create_database(f"{name}_sheet_faults_{os.getpid()}_{n}"))
    yield database
    database.dispose()


@pytest.fixture
def fake() -> Iterator[FakeGoogleSheets]:
    with FakeGoogleSheets().running() as server:
        yield server


@pytest.fixture
def client(fake: FakeGoogleSheets, tmp_path: Path) -> Iterator[GoogleSheetsClient]:
    with GoogleSheetsClient.from_service_account_file(
        fake.service_account_file(tmp_path), base_url=fake.url
    ) as c:
        yield c


def _link(db: Database) -> tuple[int, int]:
    with db.unit_of_work() as session:
        company = create_company(session, "Sheets Co", default_country="PH")
        session.flush()
        job = create_job(session, company.id, JobData(title="Agent", status="open"), Actor.system())
        return add_sheet_source(session, company, job, URL).id, job.id


def _source(db: Database, source_id: int) -> SheetSource:
    with db.unit_of_work() as session:
        source = session.get(SheetSource, source_id)
        assert source is not None
        session.expunge(source)
        return source


def _names(db: Database, job_id: int) -> list[str]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(Candidate.first_name)
                .join(Application, Application.candidate_id == Candidate.id)
                .where(Application.job_id == job_id)
                .order_by(Application.id)
            )
        )


def _row(stamp: str, name: str, email: str) -> list[str]:
    return [f"6/14/2024 {stamp}", name, email, ""]


def test_a_failing_import_is_recorded_and_retried(
    db: Database, fake: FakeGoogleSheets, client: GoogleSheetsClient, monkeypatch: Any
) -> None:
    fake.sheet(SHEET_ID, [HEADER, _row("10:00:00", "Ana Cruz", "ana@example.com")])
    source_id, job_id = _link(db)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("value too long for type character varying(200)")

    monkeypatch.setattr(sheets, "import_chunks", broken)
    assert sync_all_due(db, client, ttl_hours=1) == 0
    source = _source(db, source_id)
    assert source.last_synced_at is not None and source.last_row == 0
    assert source.last_error is not None
    assert source.last_error.startswith("The new rows could not be imported (RuntimeError)")

    monkeypatch.undo()
    assert sync_all_due(db, client, ttl_hours=1) == 1
    source = _source(db, source_id)
    assert (source.last_row, source.last_error) == (2, None)
    assert _names(db, job_id) == ["Ana"]


def test_a_name_that_grows_when_normalized_is_a_row_error(
    db: Database, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    fake.sheet(
        SHEET_ID,
        [
            HEADER,
            _row("10:00:00", "ß" * 101 + " Weiss", "spam@example.com"),
            _row("10:01:00", "Anna " + "ﬃ" * 150, "ffi@example.com"),
            _row("10:02:00", "Ben Reyes", "ben@example.com"),
        ],
    )
    source_id, job_id = _link(db)
    assert sync_all_due(db, client, ttl_hours=1) == 3
    source = _source(db, source_id)
    assert (source.last_row, source.last_error) == (4, None)
    assert _names(db, job_id) == ["Ben"]
    with db.unit_of_work() as session:
        run = session.scalars(select(ImportRun).where(ImportRun.job_id == job_id)).one()
        assert (run.created_count, run.failed_count) == (1, 2)
        assert run.errors == [
            {
                "row": 2,
                "error": "First name is longer than 200 characters once normalized",
                "code": "too_long_normalized",
                "params": {"field": "First name", "limit": 200},
            },
            {
                "row": 3,
                "error": "Last name is longer than 200 characters once normalized",
                "code": "too_long_normalized",
                "params": {"field": "Last name", "limit": 200},
            },
        ]


def test_deleted_rows_do_not_lose_the_next_responses(
    db: Database, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    rows = [
        HEADER,
        _row("10:00:00", "Ana Cruz", "ana@example.com"),
        _row("10:01:00", "Spam Bot", "spam@example.com"),
        _row("10:02:00", "Ben Reyes", "ben@example.com"),
    ]
    fake.sheet(SHEET_ID, rows)
    source_id, job_id = _link(db)
    assert sync_all_due(db, client, ttl_hours=1) == 3

    # A spam row is deleted and a response comes in before the next sync: it lands on
    # row 4, the last row imported.
    del rows[2]
    rows.append(_row("11:00:00", "Cy Lim", "cy@example.com"))
    assert sync_all_due(db, client, ttl_hours=1) == 1
    assert _names(db, job_id) == ["Ana", "Spam", "Ben", "Cy"]
    source = _source(db, source_id)
    assert (source.last_row, source.last_error) == (4, None)

    # Two rows deleted, one response: the sheet now ends above the last row imported.
    del rows[1:3]
    rows.append(_row("12:00:00", "Dee Tan", "dee@example.com"))
    assert sync_all_due(db, client, ttl_hours=1) == 1
    assert _names(db, job_id)[-1] == "Dee"
    assert _source(db, source_id).last_row == 3

    # A deletion with no response yet: the next response is imported all the same.
    del rows[1]
    assert sync_all_due(db, client, ttl_hours=1) == 0
    rows.append(_row("13:00:00", "Eve Ong", "eve@example.com"))
    assert sync_all_due(db, client, ttl_hours=1) == 1
    assert _names(db, job_id) == ["Ana", "Spam", "Ben", "Cy", "Dee", "Eve"]
    source = _source(db, source_id)
    assert (source.last_row, source.last_error) == (3, None)

    # Nothing new: only the last imported row and what follows are read.
    fake.value_requests.clear()
    assert sync_all_due(db, client, ttl_hours=1) == 0
    assert fake.value_requests == ["A1:ZZ1", "A3:ZZ"]


def test_a_row_that_changed_with_nothing_to_go_back_to_is_reported(
    db: Database, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    rows = [HEADER, _row("10:00:00", "Ana Cruz", "ana@example.com")]
    fake.sheet(SHEET_ID, rows)
    source_id, job_id = _link(db)
    assert sync_all_due(db, client, ttl_hours=1) == 1
    rows[1] = _row("11:00:00", "Cy Lim", "cy@example.com")  # Ana's row replaced
    sync_all_due(db, client, ttl_hours=1)
    source = _source(db, source_id)
    assert source.last_error is not None
    assert source.last_error.startswith("Row 2, the last row imported, has changed")


def test_google_is_read_without_holding_the_database(
    db: Database, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    fake.sheet(SHEET_ID, [HEADER, _row("10:00:00", "Ana Cruz", "ana@example.com")])
    source_id, job_id = _link(db)
    sqlite = db.url.startswith("sqlite")
    writes: list[str] = []

    class WriteWhileReading:
        """While each Sheets call is in flight, another connection writes the source."""

        def values(self, spreadsheet_id: str, cell_range: str) -> SheetValues:
            engine = create_engine(db.url, connect_args={"timeout": 1} if sqlite else {})
            try:
                with engine.begin() as conn:
                    if not sqlite:
                        conn.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
                    conn.execute(
                        text("UPDATE sheet_sources SET url = url WHERE id = :id"),
                        {"id": source_id},
                    )
                writes.append("ok")
            except OperationalError as exc:
                writes.append(str(exc.orig))
            finally:
                engine.dispose()
            return client.values(spreadsheet_id, cell_range)

    assert sync_all_due(db, WriteWhileReading(), ttl_hours=1) == 1
    assert writes == ["ok", "ok"]
    assert _names(db, job_id) == ["Ana"]


@pytest.mark.parametrize(
    ("key_file", "reason"),
    [
        (None, "Google Sheets are not configured on this server"),
        ("broken", "Google Sheets sync is disabled: the service account file"),
    ],
)
def test_a_worker_without_a_usable_service_account_says_so_on_each_sheet(
    db: Database, tmp_path: Path, key_file: str | None, reason: str
) -> None:
    source_id, _ = _link(db)
    path = None
    if key_file:
        path = tmp_path / "sa.json"
        path.write_text("{not json")
    settings = Settings(data_dir=tmp_path, database_url=db.url, google_service_account_file=path)
    Worker(settings)._sheets_loop()  # returns at once: nothing to read with
    source = _source(db, source_id)
    assert source.last_error is not None and source.last_error.startswith(reason)


@pytest.mark.parametrize(
    "url",
    [
        f"https://docs.google.com/a/acme.com/spreadsheets/d/{SHEET_ID}/edit#gid=0",
        f"https://drive.google.com/open?id={SHEET_ID}",
        f"https://drive.google.com/file/d/{SHEET_ID}/view?usp=sharing",
        f"drive.google.com/file/d/{SHEET_ID}",
    ],
)
def test_workspace_and_drive_links_name_the_spreadsheet(url: str) -> None:
    assert spreadsheet_id_from_url(url) == SHEET_ID


@pytest.mark.parametrize(
    "url",
    [
        "https://forms.gle/AbCdEfGh123",
        "forms.gle/AbCdEfGh123",
        "https://docs.google.com/a/acme.com/forms/d/e/1FAIpQLSf/viewform",
    ],
)
def test_a_form_link_says_to_link_the_response_sheet(url: str) -> None:
    with pytest.raises(Invalid, match="link the form's response spreadsheet"):
        spreadsheet_id_from_url(url)


def test_other_drive_links_are_refused() -> None:
    for url in [
        f"https://drive.google.com/drive/folders/{SHEET_ID}",
        "https://drive.google.com/open?id=short",
        f"https://evil.example/open?id={SHEET_ID}",
    ]:
        with pytest.raises(Invalid, match="Not a Google Sheets link"):
            spreadsheet_id_from_url(url)


def test_a_known_person_answering_after_a_deletion_is_not_taken_for_the_last_row(
    db: Database, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    # The last row imported is known by its fingerprint, not by its person: a response
    # from someone the company already has, landing on the last row's number after a
    # deletion, is read (here Ana, already in the campaign, answering again).
    rows = [
        HEADER,
        _row("10:00:00", "Ana Cruz", "ana@example.com"),
        _row("10:01:00", "Spam Bot", "spam@example.com"),
        _row("10:02:00", "Ben Reyes", "ben@example.com"),
    ]
    fake.sheet(SHEET_ID, rows)
    source_id, job_id = _link(db)
    assert sync_all_due(db, client, ttl_hours=1) == 3
    assert _source(db, source_id).last_row_digest is not None
    del rows[2]
    rows.append(_row("11:00:00", "Ana Cruz", "ana@example.com"))
    assert sync_all_due(db, client, ttl_hours=1) == 1
    with db.unit_of_work() as session:
        run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert run is not None
        assert (run.processed_rows, run.duplicate_count) == (1, 1)
    assert _source(db, source_id).last_row == 4
    # An edit of the last row imported (same person): nothing is imported again.
    rows[3] = _row("11:00:00", "Ana Cruz", "ana@example.com ")
    rows[3][1] = "Ana  Cruz"
    assert sync_all_due(db, client, ttl_hours=1) == 0
    assert _source(db, source_id).last_error is None
    assert _names(db, job_id) == ["Ana", "Spam", "Ben"]
