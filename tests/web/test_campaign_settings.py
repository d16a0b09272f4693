"""Campaign wizard and settings over HTTP: creation, each section's save and its refusals
(unknown tokens, scripts, fake audio, bad threshold), the SMS segment preview, manager
permissions, tenant isolation, CSRF and escaping."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.companies.accounts import set_user_active
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs import campaigns
from hireloop.domain.jobs.models import Job
from hireloop.domain.screening.service import auto_reject_threshold
from tests.audio_files import mpeg_frames, silent_wav
from tests.factories import Factory
from tests.web.conftest import csrf_from
from tests.web.test_accounts import PASSWORD, make_client, sign_in

WAV = silent_wav()
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + mpeg_frames(bytes([0xFF, 0xFB, 0x90, 0x00]))


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with make_client(app) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Recruiting", default_country="PH")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session,
        company.id,
        email="owner@acmecorp.com",
        name="Olga",
        password=PASSWORD,
        role="owner",
    )
    session.commit()
    return user


@pytest.fixture
def manager(session: Session, company: Company) -> User:
    user = create_user(session, company.id, email="mia@acmecorp.com", name="Mia", password=PASSWORD)
    session.commit()
    return user


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(company, title="Call Center Agent")


def settings_url(job: Job, section: str = "") -> str:
    return f"/app/campaigns/{job.id}/settings" + (f"/{section}" if section else "")


def submit(client: TestClient, page: str, action: str, data: dict[str, Any], **kw: Any) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, **kw)


def reload(session: Session, job: Job) -> Job:
    session.expire_all()
    return session.get(Job, job.id)  # type: ignore[return-value]


# --- Wizard -------------------------------------------------------------------------------


def test_wizard_creates_the_campaign_then_leads_through_the_steps(
    client: TestClient, session: Session, owner: User, company: Company
) -> None:
    sign_in(client, owner.email)
    page = client.get("/app/campaigns/new")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<option value="PH" selected>' in page.text  # the company's country
    r = submit(
        client,
        "/app/campaigns/new",
        "/app/campaigns/new",
        {
            "campaign_title": "Wave 1 — Manila",
            "hotline_country": "PH",
            "interview_language": "tl",
            "web_dialout": "on",
        },
    )
    assert r.status_code == 303, r.text
    job = session.scalars(select(Job).where(Job.company_id == company.id)).one()
    assert r.headers["location"] == f"/app/campaigns/{job.id}/settings/permissions?wizard=1"
    assert job.title == "Wave 1 — Manila" and job.status == "open"
    doc = job.campaign_settings
    assert doc["campaign_title"] == "Wave 1 — Manila"
    assert (doc["hotline_country"], doc["interview_language"]) == ("PH", "tl")
    assert doc["web_dialout"] is True and doc["auto_call"] is False
    assert job.messaging_settings["invitation"]["enabled"] is True  # the standard texts

    step = client.get(r.headers["location"])
    assert step.status_code == 200 and "Save and continue" in step.text
    r = submit(client, r.headers["location"], settings_url(job, "permissions"), {"wizard": "1"})
    assert r.headers["location"] == settings_url(job, "messages") + "?wizard=1"
    assert "Wave 1" in client.get("/app").text


def test_wizard_requires_a_title_and_keeps_the_input(client: TestClient, owner: User) -> None:
    sign_in(client, owner.email)
    r = submit(
        client,
        "/app/campaigns/new",
        "/app/campaigns/new",
        {"campaign_title": " ", "hotline_country": "FR", "interview_language": "fr"},
    )
    assert r.status_code == 400
    assert "This field is required." in r.text
    assert '<option value="FR" selected>' in r.text


def test_a_manager_who_creates_a_campaign_is_in_its_permissions(
    client: TestClient, session: Session, manager: User, company: Company
) -> None:
    sign_in(client, manager.email)
    r = submit(
        client,
        "/app/campaigns/new",
        "/app/campaigns/new",
        {"campaign_title": "Mia's", "hotline_country": "PH", "interview_language": "en"},
    )
    assert r.status_code == 303
    job = session.scalars(select(Job).where(Job.company_id == company.id)).one()
    assert job.campaign_settings["manager_ids"] == [manager.id]
    assert client.get(settings_url(job)).status_code == 200


# --- Basic settings and permissions ---------------------------------------------------------


def test_basic_settings_saved(client: TestClient, session: Session, owner: User, job: Job) -> None:
    sign_in(client, owner.email)
    page = client.get(settings_url(job))
    assert page.status_code == 200 and 'aria-current="page"' in page.text
    r = submit(
        client,
        settings_url(job),
        settings_url(job, "basic"),
        {
            "campaign_title": "CCA internal",
            "job_title": "Call Center Agent (night)",
            "hotline_country": "MX",
            "interview_language": "es",
            "auto_call": "on",
        },
    )
    assert r.status_code == 303 and r.headers["location"].endswith("/basic?saved=1")
    job = reload(session, job)
    assert job.title == "Call Center Agent (night)"
    assert job.campaign_settings["campaign_title"] == "CCA internal"
    assert job.campaign_settings["hotline_country"] == "MX"
    assert job.campaign_settings["auto_call"] is True
    assert "Your changes were saved." in client.get(r.headers["location"]).text


def test_permissions_decide_which_managers_see_and_edit(
    client: TestClient, app: Any, session: Session, owner: User, manager: User, job: Job
) -> None:
    with make_client(app) as mia:
        sign_in(mia, manager.email)
        for section in ("", "basic", "permissions", "messages", "interview", "messenger", "ai"):
            assert mia.get(settings_url(job, section)).status_code == 404
        token = csrf_from(mia.get("/app/account").text)
        r = mia.post(settings_url(job, "ai"), data={"csrf_token": token, "threshold": "90"})
        assert r.status_code == 404
        assert reload(session, job).ai_settings.get("auto_reject_threshold") is None

        sign_in(client, owner.email)
        page = client.get(settings_url(job, "permissions"))
        assert "Mia" in page.text and "Olga" in page.text
        r = submit(
            client,
            settings_url(job, "permissions"),
            settings_url(job, "permissions"),
            {"manager_ids": str(manager.id)},
        )
        assert r.status_code == 303
        assert reload(session, job).campaign_settings["manager_ids"] == [manager.id]
        assert mia.get(settings_url(job, "ai")).status_code == 200
        assert "Call Center Agent" in mia.get("/app").text


def test_another_companys_campaign_is_404(
    client: TestClient, factory: Factory, owner: User
) -> None:
    other = factory.job(factory.company("Other Co"), title="Not ours")
    sign_in(client, owner.email)
    for section in ("", "messages", "interview", "ai"):
        assert client.get(settings_url(other, section)).status_code == 404
    r = submit(
        client, "/app", settings_url(other, "basic"), {"campaign_title": "x", "job_title": "x"}
    )
    assert r.status_code == 404
    assert client.get("/app/campaigns/nope/settings").status_code == 404


def test_posts_without_a_valid_csrf_token_are_refused(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    for path, data in (
        ("/app/campaigns/new", {"campaign_title": "Sneaky"}),
        (settings_url(job, "basic"), {"campaign_title": "Sneaky", "job_title": "Sneaky"}),
        (settings_url(job, "messages"), {"kind": "invitation", "sms": "hi"}),
        (settings_url(job, "ai"), {"threshold": "50"}),
        (settings_url(job, "permissions"), {}),
    ):
        for token in (None, "1.forged"):
            body = dict(data) if token is None else {**data, "csrf_token": token}
            r = client.post(path, data=body)
            assert r.status_code == 403, path
    r = client.post(
        settings_url(job, "interview/audio"),
        data={"target": "segment:introduction"},
        files={"file": ("a.wav", WAV, "audio/wav")},
    )
    assert r.status_code == 403
    job = reload(session, job)
    assert job.title == "Call Center Agent" and not job.ai_settings
    assert session.scalars(select(Job).where(Job.title == "Sneaky")).first() is None


def test_a_script_in_a_campaign_title_shows_as_text(
    client: TestClient, session: Session, owner: User, company: Company
) -> None:
    sign_in(client, owner.email)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = submit(
        client,
        "/app/campaigns/new",
        "/app/campaigns/new",
        {"campaign_title": payload, "hotline_country": "PH", "interview_language": "en"},
    )
    assert r.status_code == 303
    for url in (r.headers["location"].split("?")[0], "/app"):
        page = client.get(url).text
        assert payload not in page
        assert html_lib.escape(payload, quote=False) in page or "&lt;script&gt;" in page


# --- Messages -----------------------------------------------------------------------------


def _message(kind: str = "invitation", **values: str) -> dict[str, str]:
    return {
        "kind": kind,
        "enabled": "on",
        "sms": "Hi @candidate_name",
        "email_subject": "Welcome to @company",
        "email_html": "<p>Hello @candidate_name</p>",
        "action": "save",
        **values,
    }


def _counter(html: str) -> tuple[str, str, str]:
    found = dict(re.findall(r'data-sms="(\w+)">([^<]*)<', html))
    return found["length"], found["encoding"], found["segments"]


def test_sms_segment_preview(client: TestClient, session: Session, owner: User, job: Job) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "messages")
    assert _counter(client.get(page).text)[1] == "GSM-7"
    for sms, expected in (
        ("a" * 160, ("160", "GSM-7", "1")),
        ("a" * 161, ("161", "GSM-7", "2")),
        ("Hello 👋", ("8", "UCS-2", "1")),
        ("€" * 80, ("160", "GSM-7", "1")),
        ("", ("0", "GSM-7", "0")),
    ):
        r = submit(client, page, page, _message(sms=sms, action="preview"))
        assert r.status_code == 200
        assert _counter(r.text) == expected, sms
        assert f">{sms}</textarea>" in r.text  # the input is kept
    # a preview saves nothing
    assert "invitation" not in reload(session, job).messaging_settings


def test_sms_line_breaks_are_counted_and_stored_as_the_live_counter_counts_them(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    # The textarea's value holds "\n" (the live counter shows 160 characters, 1 SMS); the
    # browser sends "\r\n".
    sent = "a" * 80 + "\r\n" + "a" * 79
    sign_in(client, owner.email)
    page = settings_url(job, "messages")
    r = submit(client, page, page, _message(sms=sent, action="preview"))
    assert _counter(r.text) == ("160", "GSM-7", "1")
    r = submit(client, page, page, _message(sms=sent))
    assert r.status_code == 303
    assert (
        reload(session, job).messaging_settings["invitation"]["sms"] == "a" * 80 + "\n" + "a" * 79
    )


def test_message_settings_saved(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "messages") + "?kind=rejection"
    assert "Rejection message" in client.get(page).text
    r = submit(
        client,
        page,
        settings_url(job, "messages"),
        _message(
            "rejection",
            sms="Sorry @candidate_name, not this time.",
            email_html='<p style="color:red">Thanks @candidate_name</p><a href="https://x.test">x</a>',
        ),
    )
    assert r.status_code == 303 and r.headers["location"].endswith("saved=1&kind=rejection")
    doc = reload(session, job).messaging_settings
    assert doc["rejection"]["sms"] == "Sorry @candidate_name, not this time."
    assert doc["rejection"]["enabled"] is True
    assert "{{candidate_name}}" in doc["rejection"]["email_html"]
    html = client.get(r.headers["location"]).text
    assert 'data-testid="email-preview"><p' in html  # the sanitized preview is HTML


def test_unknown_tokens_and_scripts_are_refused_next_to_the_field(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "messages")
    before = dict(reload(session, job).messaging_settings)
    r = submit(client, page, page, _message(sms="Your code: @pin_code"))
    assert r.status_code == 400
    assert re.search(r'id="sms-error">Unknown tokens: @pin_code', r.text)
    assert "Your code: @pin_code</textarea>" in r.text
    r = submit(client, page, page, _message(email_html="<p>Hi</p><script>alert(1)</script>"))
    assert r.status_code == 400
    assert 'id="email_html-error">Scripts, frames' in r.text
    assert "<script>alert(1)</script>" not in r.text  # shown escaped in the textarea
    r = submit(client, page, page, _message(email_subject="Hi {{ pin }}"))
    assert r.status_code == 400 and 'id="email_subject-error"' in r.text
    assert reload(session, job).messaging_settings == before


def test_misspelled_and_entity_encoded_tokens_are_refused_next_to_the_field(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "messages")
    before = dict(reload(session, job).messaging_settings)
    for field, value, shown in (
        ("sms", "Hi {{candidate-name}}", "Unknown tokens: {{candidate-name}}"),
        ("sms", "Hi <%= candidate_name %>", "Unknown tokens: &lt;%= candidate_name %&gt;"),
        ("email_html", "<p>Hi <%= @candidate_name -%></p>", "&lt;%= @candidate_name -%&gt;"),
        ("email_html", "<p>Hi &#64;bogus_token</p>", "Unknown tokens: @bogus_token"),
    ):
        r = submit(client, page, page, _message(**{field: value}))
        assert r.status_code == 400, value
        assert re.search(rf'id="{field}-error">[^<]*{re.escape(shown)}', r.text), value
    assert reload(session, job).messaging_settings == before


def test_messages_in_spanish(client: TestClient, session: Session, owner: User, job: Job) -> None:
    owner.language = "es"
    session.commit()
    sign_in(client, owner.email)
    page = settings_url(job, "messages")
    r = submit(client, page, page, _message(sms="@nope"))
    assert r.status_code == 400 and "Marcadores desconocidos: @nope" in r.text


# --- Interview creator --------------------------------------------------------------------


def test_questions_added_reordered_removed(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "interview")

    def post(data: dict[str, Any]) -> Any:
        return submit(client, page, page, data)

    base = {f"segment_{s}": f"{s} text" for s in SEGMENTS_}
    r = post({**base, "new_text": "Why this job?", "new_type": "text", "op": "add"})
    assert r.status_code == 303, r.text
    r = post(
        {
            **base,
            "question_id": "q1",
            "question_text": "Why this job?",
            "question_type": "text",
            "new_text": "Tell us about you",
            "new_type": "audio",
            "op": "add",
        }
    )
    assert r.status_code == 303
    script = reload(session, job).interview_settings
    assert [(q["id"], q["text"], q["answer_type"]) for q in script["questions"]] == [
        ("q1", "Why this job?", "text"),
        ("q2", "Tell us about you", "audio"),
    ]
    assert script["introduction"]["text"] == "introduction text"
    # move q2 up, with an edit to q1's text
    r = post(
        {
            **base,
            "question_id": ["q1", "q2"],
            "question_text": ["Why us?", "Tell us about you"],
            "question_type": ["audio_text", "audio"],
            "op": "up:1",
        }
    )
    assert r.status_code == 303
    script = reload(session, job).interview_settings
    assert [(q["id"], q["text"]) for q in script["questions"]] == [
        ("q2", "Tell us about you"),
        ("q1", "Why us?"),
    ]
    html = client.get(page).text
    assert html.index("Tell us about you") < html.index("Why us?")
    r = post(
        {
            **base,
            "question_id": ["q2", "q1"],
            "question_text": ["Tell us about you", "Why us?"],
            "question_type": ["audio", "audio_text"],
            "op": "remove:0",
        }
    )
    assert [q["id"] for q in reload(session, job).interview_settings["questions"]] == ["q1"]
    # an empty question text is refused, nothing saved
    r = post(
        {**base, "question_id": "q1", "question_text": "  ", "question_type": "text", "op": "save"}
    )
    assert r.status_code == 400 and 'id="question_text-0-error"' in r.text
    assert reload(session, job).interview_settings["questions"][0]["text"] == "Why us?"
    r = post({**base, "new_text": "", "op": "add"})
    assert r.status_code == 400 and 'id="new_text-error"' in r.text


SEGMENTS_ = ("introduction", "privacy_statement", "instructions", "closing")


def test_audio_prompts_wav_accepted_fake_mp3_refused(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "interview")
    submit(client, page, page, {"new_text": "Why this job?", "new_type": "audio", "op": "add"})
    action = settings_url(job, "interview/audio")

    r = submit(
        client,
        page,
        action,
        {"target": "question:q1"},
        files={"file": ("why.wav", WAV, "audio/wav")},
    )
    assert r.status_code == 303, r.text
    question = reload(session, job).interview_settings["questions"][0]
    assert question["audio_file_id"]
    assert "why.wav" in client.get(page).text
    played = client.get(settings_url(job, f"interview/audio/{question['audio_file_id']}"))
    assert played.status_code == 200 and played.content == WAV
    assert played.headers["content-type"] == "audio/wav"
    assert "nosniff" in played.headers["x-content-type-options"]
    missing = settings_url(job, f"interview/audio/{question['audio_file_id'] + 999}")
    assert client.get(missing).status_code == 404
    assert client.get(settings_url(job, "interview/audio/x")).status_code == 404

    r = submit(
        client,
        page,
        action,
        {"target": "segment:introduction"},
        files={"file": ("intro.mp3", b"this is not audio at all", "audio/mpeg")},
    )
    assert r.status_code == 415
    assert 'id="audio-segment-introduction-error"' in r.text
    assert "Only .wav and .mp3 recordings are accepted" in r.text
    assert reload(session, job).interview_settings["introduction"]["audio_file_id"] is None

    r = submit(
        client,
        page,
        action,
        {"target": "segment:introduction"},
        files={"file": ("intro.mp3", MP3, "audio/mpeg")},
    )
    assert r.status_code == 303
    assert reload(session, job).interview_settings["introduction"]["audio_file_id"]
    r = submit(client, page, action, {"target": "segment:closing"})
    assert r.status_code == 400 and "Choose a .wav or .mp3 file" in r.text
    # the question keeps its prompt when the script is saved again
    submit(
        client,
        page,
        page,
        {"question_id": "q1", "question_text": "Why?", "question_type": "audio", "op": "save"},
    )
    assert (
        reload(session, job).interview_settings["questions"][0]["audio_file_id"]
        == question["audio_file_id"]
    )


# --- Messenger and AI ---------------------------------------------------------------------


def test_messenger_settings(client: TestClient, session: Session, owner: User, job: Job) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "messenger")
    data = {
        "bot_integration": "job_position",
        "info_fields": "Night shift\nManila, Makati",
        "detailed_description": "A great job.",
        "apply_url": "https://jobs.example.com/apply",
    }
    r = submit(client, page, page, data)
    assert r.status_code == 303
    doc = reload(session, job).campaign_settings["messenger"]
    assert doc["bot_integration"] == "job_position"
    assert doc["info_fields"] == ["Night shift", "Manila, Makati"]
    r = submit(client, page, page, {**data, "info_fields": "x" * 81, "apply_url": "ftp://x"})
    assert r.status_code == 400
    assert 'id="info_fields-error"' in r.text and "x" * 81 in r.text
    assert reload(session, job).campaign_settings["messenger"]["info_fields"] == doc["info_fields"]


def test_ai_settings_threshold_and_criteria(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "ai")
    r = submit(
        client,
        page,
        page,
        {
            "must_have": "Fluent English\n2+ years customer service",
            "nice_to_have": "BPO experience",
            "bonus": "Tagalog",
            "threshold": "40",
        },
    )
    assert r.status_code == 303
    job = reload(session, job)
    assert job.ai_settings["auto_reject_threshold"] == 40
    assert auto_reject_threshold(job) == 40
    assert job.criteria["mustHave"] == ["Fluent English", "2+ years customer service"]
    assert job.criteria["bonus"] == ["Tagalog"]
    html = client.get(page).text
    assert 'value="40"' in html and "BPO experience</textarea>" in html
    for bad in ("101", "-1", "abc"):
        r = submit(client, page, page, {"must_have": "Changed", "threshold": bad})
        assert r.status_code == 400 and 'id="threshold-error"' in r.text
        assert "Changed</textarea>" in r.text
    assert reload(session, job).criteria["mustHave"][0] == "Fluent English"
    r = submit(client, page, page, {"must_have": "", "threshold": ""})
    assert r.status_code == 303
    assert auto_reject_threshold(reload(session, job)) is None


# --- Refusals of the audit (deactivated managers, paged permissions, lengths, ids) --------


def _posted_form(html: str, action: str) -> dict[str, list[str]]:
    """What a browser posts from the form to ``action`` as rendered: its hidden fields
    and ticked checkboxes."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    out: dict[str, list[str]] = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        kind = re.search(r'type="(\w+)"', tag)
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or kind is None:
            continue
        if kind.group(1) == "hidden" or (kind.group(1) == "checkbox" and " checked" in tag):
            text = html_lib.unescape(value.group(1) if value else "")
            out.setdefault(name.group(1), []).append(text)
    return out


