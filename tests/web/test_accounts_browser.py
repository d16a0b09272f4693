"""The recruiter app's accounts in headless Chromium against a live ``hireloop serve``
(with its worker), emails delivered to a real aiosmtpd server: sign in, wrong password,
sign out, password reset by email, invitation and acceptance, Spanish, the IP allow-list
(page and API key) and a script in a user name shown as text.

The pages need no JavaScript; contexts have it on so that a script that slipped through
would run (and be caught by the dialog listener)."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_api_key, create_company, create_user
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.conftest import create_database
from tests.live_server import free_port, live_server
from tests.smtp_server import SmtpSink, smtp_sink
from tests.web.browser import Browser, Page, expect, requires_browser

pytestmark = requires_browser

PASSWORD = "correct horse battery"


def _serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "hireloop", "serve", "--port", str(port)]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = create_database(f"hireloop_accounts_web_{os.getpid()}")
    data_dir = tmp_path_factory.mktemp("accounts-web")
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Recruiting")
            create_job(
                session,
                company.id,
                JobData(title="Call Center Agent", city="Manila", status="open"),
                Actor.system(),
            )
            for email, name, role in (
                ("olga@acmecorp.com", "Olga Owner", "owner"),
                ("rita@acmecorp.com", "Rita Reset", "manager"),
                ("lena@acmecorp.com", "Lena Language", "manager"),
                ("xavier@acmecorp.com", "Xavier", "manager"),
            ):
                create_user(
                    session, company.id, email=email, name=name, password=PASSWORD, role=role
                )
            blocked = create_company(session, "Blocked Co")
            create_user(
                session,
                blocked.id,
                email="bob@blocked.com",
                name="Bob",
                password=PASSWORD,
                role="owner",
            )
            key = create_api_key(session, blocked.id, name="k", scope="partner").key
            blocked_id = blocked.id
    finally:
        db.dispose()

    with smtp_sink() as sink:
        port = free_port()
        env = {
            "HIRELOOP_DATABASE_URL": url,
            "HIRELOOP_DATA_DIR": str(data_dir),
            "HIRELOOP_BASE_URL": f"http://127.0.0.1:{port}",
            "HIRELOOP_SMTP_URL": f"smtp://127.0.0.1:{sink.port}",
            "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2",
        }
        with live_server(env, data_dir / "serve.log", port=port, command=_serve_command) as base:
            yield {
                "base": base,
                "db_url": url,
                "sink": sink,
                "blocked_id": blocked_id,
                "blocked_key": key,
            }


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        yield page
    finally:
        context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_for_mail(sink: SmtpSink, to: str, timeout: float = 20.0) -> str:
    """The text of the newest email to ``to`` (the worker delivers it within a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in reversed(sink.received):
            if to in received.rcpt_tos:
                body = received.message.get_body(preferencelist=("plain",))
                assert body is not None
                return str(body.get_content())
        time.sleep(0.2)
    raise AssertionError(f"no email to {to}")


def test_sign_in_wrong_password_then_sign_out(live: dict[str, Any], page: Page) -> None:
    base = live["base"]
    page.goto(f"{base}/app")
    assert page.url.startswith(f"{base}/app/login")
    sign_in(page, base, "olga@acmecorp.com", "not my password")
    expect(page.locator("#login-error")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value("olga@acmecorp.com")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Call Center Agent"))).to_be_visible()
    expect(page.get_by_role("link", name="+ New campaign").first).to_have_attribute(
        "href", "/app/campaigns/new"
    )
    # The stylesheet applied (no CSP violation).
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Company profile").click()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    expect(page.locator("#team")).to_contain_text("Olga Owner")

    # Keyboard: the user menu opens with Enter and its items take the focus.
    page.get_by_test_id("user-menu").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash-success")).to_have_text("You are signed out.")
    page.goto(f"{base}/app")
    assert page.url.startswith(f"{base}/app/login")


def test_reset_password_by_email(live: dict[str, Any], page: Page) -> None:
    base, sink = live["base"], live["sink"]
    page.goto(f"{base}/app/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("rita@acmecorp.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#reset-sent")).to_contain_text("If an account exists")

    body = wait_for_mail(sink, "rita@acmecorp.com")
    link = re.search(r"(http://\S+/app/password/reset\?token=\S+)", body)
    assert link, body
    page.goto(link.group(1))
    page.get_by_label("New password", exact=True).fill("a brand new password")
    page.get_by_label("Repeat the new password").fill("a brand new password")
    page.get_by_role("button", name="Save the password").click()
    expect(page.locator(".flash-success")).to_contain_text("Your password was changed")

    sign_in(page, base, "rita@acmecorp.com", PASSWORD)  # the old one no longer works
    expect(page.locator("#login-error")).to_be_visible()
    sign_in(page, base, "rita@acmecorp.com", "a brand new password")
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    page.goto(link.group(1))  # single use
    expect(page.get_by_text("This link is not valid or has expired.")).to_be_visible()


def test_invite_a_manager_who_accepts(live: dict[str, Any], browser: Browser, page: Page) -> None:
    base, sink = live["base"], live["sink"]
    sign_in(page, base, "olga@acmecorp.com")
    page.goto(f"{base}/app/company")
    page.locator("#invite-email").fill("nina@acmecorp.com")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".flash-success")).to_have_text("The invitation was sent.")
    expect(page.locator("#pending-invitations")).to_contain_text("nina@acmecorp.com")

    body = wait_for_mail(sink, "nina@acmecorp.com")
    assert "Olga Owner invites you to join Acme Recruiting" in body
    link = re.search(r"(http://\S+/app/invitation\?token=\S+)", body)
    assert link, body

    context = browser.new_context()
    try:
        nina = context.new_page()
        nina.goto(link.group(1))
        expect(nina.get_by_role("heading", name="Join Acme Recruiting")).to_be_visible()
        nina.get_by_label("Your name").fill("Nina New")
        nina.get_by_label("Password", exact=True).fill(PASSWORD)
        nina.get_by_label("Repeat the password").fill(PASSWORD)
        nina.get_by_role("button", name="Create my account").click()
        expect(nina.locator(".flash-success")).to_have_text("Welcome! Your account is ready.")
        expect(nina.get_by_test_id("user-menu")).to_contain_text("Nina New")
    finally:
        context.close()
    page.reload()
    expect(page.locator("#team")).to_contain_text("Nina New")


def test_change_language_to_spanish(live: dict[str, Any], page: Page) -> None:
    base = live["base"]
    sign_in(page, base, "lena@acmecorp.com")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="My account").click()
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Tu cuenta se ha guardado.")
    expect(page.get_by_role("heading", name="Mi cuenta")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    page.goto(f"{base}/app")
    expect(page.get_by_role("heading", name="Campañas", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="+ Nueva campaña").first).to_be_visible()
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("link", name="Perfil de la empresa")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()


def test_script_in_a_user_name_shows_as_text(live: dict[str, Any], page: Page) -> None:
    base = live["base"]
    payload = '<img src=x onerror=alert(1)><script>alert("xss")</script>'
    sign_in(page, base, "xavier@acmecorp.com")
    page.goto(f"{base}/app/account")
    page.get_by_label("Name", exact=True).fill(payload)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".user-menu-name")).to_have_text(payload)
    page.goto(f"{base}/app/company")
    expect(page.locator("#team")).to_contain_text(payload)
    assert page.locator("#team img").count() == 0


