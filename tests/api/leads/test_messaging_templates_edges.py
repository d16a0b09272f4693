"""Talkpush face, message templates at their edges: ids the database cannot hold, pages
past any integer, and the ``quick_reply`` flag beside the ``message_template`` wrapper."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.messaging.models import MessageTemplate
from tests.factories import Factory

P = "/api/talkpush_services"
BASE = f"{P}/messaging"
TEMPLATE = {"name": "Welcome", "content": "Hi {{candidate_name}}", "type": "sms"}
TEMPLATE |= {"sub_type": "invite", "category": "General"}


@pytest.fixture
def key(factory: Factory) -> str:
    return factory.api_key(factory.company("Acme BPO"), scope="leads")


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(MessageTemplate)) or 0


# --- ids out of the database's range --------------------------------------------------------


@pytest.mark.parametrize("template_id", ["9223372036854775808", "99999999999999999999999", "0"])
def test_patching_an_id_no_row_can_have_is_not_found(
    client: TestClient, key: str, template_id: str
) -> None:
    r = client.patch(f"{BASE}/templates/{template_id}", params={"api_key": key}, json={"name": "x"})
    assert r.status_code == 404, r.text
    assert r.json()["message"] == "Template not found."


def test_the_largest_id_is_looked_up(client: TestClient, key: str) -> None:
    r = client.patch(
        f"{BASE}/templates/9223372036854775807", params={"api_key": key}, json={"name": "x"}
    )
    assert r.status_code == 404 and r.json()["message"] == "Template not found."


# --- paging -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page", "per_page"])
@pytest.mark.parametrize("value", ["400000000000000000", "9223372036854775808", "1000000000"])
def test_a_page_past_any_integer_is_a_bad_request_as_on_every_list(
    client: TestClient, key: str, name: str, value: str
) -> None:
    answers = [
        client.get(f"{P}{path}", params={"api_key": key, name: value})
        for path in ("/messaging/templates", "/company/labels", "/managers", "/movement_reasons")
    ]
    assert [r.status_code for r in answers] == [400] * 4
    assert {r.json()["message"] for r in answers} == {
        f"Parameter '{name}' must be a positive integer."
    }


def test_the_largest_page_is_an_empty_page(client: TestClient, key: str) -> None:
    client.post(f"{BASE}/templates", params={"api_key": key}, json=TEMPLATE)
    r = client.get(
        f"{BASE}/templates", params={"api_key": key, "page": "999999999", "per_page": "100"}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"message_templates": []}
    assert r.headers["X-Total-Count"] == "1"


# --- quick_reply beside the message_template wrapper -----------------------------------------


def _quick_replies(client: TestClient, key: str) -> list[dict[str, Any]]:
    r = client.get(f"{BASE}/quick_replies", params={"api_key": key})
    return r.json()["quick_replies"] if r.status_code == 200 else []


def test_quick_reply_at_the_top_level_with_the_wrapper(client: TestClient, key: str) -> None:
    r = client.post(
        f"{BASE}/templates",
        params={"api_key": key},
        json={"quick_reply": True, "message_template": {"name": "QR", "content": "Hi"}},
    )
    assert r.status_code == 201, r.text
    assert r.json()["message_template"]["quick_reply"] is True
    assert [q["title"] for q in _quick_replies(client, key)] == ["QR"]


def test_quick_reply_in_the_query_with_the_wrapper(client: TestClient, key: str) -> None:
    r = client.post(
        f"{BASE}/templates",
        params={"api_key": key, "quick_reply": "true"},
        json={"message_template": {"name": "QR2", "content": "Hi", "type": "sms"}},
    )
    assert r.status_code == 201, r.text
    assert r.json()["message_template"]["quick_reply"] is True
    assert [q["title"] for q in _quick_replies(client, key)] == ["QR2"]
    listed = client.get(f"{BASE}/templates", params={"api_key": key})
    assert listed.json()["message_templates"] == []


def test_quick_reply_inside_the_wrapper_still_works(client: TestClient, key: str) -> None:
    r = client.post(
        f"{BASE}/templates",
        params={"api_key": key},
        json={"message_template": {"name": "QR3", "content": "Hi", "quick_reply": "1"}},
    )
    assert r.status_code == 201, r.text
    assert r.json()["message_template"]["quick_reply"] is True


def test_top_level_fields_fill_what_the_wrapper_leaves_out(client: TestClient, key: str) -> None:
    r = client.post(
        f"{BASE}/templates",
        params={"api_key": key},
        json={
            "settings": {"subject_line": "Hello"},
            "category": "Top",
            "message_template": {**TEMPLATE, "type": "email", "content": "<p>Hi</p>"},
        },
    )
    assert r.status_code == 201, r.text
    template = r.json()["message_template"]
    assert template["settings"] == {"subject_line": "Hello"}
    assert template["category"] == "General"  # the wrapper's, where both are given


def test_quick_reply_that_differs_between_the_two_is_refused(
    client: TestClient, key: str, session: Session
) -> None:
    r = client.post(
        f"{BASE}/templates",
        params={"api_key": key},
        json={"quick_reply": True, "message_template": {**TEMPLATE, "quick_reply": False}},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_failed"
    assert "quick_reply" in r.json()["details"]
    assert _count(session) == 0


def test_patch_reads_top_level_settings_beside_the_wrapper(client: TestClient, key: str) -> None:
    created = client.post(f"{BASE}/templates", params={"api_key": key}, json=TEMPLATE)
    template_id = created.json()["message_template"]["id"]
    r = client.patch(
        f"{BASE}/templates/{template_id}",
        params={"api_key": key},
        json={"settings": {"subject_line": "New"}, "message_template": {"name": "Renamed"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["message_template"]["name"] == "Renamed"
    assert r.json()["message_template"]["settings"] == {"subject_line": "New"}
    # Making a template a quick reply from the top level is refused as inside the wrapper.
    r = client.patch(
        f"{BASE}/templates/{template_id}",
        params={"api_key": key},
        json={"quick_reply": True, "message_template": {"name": "Again"}},
    )
    assert r.status_code == 422 and r.json()["details"] == {"quick_reply": "cannot be changed"}