def _grant(session: Session, job: Job, ids: list[int]) -> None:
    job = reload(session, job)
    job.campaign_settings = {**job.campaign_settings, "manager_ids": ids}
    session.commit()


def test_a_deactivated_manager_does_not_block_saving_the_other_sections(
    client: TestClient, session: Session, owner: User, manager: User, job: Job
) -> None:
    bob = create_user(
        session, owner.company_id, email="bob@acmecorp.com", name="Bob", password=None
    )
    ann = create_user(
        session, owner.company_id, email="ann@acmecorp.com", name="Ann", password=None
    )
    session.commit()
    _grant(session, job, [manager.id, bob.id])
    set_user_active(session, owner, bob.id, active=False)
    session.commit()
    sign_in(client, owner.email)

    page = settings_url(job, "messages")
    r = submit(client, page, page, _message(sms="Hello @candidate_name"))
    assert r.status_code == 303, r.text
    basic = {"campaign_title": "T", "job_title": "J", "hotline_country": "PH"}
    r = submit(client, settings_url(job), settings_url(job, "basic"), basic)
    assert r.status_code == 303, r.text
    # The permissions page as shown (Bob is not listed): Bob keeps his access.
    page = settings_url(job, "permissions")
    html = client.get(page).text
    assert "Bob" not in html and "Ann" in html
    r = client.post(page, data=_posted_form(html, page))
    assert r.status_code == 303
    assert reload(session, job).campaign_settings["manager_ids"] == [manager.id, bob.id]
    # Ann is deactivated while the page is open, then ticked: refused next to the list.
    html = client.get(page).text
    set_user_active(session, owner, ann.id, active=False)
    session.commit()
    posted = _posted_form(html, page)
    posted["manager_ids"] = [*posted.get("manager_ids", []), str(ann.id)]
    r = client.post(page, data=posted)
    assert r.status_code == 400
    assert re.search(rf'id="manager_ids-error">[^<]*{ann.id}', r.text)
    assert reload(session, job).campaign_settings["manager_ids"] == [manager.id, bob.id]


