"""Adding candidates, the Excel export and the company administration in headless Chromium
against a live ``hireloop serve`` (with its worker, no SMTP server: the stored mailbox).

Flows: a candidate by the manual form with a PDF CV; a CSV file previewed (per-row errors)
then imported; two CV files; the export downloaded and opened with openpyxl (a "=cmd" name
is text); the weekly statistics toggle; an API key shown once, working on the leads API,
then revoked; the stored mailbox (a reset link hidden); deleting a user and transferring
the ownership; the Google Sheet tab on a phone. ``HIRELOOP_SCREENSHOTS=<dir>`` saves add-candidates.png and
company-profile.png there."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import select

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.companies.models import User
from hireloop.domain.companies.service import create_company, create_user
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.models import Message
from tests.conftest import create_database
from tests.cv_files import make_docx, make_pdf
from tests.live_server import free_port, live_server
from tests.web.browser import Browser, Page, expect, requires_browser
from tests.web.test_accounts_browser import _serve_command

pytestmark = requires_browser

PASSWORD = "correct horse battery"
CSV = (
    "first name,last name,email,country code,phone number,referee\n"
    "Ana,Cruz,ana.cruz@example.com,63,9171234567,\n"
    "=cmd|' /C calc'!A0,Reyes,ben.reyes@example.com,63,9171234568,Rita Ref\n"
    "Cy,Lim,not-an-email,63,,\n"
    "Dana,Uy,dana.uy@example.com,63,9171234569,\n"
)


def screenshots() -> Path | None:
    raw = os.environ.get("HIRELOOP_SCREENSHOTS")
    if not raw:
        return None
    path = Path(raw)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = create_database(f"hireloop_admin_web_{os.getpid()}")
    data_dir = tmp_path_factory.mktemp("admin-web")
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Staffing", default_country="PH")
            job = create_job(
                session,
                company.id,
                JobData(title="Customer Care Agent", city="Manila", status="open"),
                Actor.system(),
            )
            for email, name, role in (
                ("olga@acmestaffing.com", "Olga Owner", "owner"),
                ("mia@acmestaffing.com", "Mia Manager", "manager"),
                ("dan@acmestaffing.com", "Dan Departing", "manager"),
            ):
                create_user(
                    session, company.id, email=email, name=name, password=PASSWORD, role=role
                )
            job_id = job.id
    finally:
        db.dispose()
    port = free_port()
    env = {
        "HIRELOOP_DATABASE_URL": url,
        "HIRELOOP_DATA_DIR": str(data_dir),
        "HIRELOOP_BASE_URL": f"http://127.0.0.1:{port}",
        "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2",
    }
    with live_server(env, data_dir / "serve.log", port=port, command=_serve_command) as base:
        yield {"base": base, "db_url": url, "job_id": job_id, "files": data_dir}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        yield page
    finally:
        context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def test_add_candidates_and_export(live: dict[str, Any], page: Page, tmp_path: Path) -> None:
    base, job_id = live["base"], live["job_id"]
    sign_in(page, base, "olga@acmestaffing.com")
    add = f"{base}/app/campaigns/{job_id}/add"

    # 1. One candidate, with a PDF CV.
    page.goto(add)
    expect(page.get_by_role("heading", name="Add one candidate")).to_be_visible()
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("<img src=x onerror=alert(1)>Santos")
    page.get_by_label("Email").fill("maria.santos@example.com")
    page.get_by_label("Phone").fill("0917 555 0101")
    cv = tmp_path / "maria.pdf"
    cv.write_bytes(make_pdf(["Maria Santos", "maria.santos@example.com", "Skills: Excel"]))
    page.get_by_label("CV (optional)").set_input_files(str(cv))
    page.get_by_role("button", name="Add the candidate").click()
    expect(page.locator(".flash-success")).to_have_text("The candidate was added to the campaign.")
    expect(page.get_by_test_id("added-lead")).to_be_visible()

    # 2. A CSV file: preview with the per-row errors, then import.
    page.get_by_role("link", name="CSV file").click()
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.get_by_label("Drop a CSV file here, or click to choose one").set_input_files(str(csv_file))
    page.get_by_role("button", name="Preview the file").click()
    preview = page.get_by_test_id("csv-preview")
    expect(preview).to_contain_text("Rows ready to import: 3. Rows with errors: 1.")
    expect(page.locator("#csv-row-errors")).to_contain_text("Row 4: Invalid email")
    expect(page.locator("#csv-preview-rows")).to_contain_text("=cmd|' /C calc'!A0")
    shot = screenshots()
    if shot is not None:
        page.screenshot(path=str(shot / "add-candidates.png"))
    page.get_by_role("button", name="Import 4 rows").click()
    expect(page.get_by_test_id("created-count")).to_have_text("3")
    expect(page.get_by_test_id("failed-count")).to_have_text("1")
    expect(page.locator("#import-errors")).to_contain_text("Row 4: Invalid email")

    # 3. Two CV files in one form.
    page.goto(f"{add}?tab=cv")
    first, second = tmp_path / "john.docx", tmp_path / "lena.pdf"
    first.write_bytes(make_docx(["John Rivera", "john.rivera@example.com", "Team lead."]))
    second.write_bytes(make_pdf(["Lena Garcia", "lena.garcia@example.com", "+63 917 555 0199"]))
    page.get_by_label("Drop CV files here, or click to choose them").set_input_files(
        [str(first), str(second)]
    )
    page.get_by_role("button", name="Add the candidates").click()
    expect(page.get_by_test_id("cv-summary")).to_have_text(
        "2 added, 0 already in the campaign, 0 failed."
    )
    expect(page.locator("#cv-results")).to_contain_text("John Rivera")
    expect(page.locator("#cv-results")).to_contain_text("Lena Garcia")

    # 4. The export: an Excel file where the formula-like name is text.
    with page.expect_download() as info:
        page.get_by_role("link", name="Export to Excel").click()
    target = tmp_path / "export.xlsx"
    info.value.save_as(str(target))
    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 6
    emails = {r[header.index("Email")].value for r in rows}
    assert "maria.santos@example.com" in emails and "john.rivera@example.com" in emails
    names = [r[header.index("First name")] for r in rows]
    formula_like = [c for c in names if str(c.value).startswith("'=cmd")]
    assert formula_like and formula_like[0].data_type == "s"
    assert all(c.data_type != "f" for r in rows for c in r)
    last_names = [r[header.index("Last name")].value for r in rows]
    assert "<img src=x onerror=alert(1)>Santos" in last_names  # stored and exported as text


def test_the_google_sheet_tab_on_a_phone(live: dict[str, Any], browser: Browser) -> None:
    """The sheet tab at 375 px: no sideways scrolling (WCAG 1.4.10), a refused link named
    on its field, a linked sheet listed. The server has no service account: the tab says
    so and links all the same."""
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        sign_in(page, live["base"], "olga@acmestaffing.com")
        page.goto(f"{live['base']}/app/campaigns/{live['job_id']}/add?tab=sheet")
        expect(page.get_by_test_id("sheets-not-configured")).to_contain_text(
            "HIRELOOP_GOOGLE_SERVICE_ACCOUNT_FILE"
        )
        link = page.get_by_label("Link of the spreadsheet")
        link.fill("https://docs.google.com/forms/d/e/1FAIpQLSf/viewform")
        page.get_by_label("Tab name (optional)").fill("Form Responses 1")
        page.get_by_role("button", name="Link the sheet").click()
        expect(link).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#sheet-url-error")).to_contain_text("link of a Google Form")
        expect(page.get_by_label("Tab name (optional)")).to_have_value("Form Responses 1")
        link.fill(
            "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit"
        )
        page.get_by_role("button", name="Link the sheet").click()
        expect(page.locator(".flash-success")).to_have_text(
            "The Google Sheet was linked to the campaign."
        )
        expect(page.get_by_test_id("sheet-source")).to_contain_text("Form Responses 1")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
    finally:
        context.close()


def _mailbox_message(db_url: str, kind: str, timeout: float = 20.0) -> int:
    """The id of the newest stored message of ``kind`` (the worker stores it in a second)."""
    db = Database(db_url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with db.unit_of_work() as session:
                found = session.scalar(
                    select(Message.id)
                    .where(Message.kind == kind, Message.status == "stored")
                    .order_by(Message.id.desc())
                )
            if found:
                return int(found)
            time.sleep(0.2)
    finally:
        db.dispose()
    raise AssertionError(f"no stored {kind} message")


def _role(db_url: str, email: str) -> str | None:
    db = Database(db_url)
    try:
        with db.unit_of_work() as session:
            return session.scalar(select(User.role).where(User.email == email))
    finally:
        db.dispose()


def test_company_administration(live: dict[str, Any], page: Page) -> None:
    base = live["base"]
    # A reset link for Mia, kept in the stored mailbox (no SMTP server).
    page.goto(f"{base}/app/password/forgot")
    page.get_by_label("Email").fill("mia@acmestaffing.com")
    page.get_by_role("button", name="Send the link").click()
    reset_id = _mailbox_message(live["db_url"], "password_reset")

    sign_in(page, base, "olga@acmestaffing.com")
    page.goto(f"{base}/app/company")

    # Weekly statistics: a switch per user.
    switch = page.get_by_role("switch", name="Weekly statistics email for Mia Manager")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(page.locator(".flash-success")).to_have_text("The weekly statistics email is on.")
    expect(
        page.get_by_role("switch", name="Weekly statistics email for Mia Manager")
    ).to_have_attribute("aria-checked", "true")
    shot = screenshots()
    if shot is not None:
        page.screenshot(path=str(shot / "company-profile.png"))

    # API key: shown once, works on the leads API, then revoked.
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("Job board feed")
    page.get_by_label("API the key opens").select_option("leads")
    page.get_by_role("button", name="Create the key").click()
    key = page.get_by_test_id("issued-key-value").input_value()
    assert key.startswith("sk_live_")
    api = f"{base}/api/talkpush_services/campaign_invitations"
    assert httpx.get(api, params={"api_key": key}).status_code == 200
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_test_id("issued-key")).to_have_count(0)
    assert key not in page.content()
    expect(page.locator("#api-keys")).to_contain_text("Job board feed")
    page.get_by_role("button", name="Revoke Job board feed").click()
    expect(page.locator(".flash-success")).to_have_text(
        "The API key was revoked. It no longer works."
    )
    assert httpx.get(api, params={"api_key": key}).status_code == 401

    # The stored mailbox lists the reset email but does not show its link.
    page.get_by_role("link", name="Mailbox").click()
    expect(page.locator("#mailbox")).to_contain_text("mia@acmestaffing.com")
    page.goto(f"{base}/app/company/mailbox/{reset_id}")
    expect(page.get_by_test_id("hidden-body")).to_be_visible()
    assert "token=" not in page.content()

    # Delete a user (after a confirmation page).
    page.goto(f"{base}/app/company")
    page.get_by_role("link", name="Delete Dan Departing").click()
    page.get_by_role("button", name="Delete the user").click()
    expect(page.locator(".flash-success")).to_contain_text("The user was deleted.")
    expect(page.locator("#team")).not_to_contain_text("Dan Departing")

    # Transfer the ownership to Mia: Olga becomes a manager.
    page.get_by_role("link", name="Make owner Mia Manager").click()
    page.get_by_role("button", name="Transfer the ownership").click()
    expect(page.locator(".flash-success")).to_contain_text("You are now a manager")
    assert _role(live["db_url"], "mia@acmestaffing.com") == "owner"
    assert _role(live["db_url"], "olga@acmestaffing.com") == "manager"
    page.goto(f"{base}/app/company/api-keys")
    expect(page.get_by_role("heading", name="Access refused")).to_be_visible()
    # Olga, now a manager, may still turn her own weekly email on.
    page.goto(f"{base}/app/company")
    own = page.get_by_role("switch", name="Weekly statistics email for Olga Owner")
    own.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_have_text("The weekly statistics email is on.")
    assert re.search("Make owner", page.content()) is None
