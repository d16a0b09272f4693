"""The add page's Google Sheet tab (``?tab=sheet``) over HTTP: instructions with the
column order and the service account to share the sheet with (or that none is
configured), linking a sheet (``sheets.add_sheet_source``) with its refusals shown on the
form, a double post linking once, tenancy and manager permissions, CSRF, and the sync
state of a sheet read from a fake Sheets API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import Settings
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.intake.models import SheetSource
from hireloop.domain.intake.sheets import FIXED_COLUMNS, SheetSyncFailed, sync_sheet
from hireloop.domain.jobs.models import Job
from hireloop.integrations.google_sheets import GoogleSheetsClient
from hireloop.web.app.intake_routes import SHEET_COLUMNS
from tests.factories import Factory
from tests.fakes.google_sheets import FakeGoogleSheets
from tests.web.conftest import csrf_from
from tests.web.test_intake import PASSWORD, sign_in

SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
URL = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0"
SHARE_WITH = "intake@proj.iam.gserviceaccount.com"


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(
        app, raise_server_exceptions=False, follow_redirects=False, client=("203.0.113.9", 5000)
    ) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Sheets", default_country="PH")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session,
        company.id,
        email="olga@acmesheets.com",
        name="Olga",
        password=PASSWORD,
        role="owner",
    )
    session.commit()
    return user


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(company, title="Call Center Agent")


@pytest.fixture
def service_account(settings: Settings, tmp_path: Path) -> str:
    """A service-account key file configured (only its ``client_email`` is read here)."""
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({"client_email": SHARE_WITH}))
    settings.google_service_account_file = key_file
    return SHARE_WITH


def tab(client: TestClient, job: Job) -> str:
    return client.get(f"/app/campaigns/{job.id}/add?tab=sheet").text


def nonce_from(page: str) -> str:
    found = re.search(r'name="form_nonce" value="([0-9a-f]{32})"', page)
    assert found, "the form carries a one-time nonce"
    return found.group(1)


def post_sheet(client: TestClient, job: Job, url: str, sheet_name: str = "", **extra: str) -> Any:
    page = tab(client, job)
    data = {"csrf_token": csrf_from(page), "url": url, "sheet_name": sheet_name, **extra}
    return client.post(f"/app/campaigns/{job.id}/add/sheet", data=data)


def sources(session: Session, job: Job) -> list[SheetSource]:
    session.expire_all()
    return list(
        session.scalars(select(SheetSource).where(SheetSource.job_id == job.id).order_by("id"))
    )


def test_the_columns_listed_are_the_ones_a_sync_reads() -> None:
    assert len(SHEET_COLUMNS) == FIXED_COLUMNS


def test_the_tab_explains_and_links_a_sheet(
    client: TestClient, session: Session, owner: User, job: Job, service_account: str
) -> None:
    sign_in(client, owner.email)
    r = client.get(f"/app/campaigns/{job.id}/add?tab=sheet")
    assert r.status_code == 200
    page = r.text
    assert f'href="/app/campaigns/{job.id}/add?tab=sheet" aria-current="page"' in page
    assert "Link a Google Sheet" in page
    assert f'data-testid="share-with">{SHARE_WITH}<' in page
    assert "Viewer (read-only) access is enough" in page
    assert "sheets-not-configured" not in page
    columns = re.search(r'data-testid="sheet-columns">(.*?)</ol>', page, re.S)
    assert columns is not None
    items = re.findall(r"<li>(.*?)</li>", columns.group(1))
    assert items[:4] == [
        "Timestamp (as the form writes it) or empty",
        "Full name (first names, then the last name)",
        "Email",
        "Phone",
    ]
    assert len(items) == 12 and items[-1] == "Referee account"
    # Labels tied to the inputs, the hints to them.
    assert '<label for="sheet-url">' in page and 'id="sheet-url" name="url"' in page
    assert '<label for="sheet-name">' in page and 'id="sheet-name" name="sheet_name"' in page
    assert 'aria-describedby="sheet-url-hint"' in page
    assert "No sheet is linked to this campaign yet." in page

    r = post_sheet(client, job, URL, "Form Responses 1", form_nonce=nonce_from(page))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/app/campaigns/{job.id}/add?tab=sheet"
    [source] = sources(session, job)
    assert source.spreadsheet_id == SHEET_ID and source.sheet_name == "Form Responses 1"
    assert source.company_id == owner.company_id and source.active and source.last_row == 0
    page = client.get(r.headers["location"]).text
    assert "The Google Sheet was linked to the campaign." in page
    listed = re.search(r'<ul class="plain-list" id="sheet-sources">(.*?)</ul>', page, re.S)
    assert listed is not None
    assert SHEET_ID in listed.group(1) and "Form Responses 1" in listed.group(1)
    assert f'href="https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"' in listed.group(1)
    assert ">Active<" in listed.group(1) and ">Never<" in listed.group(1)
    assert 'data-testid="sheet-last-row">None yet<' in listed.group(1)
    assert "sheet-last-error" not in listed.group(1)

    # Another tab of the same spreadsheet is a sheet of its own.
    r = post_sheet(client, job, URL.replace("gid=0", "gid=77"), "Form Responses 2")
    assert r.status_code == 303
    assert [s.sheet_name for s in sources(session, job)] == ["Form Responses 1", "Form Responses 2"]


def test_without_a_service_account_the_tab_says_so_and_still_links(
    client: TestClient, session: Session, settings: Settings, owner: User, job: Job
) -> None:
    settings.google_service_account_file = None
    sign_in(client, owner.email)
    page = tab(client, job)
    assert 'data-testid="sheets-not-configured"' in page
    assert "HIRELOOP_GOOGLE_SERVICE_ACCOUNT_FILE" in page
    assert "linked sheets are not read until then" in page
    assert "share-with" not in page
    r = post_sheet(client, job, URL)
    assert r.status_code == 303
    [source] = sources(session, job)
    assert source.sheet_name is None
    page = client.get(r.headers["location"]).text
    assert ">The first tab<" in page and 'data-testid="sheets-not-configured"' in page


def test_refusals_are_shown_on_the_form(
    client: TestClient, session: Session, owner: User, job: Job, service_account: str
) -> None:
    sign_in(client, owner.email)
    r = post_sheet(client, job, "  ", "Tab A")
    assert r.status_code == 400
    assert "Please enter the link of the spreadsheet." in r.text
    assert 'aria-describedby="sheet-url-hint sheet-url-error" aria-invalid="true"' in r.text
    assert 'id="sheet-url-error"' in r.text and 'value="Tab A"' in r.text
    assert f'data-testid="share-with">{SHARE_WITH}<' in r.text  # still the whole tab

    bad = 'https://example.com/spreadsheets/d/abcdefghijklmnop"><b>x'
    r = post_sheet(client, job, bad)
    assert r.status_code == 400
    assert "This is not the link of a Google spreadsheet" in r.text
    assert 'value="https://example.com/spreadsheets/d/abcdefghijklmnop&#34;&gt;&lt;b&gt;x"' in (
        r.text
    )
    assert "<b>x" not in r.text

    r = post_sheet(client, job, "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform")
    assert r.status_code == 400 and "This is the link of a Google Form" in r.text

    tab_link = f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=123"
    r = post_sheet(client, job, tab_link)
    assert r.status_code == 400
    assert "This link points to a tab other than the first" in r.text
    assert 'aria-describedby="sheet-name-hint sheet-name-error" aria-invalid="true"' in r.text
    assert f'value="{tab_link}"' in r.text
    assert sources(session, job) == []

    assert post_sheet(client, job, URL).status_code == 303
    r = post_sheet(client, job, f"https://drive.google.com/open?id={SHEET_ID}")
    assert r.status_code == 409  # the same spreadsheet's first tab, by another link
    assert "is already linked to the campaign" in r.text
    assert 'id="sheet-url-error"' in r.text
    assert f'value="https://drive.google.com/open?id={SHEET_ID}"' in r.text
    assert len(sources(session, job)) == 1

    job.status = "archived"
    session.commit()
    r = post_sheet(client, job, URL, "Form Responses 3")
    assert r.status_code == 400
    assert "This campaign is archived and takes no new candidates." in r.text
    assert 'value="Form Responses 3"' in r.text
    assert len(sources(session, job)) == 1


def test_refusals_speak_the_recruiters_language(
    client: TestClient, session: Session, owner: User, job: Job, service_account: str
) -> None:
    owner.language = "es"
    session.commit()
    sign_in(client, owner.email)
    page = tab(client, job)
    assert "Vincular una hoja de Google" in page and "Columnas, en este orden" in page
    r = post_sheet(client, job, "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform")
    assert r.status_code == 400
    assert "Este es el enlace de un formulario de Google" in r.text
    assert post_sheet(client, job, URL).status_code == 303
    r = post_sheet(client, job, URL)
    assert r.status_code == 409 and "ya está vinculada a la campaña" in r.text


def test_a_double_post_links_once(
    client: TestClient, session: Session, owner: User, job: Job, service_account: str
) -> None:
    sign_in(client, owner.email)
    page = tab(client, job)
    data = {"csrf_token": csrf_from(page), "form_nonce": nonce_from(page), "url": URL}
    first = client.post(f"/app/campaigns/{job.id}/add/sheet", data=data)
    second = client.post(f"/app/campaigns/{job.id}/add/sheet", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert "The Google Sheet was linked" in client.get(second.headers["location"]).text
    assert len(sources(session, job)) == 1
    # Without the nonce (an older page), the second post is refused as linked already.
    r = post_sheet(client, job, URL)
    assert r.status_code == 409 and len(sources(session, job)) == 1


def test_another_companys_campaign_and_managers_without_permission_get_404(
    client: TestClient,
    session: Session,
    factory: Factory,
    company: Company,
    owner: User,
    job: Job,
    service_account: str,
) -> None:
    rival_job = factory.job(factory.company("Rival Sheets"))
    sign_in(client, owner.email)
    csrf = csrf_from(tab(client, job))
    base = f"/app/campaigns/{rival_job.id}"
    assert client.get(f"{base}/add?tab=sheet").status_code == 404
    r = client.post(f"{base}/add/sheet", data={"csrf_token": csrf, "url": URL})
    assert r.status_code == 404
    assert sources(session, rival_job) == []

    create_user(session, company.id, email="mia@acmesheets.com", name="Mia", password=PASSWORD)
    session.commit()
    client.cookies.clear()
    sign_in(client, "mia@acmesheets.com")
    assert client.get(f"/app/campaigns/{job.id}/add?tab=sheet").status_code == 404
    csrf = csrf_from(client.get("/app/account").text)
    r = client.post(f"/app/campaigns/{job.id}/add/sheet", data={"csrf_token": csrf, "url": URL})
    assert r.status_code == 404
    assert sources(session, job) == []
    mia = session.scalar(select(User).where(User.email == "mia@acmesheets.com"))
    assert mia is not None
    job.campaign_settings = {**(job.campaign_settings or {}), "manager_ids": [mia.id]}
    session.commit()
    assert post_sheet(client, job, URL).status_code == 303
    assert len(sources(session, job)) == 1


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, owner: User, job: Job, service_account: str
) -> None:
    sign_in(client, owner.email)
    tab(client, job)
    r = client.post(f"/app/campaigns/{job.id}/add/sheet", data={"url": URL})
    assert r.status_code == 403
    r = client.post(
        f"/app/campaigns/{job.id}/add/sheet", data={"csrf_token": "1.forged", "url": URL}
    )
    assert r.status_code == 403
    assert sources(session, job) == []


def test_a_synced_sheet_shows_its_state(
    client: TestClient,
    session: Session,
    settings: Settings,
    owner: User,
    job: Job,
    tmp_path: Path,
) -> None:
    other_id = "1OtherSpreadsheetNotShared0000"
    with FakeGoogleSheets().running() as fake:
        key_file = fake.service_account_file(tmp_path)
        settings.google_service_account_file = key_file
        fake.sheet(
            SHEET_ID,
            [
                ["Timestamp", "Full name", "Email", "Phone"],
                ["6/14/2024 10:32:11", "Maria Clara Santos", "maria@example.com", "09171234567"],
                ["6/14/2024 11:00:00", "Ben Reyes", "ben@example.com", ""],
                ["not a date", "Cy Lim", "cy@example.com"],
            ],
        )
        fake.sheet(other_id, [["Timestamp"]], shared=False)
        sign_in(client, owner.email)
        assert f">{fake.client_email}<" in tab(client, job)
        assert post_sheet(client, job, URL).status_code == 303
        other = f"https://docs.google.com/spreadsheets/d/{other_id}/edit"
        assert post_sheet(client, job, other).status_code == 303
        first, second = sources(session, job)
        # What the worker does for each active sheet (sheets.sync_all_due).
        with GoogleSheetsClient.from_service_account_file(key_file, base_url=fake.url) as reader:
            run = sync_sheet(session, first, reader, ttl_hours=24)
            with pytest.raises(SheetSyncFailed):  # recorded as the sheet's last error
                sync_sheet(session, second, reader, ttl_hours=24)
        session.commit()
    assert run is not None and run.created_count == 2 and run.failed_count == 1
    page = tab(client, job)
    items = re.findall(r'<li data-testid="sheet-source">(.*?)</li>', page, re.S)
    assert len(items) == 2
    assert 'data-testid="sheet-last-row">4<' in items[0]
    assert re.search(r'data-testid="sheet-last-sync">\d{4}-\d\d-\d\d \d\d:\d\d UTC<', items[0])
    assert "sheet-last-error" not in items[0]
    assert 'data-testid="sheet-last-row">None yet<' in items[1]
    assert re.search(r'data-testid="sheet-last-error">[^<]*permission', items[1])
    assert (
        'data-testid="sheet-candidates">Candidates added to this campaign from Google Sheets: 2<'
        in page
    )
