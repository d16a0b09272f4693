"""The career pages in headless Chromium against a live uvicorn server (own database).

The apply flow runs with JavaScript *disabled*: the pages must work as plain links and
forms. Layout checks (phone viewport, stylesheet applied, no CSP violation) run in a
context with JavaScript on, since they read the page through ``evaluate``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.conftest import create_database
from tests.cv_files import make_pdf
from tests.live_server import free_port, live_server
from tests.web.browser import Browser, Page, expect, requires_browser
from tests.web.conftest import DESCRIPTION

REPO_ROOT = Path(__file__).resolve().parents[2]

PHONE = {"width": 390, "height": 844}
LONG_URL = "https://careers.example.com/warehouse/lyon/associate/" + "a-very-long-path-segment-" * 6
# A normal-length offer (eight paragraphs, a list, a table wider than a phone, a long URL):
# the apply form is thousands of pixels below the top on a phone.
LONG_DESCRIPTION = (
    "# About the job\n\n"
    + "\n\n".join(
        [
            "We are looking for a motivated warehouse associate to join our Lyon team. You "
            "will receive goods, check deliveries, prepare orders and keep the warehouse "
            "tidy and safe. You will work with a friendly team of twelve people and report "
            "to the site manager."
        ]
        * 8
    )
    + "\n\n## Requirements\n\n- Forklift licence\n- Two years of experience\n\n"
    + "| Responsibilities | Qualifications | Compensation | Availability |\n"
    + "|---|---|---|---|\n"
    + "| Receiving | Forklift | Negotiable | Immediately |\n"
    + "| Shipping | Certification | Benefits | Weekends |\n\n"
    + f"Details: {LONG_URL}\n"
)

pytestmark = requires_browser

CV_PDF = make_pdf(
    [
        "Jean Dupont",
        "jean.dupont@example.com",
        "+33 1 23 45 67 89",
        "",
        "Experience",
        "Full Stack Developer at Doctolib, 2019 - Present",
        "Python, FastAPI, PostgreSQL",
    ]
)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A uvicorn server with the career pages, and the company and job it serves."""
    url = create_database(f"hireloop_web_{os.getpid()}")
    data_dir = tmp_path_factory.mktemp("web-data")
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Careers")
            job = create_job(
                session,
                company.id,
                JobData(
                    title="Full Stack Developer",
                    description=DESCRIPTION,
                    city="Paris",
                    country="France",
                    job_type="CDI",
                    status="open",
                ),
                Actor.system(),
            )
            create_job(
                session,
                company.id,
                JobData(title="Support Agent", city="Manila", job_type="Full-time", status="open"),
                Actor.system(),
            )
            long_job = create_job(
                session,
                company.id,
                JobData(
                    title="Warehouse Associate",
                    description=LONG_DESCRIPTION,
                    city="Lyon",
                    country="France",
                    job_type="CDI",
                    status="open",
                ),
                Actor.system(),
            )
            slug, job_id, long_job_id = company.slug, job.public_id, long_job.public_id
    finally:
        db.dispose()

    port = free_port()
    env = {
        "HIRELOOP_DATABASE_URL": url,
        "HIRELOOP_DATA_DIR": str(data_dir),
        "HIRELOOP_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with live_server(env, data_dir / "uvicorn.log", port=port) as base:
        yield {
            "base": base,
            "slug": slug,
            "job_id": job_id,
            "long_job_id": long_job_id,
            "db_url": url,
        }


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def no_js_phone(browser: Browser) -> Iterator[Page]:
    """A phone (390x844) without JavaScript, as the audit used. ``evaluate`` still works:
    Playwright runs it in its own isolated world, the page's scripts stay off."""
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, device_scale_factor=1, is_mobile=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def fill_form(page: Page, first: str, last: str, email: str, cv: dict[str, Any]) -> None:
    page.fill("#first_name", first)
    page.fill("#last_name", last)
    page.fill("#email", email)
    page.fill("#phone", "+33 1 23 45 67 89")
    page.fill("#linkedin_url", "https://linkedin.com/in/jeandupont")
    page.fill("#cover_letter", "Je suis motivé par ce poste.")
    page.set_input_files("#cv", files=[cv])


def pdf_file() -> dict[str, Any]:
    return {"name": "jean-dupont.pdf", "mimeType": "application/pdf", "buffer": CV_PDF}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "a PNG screenshot"
    return struct.unpack(">II", head[16:24])


def test_apply_from_the_list_then_again_then_with_a_bad_file(
    live: dict[str, Any], no_js_page: Page, tmp_path: Path
) -> None:
    page = no_js_page
    page.goto(f"{live['base']}/careers/{live['slug']}")
    assert page.title() == "Careers at Acme Careers"
    assert page.locator(".job-card").count() == 3

    page.click("text=Full Stack Developer")
    page.wait_for_url(f"**/careers/{live['slug']}/jobs/{live['job_id']}")
    assert page.title() == "Full Stack Developer — Acme Careers"
    assert page.locator(".description table th").first.inner_text() == "Skill"

    fill_form(page, "Jean", "Dupont", "jean.dupont@example.com", pdf_file())
    page.click("button[type=submit]")
    page.wait_for_url("**/applied?ref=*")
    assert page.locator("h1").inner_text() == "Application received"
    assert "Thank you, Jean!" in page.locator(".confirmation").inner_text()
    page.screenshot(path=str(tmp_path / "confirmation.png"), full_page=True)
    assert (tmp_path / "confirmation.png").stat().st_size > 5_000

    # Reloading the confirmation is a GET: nothing is sent twice.
    page.reload()
    assert page.locator("h1").inner_text() == "Application received"

    # The same person again (names and email in another case): the existing application.
    page.goto(f"{live['base']}/careers/{live['slug']}/jobs/{live['job_id']}")
    fill_form(page, "JEAN", "dupont", "Jean.Dupont@Example.COM", pdf_file())
    page.click("button[type=submit]")
    page.wait_for_url("**/applied?ref=*")
    assert page.locator("h1").inner_text() == "You have already applied"
    confirmation = page.locator(".confirmation").inner_text()
    assert "Your application from that day is kept as it was" in confirmation
    assert "The CV you just sent has replaced the one you sent before" in confirmation

    # A file that is not a PDF or DOCX: the form again, with the message and the values.
    page.goto(f"{live['base']}/careers/{live['slug']}/jobs/{live['job_id']}")
    fill_form(
        page,
        "Marie",
        "Curie",
        "marie@example.com",
        {"name": "cv.txt", "mimeType": "text/plain", "buffer": b"Marie Curie\nPhysics\n"},
    )
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/apply" in page.url
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Your CV must be a PDF or a Word (.docx) file." in summary.inner_text()
    assert page.input_value("#first_name") == "Marie"
    assert page.input_value("#email") == "marie@example.com"
    assert page.input_value("#cover_letter") == "Je suis motivé par ce poste."
    assert page.title().startswith("Error: ")

    # Fixing the file on the re-rendered form (its fresh CSRF token) goes through.
    page.set_input_files("#cv", files=[pdf_file()])
    page.click("button[type=submit]")
    page.wait_for_url("**/applied?ref=*")
    assert page.locator("h1").inner_text() == "Application received"
    assert "Thank you, Marie!" in page.locator(".confirmation").inner_text()


def test_job_page_on_a_phone(live: dict[str, Any], browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True
    )
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda msg: problems.append(msg.text) if msg.type == "error" else None,
        )
        page.goto(f"{live['base']}/careers/{live['slug']}/jobs/{live['job_id']}")
        page.wait_for_load_state("networkidle")
        # Nothing wider than the phone: no sideways scrolling.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"page is {width}px wide on a 390px screen"
        # The stylesheet is applied (the button is the accent blue, full width on phones).
        button = page.locator("button[type=submit]")
        color = button.evaluate("b => getComputedStyle(b).backgroundColor")
        assert color == "rgb(36, 80, 200)"
        box = button.bounding_box()
        assert box is not None and box["width"] > 300
        assert not [p for p in problems if "Content Security Policy" in p], problems
        shot = tmp_path / "job-phone.png"
        page.screenshot(path=str(shot), full_page=True)
        w, h = png_size(shot)
        # The whole page, taller than the screen. To look at it: pytest --basetemp=DIR.
        assert w == 390 and h > 844
    finally:
        context.close()


