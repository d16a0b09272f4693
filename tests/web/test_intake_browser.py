"""CSV imports in the background, in headless Chromium against a live ``hireloop serve
--no-worker`` and a ``hireloop worker`` process started when the test wants the import to
run: the import page waits for the worker, then follows the run with a progress bar
(static/intake.js) until the result with its per-row errors; without JavaScript the page
reloads itself until the result."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.companies.service import create_company, create_user
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.conftest import create_database
from tests.live_server import ROOT, free_port, live_server
from tests.web.browser import Browser, Page, expect, requires_browser

pytestmark = requires_browser

PASSWORD = "correct horse battery"
HEADER = "first name,last name,email,country code,phone number,referee\n"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_intake_web"
    url = create_database(f"{name}_{os.getpid()}")
    data_dir = tmp_path_factory.mktemp("intake-web")
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Bulk", default_country="PH")
            create_user(
                session,
                company.id,
                email="olga@acmebulk.com",
                name="Olga Owner",
                password=PASSWORD,
                role="owner",
            )
            jobs = [
                create_job(
                    session, company.id, JobData(title=title, status="open"), Actor.system()
                ).id
                for title in ("Big Import", "Small Import")
            ]
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
        yield {"base": base, "jobs": jobs, "env": env, "log": data_dir / "worker.log"}


def _serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "hireloop", "serve", "--no-worker", "--port", str(port)]


@contextmanager
def worker(live: dict[str, Any]) -> Iterator[None]:
    """``hireloop worker`` on the server's database and task queue."""
    with live["log"].open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hireloop", "worker"],
            env={**os.environ, **live["env"]},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _page(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=True)


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=False)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/app/login")
    page.get_by_label("Email").fill("olga@acmebulk.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def upload_and_import(page: Page, base: str, job_id: int, csv_file: Path, rows: int) -> None:
    page.goto(f"{base}/app/campaigns/{job_id}/add?tab=csv")
    page.get_by_label("Drop a CSV file here, or click to choose one").set_input_files(str(csv_file))
    page.get_by_role("button", name="Preview the file").click()
    expect(page.get_by_test_id("csv-preview")).to_be_visible()
    page.get_by_role("button", name=f"Import {rows} rows").click()


def test_a_big_import_shows_its_progress(live: dict[str, Any], page: Page, tmp_path: Path) -> None:
    base, job_id = live["base"], live["jobs"][0]
    rows = 5_000
    csv_file = tmp_path / "big.csv"
    csv_file.write_text(
        HEADER
        + "".join(f"Lead,Number{i},lead{i}@example.com,63,,\n" for i in range(rows - 1))
        + "Bad,Row,not-an-email,63,,\n",
        encoding="utf-8",
    )
    sign_in(page, base)
    upload_and_import(page, base, job_id, csv_file, rows)
    state = page.get_by_test_id("import-state")
    expect(state).to_have_text("The import is waiting to start")
    expect(page.locator("#import-rows")).to_have_text(f"0 of {rows} rows done")
    assert page.locator("#import-bar").get_attribute("value") == "0"
    # The worker starts: follow the bar until the run ends (the script moves it, then
    # reloads the page to show the result).
    seen: list[int] = []
    with worker(live):
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                value = page.evaluate(
                    "() => { const b = document.getElementById('import-bar');"
                    " return b ? b.value : -1; }"
                )
            except Exception:  # noqa: BLE001 - the script reloaded the page meanwhile
                continue
            if value < 0:
                break
            seen.append(int(value))
            time.sleep(0.05)
    expect(state).to_have_text("The import is finished", timeout=30_000)
    expect(page.get_by_test_id("created-count")).to_have_text(str(rows - 1))
    expect(page.get_by_test_id("failed-count")).to_have_text("1")
    expect(page.locator("#import-errors")).to_contain_text(f"Row {rows + 1}: Invalid email")
    # The bar only ever moves forward. Whether a middle value is caught depends on how fast
    # the import runs against the script's one-second polls, so that the counts move while
    # the worker imports is asserted by test_intake_import.py (polling the status route).
    assert seen == sorted(seen) and max(seen, default=0) <= rows, seen


def test_without_javascript_the_page_reloads_until_the_result(
    live: dict[str, Any], page_without_js: Page, tmp_path: Path
) -> None:
    base, job_id = live["base"], live["jobs"][1]
    csv_file = tmp_path / "small.csv"
    csv_file.write_text(
        HEADER + "Ana,Cruz,ana.cruz@example.com,63,9171234567,\nCy,Lim,not-an-email,63,,\n",
        encoding="utf-8",
    )
    page = page_without_js
    sign_in(page, base)
    upload_and_import(page, base, job_id, csv_file, 2)
    expect(page.get_by_test_id("import-state")).to_have_text("The import is waiting to start")
    with worker(live):  # the page reloads itself every 3 seconds
        expect(page.get_by_test_id("import-state")).to_have_text(
            "The import is finished", timeout=60_000
        )
    expect(page.get_by_test_id("created-count")).to_have_text("1")
    expect(page.locator("#import-errors")).to_contain_text("Row 3: Invalid email")
