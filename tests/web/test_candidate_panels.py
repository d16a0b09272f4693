"""The candidate panels (chat history + profile) and share links over HTTP: comments kept
apart and never sent, quick replies rendered, folder moves with notify, the CV and audio
answers, share links (chosen fields, signed out, revoke, expiry), escaping, tenancy and
manager permissions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications import share
from hireloop.domain.applications.labels import clean_label_name, create_label, labels_for
from hireloop.domain.applications.models import (
    Application,
    ApplicationEvent,
    Label,
    ShareLink,
)
from hireloop.domain.candidates.models import Comment
from hireloop.domain.companies.models import User
from hireloop.domain.companies.service import create_user
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import local_storage
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.library import create_quick_reply
from hireloop.domain.messaging.models import Message
from hireloop.domain.messaging.sanitize import clean_comment_html, clean_html
from hireloop.domain.messaging.service import queue_message
from hireloop.errors import Conflict, Invalid, NotFound, Unprocessable
from hireloop.web.app.pages import domain_message
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


@pytest.fixture
def world(session: Session, factory: Factory, settings: Any) -> dict[str, Any]:
    company = factory.company("Acme Recruiting")
    owner = create_user(
        session, company.id, email="olga@acme.com", name="Olga", password=PASSWORD, role="owner"
    )
    manager = create_user(session, company.id, email="mia@acme.com", name="Mia", password=PASSWORD)
    job = factory.job(company, title="Call Center Agent")
    job.messaging_settings = {
        **(job.messaging_settings or {}),
        "shortlisted": {
            "enabled": True,
            "sms": "Good news @candidate_name!",
            "email_subject": "",
            "email_html": "",
        },
        "rejection": {"enabled": False},
    }
    job.interview_settings = {
        **(job.interview_settings or {}),
        "questions": [{"id": 1, "text": "Why do you want this job?"}],
    }
    candidate = factory.candidate(
        company,
        first_name="Ana",
        last_name="Cruz",
        email="ana@example.com",
        phone="+639171234567",
        city="Manila",
    )
    application = factory.application(job, candidate)
    storage = local_storage(settings.files_dir)
    blob = storage.put(b"RIFF....WAVEfmt fake audio", prefix="test")
    audio = File(
        company_id=company.id,
        candidate_id=candidate.id,
        application_id=application.id,
        kind="audio",
        name="answer1.wav",
        media_type="audio/wav",
        size=blob.size,
        sha256=blob.sha256,
        storage_key=blob.key,
    )
    cv_blob = storage.put(b"%PDF-1.4 fake cv", prefix="test")
    cv = File(
        company_id=company.id,
        candidate_id=candidate.id,
        application_id=application.id,
        kind="cv",
        name="ana cv.pdf",
        media_type="application/pdf",
        size=cv_blob.size,
        sha256=cv_blob.sha256,
        storage_key=cv_blob.key,
    )
    session.add_all([audio, cv])
    session.flush()
    application.cv_file_id = cv.id
    application.answers = {
        "1": {
            "answer": "I love helping people",
            "transcript": "I love helping people",
            "file": audio.id,
        }
    }
    application.ai_score = 82
    application.ai_summary = "Strong customer service background."
    application.ai_first_impression = "Friendly and clear."
    application.ai_breakdown = {
        "reasons": ["5 years in call centers"],
        "components": {"skills": {"score": 90, "weight": 0.5, "detail": "customer service"}},
    }
    candidate.parsed_resume = {
        "employment": [{"title": "Agent", "employer": "BPO Inc", "start": "2019", "current": True}],
        "education": [{"school": "UP Manila", "degree": "BA"}],
        "skills": ["Customer service", "English"],
        "parser_version": "1",
    }
    quick_reply = create_quick_reply(
        session, company.id, title="Interview invite", content="Hi <%= @candidate_name %>, see you!"
    )
    other = factory.company("Other Co")
    other_job = factory.job(other)
    other_app = factory.application(other_job, factory.candidate(other))
    session.commit()
    return {
        "company": company,
        "owner": owner,
        "manager": manager,
        "job": job,
        "candidate": candidate,
        "application": application,
        "audio": audio,
        "quick_reply": quick_reply,
        "other_app": other_app,
    }


def sign_in(client: TestClient, email: str) -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def post(client: TestClient, path: str, data: dict[str, Any], page: str) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **data})


def page_of(app: Application) -> str:
    return f"/app/applications/{app.id}"


def test_the_page_shows_both_panels(client: TestClient, world: dict[str, Any]) -> None:
    sign_in(client, "olga@acme.com")
    r = client.get(page_of(world["application"]))
    assert r.status_code == 200
    html = r.text
    for text in (
        "Chat history",
        "Ana Cruz",
        "ana@example.com",
        "Manila",
        "82",
        "Strong customer service background.",
        "Friendly and clear.",
        "5 years in call centers",
        "BPO Inc",
        "UP Manila",
        "Customer service",
        "Why do you want this job?",
        "I love helping people",
        "Interview invite",
        "Notify the candidate",
        f"<code>{world['application'].id}</code>",
        f"<code>{world['candidate'].id}</code>",
        "Failed Background Check",
    ):
        assert text in html, text
    assert f'src="/app/applications/{world["application"].id}/audio/{world["audio"].id}"' in html
    assert "<audio controls" in html
    assert r.headers["cache-control"] == "no-store"


def test_comment_is_shown_apart_and_never_sent(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = post(
        client, path + "/comments", {"text": "Call back <b>Monday</b>\nok", "return_to": path}, path
    )
    assert r.status_code == 303 and r.headers["location"] == path
    comment = session.scalars(select(Comment)).one()
    assert comment.application_id == world["application"].id
    assert session.scalars(select(Message)).all() == []
    html = client.get(path).text
    assert "The comment was added." in html
    match = re.search(r'<li class="cp-comment".*?</li>', html, re.S)
    assert match and "Call back &lt;b&gt;Monday&lt;/b&gt;<br>ok" in match.group(0)
    assert "Only your team sees this" in match.group(0)
    # Forms only ever go back to an /app page.
    r = post(client, path + "/comments", {"text": "x", "return_to": "https://evil.example"}, path)
    assert r.status_code == 303 and r.headers["location"] == path
    r = post(client, path + "/comments", {"text": "y", "return_to": "/app?selected=1"}, path)
    assert r.headers["location"] == "/app?selected=1"
    # An empty comment is refused.
    r = post(client, path + "/comments", {"text": "  "}, path)
    assert r.status_code == 400 and "Write a comment." in r.text


def test_quick_reply_is_queued_with_rendered_tokens(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = post(
        client,
        path + "/messages",
        {"quick_reply_id": str(world["quick_reply"].id), "channel": "sms", "return_to": path},
        path,
    )
    assert r.status_code == 303, r.text
    message = session.scalars(select(Message)).one()
    assert message.body_text == "Hi Ana, see you!"
    assert message.channel == "sms" and message.kind == "quick_reply"
    assert message.author_type == "user" and message.author_user_id == world["owner"].id
    html = client.get(path).text
    assert "Hi Ana, see you!" in html and "Olga" in html

    # Free text with a token appended, by email.
    r = post(
        client,
        path + "/messages",
        {"text": "Hello", "insert_token": "job_title", "channel": "email"},
        path,
    )
    assert r.status_code == 303
    last = session.scalars(select(Message).order_by(Message.id.desc())).first()
    assert last is not None and last.body_text == "Hello Call Center Agent"
    assert last.channel == "email" and last.kind == "manual"

    # Nothing to send, another company's quick reply, a candidate without email.
    assert post(client, path + "/messages", {"text": ""}, path).status_code == 400
    world["candidate"].email = None
    session.commit()
    r = post(client, path + "/messages", {"text": "Hi", "channel": "email"}, path)
    assert r.status_code == 400 and "no email address" in r.text


def test_the_chat_shows_how_many_sms_each_text_message_took(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    # Typed with a line break (sent "\r\n"): 160 characters, one SMS.
    text = "a" * 80 + "\r\n" + "a" * 79
    assert (
        post(client, path + "/messages", {"text": text, "channel": "sms"}, path).status_code == 303
    )
    post(client, path + "/messages", {"text": "😀" * 40, "channel": "sms"}, path)
    post(client, path + "/messages", {"text": "By email", "channel": "email"}, path)
    sms = session.scalars(select(Message).where(Message.channel == "sms")).all()
    assert [(m.segments, m.encoding) for m in sms] == [(1, "GSM-7"), (2, "UCS-2")]
    html = client.get(path).text
    assert re.findall(r'data-testid="chat-sms-segments">([^<]*)<', html) == [
        "Number of SMS: 1 (GSM-7)",
        "Number of SMS: 2 (UCS-2)",
    ]


def test_bot_stop_and_resume(client: TestClient, session: Session, world: dict[str, Any]) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    assert post(client, path + "/bot", {"action": "pause"}, path).status_code == 303
    session.refresh(world["application"])
    assert world["application"].bot_paused is True
    assert "Resume bot" in client.get(path).text
    assert post(client, path + "/bot", {"action": "resume"}, path).status_code == 303
    session.refresh(world["application"])
    assert world["application"].bot_paused is False
    kinds = session.scalars(
        select(ApplicationEvent.kind).where(ApplicationEvent.kind.like("bot_%"))
    ).all()
    assert sorted(kinds) == ["bot_paused", "bot_resumed"]


def test_folders_with_notify_and_reason(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    application = world["application"]
    path = page_of(application)
    r = post(
        client,
        path + "/folder",
        {"action": "shortlist", "notify": "1", "reason": "shortlisted:meets_requirements"},
        path,
    )
    assert r.status_code == 303
    session.refresh(application)
    assert application.folder == "shortlisted"
    sent = session.scalars(select(Message)).all()
    assert [m.body_text for m in sent] == ["Good news Ana!"]
    event = session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.to_folder == "shortlisted")
    ).one()
    assert event.reason == "meets_requirements" and event.actor_type == "user"

    # Without notify: no message. A rejection reason with a shortlist is ignored.
    for action, folder in (("on_hold", "on_hold"), ("hire", "hired"), ("reject", "rejected")):
        r = post(client, path + "/folder", {"action": action}, path)
        assert r.status_code == 303
        session.refresh(application)
        assert application.folder == folder
    assert len(session.scalars(select(Message)).all()) == 1
    assert post(client, path + "/folder", {"action": "inbox"}, path).status_code == 400


def test_cv_and_audio_downloads(client: TestClient, world: dict[str, Any]) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = client.get(path + "/cv")
    assert r.status_code == 200 and r.content == b"%PDF-1.4 fake cv"
    assert r.headers["content-disposition"] == "attachment; filename*=UTF-8''ana%20cv.pdf"
    assert r.headers["x-content-type-options"] == "nosniff"
    r = client.get(f"{path}/audio/{world['audio'].id}")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"{path}/audio/999999").status_code == 404


def test_share_link_shows_only_the_chosen_fields(
    client: TestClient, app: Any, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = post(
        client,
        path + "/share",
        {"fields": ["resume", "score"], "days": "7", "return_to": path},
        path,
    )
    assert r.status_code == 303
    html = client.get(path).text
    match = re.search(r'value="(http://[^"]+/share/([^"]+))"', html)
    assert match, "the new link is shown once"
    token = match.group(2)
    link = session.scalars(select(ShareLink)).one()
    assert link.token_hash == share.token_hash(token) and token not in link.token_hash
    assert link.fields == ["resume", "score"]
    assert timedelta(days=6, hours=23) < link.expires_at - utcnow() <= timedelta(days=7)
    # Gone from the page after the next view.
    assert token not in client.get(path).text

    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as anonymous:
        r = anonymous.get(f"/share/{token}")
        assert r.status_code == 200
        assert "noindex" in r.headers["x-robots-tag"]
        assert r.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert 'name="robots" content="noindex' in r.text
        for shown in ("Ana Cruz", "Call Center Agent", "82", "BPO Inc", "Customer service"):
            assert shown in r.text, shown
        for hidden in ("ana@example.com", "+639171234567", "I love helping people", "Comment"):
            assert hidden not in r.text, hidden
        cv = anonymous.get(f"/share/{token}/cv")
        assert cv.status_code == 200 and cv.headers["content-disposition"].startswith("attachment")
        assert anonymous.get("/share/not-a-token").status_code == 404

    # Revoke: the link is refused.
    r = post(client, f"{path}/share/{link.id}/revoke", {}, path)
    assert r.status_code == 303
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        r = anonymous.get(f"/share/{token}")
        assert r.status_code == 410 and "no longer valid" in r.text
        assert anonymous.get(f"/share/{token}/cv").status_code == 410


def test_share_link_expires_and_needs_a_field(
    client: TestClient, app: Any, session: Session, world: dict[str, Any]
) -> None:
    made = share.create_link(
        session, world["company"].id, world["application"].id, fields=["contact"], days=1
    )
    made.link.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/share/{made.token}").status_code == 410
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = post(client, path + "/share", {"days": "14"}, path)
    assert r.status_code == 400 and "Choose at least one" in r.text
    r = post(client, path + "/share", {"fields": "contact", "days": "3"}, path)
    assert r.status_code == 400
    # Another company cannot revoke it.
    with pytest.raises(NotFound):
        share.revoke_link(
            session, world["other_app"].company_id, world["application"].id, made.link.id
        )


def test_xss_in_a_candidate_name_and_message_shows_as_text(
    client: TestClient, app: Any, session: Session, world: dict[str, Any]
) -> None:
    candidate = world["candidate"]
    candidate.first_name = XSS
    session.add(
        Message(
            company_id=world["company"].id,
            application_id=world["application"].id,
            candidate_id=candidate.id,
            channel="sms",
            kind="inbound",
            direction="inbound",
            author_type="candidate",
            to_address="",
            body_text=XSS,
            status="received",
        )
    )
    session.commit()
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    html = client.get(path).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    made = share.create_link(
        session, world["company"].id, world["application"].id, fields=["contact"]
    )
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        shared = anonymous.get(f"/share/{made.token}").text
        assert "<script>alert" not in shared and "&lt;script&gt;" in shared


def test_another_company_and_unpermitted_manager_get_404(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    other = page_of(world["other_app"])
    mine = page_of(world["application"])
    assert client.get(other).status_code == 404
    for suffix in ("/cv", f"/audio/{world['audio'].id}"):
        assert client.get(other + suffix).status_code == 404
    for suffix, data in (
        ("/messages", {"text": "hi"}),
        ("/comments", {"text": "hi"}),
        ("/bot", {"action": "pause"}),
        ("/folder", {"action": "reject"}),
        ("/share", {"fields": "contact"}),
        ("/share/1/revoke", {}),
    ):
        assert post(client, other + suffix, data, mine).status_code == 404, suffix
    assert session.scalars(select(Comment)).all() == []
    assert session.scalars(select(Message)).all() == []

    # A manager not permitted to the campaign: 404 too; once permitted, the page.
    client.cookies.clear()
    sign_in(client, "mia@acme.com")
    assert client.get(mine).status_code == 404
    job: Job = world["job"]
    job.campaign_settings = {**(job.campaign_settings or {}), "manager_ids": [world["manager"].id]}
    session.commit()
    assert client.get(mine).status_code == 200


def test_posts_need_the_csrf_token(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    for suffix in ("/messages", "/comments", "/bot", "/folder", "/share"):
        r = client.post(path + suffix, data={"text": "x", "action": "pause", "fields": "contact"})
        assert r.status_code == 403, suffix
    assert session.scalars(select(Comment)).all() == []
    assert session.scalars(select(ShareLink)).all() == []


def test_signed_out_is_sent_to_sign_in(client: TestClient, world: dict[str, Any]) -> None:
    r = client.get(page_of(world["application"]))
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")


def test_the_campaign_view_includes_both_panels(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    application = world["application"]
    view = f"/app/campaigns/{world['job'].id}?selected={application.id}"
    r = client.get(view)
    assert r.status_code == 200
    assert 'data-testid="chat-panel"' in r.text and 'data-testid="profile-panel"' in r.text
    # The panels' forms come back to the campaign view.
    assert f'name="return_to" value="/app/campaigns/{world["job"].id}?selected=' in r.text
    r = post(client, page_of(application) + "/comments", {"text": "hi", "return_to": view}, view)
    assert r.status_code == 303 and r.headers["location"] == view
    # Another company's candidate selected: 404.
    other = f"/app/campaigns/{world['job'].id}?selected={world['other_app'].id}"
    assert client.get(other).status_code == 404


# --- Labels in the profile, audio on the share page, refusals in the user's language -------


def labels_of(session: Session, application: Application) -> list[str]:
    session.expire_all()
    return labels_for(session, [application.id]).get(application.id, [])


def test_profile_labels_add_and_remove(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    create_label(session, world["company"].id, "Bilingual")
    create_label(session, world["company"].id, "Night shift")
    session.commit()
    sign_in(client, "olga@acme.com")
    application = world["application"]
    path = page_of(application)
    html = client.get(path).text
    assert 'action="' + path + '/labels"' in html
    assert '<option value="Bilingual">' in html and '<option value="Night shift">' in html

    # One of the company's labels, whatever the case typed: no second label is made.
    r = post(client, path + "/labels", {"label": "  bilingual ", "return_to": path}, path)
    assert r.status_code == 303 and r.headers["location"] == path
    assert labels_of(session, application) == ["Bilingual"]
    assert session.scalar(select(func.count()).select_from(Label)) == 2
    # A new name makes the label.
    r = post(client, path + "/labels", {"label": "Call back"}, path)
    assert r.status_code == 303
    assert labels_of(session, application) == ["Bilingual", "Call back"]
    html = client.get(path).text
    assert "The label was added." in html
    assert 'aria-label="Remove the label Call back"' in html
    # The datalist offers the labels the candidate does not have yet.
    assert '<option value="Night shift">' in html and '<option value="Bilingual">' not in html

    # Remove one: an application event by the user, as the list's labels.
    r = post(client, path + "/labels", {"remove": "Bilingual"}, path)
    assert r.status_code == 303
    assert labels_of(session, application) == ["Call back"]
    assert "The label was removed." in client.get(path).text
    event = session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.kind == "labeled")
        .order_by(ApplicationEvent.id.desc())
    ).first()
    assert event is not None and event.data == {"added": [], "removed": ["Bilingual"]}
    assert event.actor_type == "user" and event.actor_id == world["owner"].id

    # Refusals are shown in the profile, nothing changes.
    r = post(client, path + "/labels", {"label": "a,b"}, path)
    assert r.status_code == 400 and "Name is invalid" in r.text
    assert 'value="a,b"' in r.text  # kept in the field
    r = post(client, path + "/labels", {"remove": "Ghost"}, path)
    assert r.status_code == 400 and "This label does not exist: Ghost" in r.text
    assert labels_of(session, application) == ["Call back"]

    # From the campaign view, the form comes back to it and the row shows the label.
    view = f"/app/campaigns/{world['job'].id}?selected={application.id}"
    r = post(client, path + "/labels", {"label": "Night shift", "return_to": view}, view)
    assert r.status_code == 303 and r.headers["location"] == view
    html = client.get(view).text
    assert 'class="cv-label"' in html and "Night shift" in html


def test_profile_labels_need_csrf_permission_and_the_company(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = client.post(path + "/labels", data={"label": "Forged"})
    assert r.status_code == 403
    r = client.post(path + "/labels", data={"label": "Forged", "csrf_token": "1.forged"})
    assert r.status_code == 403
    assert session.scalars(select(Label)).all() == []
    # Another company's candidate: 404, nothing made.
    other = page_of(world["other_app"])
    for data in ({"label": "Sneaky"}, {"remove": "Sneaky"}):
        assert post(client, other + "/labels", data, path).status_code == 404
    assert session.scalars(select(Label)).all() == []
    # A manager not permitted to the campaign: 404; once permitted, the label goes on.
    client.cookies.clear()
    sign_in(client, "mia@acme.com")
    assert post(client, path + "/labels", {"label": "Mia's"}, "/app").status_code == 404
    job: Job = world["job"]
    job.campaign_settings = {**(job.campaign_settings or {}), "manager_ids": [world["manager"].id]}
    session.commit()
    assert post(client, path + "/labels", {"label": "Mia's"}, path).status_code == 303
    assert labels_of(session, world["application"]) == ["Mia's"]


def test_share_page_plays_the_audio_answers(
    client: TestClient,
    app: Any,
    session: Session,
    factory: Factory,
    world: dict[str, Any],
    settings: Any,
) -> None:
    company_id, application = world["company"].id, world["application"]
    with_answers = share.create_link(session, company_id, application.id, fields=["answers"])
    without = share.create_link(session, company_id, application.id, fields=["resume"])
    # Another application's audio file, of the same company.
    second = factory.application(world["job"], factory.candidate(world["company"]))
    blob = local_storage(settings.files_dir).put(b"RIFF other", prefix="test")
    foreign = File(
        company_id=company_id,
        candidate_id=second.candidate_id,
        application_id=second.id,
        kind="audio",
        name="other.wav",
        media_type="audio/wav",
        size=blob.size,
        sha256=blob.sha256,
        storage_key=blob.key,
    )
    session.add(foreign)
    session.commit()
    audio_id = world["audio"].id
    cv_id = application.cv_file_id
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        token = with_answers.token
        html = anonymous.get(f"/share/{token}").text
        assert f'<audio controls preload="none" src="/share/{token}/audio/{audio_id}"' in html
        r = anonymous.get(f"/share/{token}/audio/{audio_id}")
        assert r.status_code == 200 and r.content == b"RIFF....WAVEfmt fake audio"
        assert r.headers["content-type"] == "audio/wav"
        assert r.headers["content-disposition"].startswith("inline")
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        # Only the files the answers name: not the CV, not another application's audio.
        for file_id in (cv_id, foreign.id, 999999):
            assert anonymous.get(f"/share/{token}/audio/{file_id}").status_code == 404
        # A link that does not share the responses: no player, no file.
        assert "<audio" not in anonymous.get(f"/share/{without.token}").text
        assert anonymous.get(f"/share/{without.token}/audio/{audio_id}").status_code == 404
        assert anonymous.get(f"/share/not-a-token/audio/{audio_id}").status_code == 404

    # Revoked, or expired: gone.
    sign_in(client, "olga@acme.com")
    path = page_of(application)
    r = post(client, f"{path}/share/{with_answers.link.id}/revoke", {}, path)
    assert r.status_code == 303
    without.link.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/share/{with_answers.token}/audio/{audio_id}").status_code == 410
        assert anonymous.get(f"/share/{without.token}/audio/{audio_id}").status_code == 410


def test_service_refusals_are_shown_in_the_users_language(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    world["owner"].language = "es"
    candidate = world["candidate"]
    candidate.email = None
    session.commit()
    sign_in(client, "olga@acme.com")
    path = page_of(world["application"])
    r = post(client, path + "/messages", {"text": "Hola", "channel": "email"}, path)
    assert r.status_code == 400
    assert "El candidato no tiene dirección de correo electrónico." in r.text
    assert "no email address" not in r.text
    candidate.do_not_contact = True
    session.commit()
    r = post(client, path + "/messages", {"text": "Hola", "channel": "sms"}, path)
    assert "El candidato pidió no ser contactado." in r.text
    r = post(client, path + "/labels", {"label": "a#b"}, path)
    assert r.status_code == 400 and "El nombre no es válido." in r.text
    r = post(client, path + "/labels", {"remove": "Fantasma"}, path)
    assert "Esta etiqueta no existe: Fantasma" in r.text
    # A refusal outside a form: the error page, in Spanish too.
    r = post(client, path + "/share/999999/revoke", {}, path)
    assert r.status_code == 404 and "Enlace para compartir no encontrado." in r.text
    assert "Share link not found." not in r.text

    # The services (and so the API faces) keep their English texts.
    with pytest.raises(Invalid) as refused:
        queue_message(
            session, application=world["application"], channel="sms", kind="manual", text="x"
        )
    assert refused.value.message == "The candidate asked not to be contacted."
    with pytest.raises(Unprocessable) as invalid:
        clean_label_name("a#b")
    assert invalid.value.message == "Name is invalid"


def test_a_service_text_without_translation_becomes_a_general_sentence() -> None:
    odd = Conflict("A label with name X already exists.")
    assert domain_message("en", odd) == "A label with name X already exists."
    assert domain_message("fr", odd) == "Cela entre en conflit avec ce qui existe déjà."
    assert domain_message("pt", NotFound("Job 12 not found.")) == (
        "O que você pediu já não existe."
    )
    assert domain_message("es", Invalid("Unknown channel 'fax'.")) == (
        "No se pudo hacer. Revise lo que escribió e inténtelo de nuevo."
    )


def test_a_refusal_no_route_handles_is_an_error_page_in_the_readers_language() -> None:
    from fastapi import APIRouter, FastAPI

    from hireloop.config import Settings
    from hireloop.web.app.pages import AppRoute

    router = APIRouter(route_class=AppRoute)

    @router.get("/app/refused")
    def refused() -> None:
        raise NotFound("Share link not found.")

    app = FastAPI()
    app.state.settings = Settings(database_url="sqlite://")
    app.include_router(router)
    with TestClient(app) as anyone:
        r = anyone.get("/app/refused", headers={"Accept-Language": "es-ES,es;q=0.9"})
        assert r.status_code == 404
        assert "Enlace para compartir no encontrado." in r.text
        r = anyone.get("/app/refused", headers={"Accept-Language": "en"})
        assert "Share link not found." in r.text


# --- Share links end with the company and with their maker; comments stay in the app -----


def test_share_link_of_a_deactivated_company_answers_as_unknown(
    app: Any, session: Session, world: dict[str, Any]
) -> None:
    company, application = world["company"], world["application"]
    made = share.create_link(
        session,
        company.id,
        application.id,
        fields=["contact", "resume", "answers"],
        days=30,
        user_id=world["owner"].id,
    )
    session.commit()
    token, audio_id = made.token, world["audio"].id
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as anonymous:
        assert anonymous.get(f"/share/{token}").status_code == 200
        company.active = False
        session.commit()
        r = anonymous.get(f"/share/{token}")
        assert r.status_code == 404 and "ana@example.com" not in r.text
        assert r.text == anonymous.get("/share/not-a-token").text  # nothing tells it apart
        assert anonymous.get(f"/share/{token}/cv").status_code == 404
        assert anonymous.get(f"/share/{token}/audio/{audio_id}").status_code == 404
        # Reactivated before it expires: the link works again.
        company.active = True
        session.commit()
        assert anonymous.get(f"/share/{token}").status_code == 200


def test_share_links_end_when_their_maker_is_deactivated_or_deleted(
    client: TestClient, app: Any, session: Session, world: dict[str, Any]
) -> None:
    company, application = world["company"], world["application"]
    mia = world["manager"]
    by_owner = share.create_link(
        session, company.id, application.id, fields=["contact"], user_id=world["owner"].id
    )
    by_mia = share.create_link(
        session, company.id, application.id, fields=["contact"], user_id=mia.id
    )
    session.commit()
    sign_in(client, "olga@acme.com")
    r = post(client, f"/app/company/users/{mia.id}/deactivate", {}, "/app/company")
    assert r.status_code == 303
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/share/{by_mia.token}").status_code == 410
        assert anonymous.get(f"/share/{by_mia.token}/cv").status_code == 410
        assert anonymous.get(f"/share/{by_owner.token}").status_code == 200
    session.expire_all()
    assert session.get(ShareLink, by_mia.link.id).revoked_at is not None  # type: ignore[union-attr]
    # No longer listed as active on the candidate page, and reactivation does not revive it.
    assert [link.id for link in share.active_links(session, company.id, application.id)] == [
        by_owner.link.id
    ]
    r = post(client, f"/app/company/users/{mia.id}/reactivate", {}, "/app/company")
    assert r.status_code == 303
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/share/{by_mia.token}").status_code == 410

    # Deleting the maker revokes their links before the reference to them is emptied.
    again = share.create_link(
        session, company.id, application.id, fields=["contact"], user_id=mia.id
    )
    session.commit()
    r = post(client, f"/app/company/users/{mia.id}/delete", {}, "/app/company")
    assert r.status_code == 303, r.text
    session.expire_all()
    assert session.scalar(select(User).where(User.email == "mia@acme.com")) is None
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/share/{again.token}").status_code == 410


def test_share_link_of_a_maker_deactivated_before_the_rule_is_refused(
    app: Any, session: Session, world: dict[str, Any]
) -> None:
    """A link left unrevoked while its maker is inactive (deactivated before deactivation
    revoked links) is refused all the same, and not listed as active."""
    company, application, mia = world["company"], world["application"], world["manager"]
    made = share.create_link(
        session, company.id, application.id, fields=["contact"], user_id=mia.id
    )
    mia.active = False  # directly: no revocation
    session.commit()
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get(f"/share/{made.token}").status_code == 410
    assert share.active_links(session, company.id, application.id) == []
    assert share.find_active_by_token(session, application.id, made.token) is None


def test_comments_show_no_remote_images_or_styles(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    """A comment (the leads API stores what its caller sends, nh3-cleaned for email) must
    not make the recruiter's browser load a third party's image (a tracking pixel)."""
    application = world["application"]
    session.add(
        Comment(
            company_id=world["company"].id,
            candidate_id=application.candidate_id,
            application_id=application.id,
            author_name="API",
            body=(
                'ok <img src="https://tracker.example/t.png?lead=1" alt="pixel">'
                '<b style="position:fixed;top:0" class="cp-flash">bold</b> '
                '<a href="https://docs.example/x" style="color:red">notes</a>'
            ),
        )
    )
    session.commit()
    sign_in(client, "olga@acme.com")
    r = client.get(page_of(application))
    assert r.status_code == 200
    match = re.search(r'<li class="cp-comment".*?</li>', r.text, re.S)
    assert match, "the comment is shown"
    shown = match.group(0)
    assert "tracker.example" not in r.text and "<img" not in shown
    assert "position:fixed" not in shown and 'class="cp-flash"' not in shown
    assert "<b>bold</b>" in shown
    assert '<a href="https://docs.example/x" rel="noopener noreferrer">notes</a>' in shown


def test_email_templates_keep_their_images() -> None:
    """The comments' cleaner is their own: email HTML keeps images and styles."""
    html = '<p style="color:red">Hi <img src="https://cdn.example/logo.png" alt="Logo"></p>'
    assert clean_html(html) == html
    assert clean_comment_html(html) == "<p>Hi </p>"
