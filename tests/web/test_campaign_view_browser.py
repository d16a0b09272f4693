"""The campaign view's candidate list in headless Chromium against a live server: search,
folders, label and score filters, selection and bulk actions (label, move, refresh PIN),
"select all" with the script (checkbox, mixed state, count, keyboard) and without it,
a script in a candidate name shown as text, permissions and tenancy, empty states, the
phone layout. ``HIRELOOP_SCREENSHOTS=<dir>`` saves campaign-view.png there.

Contexts have JavaScript on so that a script that slipped through would run (and be
caught by the dialog listener)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.labels import apply_labels, create_label
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import create_application, move_application
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company, create_user
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.library import create_quick_reply
from tests.conftest import create_database
from tests.live_server import live_server
from tests.web.browser import Browser, Page, expect, requires_browser

pytestmark = requires_browser

PASSWORD = "correct horse battery"
XSS = '<img src=x onerror="alert(1)">Eve<script>alert(2)</script>'
PEOPLE = [
    # first, last, email, phone, city, source, score, folder (the newest is listed first)
    (XSS, "Hacker", "eve@mail.test", None, "Manila", "Career site", 10, "inbox"),
    ("María", "García", "maria.garcia@mail.test", "+639171234567", "Cebu", "Referral", 88, "inbox"),
    ("José", "Reyes", "jose.reyes@mail.test", "+639181112222", "Manila", "Indeed", 64, "inbox"),
    ("Ana", "Santos", "ana.santos@mail.test", None, "Davao", "Career site", 91, "shortlisted"),
    ("Pedro", "Lim", "pedro.lim@mail.test", "+639191234000", "Manila", "Facebook", 35, "inbox"),
    ("Liza", "Cruz", "liza.cruz@mail.test", None, "Quezon City", "Indeed", 72, "inbox"),
    ("Ramon", "Bautista", "ramon.b@mail.test", None, "Makati", "Referral", None, "completed"),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = create_database(f"{os.environ.get('HIRELOOP_TEST_DB_NAME', 'hireloop')}_cv_web")
    data_dir = tmp_path_factory.mktemp("campaign-view-web")
    db = Database(url)
    ids: dict[str, Any] = {}
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Recruiting")
            create_user(
                session, company.id, email="olga@acme.test", name="Olga Owner",
                password=PASSWORD, role="owner",
            )  # fmt: skip
            create_user(session, company.id, email="max@acme.test", name="Max", password=PASSWORD)
            job = create_job(
                session,
                company.id,
                JobData(title="Call Center Agent", city="Manila", status="open"),
                Actor.system(),
            )
            empty = create_job(
                session, company.id, JobData(title="Night Auditor", status="open"), Actor.system()
            )
            create_label(session, company.id, "Bilingual")
            create_quick_reply(session, company.id, title="Thanks", content="Thanks!")
            for first, last, email, phone, city, source, score, folder in PEOPLE:
                candidate, _ = create_candidate(
                    session,
                    company.id,
                    CandidateData(
                        first_name=first, last_name=last, email=email, phone=phone, city=city
                    ),
                )
                application, _ = create_application(
                    session, job, candidate, Actor.system(), source=source
                )
                application.ai_score = score
                if folder != "inbox":
                    move_application(session, application, folder, Actor.system())
                if first in ("María", "Liza"):
                    apply_labels(session, application, Actor.system(), add=["Bilingual"])
                ids[first] = application.id
            rival = create_company(session, "Rival")
            rival_job = create_job(
                session, rival.id, JobData(title="Theirs", status="open"), Actor.system()
            )
            ids.update(job=job.id, empty=empty.id, rival_job=rival_job.id)
    finally:
        db.dispose()
    env = {
        "HIRELOOP_DATABASE_URL": url,
        "HIRELOOP_DATA_DIR": str(data_dir),
        "HIRELOOP_BASE_URL": "http://127.0.0.1",
    }
    with live_server(env, data_dir / "serve.log") as base:
        yield {"base": base, "db_url": url, "ids": ids}


def _page(browser: Browser, **options: Any) -> Iterator[Page]:
    context = browser.new_context(**options)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        yield page
    finally:
        context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, viewport={"width": 1280, "height": 800})


def sign_in(page: Page, base: str, email: str = "olga@acme.test") -> None:
    page.goto(f"{base}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/app")


def rows(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".cv-row .cv-name").all_inner_texts()]


def screenshots() -> Path | None:
    raw = os.environ.get("HIRELOOP_SCREENSHOTS")
    if not raw:
        return None
    path = Path(raw)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_open_search_and_filter(live: dict[str, Any], page: Page) -> None:
    base, ids = live["base"], live["ids"]
    sign_in(page, base)
    page.get_by_role("link", name="Call Center Agent").click()
    expect(page.get_by_role("heading", name="Call Center Agent")).to_be_visible()
    expect(page.locator(".cv-row")).to_have_count(5)
    assert "Ana Santos" not in rows(page)  # shortlisted, not in the inbox
    expect(page.locator('[data-folder="inbox"] .cv-count')).to_have_text("5")
    expect(page.locator('[data-folder="shortlisted"] .cv-count')).to_have_text("1")
    # The script in a name is text.
    expect(page.locator(".cv-row .cv-name", has_text="Eve")).to_contain_text("<script>")

    # Search by name (every folder), then by phone.
    page.get_by_label("Search candidates").fill("ana santos")
    page.get_by_label("Search candidates").press("Enter")
    expect(page.locator(".cv-row")).to_have_count(1)
    assert rows(page) == ["Ana Santos"]
    page.get_by_label("Search candidates").fill("9181112222")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".cv-row")).to_have_count(1)
    assert rows(page) == ["José Reyes"]
    page.get_by_test_id("reset-filters").click()
    expect(page.locator(".cv-row")).to_have_count(5)

    # A folder, a label (clicking it on a row), the score range.
    page.locator('[data-folder="completed"]').click()
    expect(page.locator(".cv-row")).to_have_count(1)
    assert rows(page) == ["Ramon Bautista"]
    page.locator('[data-folder="inbox"]').click()
    page.locator(".cv-row", has_text="María García").get_by_role("link", name="Bilingual").click()
    expect(page.locator(".cv-row")).to_have_count(2)
    assert sorted(rows(page)) == ["Liza Cruz", "María García"]
    page.get_by_test_id("reset-filters").click()
    page.locator(".cv-filters summary").click()
    page.get_by_label("AI score from").fill("60")
    page.get_by_label("AI score to").fill("80")
    page.get_by_label("Source").fill("indeed")
    page.get_by_role("button", name="Apply the filters").click()
    expect(page.locator(".cv-row")).to_have_count(2)
    assert sorted(rows(page)) == ["José Reyes", "Liza Cruz"]
    page.locator(".cv-filter-form").get_by_role("link", name="Reset").click()
    expect(page.locator(".cv-row")).to_have_count(5)

    # Selecting a candidate keeps the list and shows the panels.
    page.get_by_role("link", name="María García").click()
    expect(page.locator(".cv-row-selected")).to_contain_text("María García")
    assert f"selected={ids['María']}" in page.url
    shot = screenshots()
    if shot:
        page.screenshot(path=str(shot / "campaign-view.png"))


def test_select_and_bulk_actions(live: dict[str, Any], page: Page) -> None:
    base, ids = live["base"], live["ids"]
    sign_in(page, base)
    page.goto(f"{base}/app/campaigns/{ids['job']}?location=manila")
    expect(page.locator(".cv-row")).to_have_count(3)  # José, Pedro, Eve

    # Select all on the page (the header checkbox), label them.
    page.get_by_role("checkbox", name="Select all on this page").check()
    expect(page.locator(".cv-check:checked")).to_have_count(3)
    page.get_by_text("Actions for the selected candidates").click()
    page.get_by_label("Label to add").fill("Manila pool")
    page.get_by_role("button", name="Label", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("The label was added.")
    expect(page.locator(".cv-row .cv-label", has_text="Manila pool")).to_have_count(3)
    assert "location=manila" in page.url  # the filters are kept

    # Select two by hand, move them to On hold: they leave the inbox.
    page.get_by_label("Select José Reyes").check()
    page.get_by_label("Select Pedro Lim").check()
    page.get_by_text("Actions for the selected candidates").click()
    page.get_by_label("Folder to move to").select_option("on_hold")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("The selected candidates were moved.")
    expect(page.locator(".cv-row")).to_have_count(1)
    expect(page.locator('[data-folder="on_hold"] .cv-count')).to_have_text("2")
    # The Inbox is no move target.
    assert "inbox" not in page.locator("#cv-bulk-folder option").evaluate_all(
        "els => els.map(e => e.value)"
    )

    # Refresh the PIN of one in On hold.
    page.locator('[data-folder="on_hold"]').click()
    page.get_by_label("Select Pedro Lim").check()
    page.get_by_text("Actions for the selected candidates").click()
    page.get_by_role("button", name="Refresh PIN").click()
    expect(page.locator(".flash-success")).to_have_text(
        "New PINs were issued to the selected candidates."
    )
    db = Database(live["db_url"])
    try:
        with db.unit_of_work() as session:
            pin = session.scalar(select(Application.pin).where(Application.id == ids["Pedro"]))
            assert pin and len(pin) == 6
    finally:
        db.dispose()

    # The + of a row adds a label (with the keyboard).
    page.locator('[data-folder="on_hold"]').click()
    row = page.locator(".cv-row", has_text="José Reyes")
    row.locator(".cv-add-label summary").focus()
    page.keyboard.press("Enter")
    row.get_by_label("Label", exact=True).fill("Call back")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_have_text("The label was added.")
    expect(page.locator(".cv-row", has_text="José Reyes")).to_contain_text("Call back")

    # Nothing selected: a message, nothing done.
    page.get_by_text("Actions for the selected candidates").click()
    page.get_by_role("button", name="Refresh PIN").click()
    expect(page.locator(".flash-success")).to_have_text("Select at least one candidate first.")


def test_permissions_tenancy_and_empty_states(live: dict[str, Any], page: Page) -> None:
    base, ids = live["base"], live["ids"]
    sign_in(page, base)
    page.goto(f"{base}/app/campaigns/{ids['rival_job']}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(f"{base}/app/campaigns/{ids['empty']}")
    expect(page.get_by_test_id("empty-list")).to_contain_text("No candidates here yet")
    expect(page.get_by_role("heading", name="Select a candidate")).to_be_visible()
    page.get_by_label("Campaign", exact=True).select_option(label="Call Center Agent")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="Call Center Agent")).to_be_visible()
    page.get_by_label("Search candidates").fill("nobody at all")
    page.get_by_label("Search candidates").press("Enter")
    expect(page.get_by_test_id("empty-list")).to_contain_text("No candidate matches")

    # A manager without permission on the campaign.
    page.context.clear_cookies()
    sign_in(page, base, "max@acme.test")
    page.goto(f"{base}/app/campaigns/{ids['job']}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(f"{base}/app/campaigns/all")
    expect(page.get_by_test_id("empty-list")).to_be_visible()
    expect(page.get_by_test_id("candidate-total")).to_have_text("0 candidates")


def test_phone_layout(live: dict[str, Any], browser: Browser) -> None:
    base, ids = live["base"], live["ids"]
    for page in _page(browser, viewport={"width": 390, "height": 844}, is_mobile=True):
        sign_in(page, base)
        page.goto(f"{base}/app/campaigns/{ids['job']}")
        expect(page.locator(".cv-list")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        page.get_by_role("link", name="Liza Cruz").click()
        expect(page.locator(".cv-list")).to_be_hidden()
        back = page.get_by_role("link", name=re.compile("Back to the list"))
        expect(back).to_be_visible()
        back.click()
        expect(page.locator(".cv-list")).to_be_visible()


# --- Select all on this page: the script's checkbox, and the link without scripts ---------


def test_select_all_checkbox(live: dict[str, Any], page: Page) -> None:
    base, ids = live["base"], live["ids"]
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, base)
    page.goto(f"{base}/app/campaigns/{ids['job']}?folder=all&location=manila")
    expect(page.locator(".cv-row")).to_have_count(3)
    toggle = page.get_by_role("checkbox", name="Select all on this page")
    count = page.get_by_test_id("selected-count")
    # The script replaces the link.
    expect(toggle).to_be_visible()
    expect(page.get_by_role("link", name="Select all on this page")).to_be_hidden()
    expect(count).to_have_text("")

    # Keyboard: Tab reaches it, Space checks every row.
    page.get_by_label("Search candidates").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "cv-select-all":
            break
    assert page.evaluate("document.activeElement.id") == "cv-select-all"
    page.keyboard.press("Space")
    expect(page.locator(".cv-check:checked")).to_have_count(3)
    expect(toggle).to_be_checked()
    expect(count).to_have_text("3 selected")

    # One row unchecked: mixed.
    page.get_by_label("Select José Reyes").uncheck()
    expect(count).to_have_text("2 selected")
    assert toggle.evaluate("el => el.indeterminate && !el.checked")
    # Checking it again from mixed selects every row; again, none.
    toggle.check()
    expect(page.locator(".cv-check:checked")).to_have_count(3)
    assert not toggle.evaluate("el => el.indeterminate")
    page.keyboard.press("Space")  # the focus stays on the checkbox
    expect(page.locator(".cv-check:checked")).to_have_count(0)
    expect(count).to_have_text("")
    # Row by row up to all: checked, not mixed.
    for name in ("José Reyes", "Pedro Lim"):
        page.get_by_label(f"Select {name}").check()
    assert toggle.evaluate("el => el.indeterminate")
    page.locator(".cv-check:not(:checked)").check()
    expect(toggle).to_be_checked()
    assert not toggle.evaluate("el => el.indeterminate")

    # The selection goes with the bulk form.
    page.get_by_text("Actions for the selected candidates").click()
    page.get_by_label("Label to add").fill("Everyone here")
    page.get_by_role("button", name="Label", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("The label was added.")
    expect(page.locator(".cv-row .cv-label", has_text="Everyone here")).to_have_count(3)
    assert problems == [], problems  # no CSP refusal, no script error


def test_select_all_without_scripts(live: dict[str, Any], browser: Browser) -> None:
    base, ids = live["base"], live["ids"]
    for page in _page(browser, java_script_enabled=False):
        sign_in(page, base)
        page.goto(f"{base}/app/campaigns/{ids['job']}?folder=all&location=manila")
        expect(page.get_by_role("checkbox", name="Select all on this page")).to_have_count(0)
        page.get_by_role("link", name="Select all on this page").click()
        expect(page.locator(".cv-check:checked")).to_have_count(3)
        assert "all=1" in page.url and "location=manila" in page.url
        expect(page.locator(".cv-row")).to_have_count(3)
        page.get_by_role("link", name="Clear the selection").click()
        expect(page.locator(".cv-check:checked")).to_have_count(0)