def test_permissions_are_paged_and_a_save_changes_only_the_managers_shown(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    team = [
        create_user(
            session,
            owner.company_id,
            email=f"m{i:03d}@acmecorp.com",
            name=f"Manager {i:03d}",
            password=None,
        )
        for i in range(101)
    ]
    gone = create_user(session, owner.company_id, email="z@acmecorp.com", name="Zed", password=None)
    session.commit()
    set_user_active(session, owner, gone.id, active=False)
    _grant(session, job, [team[0].id, team[100].id, gone.id])
    sign_in(client, owner.email)
    action = settings_url(job, "permissions")

    html = client.get(action).text
    assert html.count('name="manager_ids"') == 100 and "Manager 100" not in html
    assert "Page 1 of 2" in html and f'href="{action}?page=2"' in html
    r = client.post(action, data=_posted_form(html, action))  # saved as shown
    assert r.status_code == 303
    assert reload(session, job).campaign_settings["manager_ids"] == [
        team[0].id,
        team[100].id,
        gone.id,
    ]
    # Page 2 lists Manager 100, ticked; unticking them there changes only them.
    html = client.get(f"{action}?page=2").text
    assert html.count('name="manager_ids"') == 1
    assert f'value="{team[100].id}" checked' in html
    posted = _posted_form(html, action)
    posted["manager_ids"] = [str(team[50].id)]  # a manager of page 1, not shown here
    r = client.post(action, data=posted)
    assert r.status_code == 303 and r.headers["location"].endswith("saved=1&page=2")
    assert reload(session, job).campaign_settings["manager_ids"] == [
        team[0].id,
        gone.id,
        team[50].id,
    ]


def test_over_long_values_are_refused_not_cut(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    title = "T" * 501
    basic = {"campaign_title": title, "job_title": "J" * 600, "hotline_country": "PH"}
    r = submit(client, settings_url(job), settings_url(job, "basic"), basic)
    assert r.status_code == 400
    assert 'id="campaign_title-error">At most 500 characters.' in r.text
    assert f'value="{title}"' in r.text  # kept as typed
    assert reload(session, job).title == "Call Center Agent"

    page = settings_url(job, "interview")
    base = {f"segment_{s}": f"{s} text" for s in SEGMENTS_}
    r = submit(client, page, page, {**base, "new_text": "Why?", "op": "add"})
    assert r.status_code == 303
    before = reload(session, job).interview_settings
    question = {"question_id": "q1", "question_text": "Why?", "question_type": "audio_text"}
    for data, error in (
        ({**base, "segment_introduction": "S" * 5001, "op": "save"}, "segment_introduction"),
        ({**base, **question, "question_text": "Q" * 2001, "op": "save"}, "question_text-0"),
        ({**base, **question, "new_text": "N" * 2001, "op": "add"}, "new_text"),
    ):
        r = submit(client, page, page, data)
        assert r.status_code == 400, error
        assert re.search(rf'id="{error}-error">At most \d+ characters\.', r.text), error
    assert reload(session, job).interview_settings == before

    page = settings_url(job, "messages")
    r = submit(client, page, page, _message(sms="x" * 1601))
    assert r.status_code == 400 and 'id="sms-error">At most 1600 characters.' in r.text
    assert "x" * 1601 + "</textarea>" in r.text


def test_a_removed_question_id_is_not_given_again_in_the_editor(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "interview")
    base = {f"segment_{s}": f"{s} text" for s in SEGMENTS_}
    one = {"question_id": "q1", "question_text": "Criminal record?", "question_type": "text"}
    for data in (
        {**base, "new_text": "Criminal record?", "new_type": "text", "op": "add"},
        {**base, **one, "new_text": "Expected salary?", "op": "add"},
        {
            **base,
            "question_id": ["q1", "q2"],
            "question_text": ["Criminal record?", "Expected salary?"],
            "question_type": ["text", "audio_text"],
            "op": "remove:1",
        },
        {**base, **one, "new_text": "Willing to work nights?", "op": "add"},
    ):
        r = submit(client, page, page, data)
        assert r.status_code == 303, r.text
    script = reload(session, job).interview_settings["questions"]
    assert [(q["id"], q["number"], q["text"]) for q in script] == [
        ("q1", 1, "Criminal record?"),
        ("q3", 3, "Willing to work nights?"),
    ]


def test_an_error_on_a_field_the_page_does_not_show_is_shown_above_the_form(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    sign_in(client, owner.email)
    page = settings_url(job, "interview")
    base = {f"segment_{s}": f"{s} text" for s in SEGMENTS_}
    r = submit(client, page, page, {**base, "new_text": "Why?", "op": "add"})
    assert r.status_code == 303
    question = {"question_id": "q1", "question_text": "Why?", "question_type": "spoken"}
    r = submit(client, page, page, {**base, **question, "op": "save"})
    assert r.status_code == 400
    alert = re.search(r'flash-error" role="alert">\s*([^<]*?)\s*</div>', r.text)
    assert alert is not None and "answer_type" in alert.group(1)


def test_saving_the_interview_keeps_the_options_and_data_point_set_through_the_api(
    client: TestClient, session: Session, owner: User, job: Job
) -> None:
    # The form edits only a question's text and answer type: what it does not show (the
    # options and data point set through the API, the audio prompt) stays.
    campaigns.update_campaign(
        session,
        job,
        None,
        Actor("user", owner.id),
        settings={
            "interview": {
                "questions": [
                    {"text": "Which shift?", "data_point": "shift", "options": ["Day", "Night"]},
                    {"text": "Why us?"},
                ]
            }
        },
    )
    session.commit()
    sign_in(client, owner.email)
    page = settings_url(job, "interview")
    base = {f"segment_{s}": f"{s} text" for s in SEGMENTS_}
    questions = {
        "question_id": ["q1", "q2"],
        "question_text": ["Which shift do you prefer?", "Why us?"],
        "question_type": ["text", "audio_text"],
    }
    for op in ("save", "down:0"):
        r = submit(client, page, page, {**base, **questions, "op": op})
        assert r.status_code == 303, r.text
    script = reload(session, job).interview_settings["questions"]
    assert [(q["id"], q["text"], q["data_point"], q["options"]) for q in script] == [
        ("q2", "Why us?", None, []),
        ("q1", "Which shift do you prefer?", "shift", ["Day", "Night"]),
    ]


@pytest.mark.parametrize(
    ("section", "data", "error_id"),
    [
        ("basic", {"campaign_title": "Wave\x001", "job_title": "CSR"}, "campaign_title"),
        ("messages", _message(sms="Hi\x00 @candidate_name"), "sms"),
        ("messages", _message(email_subject="Hello\x00"), "email_subject"),
        ("messages", _message(email_html="<p>Hello\x00</p>"), "email_html"),
        (
            "messenger",
            {"bot_integration": "disabled", "info_fields": "Night\x00shift"},
            "info_fields",
        ),
        (
            "messenger",
            {"bot_integration": "disabled", "detailed_description": "A\x00"},
            "detailed_description",
        ),
        (
            "interview",
            {**{f"segment_{s}": "Hi" for s in SEGMENTS_}, "segment_introduction": "Hi\x00"},
            "segment_introduction",
        ),
        (
            "interview",
            {**{f"segment_{s}": "Hi" for s in SEGMENTS_}, "new_text": "Why\x00?", "op": "add"},
            "new_text",
        ),
        ("ai", {"must_have": "English\x00", "threshold": ""}, "must_have"),
    ],
)
def test_a_null_character_is_refused_next_to_the_field(
    client: TestClient,
    session: Session,
    owner: User,
    job: Job,
    section: str,
    data: dict[str, str],
    error_id: str,
) -> None:
    # PostgreSQL's text and jsonb cannot hold one: refused (not a 500), nothing stored.
    before = reload(session, job)
    documents = (
        before.title,
        before.campaign_settings,
        before.messaging_settings,
        before.interview_settings,
        before.criteria,
    )
    sign_in(client, owner.email)
    page = settings_url(job, section)
    r = submit(client, page, page, data)
    assert r.status_code == 400, r.text
    assert (
        f'id="{error_id}-error">This must not contain null characters. Please type it again.'
        in r.text
    )
    job = reload(session, job)
    assert (
        job.title,
        job.campaign_settings,
        job.messaging_settings,
        job.interview_settings,
        job.criteria,
    ) == documents


def test_a_null_character_in_a_new_campaign_is_refused(
    client: TestClient, session: Session, owner: User, company: Company
) -> None:
    sign_in(client, owner.email)
    data = {"campaign_title": "Wave\x001", "hotline_country": "PH", "interview_language": "en"}
    r = submit(client, "/app/campaigns/new", "/app/campaigns/new", data)
    assert r.status_code == 400
    assert "This must not contain null characters. Please type it again." in r.text
    assert session.scalars(select(Job).where(Job.company_id == company.id)).all() == []
