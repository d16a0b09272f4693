"""Talkpush face, messaging: quick replies, sending one to a lead, the template library
and the tokens — through HTTP, with the requests the reference documents."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application
from hireloop.domain.companies.models import Company
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.library import create_quick_reply
from hireloop.domain.messaging.models import Message, MessageTemplate
from tests.factories import Factory

BASE = "/api/talkpush_services/messaging"


def _company(factory: Factory, name: str = "Acme BPO") -> tuple[Company, str]:
    company = factory.company(name)
    return company, factory.api_key(company, scope="leads")


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# Tokens --------------------------------------------------------------------------------


def test_tokens_are_listed_and_filtered(client: TestClient, factory: Factory) -> None:
    _, key = _company(factory)
    body = client.get(f"{BASE}/tokens", params={"api_key": key}).json()
    ids = [t["id"] for t in body["tokens"]]
    assert ids[:7] == [
        "candidate_name",
        "company",
        "access_code",
        "messenger_interview_link",
        "webdialout",
        "webdialout_skip_confirmation",
        "referee",
    ]
    assert set(body["tokens"][0]) == {"id", "display_name", "description"}
    # All of them are system tokens, whose description the reference gives as null.
    assert {t["description"] for t in body["tokens"]} == {None}
    found = client.get(f"{BASE}/tokens", params={"api_key": key, "display_name": "WEB dial"})
    assert [t["id"] for t in found.json()["tokens"]] == [
        "webdialout",
        "webdialout_skip_confirmation",
    ]
    assert client.get(f"{BASE}/tokens").status_code == 401


# Templates -----------------------------------------------------------------------------


SMS_TEMPLATE = {
    "name": "Onboarding Document Reminder",
    "content": "Hi {{candidate_name}}, your PIN for @company is <%= @access_code %>.",
    "type": "sms",
    "sub_type": "reminder",
    "category": "onboarding",
    "locale": "en",
}


def test_create_list_and_patch_templates(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    created = client.post(f"{BASE}/templates", params={"api_key": key}, json=SMS_TEMPLATE)
    assert created.status_code == 201, created.text
    template = created.json()["message_template"]
    assert template["content"] == (
        "Hi {{candidate_name}}, your PIN for {{company}} is {{access_code}}."
    )
    assert (template["type"], template["sub_type"], template["category"]) == (
        "sms",
        "reminder",
        "onboarding",
    )
    assert template["locale"] == "en" and template["settings"] == {}
    assert [t["id"] for t in template["tokens"]] == ["candidate_name", "company", "access_code"]
    assert template["created_at"] and template["updated_at"]

    email = client.post(
        f"{BASE}/templates",
        json={
            "api_key": key,
            "name": "Interview Invitation",
            "content": '<p>Dear {{candidate_name}},</p><p><a href="{{webdialout}}">Go</a></p>',
            "type": "email",
            "sub_type": "invitation",
            "category": "scheduling",
            "settings": {"subject_line": "Your interview — {{job_title}}", "content_state": "x"},
        },
    )
    assert email.status_code == 201, email.text
    email_template = email.json()["message_template"]
    assert email_template["settings"] == {"subject_line": "Your interview — {{job_title}}"}
    assert 'href="{{webdialout}}"' in email_template["content"]
    for n in range(3):
        client.post(
            f"{BASE}/templates",
            params={"api_key": key},
            json={**SMS_TEMPLATE, "name": f"Rejection {n}", "category": "rejection"},
        )

    listed = client.get(f"{BASE}/templates", params={"api_key": key, "per_page": 2, "page": 2})
    assert listed.status_code == 200
    assert listed.headers["X-Total-Count"] == "5" and listed.headers["X-Page-Count"] == "3"
    assert [t["name"] for t in listed.json()["message_templates"]] == ["Rejection 0", "Rejection 1"]
    by_name = client.get(f"{BASE}/templates", params={"api_key": key, "name": "INTERVIEW"})
    assert [t["id"] for t in by_name.json()["message_templates"]] == [email_template["id"]]
    by_type = client.get(f"{BASE}/templates", params={"api_key": key, "type": "email"})
    assert by_type.headers["X-Total-Count"] == "1"
    by_category = client.get(f"{BASE}/templates", params={"api_key": key, "category": "rejection"})
    assert by_category.headers["X-Total-Count"] == "3"
    capped = client.get(f"{BASE}/templates", params={"api_key": key, "per_page": 500})
    assert capped.headers["X-Page-Count"] == "1"
    assert client.get(f"{BASE}/templates", params={"api_key": key, "page": "x"}).status_code == 400

    patched = client.patch(
        f"{BASE}/templates/{email_template['id']}",
        params={"api_key": key},
        json={"name": "Invitation v2", "settings": {"reply_to": "hr@acme.test"}},
    )
    assert patched.status_code == 200, patched.text
    after = patched.json()["message_template"]
    assert after["name"] == "Invitation v2" and after["content"] == email_template["content"]
    assert after["settings"] == {
        "subject_line": "Your interview — {{job_title}}",
        "reply_to": "hr@acme.test",
    }
    assert after["sub_type"] == "invitation"
    patched = client.patch(
        f"{BASE}/templates/{template['id']}",
        params={"api_key": key},
        json={
            "content": "Hi {{candidate_name}}, your {{job_title}} offer is ready.",
            "category": "offer",
        },
    )
    assert patched.json()["message_template"]["category"] == "offer"
    assert _count(session, MessageTemplate) == 5


def test_template_validation_errors_save_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"

    unknown = client.post(
        url, json={**SMS_TEMPLATE, "content": "Hi {{candidate_name}}: {{upload_link}} @bogus"}
    )
    assert unknown.status_code == 422
    assert unknown.json() == {
        "error": "invalid_tokens",
        "message": "content contains unrecognised tokens: upload_link, bogus",
        "details": {
            "invalid_tokens": ["upload_link", "bogus"],
            "content": "unknown tokens: upload_link, bogus",
        },
    }
    missing = client.post(url, json={"name": "x", "content": "y", "type": "sms"})
    assert missing.status_code == 422 and missing.json()["error"] == "missing_params"
    assert "sub_type" in missing.json()["message"] and "category" in missing.json()["message"]
    for bad_type in ("fax", "calendar"):
        wrong = client.post(url, json={**SMS_TEMPLATE, "type": bad_type})
        assert wrong.status_code == 422 and wrong.json()["error"] == "invalid_type"
    script = client.post(
        url,
        json={
            **SMS_TEMPLATE,
            "type": "email",
            "content": "<p>Hi</p><script>alert(1)</script>",
        },
    )
    assert script.status_code == 422 and script.json()["error"] == "validation_failed"
    assert "scripts" in script.json()["message"]
    handler = client.post(
        url, json={**SMS_TEMPLATE, "type": "email", "content": '<img src="x" onerror="x()">'}
    )
    assert handler.status_code == 422
    bad_subject = client.post(
        url, json={**SMS_TEMPLATE, "type": "email", "settings": {"subject_line": "{{nope}}"}}
    )
    assert bad_subject.json()["details"] == {
        "invalid_tokens": ["nope"],
        "settings.subject_line": "unknown tokens: nope",
    }
    assert _count(session, MessageTemplate) == 0

    created = client.post(url, json=SMS_TEMPLATE).json()["message_template"]
    path = f"{BASE}/templates/{created['id']}?api_key={key}"
    assert client.patch(path, json={"content": "{{oops}}"}).json()["error"] == "invalid_tokens"
    assert client.patch(path, json={"type": "calendar"}).json()["error"] == "invalid_type"
    to_email = client.patch(path, json={"type": "email", "content": "<script>x</script>"})
    assert to_email.status_code == 422
    session.expire_all()
    stored = session.get(MessageTemplate, created["id"])
    assert stored is not None and stored.type == "sms" and stored.content == SMS_TEMPLATE["content"]


def test_unknown_tokens_name_the_field_they_are_in(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    email = {**SMS_TEMPLATE, "type": "email", "content": "<p>ok</p>"}
    subject = client.post(url, json={**email, "settings": {"subject_line": "Hi @nope"}})
    assert subject.status_code == 422
    assert subject.json()["error"] == "invalid_tokens"
    assert subject.json()["message"] == "settings.subject_line contains unrecognised tokens: nope"
    both = client.post(
        url, json={**email, "content": "<p>{{bad}}</p>", "settings": {"subject_line": "@nope"}}
    )
    assert both.json()["message"] == (
        "content contains unrecognised tokens: bad; "
        "settings.subject_line contains unrecognised tokens: nope"
    )
    assert both.json()["details"]["invalid_tokens"] == ["bad", "nope"]
    created = client.post(url, json=email).json()["message_template"]
    patched = client.patch(
        f"{BASE}/templates/{created['id']}?api_key={key}",
        json={"settings": {"subject_line": "{{nope}} again"}},
    )
    assert patched.status_code == 422
    assert patched.json()["message"] == "settings.subject_line contains unrecognised tokens: nope"
    assert _count(session, MessageTemplate) == 1


def test_templates_of_another_company_are_not_found(client: TestClient, factory: Factory) -> None:
    _, key = _company(factory)
    _, other_key = _company(factory, "Other Co")
    created = client.post(f"{BASE}/templates", params={"api_key": key}, json=SMS_TEMPLATE)
    template_id = created.json()["message_template"]["id"]
    stolen = client.patch(
        f"{BASE}/templates/{template_id}", params={"api_key": other_key}, json={"name": "mine"}
    )
    assert stolen.status_code == 404 and stolen.json()["error"] == "not_found"
    listed = client.get(f"{BASE}/templates", params={"api_key": other_key})
    assert listed.json() == {"message_templates": []} and listed.headers["X-Total-Count"] == "0"


# Quick replies and sending -------------------------------------------------------------


def test_quick_replies_are_listed_or_not_found(
    client: TestClient, factory: Factory, session: Session
) -> None:
    company, key = _company(factory)
    none = client.get(f"{BASE}/quick_replies", params={"api_key": key})
    assert none.status_code == 404
    assert none.json()["message"] == "Quick Replies not found for this company"
    reply = create_quick_reply(
        session, company.id, title="Reminder", content="Hi <%= @candidate_name %>, call us!"
    )
    session.commit()
    body = client.get(f"{BASE}/quick_replies", params={"api_key": key}).json()
    assert body == {
        "quick_replies": [
            {"id": reply.id, "title": "Reminder", "content": "Hi <%= @candidate_name %>, call us!"}
        ]
    }
    # Quick replies are not templates.
    assert (
        client.get(f"{BASE}/templates", params={"api_key": key}).json()["message_templates"] == []
    )


def test_quick_replies_are_created_and_sent_through_the_api(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """The reference has no call that creates a quick reply: POST /messaging/templates
    with "quick_reply": true does, so that a new company can list and send one."""
    company, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    created = client.post(
        url,
        json={
            "name": "Call us",
            "content": "Hi <%= @candidate_name %>, please call @company.",
            "quick_reply": True,
            "settings": {"subject_line": "A word from @company"},
        },
    )
    assert created.status_code == 201, created.text
    reply = created.json()["message_template"]
    assert (reply["quick_reply"], reply["type"], reply["name"]) == (True, "sms", "Call us")
    assert reply["settings"] == {"subject_line": "A word from @company"}
    listed = client.get(f"{BASE}/quick_replies", params={"api_key": key}).json()
    assert listed == {
        "quick_replies": [
            {
                "id": reply["id"],
                "title": "Call us",
                "content": "Hi <%= @candidate_name %>, please call @company.",
            }
        ]
    }
    templates = client.get(f"{BASE}/templates", params={"api_key": key}).json()
    assert templates["message_templates"] == []  # still not a template

    # Form-encoded too, wrapped in message_template; the flag as text.
    form = client.post(
        url,
        data={
            "message_template[name]": "Thanks",
            "message_template[content]": "Thanks {{candidate_name}}!",
            "message_template[quick_reply]": "true",
        },
    )
    assert form.status_code == 201, form.text
    assert form.json()["message_template"]["quick_reply"] is True

    job = factory.job(company, title="Chat Support")
    application = factory.application(
        job, factory.candidate(company, first_name="Ana", email="ana@example.com")
    )
    session.commit()
    sent = client.post(
        f"{BASE}/messages",
        json={
            "api_key": key,
            "message": {
                "campaign_invitation_id": application.id,
                "channel": "Email",
                "quick_reply_id": reply["id"],
            },
        },
    )
    assert sent.status_code == 200, sent.text
    message = session.get(Message, sent.json()["message_id"])
    assert message is not None and message.kind == "quick_reply"
    assert message.body_text == "Hi Ana, please call Acme BPO."
    assert message.subject == "A word from Acme BPO"

    # PATCH changes a quick reply like a template; it stays a quick reply, and text.
    path = f"{BASE}/templates/{reply['id']}?api_key={key}"
    renamed = client.patch(path, json={"name": "Please call", "quick_reply": True})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["message_template"]["name"] == "Please call"
    assert client.patch(path, json={"quick_reply": False}).status_code == 422
    assert client.patch(path, json={"type": "email"}).json()["error"] == "invalid_type"


def test_quick_reply_checks_save_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    missing = client.post(url, json={"name": "No content", "quick_reply": True})
    assert missing.status_code == 422 and missing.json()["error"] == "missing_params"
    assert missing.json()["details"] == {"content": "is required"}
    tokens = client.post(url, json={"name": "x", "content": "@nope", "quick_reply": True})
    assert tokens.json()["error"] == "invalid_tokens"
    html = client.post(
        url, json={"name": "x", "content": "<p>Hi</p>", "type": "email", "quick_reply": True}
    )
    assert html.status_code == 422 and html.json()["error"] == "invalid_type"
    assert "channel is chosen when it is sent" in html.json()["message"]
    flag = client.post(url, json={"name": "x", "content": "Hi", "quick_reply": "maybe"})
    assert flag.status_code == 422 and flag.json()["details"] == {
        "quick_reply": "must be true or false"
    }
    template = client.post(url, json=SMS_TEMPLATE).json()["message_template"]
    assert template["quick_reply"] is False
    path = f"{BASE}/templates/{template['id']}?api_key={key}"
    assert client.patch(path, json={"quick_reply": True}).status_code == 422
    assert _count(session, MessageTemplate) == 1
    assert client.get(f"{BASE}/quick_replies", params={"api_key": key}).status_code == 404


def test_the_demo_company_has_quick_replies(
    client: TestClient, session: Session, tmp_path: Any
) -> None:
    from hireloop.demo import ensure_demo

    credentials = ensure_demo(session, tmp_path)
    session.commit()
    r = client.get(f"{BASE}/quick_replies", params={"api_key": credentials["talkpush_api_key"]})
    assert r.status_code == 200, r.text
    assert [q["title"] for q in r.json()["quick_replies"]] == ["Interview reminder", "Thank you"]


def _lead_and_reply(factory: Factory, session: Session, company: Company, **candidate: Any):  # type: ignore[no-untyped-def]
    job = factory.job(company, title="Chat Support")
    fields = {"first_name": "Ana", "phone": "+639171234567", "email": "ana@example.com"}
    fields.update(candidate)
    application = factory.application(job, factory.candidate(company, **fields))
    reply = create_quick_reply(
        session, company.id, title="Nudge", content="Hi <%= @candidate_name %>, from @company"
    )
    session.commit()
    return application, reply


def test_a_quick_reply_is_sent_to_a_lead(
    client: TestClient, factory: Factory, session: Session
) -> None:
    company, key = _company(factory)
    application, reply = _lead_and_reply(factory, session, company)
    body = {
        "api_key": key,
        "message": {
            "campaign_invitation_id": application.id,
            "channel": "SMS",
            "quick_reply_id": reply.id,
        },
    }
    sent = client.post(f"{BASE}/messages", json=body)
    assert sent.status_code == 200, sent.text
    assert sent.json()["message"] == "Message is being sent."
    message = session.get(Message, sent.json()["message_id"])
    assert message is not None
    assert (message.channel, message.kind, message.author_type) == ("sms", "quick_reply", "user")
    assert message.body_text == "Hi Ana, from Acme BPO" and message.template_id == reply.id

    # Form-encoded, as Rails clients send it; LastChannel follows the SMS just sent.
    form = client.post(
        f"{BASE}/messages",
        data={
            "api_key": key,
            "message[campaign_invitation_id]": str(application.id),
            "message[channel]": "LastChannel",
            "message[quick_reply_id]": str(reply.id),
        },
    )
    assert form.status_code == 200 and form.json()["channel"] == "sms"
    email = client.post(
        f"{BASE}/messages", json={**body, "message": {**body["message"], "channel": "Email"}}
    )
    sent_email = session.get(Message, email.json()["message_id"])
    assert sent_email is not None and sent_email.from_name == "Acme BPO"
    assert sent_email.body_html == "<p>Hi Ana, from Acme BPO</p>"


def test_sending_errors(client: TestClient, factory: Factory, session: Session) -> None:
    company, key = _company(factory)
    application, reply = _lead_and_reply(factory, session, company)
    other, other_key = _company(factory, "Other Co")
    stranger, stranger_reply = _lead_and_reply(factory, session, other)

    def send(api_key: str = key, **message: Any):  # type: ignore[no-untyped-def]
        fields = {
            "campaign_invitation_id": application.id,
            "channel": "SMS",
            "quick_reply_id": reply.id,
        }
        fields.update(message)
        return client.post(f"{BASE}/messages", json={"api_key": api_key, "message": fields})

    before = _count(session, Message)
    missing_lead = send(campaign_invitation_id=stranger.id)
    assert missing_lead.status_code == 404
    assert missing_lead.json()["message"] == "Campaign Invitation not found"
    missing_reply = send(quick_reply_id=stranger_reply.id)
    assert missing_reply.status_code == 404
    assert missing_reply.json()["message"] == "Quick Reply not found"
    for channel in ("Messenger", "Whatsapp"):
        refused = send(channel=channel)
        assert refused.status_code == 400 and "not available yet" in refused.json()["message"]
    assert send(channel="Pigeon").status_code == 400
    assert send(quick_reply_id="abc").status_code == 400
    no_body = client.post(f"{BASE}/messages", json={"api_key": key})
    assert no_body.status_code == 400
    partial = client.post(f"{BASE}/messages", json={"api_key": key, "message": {"channel": "SMS"}})
    assert "message[campaign_invitation_id]" in partial.json()["message"]
    assert send(api_key="sk_live_wrong").status_code == 401

    from hireloop.domain.candidates.models import Candidate

    candidate = session.get(Candidate, application.candidate_id)
    assert candidate is not None
    candidate.do_not_contact = True
    session.commit()
    blocked = send()
    assert blocked.status_code == 400 and "not to be contacted" in blocked.json()["message"]
    assert _count(session, Message) == before


def test_links_and_words_that_look_like_handlers_are_saved_obfuscated_scripts_refused(
    client: TestClient, factory: Factory, session: Session
) -> None:
    company, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    link = '<p><a href="https://careers.example.com/start?onboarding=1">Start</a></p>'
    for content in (link, "<p>Our chat team is online=welcome</p>"):
        saved = client.post(url, json={**SMS_TEMPLATE, "type": "email", "content": content})
        assert saved.status_code == 201, saved.text
    templates = client.get(url).json()["message_templates"]
    assert any("start?onboarding=1" in t["content"] for t in templates)

    hidden = client.post(
        url,
        json={
            **SMS_TEMPLATE,
            "type": "email",
            "content": '<a href="jav&#x09;ascript:alert(1)">x</a>',
        },
    )
    assert hidden.status_code == 422 and hidden.json()["error"] == "validation_failed"
    assert hidden.json()["message"] == "HTML must not contain scripts, frames or event handlers."
    assert _count(session, MessageTemplate) == 2

    # The campaign's message settings use the same check.
    job = factory.job(company)
    r = client.put(
        f"/api/talkpush_services/campaigns/{job.id}",
        params={"api_key": key},
        json={"settings": {"messages": {"completion": {"email_html": link}}}},
    )
    assert r.status_code == 200, r.text
    session.expire_all()
    stored = session.get(Job, job.id)
    assert stored is not None
    assert "start?onboarding=1" in stored.messaging_settings["completion"]["email_html"]


def test_a_quick_reply_with_the_access_code_gives_a_lead_without_pin_one(
    client: TestClient, factory: Factory, session: Session
) -> None:
    company, key = _company(factory)
    application, _ = _lead_and_reply(factory, session, company)
    reply = create_quick_reply(
        session, company.id, title="Reminder", content="Your access code is <%= @access_code %>."
    )
    session.commit()
    assert application.pin is None
    sent = client.post(
        f"{BASE}/messages",
        json={
            "api_key": key,
            "message": {
                "campaign_invitation_id": application.id,
                "channel": "LastChannel",
                "quick_reply_id": reply.id,
            },
        },
    )
    assert sent.status_code == 200, sent.text
    session.expire_all()
    lead = session.get(Application, application.id)
    message = session.get(Message, sent.json()["message_id"])
    assert lead is not None and message is not None
    assert lead.pin and len(lead.pin) == 6 and lead.pin_expires_at is not None
    assert lead.pin_expires_at.replace(tzinfo=None) > utcnow().replace(tzinfo=None)
    assert message.body_text == f"Your access code is {lead.pin}."


def test_tokens_hidden_by_html_entities_are_refused_on_every_save(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    email = {**SMS_TEMPLATE, "type": "email"}
    for content, bad in (
        ("<p>Hi &#64;bogus_token</p>", "bogus_token"),
        ("<p>Hi &#123;&#123;nope}}</p>", "nope"),
        ("<p>Hi &lt;%= @x %&gt;</p>", "x"),
    ):
        refused = client.post(url, json={**email, "content": content})
        assert refused.status_code == 422, content
        assert refused.json()["error"] == "invalid_tokens"
        assert refused.json()["details"]["invalid_tokens"] == [bad]
    assert _count(session, MessageTemplate) == 0

    created = client.post(url, json={**email, "content": "<p>Hi {{candidate_name}}</p>"})
    assert created.status_code == 201
    path = f"{BASE}/templates/{created.json()['message_template']['id']}?api_key={key}"
    patched = client.patch(path, json={"content": "<p>Hi &#64;bogus_token</p>"})
    assert patched.status_code == 422
    assert patched.json()["details"]["invalid_tokens"] == ["bogus_token"]
    # A handle that is no token is returned as written, not as a token.
    handle = client.post(url, json={**SMS_TEMPLATE, "content": "Write to x.@handle"})
    assert handle.json()["message_template"]["content"] == "Write to x.@handle"


@pytest.mark.parametrize(
    "content",
    [
        "Hi {{candidate-name}}",
        "Hi {{candidate.name}}",
        "Hi <%= candidate_name %>",
        "Hi <%= @candidate_name -%>",
        "Hi {{{candidate_name}}}",
    ],
)
def test_misspelled_tokens_are_refused_naming_them(
    client: TestClient, factory: Factory, session: Session, content: str
) -> None:
    _, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    bad = content.removeprefix("Hi ")
    for body in (
        {**SMS_TEMPLATE, "content": content},
        {"name": "Nudge", "content": content, "quick_reply": True},
    ):
        refused = client.post(url, json=body)
        assert refused.status_code == 422
        assert refused.json() == {
            "error": "invalid_tokens",
            "message": f"content contains unrecognised tokens: {bad}",
            "details": {"invalid_tokens": [bad], "content": f"unknown tokens: {bad}"},
        }
    assert _count(session, MessageTemplate) == 0


def test_sms_content_is_stored_with_plain_line_breaks_and_at_most_1600_characters(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    url = f"{BASE}/templates?api_key={key}"
    created = client.post(url, json={**SMS_TEMPLATE, "content": "Hi\r\nthere\rbye"})
    assert created.json()["message_template"]["content"] == "Hi\nthere\nbye"
    quick = client.post(
        url, json={"name": "Q", "content": "a" * 1599 + "\r\n", "quick_reply": True}
    )
    assert quick.status_code == 201  # 1600 characters once the line break is "\n"
    for body in (
        {**SMS_TEMPLATE, "content": "a" * 1601},
        {"name": "Q", "content": "a" * 1601, "quick_reply": True},
    ):
        refused = client.post(url, json=body)
        assert refused.status_code == 422
        assert refused.json()["error"] == "validation_failed"
        assert "1601 characters: at most 1600" in refused.json()["message"]
    path = f"{BASE}/templates/{created.json()['message_template']['id']}?api_key={key}"
    assert client.patch(path, json={"content": "b" * 1601}).status_code == 422
    # An email template has no such limit.
    email = {**SMS_TEMPLATE, "type": "email", "content": "<p>" + "a" * 1700 + "</p>"}
    assert client.post(url, json=email).status_code == 201
    assert _count(session, MessageTemplate) == 3


def test_an_email_template_changed_to_sms_needs_text_content(
    client: TestClient, factory: Factory, session: Session
) -> None:
    _, key = _company(factory)
    html = '<p>Hi @candidate_name, <b>welcome</b></p><p><a href="@webdialout">start</a></p>'
    created = client.post(
        f"{BASE}/templates",
        params={"api_key": key},
        json={**SMS_TEMPLATE, "type": "email", "content": html},
    ).json()["message_template"]
    path = f"{BASE}/templates/{created['id']}?api_key={key}"
    refused = client.patch(path, json={"type": "sms"})
    assert refused.status_code == 422
    assert refused.json()["error"] == "validation_failed"
    assert refused.json()["details"] == {"content": "is required to change the type to sms"}
    session.expire_all()
    template = session.get(MessageTemplate, created["id"])
    assert template is not None and template.type == "email"
    changed = client.patch(path, json={"type": "sms", "content": "Hi @candidate_name: @webdialout"})
    assert changed.status_code == 200
    assert changed.json()["message_template"]["content"] == "Hi {{candidate_name}}: {{webdialout}}"


def test_an_sms_over_1600_characters_once_rendered_is_not_sent(
    client: TestClient, factory: Factory, session: Session
) -> None:
    company, key = _company(factory, "Acme Business Process Outsourcing International")
    application, _ = _lead_and_reply(factory, session, company)
    long = create_quick_reply(session, company.id, title="Long", content="a" * 1580 + " @company")
    session.commit()
    sent = client.post(
        f"{BASE}/messages",
        json={
            "api_key": key,
            "message": {
                "campaign_invitation_id": application.id,
                "channel": "SMS",
                "quick_reply_id": long.id,
            },
        },
    )
    assert sent.status_code == 400
    assert "1628 characters: at most 1600 can be sent" in sent.json()["message"]
    assert _count(session, Message) == 0