def _set_ip_allowlist(db_url: str, company_id: int, networks: list[str]) -> None:
    db = Database(db_url)
    try:
        with db.unit_of_work() as session:
            company = session.get(Company, company_id)
            assert company is not None
            company.settings = {**(company.settings or {}), "ip_allowlist": networks}
    finally:
        db.dispose()


def test_a_request_from_outside_the_ip_allowlist_is_refused(
    live: dict[str, Any], page: Page
) -> None:
    base, key = live["base"], live["blocked_key"]
    auth = {"Authorization": f"Bearer {key}"}
    sign_in(page, base, "bob@blocked.com")
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    assert httpx.get(f"{base}/v1/partner/jobs", headers=auth).status_code == 200

    # The company now admits only 10.0.0.0/8; the browser and this test are on 127.0.0.1.
    _set_ip_allowlist(live["db_url"], live["blocked_id"], ["10.0.0.0/8"])
    try:
        response = page.goto(f"{base}/app")
        assert response is not None and response.status == 403
        expect(page.locator("#error-message")).to_have_text(
            "Access to this company is not allowed from your network."
        )
        assert httpx.get(f"{base}/v1/partner/jobs", headers=auth).status_code == 403
        page.context.clear_cookies()
        sign_in(page, base, "bob@blocked.com")
        expect(page.locator("#login-error")).to_have_text(
            "Access to this company is not allowed from your network."
        )
    finally:
        _set_ip_allowlist(live["db_url"], live["blocked_id"], [])
    assert httpx.get(f"{base}/v1/partner/jobs", headers=auth).status_code == 200


def test_phone_layout(live: dict[str, Any], browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        sign_in(page, live["base"], "olga@acmecorp.com")
        page.goto(f"{live['base']}/app/company")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, "the company page scrolls sideways on a phone"
        path = (
            Path(os.environ.get("HIRELOOP_SCREENSHOTS", ""))
            if os.environ.get("HIRELOOP_SCREENSHOTS")
            else None
        )
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path / "company-phone.png"), full_page=True)
    finally:
        context.close()
