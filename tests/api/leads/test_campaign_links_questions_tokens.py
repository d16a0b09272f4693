"""Campaigns through the Talkpush face: the career-page links a campaign reports, question
ids kept across a PUT sent again, and unknown tokens named as the client wrote them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.factories import Factory

P = "/api/talkpush_services"


def campaign_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "campaign_title": "BPO Manila Q3",
        "job_title": "Customer Service Representative",
        "street": "6750 Ayala Avenue",
        "city": "Makati",
        "region": "Metro Manila",
        "country": "PH",
        "short_description": "Voice account, day shift",
    }
    body.update(overrides)
    return body


@pytest.fixture
def key(factory: Factory) -> str:
    company = factory.company("Acme BPO", default_country="PH")
    return factory.api_key(company, scope="leads")


def create(client: TestClient, key: str, settings: Any = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"campaign": campaign_body(**fields)}
    if settings is not None:
        body["settings"] = settings
    r = client.post(f"{P}/campaigns", params={"api_key": key}, json=body)
    assert r.status_code == 200, r.text
    return r.json()["campaign"]


def put(client: TestClient, key: str, campaign_id: int, body: dict[str, Any]) -> dict[str, Any]:
    r = client.put(f"{P}/campaigns/{campaign_id}", params={"api_key": key}, json=body)
    assert r.status_code == 200, r.text
    return r.json()["campaign"]


# --- landing_page_url / apply_url ----------------------------------------------------------


def test_an_open_job_application_links_its_career_page(client: TestClient, key: str) -> None:
    campaign = create(client, key)
    page = campaign["landing_page_url"]
    assert page and campaign["apply_url"] == f"{page}/apply"
    assert client.get(urlsplit(page).path).status_code == 200


@pytest.mark.parametrize(
    "campaign_type", ["inquiry", "exit_interview", "onboarding", "single_time_engagement"]
)
def test_other_campaign_types_have_no_career_page_links(
    client: TestClient, key: str, campaign_type: str
) -> None:
    campaign = create(client, key, campaign_type=campaign_type)
    assert campaign["landing_page_url"] is None and campaign["apply_url"] is None
    listed = client.get(f"{P}/campaigns", params={"api_key": key, "type": campaign_type})
    assert listed.json()["campaigns"][0]["landing_page_url"] is None
    assert listed.json()["campaigns"][0]["apply_url"] is None


def test_links_that_were_set_are_reported_whatever_the_type(client: TestClient, key: str) -> None:
    campaign = create(
        client,
        key,
        campaign_type="inquiry",
        landing_page_url="https://jobs.acme.example/inquiry",
        apply_url="https://jobs.acme.example/inquiry/apply",
    )
    assert campaign["landing_page_url"] == "https://jobs.acme.example/inquiry"
    assert campaign["apply_url"] == "https://jobs.acme.example/inquiry/apply"


@pytest.mark.parametrize("status", ["draft", "paused"])
def test_job_applications_the_site_does_not_show_have_no_links(
    client: TestClient, key: str, status: str
) -> None:
    campaign = create(client, key)
    page = campaign["landing_page_url"]
    updated = put(client, key, campaign["id"], {"campaign": {"status": status}})
    assert updated["landing_page_url"] is None and updated["apply_url"] is None
    assert client.get(urlsplit(page).path).status_code != 200  # the site does not show it
    # Open again: the link is back, and it opens.
    reopened = put(client, key, campaign["id"], {"campaign": {"status": "open"}})
    assert reopened["landing_page_url"] == page
    assert client.get(urlsplit(page).path).status_code == 200


def test_a_draft_created_as_such_has_no_links(client: TestClient, key: str) -> None:
    campaign = create(client, key, status="draft")
    assert campaign["landing_page_url"] is None and campaign["apply_url"] is None


# --- questions sent again without ids -------------------------------------------------------


def _questions(client: TestClient, key: str, campaign_id: int) -> list[dict[str, Any]]:
    r = client.get(f"{P}/campaigns/{campaign_id}/questions", params={"api_key": key})
    assert r.status_code == 200, r.text
    return r.json()["questions"]


def _script(client: TestClient, key: str, campaign_id: int) -> list[dict[str, Any]]:
    r = client.get(f"{P}/campaigns/{campaign_id}", params={"api_key": key})
    return r.json()["settings"]["interview"]["questions"]


SCRIPT = [
    {"text": "Why us?", "answer_type": "text"},
    {"text": "Pick a shift", "answer_type": "text", "options": ["Day", "Night"]},
    {"text": "Tell us about yourself"},
]


def test_a_retried_put_keeps_the_question_ids(client: TestClient, key: str) -> None:
    campaign = create(client, key)
    body = {"settings": {"interview": {"questions": SCRIPT}}}
    put(client, key, campaign["id"], body)
    first = _questions(client, key, campaign["id"])
    stored = _script(client, key, campaign["id"])
    put(client, key, campaign["id"], body)  # the client retries after a timeout
    assert _questions(client, key, campaign["id"]) == first
    assert _script(client, key, campaign["id"]) == stored
    assert [q["id"] for q in first] == [1, 2, 3]


def test_questions_without_ids_match_only_the_same_question(client: TestClient, key: str) -> None:
    campaign = create(client, key)
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": SCRIPT}}})
    stored = {q["text"]: q["id"] for q in _script(client, key, campaign["id"])}
    changed = [
        {"text": "Why us?", "answer_type": "text"},  # the same: kept
        {"text": "Pick a shift", "answer_type": "text", "options": ["Day"]},  # other options
        {"text": "Tell us about yourself", "answer_type": "audio"},  # other answer type
        {"text": "A new one"},
    ]
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": changed}}})
    after = _script(client, key, campaign["id"])
    assert after[0]["id"] == stored["Why us?"] and after[0]["number"] == 1
    # Each other question is new: a fresh id and number, never one of the removed ones.
    assert [q["id"] for q in after[1:]] == ["q4", "q5", "q6"]
    assert [q["number"] for q in after[1:]] == [4, 5, 6]


def test_a_removed_question_sent_again_without_id_is_new(client: TestClient, key: str) -> None:
    campaign = create(client, key)
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": SCRIPT[:1]}}})
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": SCRIPT[1:2]}}})
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": SCRIPT[:1]}}})
    after = _script(client, key, campaign["id"])
    assert [(q["id"], q["number"]) for q in after] == [("q3", 3)]


def test_a_question_sent_with_its_id_is_not_taken_twice(client: TestClient, key: str) -> None:
    campaign = create(client, key)
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": SCRIPT[:1]}}})
    q1 = _script(client, key, campaign["id"])[0]["id"]
    both = [{"text": "Why us?", "answer_type": "text"}, {"id": q1, "text": "Why us?"}]
    put(client, key, campaign["id"], {"settings": {"interview": {"questions": both}}})
    after = _script(client, key, campaign["id"])
    assert [q["id"] for q in after] == ["q2", q1]


# --- unknown tokens in the message settings --------------------------------------------------


@pytest.mark.parametrize(
    "written", ["{{first_name}}", "<%= @first_name %>", "@first_name", "{{ first_name }}"]
)
def test_an_unknown_token_is_named_as_written(client: TestClient, key: str, written: str) -> None:
    r = client.post(
        f"{P}/campaigns",
        params={"api_key": key},
        json={
            "campaign": campaign_body(),
            "settings": {"messages": {"completion": {"email_subject": f"Hi {written}"}}},
        },
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["message"] == f"Unknown token(s): {written}"
    field = "settings.messages.completion.email_subject"
    assert body["details"][field] == f"unknown tokens: {written}"
    assert body["details"]["invalid_tokens"] == ["first_name"]  # the name, as templates give


def test_unknown_tokens_in_html_and_misspelled_ones_as_written(
    client: TestClient, key: str
) -> None:
    campaign = create(client, key)
    r = client.put(
        f"{P}/campaigns/{campaign['id']}",
        params={"api_key": key},
        json={
            "settings": {
                "messages": {
                    "invitation": {"sms": "Hi {{candidate-name}}"},
                    "rejection": {"email_html": "<p>Hi &#64;nickname</p>"},
                }
            }
        },
    )
    assert r.status_code == 422, r.text
    details = r.json()["details"]
    assert details["settings.messages.invitation.sms"] == "unknown tokens: {{candidate-name}}"
    assert details["settings.messages.rejection.email_html"] == "unknown tokens: @nickname"
