"""A chat message typed in the recruiter app is checked like a template or quick reply:
misspelled or unknown tokens are refused on the chat form, named, and nothing is sent;
known tokens (also right after CJK text) are rendered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from hireloop.domain.companies.service import create_user
from hireloop.domain.messaging.models import Message
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


@pytest.fixture
def world(session: Session, factory: Factory) -> dict[str, Any]:
    company = factory.company("Acme Recruiting")
    owner = create_user(
        session, company.id, email="olga@acme.com", name="Olga", password=PASSWORD, role="owner"
    )
    job = factory.job(company, title="Call Center Agent")
    candidate = factory.candidate(
        company, first_name="Ana", last_name="Cruz", email="ana@example.com", phone="+639171234567"
    )
    application = factory.application(job, candidate)
    session.commit()
    return {"owner": owner, "application": application}


def _sign_in(client: TestClient, email: str) -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def _send(client: TestClient, path: str, data: dict[str, str]) -> Any:
    token = csrf_from(client.get(path).text)
    return client.post(path + "/messages", data={"csrf_token": token, **data})


def test_a_chat_message_with_misspelled_tokens_is_refused(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _sign_in(client, "olga@acme.com")
    path = f"/app/applications/{world['application'].id}"
    typed = "Hi {{candidate-name}} <%= candidate_name %> your code is @acces_code"
    r = _send(client, path, {"text": typed, "channel": "sms"})
    assert r.status_code == 400
    assert (
        "Unknown tokens: acces_code, {{candidate-name}}, &lt;%= candidate_name %&gt;. "
        "Use only the tokens listed." in r.text
    )
    assert "your code is @acces_code" in r.text  # the typed text is kept in the form
    assert session.scalars(select(Message)).all() == []

    # Written right, the same message goes, rendered.
    r = _send(
        client, path, {"text": "Hi {{candidate_name}}, 您好@candidate_name", "channel": "sms"}
    )
    assert r.status_code == 303, r.text
    (message,) = session.scalars(select(Message)).all()
    assert message.body_text == "Hi Ana, 您好Ana"
    # An email address is not a token.
    r = _send(client, path, {"text": "Write to hr@acme.com", "channel": "sms"})
    assert r.status_code == 303, r.text


def test_the_refusal_is_translated(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    world["owner"].language = "es"
    session.commit()
    _sign_in(client, "olga@acme.com")
    path = f"/app/applications/{world['application'].id}"
    r = _send(client, path, {"text": "Hola @nombre", "channel": "sms"})
    assert r.status_code == 400
    assert "Unknown tokens" not in r.text and "nombre" in r.text


def test_an_sms_too_long_to_send_is_refused_and_nothing_is_kept(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # As the leads API answers (400, nothing kept): never "The message is on its way."
    # for a message saved failed. The PIN @access_code would have issued is not kept
    # either.
    _sign_in(client, "olga@acme.com")
    path = f"/app/applications/{world['application'].id}"
    typed = "Your code: @access_code. " + "a" * 1600
    r = _send(client, path, {"text": typed, "channel": "sms"})
    assert r.status_code == 400
    assert "An SMS has at most 1600 characters and this one has 16" in r.text
    assert "Nothing was sent" in r.text and "on its way" not in r.text
    assert typed in r.text  # the typed text is kept in the form
    session.expire_all()
    assert session.scalars(select(Message)).all() == []
    assert session.get(Application, world["application"].id).pin is None  # type: ignore[union-attr]

    # The same text goes by email; 1600 characters go by SMS.
    assert _send(client, path, {"text": typed, "channel": "email"}).status_code == 303
    assert _send(client, path, {"text": "a" * 1600, "channel": "sms"}).status_code == 303
    assert sorted(m.channel for m in session.scalars(select(Message))) == ["email", "sms"]


def test_a_null_character_in_a_chat_message_is_refused(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # PostgreSQL's text cannot hold one: refused next to the message box, not a 500.
    _sign_in(client, "olga@acme.com")
    path = f"/app/applications/{world['application'].id}"
    for channel in ("sms", "email"):
        r = _send(client, path, {"text": "Hello\x00 there", "channel": channel})
        assert r.status_code == 400, channel
        assert "The message must not contain null characters." in r.text
    assert session.scalars(select(Message)).all() == []