def in_viewport(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()  # relative to the viewport
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (selector, box)
    return box


def test_an_error_is_in_view_and_focused_without_javascript(
    live: dict[str, Any], no_js_phone: Page, tmp_path: Path
) -> None:
    """A long offer on a phone: the form is far below the top, and after an error the
    page (reloaded, no script) must show the error summary and focus it."""
    page = no_js_phone
    page.goto(f"{live['base']}/careers/{live['slug']}/jobs/{live['long_job_id']}")
    form_top = page.locator("form.apply-form").bounding_box()
    assert form_top is not None and form_top["y"] > 2 * PHONE["height"], form_top
    fill_form(
        page,
        "Marie",
        "Curie",
        "marie@example.com",
        {"name": "cv.txt", "mimeType": "text/plain", "buffer": b"Marie Curie\nPhysics\n"},
    )
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/apply")
    summary = page.locator(".error-summary")
    assert "Your CV must be a PDF or a Word (.docx) file." in summary.inner_text()
    expect(summary).to_be_focused()
    in_viewport(page, ".error-summary")
    assert page.evaluate("window.scrollY") > PHONE["height"]  # scrolled down to it
    assert page.input_value("#first_name") == "Marie"
    page.screenshot(path=str(tmp_path / "error-in-view.png"))
    # Its links lead to the fields: the next Tab is the summary's link to the CV.
    page.keyboard.press("Tab")
    expect(page.locator(".error-summary a[href='#cv']")).to_be_focused()


def test_a_wide_table_scrolls_in_its_box_and_keeps_its_words(
    live: dict[str, Any], no_js_phone: Page, tmp_path: Path
) -> None:
    page = no_js_phone
    page.goto(f"{live['base']}/careers/{live['slug']}/jobs/{live['long_job_id']}")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a 390px screen"
    # The table is wider than the phone and scrolls sideways inside its own container.
    box = page.locator(".description .table-scroll")
    scroll, client = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert scroll > client, (scroll, client)
    assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
    # Every cell holds one word on one line: no word is broken in the middle.
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.description td, .description th')].map(c => {
            const r = document.createRange(); r.selectNodeContents(c);
            const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
            return [c.textContent, tops.size];
        })"""
    )
    assert len(lines) == 12 and all(n == 1 for _, n in lines), lines
    # A long URL in a paragraph still wraps inside the page.
    link = page.locator(f".description a[href='{LONG_URL}']")
    link_box = link.bounding_box()
    assert link_box is not None and link_box["x"] + link_box["width"] <= PHONE["width"]
    assert link_box["height"] > 30  # on several lines
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "table-phone.png"))
