"""Google Sheets / Forms feeding a campaign: links, the strict column order, new rows only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.labels import labels_for
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import folder_totals
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.intake.sheets import (
    SheetSyncFailed,
    add_sheet_source,
    list_sheet_sources,
    read_rows,
    split_full_name,
    spreadsheet_id_from_url,
    sync_sheet,
)
from hireloop.errors import Conflict, Invalid, NotFound
from hireloop.integrations.google_sheets import GoogleSheetsClient
from tests.factories import Factory
from tests.fakes.google_sheets import FakeGoogleSheets

SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
URL = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0"
HEADER = [
    "Timestamp",
    "Full Name",
    "Email",
    "Phone Number",
    "Location",
    "Highest Level of Education",
    "Years of experience",
    "Employee's Name",
    "Employee's Email",
    "Employee's Phone Number",
    "Employee ID",
    "Account",
    "BPO experience?",
    "=cmd",
]


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


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"https://docs.google.com/spreadsheets/d/{SHEET_ID}",
        f"docs.google.com/spreadsheets/u/1/d/{SHEET_ID}/edit?usp=sharing",
        f"  https://docs.google.com/spreadsheets/d/{SHEET_ID}/  ",
    ],
)
def test_spreadsheet_id_from_url(url: str) -> None:
    assert spreadsheet_id_from_url(url) == SHEET_ID


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "not a url",
        f"https://evil.example/spreadsheets/d/{SHEET_ID}",
        f"https://docs.google.com/document/d/{SHEET_ID}/edit",
        "https://docs.google.com/spreadsheets/d/short/edit",
        f"ftp://docs.google.com/spreadsheets/d/{SHEET_ID}",
        "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform",
    ],
)
def test_bad_urls_are_refused(url: str | None) -> None:
    with pytest.raises(Invalid):
        spreadsheet_id_from_url(url)


def test_split_full_name() -> None:
    assert split_full_name("Maria Clara  Santos") == ("Maria Clara", "Santos")
    assert split_full_name("Cher") == ("Cher", "")
    assert split_full_name("") == ("", "")


@pytest.mark.parametrize(
    "stamp",
    [
        "6/14/2024 10:32:11",
        "14/06/2024 10:32:11",
        "2024-06-14 10:32:11",
        "45457.4391",  # an unformatted cell: the date's serial number
        "2024. 6. 14 오후 10:32:11",  # Korean
        "2024年6月14日 10:32:11",  # Chinese, Japanese
        "14.6.2024 klo 10.32.11",  # Finnish
        "14/06/2024 10.32.11",  # Indonesian, Italian
        "14-Jun-2024 10:32:11",
    ],
)
def test_a_form_timestamp_in_any_locale_is_taken(stamp: str) -> None:
    rows = read_rows(["Timestamp"], [[stamp, "Ana Cruz", "ana@example.com"]], 2, "PH")
    assert rows.errors == [] and rows.rows[0].others["timestamp"] == stamp


@pytest.mark.parametrize("first", ["Ana Cruz", "ana@example.com", "not a date", "Makati 1200"])
def test_a_first_column_that_is_no_timestamp_is_a_row_error(first: str) -> None:
    rows = read_rows(["Timestamp"], [[first, "Ana Cruz", "ana@example.com"]], 2, "PH")
    assert rows.rows == []
    assert rows.errors[0].error == "The first column must hold the form's timestamp or be empty"


def test_add_and_list_sources(session: Session, factory: Factory) -> None:
    company, other = factory.company(), factory.company()
    job = factory.job(company)
    source = add_sheet_source(session, company, job, URL)
    assert (source.spreadsheet_id, source.last_row, source.active) == (SHEET_ID, 0, True)
    assert list_sheet_sources(session, company.id, job.id) == [source]
    with pytest.raises(Conflict):
        add_sheet_source(session, company, job, URL + "&again")
    with pytest.raises(NotFound):
        add_sheet_source(session, other, job, URL)
    assert list_sheet_sources(session, other.id, job.id) == []


def test_each_tab_of_a_spreadsheet_links_once(session: Session, factory: Factory) -> None:
    company = factory.company()
    job = factory.job(company)
    base = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"
    first = add_sheet_source(session, company, job, base + "#gid=0")
    assert first.sheet_name is None  # the first tab
    # A link copied with another tab open: which tab is meant must be said by name.
    with pytest.raises(Invalid) as refused:
        add_sheet_source(session, company, job, base + "#gid=1577000")
    assert refused.value.details == {
        "sheet_name": "required for a link to a tab other than the first"
    }
    second = add_sheet_source(
        session, company, job, base + "#gid=1577000", sheet_name="Form Responses 2"
    )
    assert second.sheet_name == "Form Responses 2"
    with pytest.raises(Conflict):
        add_sheet_source(session, company, job, base, sheet_name="form responses 2")
    assert list_sheet_sources(session, company.id, job.id) == [first, second]


def test_sync_imports_only_new_rows(
    session: Session, factory: Factory, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    company = factory.company(default_country="PH")
    job = factory.job(company)
    rows = [
        HEADER,
        [
            "6/14/2024 10:32:11",
            "Maria Clara Santos",
            "Maria@Example.com",
            "0917 123 4567",
            "Makati, Metro Manila, PH",
            "Bachelor",
            "3",
            "Grace Lim",
            "grace@corp.example",
            "+63 918 000 0001",
            "E-1234",
            "Acme Telco",
            "yes",
            "@SUM(1)",
        ],
        ["", "Ben Reyes", "", "09171234568"],
        [],
        ["not a date", "Cy Lim", "cy@example.com"],
        ["6/14/2024 11:00:00", "Nobody", "", ""],
    ]
    fake.sheet(SHEET_ID, rows)
    source = add_sheet_source(session, company, job, URL)
    run = sync_sheet(session, source, client, ttl_hours=24)
    session.commit()
    assert run is not None and run.kind == "sheet" and run.status == "completed"
    assert (run.created_count, run.duplicate_count, run.failed_count) == (2, 0, 2)
    assert run.errors == [
        {
            "row": 5,
            "error": "The first column must hold the form's timestamp or be empty",
            "code": "timestamp_column",
        },
        {"row": 6, "error": "An email or a phone number is required", "code": "contact_required"},
    ]
    assert source.last_row == 6 and source.last_error is None and source.last_synced_at
    apps = session.execute(
        select(Application, Candidate)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.job_id == job.id)
        .order_by(Application.id)
    ).all()
    (maria_app, maria), (ben_app, ben) = apps
    assert (maria.first_name, maria.last_name, maria.email) == (
        "Maria Clara",
        "Santos",
        "maria@example.com",
    )
    assert maria.phone_e164 == "+639171234567" and maria.source == "google_sheet"
    assert (maria.referrer_name, maria.referrer_email, maria.referrer_phone) == (
        "Grace Lim",
        "grace@corp.example",
        "+639180000001",
    )
    assert maria_app.source == "google_sheet" and maria_app.pin
    assert maria_app.others == {
        "timestamp": "6/14/2024 10:32:11",
        "location": "Makati, Metro Manila, PH",
        "education": "Bachelor",
        "years_of_experience": "3",
        "referee": "Grace Lim",
        "referee_email": "grace@corp.example",
        "referee_mobile": "+639180000001",
        "referee_id": "E-1234",
        "referee_account": "Acme Telco",
        "BPO experience?": "yes",
        "'=cmd": "'@SUM(1)",
    }
    assert (ben.first_name, ben.email, ben.phone_e164) == ("Ben", None, "+639171234568")
    assert ben_app.others == {}

    # Nothing new: no run; the last imported row (to notice rows deleted above it) and
    # the rows after it are asked for.
    fake.value_requests.clear()
    assert sync_sheet(session, source, client, ttl_hours=24) is None
    assert fake.value_requests == ["A1:ZZ1", "A6:ZZ"]

    # New rows (one of them a duplicate of a lead already imported).
    rows.append(["6/15/2024 09:00:00", "Dee Tan", "dee@example.com", ""])
    rows.append(["6/15/2024 09:05:00", "Maria Santos", "maria@example.com", ""])
    second = sync_sheet(session, source, client, ttl_hours=24)
    session.commit()
    assert second is not None
    assert (second.created_count, second.duplicate_count, second.failed_count) == (1, 1, 0)
    assert source.last_row == 8
    assert folder_totals(session, [job.id])[job.id] == {"inbox": 3}
    assert labels_for(session, [maria_app.id]) == {maria_app.id: ["Duplicate"]}


def test_named_sheet_and_unreadable_sheet(
    session: Session, factory: Factory, fake: FakeGoogleSheets, client: GoogleSheetsClient
) -> None:
    company = factory.company()
    job = factory.job(company)
    fake.sheet(SHEET_ID, [HEADER, ["", "Ana Cruz", "ana@example.com"]], title="Leads 'A'")
    source = add_sheet_source(session, company, job, URL, sheet_name="Leads 'A'")
    run = sync_sheet(session, source, client, ttl_hours=1)
    assert run is not None and run.created_count == 1
    assert fake.value_requests[-1] == "'Leads ''A'''!A2:ZZ"

    fake.sheets[SHEET_ID].shared = False
    with pytest.raises(SheetSyncFailed):
        sync_sheet(session, source, client, ttl_hours=1)
    assert source.last_error and fake.client_email in source.last_error
    assert source.last_row == 2, "nothing skipped: read again next time"
