"""The candidate panels in headless Chromium against a live ``hireloop serve`` (with its
worker): a comment shown apart and never sent, a quick reply with its tokens rendered, a
move with the notify prompt, a share link opened signed out in a fresh browser context
(only the chosen fields, the audio answers playing) and refused once revoked, labels added
and removed from the profile, a script in a candidate's name and message shown as text,
another company's candidate refused.

``HIRELOOP_SCREENSHOTS=<dir>`` (or ``HIRELOOP_TEST_SCREENSHOTS``, which the test
conftest keeps) saves candidate-profile.png and share-link.png there."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hireloop.config import Settings
from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.applications.service import create_application
from hireloop.domain.candidates.models import Comment
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.companies.service import create_company, create_user
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import local_storage
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.domain.messaging.library import create_quick_reply
from hireloop.domain.messaging.models import Message
from tests.audio_files import silent_wav
from tests.conftest import create_database
from tests.live_server import free_port, live_server
from tests.web.browser import Browser, Page, expect, requires_browser

pytestmark = requires_browser

PASSWORD = "correct horse battery"
XSS = '<script>alert("name")</script><img src=x onerror=alert(1)>'
SCREENSHOTS = os.environ.get("HIRELOOP_TEST_SCREENSHOTS") or os.environ.get("HIRELOOP_SCREENSHOTS")


def _serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "hireloop", "serve", "--port", str(port)]


def _candidate(session: Any, company_id: int, **fields: Any) -> Any:
    candidate, _ = create_candidate(session, company_id, CandidateData(**fields))
    return candidate


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = create_database(f"hireloop_candidate_web_{os.getpid()}")
    data_dir = tmp_path_factory.mktemp("candidate-web")
    storage = local_storage(Settings(data_dir=data_dir, database_url=url).files_dir)
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            company = create_company(session, "Acme Recruiting")
            create_user(
                session,
                company.id,
                email="olga@acmecorp.com",
                name="Olga Owner",
                password=PASSWORD,
                role="owner",
            )
            job = create_job(
                session,
                company.id,
                JobData(title="Call Center Agent", city="Manila", status="open"),
                Actor.system(),
            )
            job.messaging_settings = {
                **(job.messaging_settings or {}),
                "shortlisted": {"enabled": True, "sms": "Good news @candidate_name!"},
                "rejection": {"enabled": True, "sms": "Sorry @candidate_name."},
            }
            job.interview_settings = {
                **(job.interview_settings or {}),
                "questions": [
                    {"id": 1, "text": "Why do you want to work with us?"},
                    {"id": 2, "text": "Describe a difficult customer call."},
                ],
            }
            ana = _candidate(
                session,
                company.id,
                first_name="Ana",
                last_name="Cruz",
                email="ana.cruz@example.com",
                phone="+63 917 123 4567",
                city="Quezon City",
                country="Philippines",
                source="Career site",
            )
            ana.parsed_resume = {
                "summary": "Bilingual customer support agent with five years in BPO.",
                "employment": [
                    {
                        "title": "Senior Agent",
                        "employer": "BPO Inc",
                        "start": "2021",
                        "current": True,
                    },
                    {"title": "Agent", "employer": "CallWorks", "start": "2019", "end": "2021"},
                ],
                "education": [
                    {"school": "University of the Philippines", "degree": "BA Communication"}
                ],
                "skills": ["Customer service", "English", "Tagalog", "Zendesk"],
                "parser_version": "1",
            }
            application, _ = create_application(
                session, job, ana, Actor.system(), source="Career site"
            )
            blob = storage.put(silent_wav(4000), prefix="audio")
            audio = File(
                company_id=company.id,
                candidate_id=ana.id,
                application_id=application.id,
                kind="audio",
                name="answer-2.wav",
                media_type="audio/wav",
                size=blob.size,
                sha256=blob.sha256,
                storage_key=blob.key,
            )
            cv_blob = storage.put(b"%PDF-1.4\n% fake", prefix="cv")
            cv = File(
                company_id=company.id,
                candidate_id=ana.id,
                application_id=application.id,
                kind="cv",
                name="Ana Cruz CV.pdf",
                media_type="application/pdf",
                size=cv_blob.size,
                sha256=cv_blob.sha256,
                storage_key=cv_blob.key,
            )
            session.add_all([audio, cv])
            session.flush()
            application.cv_file_id = cv.id
            application.answers = {
                "1": {"answer": "I enjoy solving problems for people."},
                "2": {
                    "transcript": "A customer was upset about a billing error; I fixed it.",
                    "file": audio.id,
                },
            }
            application.ai_score = 86
            application.ai_first_impression = "Clear, friendly and experienced."
            application.ai_summary = "Five years of BPO support; strong English."
            application.ai_breakdown = {
                "reasons": ["5 years of call center experience", "Speaks English and Tagalog"],
                "components": {
                    "skills": {"score": 90, "weight": 0.5, "detail": "customer service, Zendesk"},
                    "experience": {"score": 80, "weight": 0.3, "detail": "5 years"},
                },
            }
            create_quick_reply(
                session,
                company.id,
                title="Interview invite",
                content="Hi <%= @candidate_name %>, thanks for applying to @job_title!",
            )
            xss = _candidate(
                session, company.id, first_name=XSS, last_name="Doe", email="x@example.com"
            )
            xss_app, _ = create_application(session, job, xss, Actor.system())
            session.add(
                Message(
                    company_id=company.id,
                    application_id=xss_app.id,
                    candidate_id=xss.id,
                    channel="sms",
                    kind="inbound",
                    direction="inbound",
                    author_type="candidate",
                    to_address="",
                    body_text=XSS,
                    status="received",
                )
            )
            other = create_company(session, "Other Co")
            other_job = create_job(
                session, other.id, JobData(title="Secret", status="open"), Actor.system()
            )
            other_app, _ = create_application(
                session,
                other_job,
                _candidate(session, other.id, first_name="Hidden", email="h@example.com"),
                Actor.system(),
            )
            session.flush()
            ids = {
                "ana": application.id,
                "xss": xss_app.id,
                "other": other_app.id,
                "job": job.id,
            }
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
        yield {"base": base, "db_url": url, **ids}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        yield page
    finally:
        context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def sign_in(page: Page, base: str, target: str) -> None:
    page.goto(f"{base}/app/login?next={target}")
    page.get_by_label("Email").fill("olga@acmecorp.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{target}")


def _count(db_url: str, model: Any, **where: Any) -> int:
    db = Database(db_url)
    try:
        with db.unit_of_work() as session:
            stmt = select(model)
            for name, value in where.items():
                stmt = stmt.where(getattr(model, name) == value)
            return len(session.scalars(stmt).all())
    finally:
        db.dispose()


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name))


def test_comment_quick_reply_and_folders(live: dict[str, Any], page: Page) -> None:
    base, app_id = live["base"], live["ana"]
    path = f"/app/applications/{app_id}"
    sign_in(page, base, path)
    chat = page.get_by_test_id("chat-panel")
    expect(chat.get_by_role("heading", name="Chat history")).to_be_visible()
    expect(page.get_by_role("heading", name="Ana Cruz")).to_be_visible()
    expect(page.get_by_test_id("ai-score")).to_have_text("86")
    audio = page.locator("audio[controls]")
    expect(audio).to_have_attribute("src", re.compile(rf"^{path}/audio/\d+$"))
    # The player loads the answer (the page's CSP allows media from this origin).
    audio.evaluate("a => a.load()")
    page.wait_for_function(
        "() => document.querySelector('audio').readyState >= 1"
        " || document.querySelector('audio').error !== null"
    )
    assert audio.evaluate("a => a.error === null && a.duration > 0.4")

    # Comment: the switch shows the comment form; the comment sits apart, never sent.
    messages_before = _count(live["db_url"], Message, application_id=app_id)
    chat.locator("label[for=cp-mode-comment]").click()
    chat.get_by_role("textbox", name="Comment").fill("Great attitude on the phone screen.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".flash-success")).to_contain_text("The comment was added")
    comment = page.get_by_test_id("chat-comment")
    expect(comment).to_contain_text("Great attitude on the phone screen.")
    expect(comment).to_contain_text("Only your team sees this")
    assert _count(live["db_url"], Comment, application_id=app_id) == 1
    assert _count(live["db_url"], Message, application_id=app_id) == messages_before

    # Quick reply by SMS: its tokens rendered.
    page.get_by_label("Quick reply").select_option(label="Interview invite")
    page.get_by_label("Channel").select_option("sms")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("The message is on its way.")
    expect(page.get_by_test_id("chat-message").last).to_contain_text(
        "Hi Ana, thanks for applying to Call Center Agent!"
    )

    page.goto(f"{base}{path}")  # without the flash message
    _shot(page, "candidate-profile.png")

    # Keyboard: the Message / Comment switch is a radio group.
    chat.locator("#cp-mode-message").focus()
    page.keyboard.press("ArrowRight")
    expect(chat.locator("#cp-mode-comment")).to_be_checked()
    expect(chat.get_by_role("button", name="Add comment")).to_be_visible()

    # Shortlist with the notify prompt: the campaign's shortlisted message goes out.
    profile = page.get_by_test_id("profile-panel")
    profile.get_by_label("Notify the candidate").check()
    profile.get_by_label("Reason (optional)").select_option(label="Meets Requirements")
    profile.get_by_role("button", name="Shortlist").click()
    expect(page.locator(".flash-success")).to_contain_text("The candidate was moved.")
    expect(profile.get_by_role("button", name="Shortlist")).to_be_disabled()
    expect(page.get_by_test_id("chat-message").last).to_contain_text("Good news Ana!")
    # On hold without notify: no message.
    count = _count(live["db_url"], Message, application_id=app_id)
    profile.get_by_role("button", name="On hold").click()
    expect(profile.get_by_role("button", name="On hold")).to_be_disabled()
    assert _count(live["db_url"], Message, application_id=app_id) == count

    # Stop the bot.
    chat.get_by_role("button", name="Stop bot").click()
    expect(chat.get_by_role("button", name="Resume bot")).to_be_visible()


def test_share_link_signed_out_then_revoked(
    live: dict[str, Any], page: Page, browser: Browser
) -> None:
    base, app_id = live["base"], live["ana"]
    path = f"/app/applications/{app_id}"
    sign_in(page, base, path)
    profile = page.get_by_test_id("profile-panel")
    profile.get_by_label("Contact details").uncheck()
    profile.get_by_label("Interview responses").uncheck()
    profile.get_by_label("Résumé").check()
    profile.get_by_label("AI score").check()
    profile.get_by_label("Valid for").select_option("7")
    profile.get_by_role("button", name="Create a share link").click()
    link = page.get_by_test_id("new-share-link")
    expect(link).to_have_value(re.compile(rf"^{re.escape(base)}/share/[\w-]{{40,}}$"))
    url = link.input_value()
    expect(page.get_by_test_id("share-links")).to_contain_text("Résumé, AI score")

    # Signed out, in a fresh context: only the chosen fields.
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        shared = fresh.new_page()
        response = shared.goto(url)
        assert response is not None and response.status == 200
        assert "noindex" in (response.headers.get("x-robots-tag") or "")
        expect(shared.get_by_role("heading", name="Ana Cruz")).to_be_visible()
        expect(shared.get_by_test_id("shared-resume")).to_contain_text("BPO Inc")
        expect(shared.get_by_test_id("shared-score")).to_contain_text("86")
        expect(shared.get_by_test_id("shared-contact")).to_have_count(0)
        expect(shared.get_by_test_id("shared-answers")).to_have_count(0)
        body = shared.locator("body").inner_text()
        assert "ana.cruz@example.com" not in body and "Great attitude" not in body
        _shot(shared, "share-link.png")
    finally:
        fresh.close()

    # The link is shown once only.
    page.reload()
    expect(page.get_by_test_id("new-share-link")).to_have_count(0)
    page.get_by_test_id("share-links").get_by_role("button", name="Revoke").first.click()
    expect(page.locator(".flash-success")).to_contain_text("The share link was revoked.")

    fresh = browser.new_context()
    try:
        shared = fresh.new_page()
        response = shared.goto(url)
        assert response is not None and response.status == 410
        expect(shared.get_by_role("heading", name="This link is no longer valid")).to_be_visible()
    finally:
        fresh.close()


def test_script_in_a_name_and_message_shows_as_text(live: dict[str, Any], page: Page) -> None:
    base = live["base"]
    path = f"/app/applications/{live['xss']}"
    sign_in(page, base, path)
    expect(page.get_by_role("heading", name=f"{XSS} Doe")).to_be_visible()
    expect(page.get_by_test_id("chat-message").first).to_contain_text(XSS)
    assert page.locator("img[src=x]").count() == 0


def test_another_companys_candidate_is_not_found(live: dict[str, Any], page: Page) -> None:
    base = live["base"]
    sign_in(page, base, f"/app/applications/{live['ana']}")
    response = page.goto(f"{base}/app/applications/{live['other']}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert "Hidden" not in page.locator("body").inner_text()


# --- Labels in the profile, audio answers on the share page --------------------------------


def test_profile_labels_add_and_remove(live: dict[str, Any], page: Page) -> None:
    base, app_id, job_id = live["base"], live["ana"], live["job"]
    view = f"/app/campaigns/{job_id}?folder=all&selected={app_id}"
    sign_in(page, base, f"/app/applications/{app_id}")
    page.goto(f"{base}{view}")
    profile = page.get_by_test_id("profile-panel")
    labels = profile.get_by_test_id("profile-labels")  # names in .cp-label > span

    # With the keyboard: type a new name, Enter.
    profile.get_by_label("Add a label").fill("Top pick")
    profile.get_by_label("Add a label").press("Enter")
    expect(page.locator(".flash-success")).to_have_text("The label was added.")
    expect(labels.locator(".cp-label > span")).to_have_text(["Top pick"])
    # Back on the campaign view: the row in the list has it too.
    assert page.url == f"{base}{view}"
    row = page.locator(".cv-row", has_text="Ana Cruz")
    expect(row.locator(".cv-label")).to_have_text(["Top pick"])

    # The company's labels are offered; a second one.
    profile.get_by_label("Add a label").fill("Second round")
    profile.get_by_role("button", name="Add", exact=True).click()
    expect(labels.locator(".cp-label > span")).to_have_text(["Second round", "Top pick"])

    # Remove one by its button's accessible name (focus + Enter).
    remove = profile.get_by_role("button", name="Remove the label Top pick")
    remove.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_have_text("The label was removed.")
    expect(labels.locator(".cp-label > span")).to_have_text(["Second round"])
    expect(page.locator(".cv-row", has_text="Ana Cruz").locator(".cv-label")).to_have_text(
        ["Second round"]
    )
    options = profile.locator("#cp-label-names option").evaluate_all("els => els.map(e => e.value)")
    assert "Top pick" in options and "Second round" not in options

    # An invalid name: the profile says why, in place.
    profile.get_by_label("Add a label").fill("a#b")
    profile.get_by_label("Add a label").press("Enter")
    expect(labels.get_by_role("alert")).to_have_text("Name is invalid")
    expect(labels.locator(".cp-label > span")).to_have_text(["Second round"])


def test_share_page_plays_the_audio_answers(
    live: dict[str, Any], page: Page, browser: Browser
) -> None:
    base, app_id = live["base"], live["ana"]
    path = f"/app/applications/{app_id}"
    sign_in(page, base, path)
    profile = page.get_by_test_id("profile-panel")
    profile.get_by_label("Contact details").uncheck()
    profile.get_by_label("Résumé").uncheck()
    profile.get_by_label("AI score").uncheck()
    profile.get_by_label("Interview responses").check()
    profile.get_by_role("button", name="Create a share link").click()
    url = page.get_by_test_id("new-share-link").input_value()

    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        shared = fresh.new_page()
        response = shared.goto(url)
        assert response is not None and response.status == 200
        answers = shared.get_by_test_id("shared-answers")
        expect(answers).to_contain_text("Describe a difficult customer call.")
        audio = answers.locator("audio[controls]")
        expect(audio).to_have_count(1)
        expect(audio).to_have_attribute("src", re.compile(r"^/share/[\w-]{40,}/audio/\d+$"))
        expect(audio).to_have_accessible_name("Audio answer")
        # The player loads the answer signed out (the CSP allows media from this origin).
        audio.evaluate("a => a.load()")
        shared.wait_for_function(
            "() => document.querySelector('audio').readyState >= 1"
            " || document.querySelector('audio').error !== null"
        )
        assert audio.evaluate("a => a.error === null && a.duration > 0.4")
        source = audio.get_attribute("src")
        expect(shared.get_by_test_id("shared-resume")).to_have_count(0)
    finally:
        fresh.close()

    # Revoked: the audio goes with the page.
    page.reload()
    page.get_by_test_id("share-links").get_by_role("button", name="Revoke").first.click()
    expect(page.locator(".flash-success")).to_contain_text("The share link was revoked.")
    fresh = browser.new_context()
    try:
        assert fresh.request.get(f"{base}{source}").status == 410
        assert fresh.request.get(url).status == 410
    finally:
        fresh.close()
