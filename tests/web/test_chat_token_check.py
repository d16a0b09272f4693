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
