"""Talkpush campaigns through HTTP: create, read, update, list, search, archive/activate,
questions and tenancy."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.models import OutboxEvent
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
        "short_description": "Voice account, day shift, no experience needed",
    }
    body.update(overrides)
    return body


@pytest.fixture
def company(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.company("Acme BPO", default_country="PH")


@pytest.fixture
def key(factory: Factory, company) -> str:  # type: ignore[no-untyped-def]
    return factory.api_key(company, scope="leads")


def create(client: TestClient, key: str, **overrides: Any) -> dict[str, Any]:
    r = client.post(
        f"{P}/campaigns", params={"api_key": key}, json={"campaign": campaign_body(**overrides)}
    )
    assert r.status_code == 200, r.text
    return r.json()["campaign"]


def test_create_campaign_with_every_field(client: TestClient, key: str, session: Session) -> None:
    r = client.post(
        f"{P}/campaigns",
        json={
            "api_key": key,
            "campaign": campaign_body(
                long_description="**Great** place to work",
                ats_external_id="REQ-42",
                job_type="Full time",
                salary="18,000 - 22,000",
                salary_type="Monthly",
                salary_currency="php",
                head_count=25,
                role_type="Agent",
                shift_type="Night",
                postal_code="1226",
                apply_url="https://jobs.example.com/apply/42",
            ),
        },
    )
    assert r.status_code == 200, r.text
    c = r.json()["campaign"]
    assert r.json()["message"] == "Campaign created successfully"
    assert c["campaign_title"] == "BPO Manila Q3"
    assert c["job_title"] == "Customer Service Representative"
    assert c["campaign_type"] == "job_application"
    assert (c["street"], c["city"], c["region"], c["country"]) == (
        "6750 Ayala Avenue",
        "Makati",
        "Metro Manila",
        "PH",
    )
    assert c["location"] == "Makati, Metro Manila, PH"
    assert c["long_description"] == "**Great** place to work"
    assert c["salary"] == "18,000 - 22,000"
    assert c["salary_currency"] == "PHP"
    assert c["head_count"] == 25
    assert c["allow_applications"] is True
    assert c["status"] == "open"
    assert c["apply_url"] == "https://jobs.example.com/apply/42"
    assert c["landing_page_url"].endswith("/careers/acme-bpo/jobs/" + _public_id(session, c["id"]))
    assert c["created_at"].endswith("Z")
    # Defaults: the standard message texts, enabled; the company country as hotline.
    settings = c["settings"]
    assert settings["campaign"]["hotline_country"] == "PH"
    assert settings["campaign"]["interview_language"] == "en"
    assert settings["messages"]["invitation"]["enabled"] is True
    assert "@access_code" in settings["messages"]["invitation"]["sms"]
    assert settings["interview"]["introduction"]["text"]
    assert settings["messenger"]["bot_integration"] == "disabled"
    job = session.get(Job, c["id"])
    assert job is not None
    assert job.state == "Metro Manila" and job.ats_external_id == "REQ-42"
    assert (job.salary_from, job.salary_to) == (18000, 22000)
    assert job.potential_hires_count == 25
    assert job.published_at is not None


def _public_id(session: Session, job_id: int) -> str:
    job = session.get(Job, job_id)
    assert job is not None
    return job.public_id


def test_create_accepts_form_encoded_nested_keys(client: TestClient, key: str) -> None:
    form = {f"campaign[{k}]": v for k, v in campaign_body(head_count="3").items()}
    form["campaign[allow_applications]"] = "false"
    form["campaign[campaign_type]"] = "inquiry"
    r = client.post(f"{P}/campaigns?api_key={key}", data=form)
    assert r.status_code == 200, r.text
    c = r.json()["campaign"]
    assert c["head_count"] == 3
    assert c["campaign_type"] == "inquiry"
    assert c["allow_applications"] is False
    assert c["status"] == "paused"


@pytest.mark.parametrize(
    "missing",
    ["campaign_title", "job_title", "street", "city", "region", "country", "short_description"],
)
def test_create_requires_the_documented_fields(
    client: TestClient, key: str, session: Session, missing: str
) -> None:
    body = campaign_body()
    del body[missing]
    r = client.post(f"{P}/campaigns", params={"api_key": key}, json={"campaign": body})
    assert r.status_code == 400
    assert r.json()["error"] == "bad_request"
    assert r.json()["message"] == f"Parameter campaign.{missing} is required."
    assert session.scalar(select(func.count()).select_from(Job)) == 0


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("campaign_type", "webinar", 400),
        ("short_description", "x" * 81, 400),
        ("salary_currency", "pesos", 400),
        ("head_count", "many", 400),
        ("apply_url", "javascript:alert(1)", 400),
        ("status", "deleted", 400),
        ("unknown_field", "x", 400),
        ("country", "XX", 404),
        ("long_description", "<script>alert(1)</script>", 400),
    ],
)
def test_create_refuses_bad_values(
    client: TestClient, key: str, session: Session, field: str, value: str, status: int
) -> None:
    r = client.post(
        f"{P}/campaigns",
        params={"api_key": key},
        json={"campaign": campaign_body(**{field: value})},
    )
    assert r.status_code == status, r.text
    assert field in str(r.json()["details"])
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_unknown_country_lists_the_countries(client: TestClient, key: str) -> None:
    r = client.post(
        f"{P}/campaigns", params={"api_key": key}, json={"campaign": campaign_body(country="ZZ")}
    )
    assert r.status_code == 404
    assert r.json()["message"] == "Country not found."
    assert "PH" in r.json()["details"]["available_countries"].split(", ")


def test_country_name_is_kept_as_written(client: TestClient, key: str) -> None:
    c = create(client, key, country="Philippines")
    assert c["country"] == "Philippines"
    assert create(client, key, country="the netherlands")["country"] == "the netherlands"
    assert create(client, key, country="uk")["country"] == "GB"


@pytest.mark.parametrize("country", ["Atlantis", "Narnia Republic", "XYZ"])
def test_a_name_that_is_no_country_is_not_found(
    client: TestClient, key: str, session: Session, country: str
) -> None:
    r = client.post(
        f"{P}/campaigns", params={"api_key": key}, json={"campaign": campaign_body(country=country)}
    )
    assert r.status_code == 404, r.text
    assert r.json()["message"] == "Country not found."
    assert session.scalar(select(func.count()).select_from(Job)) == 0
    c = create(client, key)
    r = client.put(
        f"{P}/campaigns/{c['id']}", params={"api_key": key}, json={"campaign": {"country": country}}
    )
    assert r.status_code == 404, r.text
    unchanged = client.get(f"{P}/campaigns/{c['id']}", params={"api_key": key}).json()
    assert unchanged["country"] == "PH"


def test_create_without_campaign_object(client: TestClient, key: str) -> None:
    r = client.post(f"{P}/campaigns", params={"api_key": key}, json={})
    assert r.status_code == 400
    assert r.json()["message"] == "Parameter campaign is required."
    r = client.post(f"{P}/campaigns", params={"api_key": key}, json={"campaign": "x"})
    assert r.status_code == 400


def test_get_and_update_campaign(client: TestClient, key: str, session: Session) -> None:
    c = create(client, key)
    r = client.get(f"{P}/campaigns/{c['id']}", params={"api_key": key})
    assert r.status_code == 200
    assert r.json()["job_title"] == "Customer Service Representative"

    r = client.put(
        f"{P}/campaigns/{c['id']}",
        params={"api_key": key},
        json={
            "campaign": {
                "job_title": "Senior CSR",
                "city": "Taguig",
                "salary": "30000",
                "street": "",
            }
        },
    )
    assert r.status_code == 200, r.text
    updated = r.json()["campaign"]
    assert updated["job_title"] == "Senior CSR"
    assert updated["campaign_title"] == "BPO Manila Q3"  # untouched
    assert updated["city"] == "Taguig"
    assert updated["street"] is None  # "" clears
    assert updated["salary"] == "30000"
    assert updated["region"] == "Metro Manila"
    job = session.get(Job, c["id"])
    assert job is not None
    session.refresh(job)
    assert job.salary_from == 30000
    events = session.scalars(
        select(OutboxEvent.payload).where(OutboxEvent.event_type == "job.updated")
    ).all()
    assert any("title" in e["changed"] for e in events)


def test_get_returns_what_the_client_sent_back(client: TestClient, key: str) -> None:
    c = create(client, key)
    r = client.get(f"{P}/campaigns/{c['id']}", params={"api_key": key})
    body = {k: v for k, v in r.json().items() if k != "status"}
    r = client.put(f"{P}/campaigns/{c['id']}", params={"api_key": key}, json={"campaign": body})
    assert r.status_code == 200, r.text


def test_update_validates_and_changes_nothing(client: TestClient, key: str) -> None:
    c = create(client, key)
    r = client.put(
        f"{P}/campaigns/{c['id']}",
        params={"api_key": key},
        json={"campaign": {"job_title": "New title", "campaign_type": "bogus"}},
    )
    assert r.status_code == 400
    assert r.json()["details"] == {
        "campaign.campaign_type": (
            "must be one of job_application, inquiry, single_time_engagement, onboarding, exit_interview"
        )
    }
    r = client.get(f"{P}/campaigns/{c['id']}", params={"api_key": key})
    assert r.json()["job_title"] == "Customer Service Representative"
    r = client.put(
        f"{P}/campaigns/{c['id']}", params={"api_key": key}, json={"campaign": {"job_title": ""}}
    )
    assert r.status_code == 400
    r = client.put(f"{P}/campaigns/{c['id']}", params={"api_key": key}, json={})
    assert r.status_code == 400


def test_list_campaigns_by_type(client: TestClient, key: str, factory: Factory, company) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{P}/campaigns", params={"api_key": key})
    assert r.status_code == 404
    assert r.json()["message"] == "Campaigns not found for this company."
    a = create(client, key, job_title="A")
    b = create(client, key, job_title="B", campaign_type="inquiry")
    factory.job(company, title="Careers job")  # a job from another face is a campaign too
    r = client.get(f"{P}/campaigns", params={"api_key": key})
    assert r.status_code == 200
    titles = [c["job_title"] for c in r.json()["campaigns"]]
    assert "A" in titles and "Careers job" in titles and "B" not in titles
    keys = set(r.json()["campaigns"][0])
    assert keys == {
        "id",
        "campaign_title",
        "campaign_type",
        "job_title",
        "street",
        "city",
        "region",
        "postal_code",
        "country",
        "short_description",
        "long_description",
        "ats_external_id",
        "location",
        "job_type",
        "salary",
        "salary_type",
        "salary_currency",
        "created_at",
        "updated_at",
        "landing_page_url",
        "apply_url",
        "head_count",
        "role_type",
        "shift_type",
        "allow_applications",
    }
    r = client.get(f"{P}/campaigns", params={"api_key": key, "type": "inquiry"})
    assert [c["id"] for c in r.json()["campaigns"]] == [b["id"]]
    r = client.get(f"{P}/campaigns", params={"api_key": key, "type": "onboarding"})
    assert r.status_code == 404
    r = client.get(f"{P}/campaigns", params={"api_key": key, "type": "party"})
    assert r.status_code == 400
    assert a["id"] != b["id"]


def test_archive_activate_round_trip(client: TestClient, key: str, session: Session) -> None:
    c = create(client, key)
    r = client.get(f"{P}/campaigns/archive", params={"api_key": key})
    assert r.status_code == 404
    assert r.json()["message"] == "No archive campaigns found for this company."
    for _ in range(2):  # idempotent
        r = client.put(f"{P}/campaigns/{c['id']}/archive", params={"api_key": key})
        assert r.status_code == 200
        assert r.json()["message"] == "Campaign was archived successfully."
        assert r.json()["campaign"]["allow_applications"] is False
    r = client.get(f"{P}/campaigns/archive", params={"api_key": key})
    assert [x["id"] for x in r.json()["campaigns"]] == [c["id"]]
    assert client.get(f"{P}/campaigns", params={"api_key": key}).status_code == 404
    assert client.get(f"{P}/campaigns/search/BPO", params={"api_key": key}).status_code == 404
    # An archived campaign is still readable by id.
    assert (
        client.get(f"{P}/campaigns/{c['id']}", params={"api_key": key}).json()["status"]
        == "archived"
    )
    for _ in range(2):
        r = client.put(f"{P}/campaigns/{c['id']}/activate", params={"api_key": key})
        assert r.status_code == 200
        assert r.json()["message"] == "Campaign was activated successfully."
        assert r.json()["campaign"]["allow_applications"] is True
    assert client.get(f"{P}/campaigns/archive", params={"api_key": key}).status_code == 404
    events = session.scalars(
        select(OutboxEvent.payload).where(OutboxEvent.event_type == "job.updated")
    ).all()
    assert [(e["from"], e["to"]) for e in events] == [("open", "archived"), ("archived", "open")]


def test_allow_applications_pauses_and_reopens(client: TestClient, key: str) -> None:
    c = create(client, key)
    url = f"{P}/campaigns/{c['id']}"
    r = client.put(url, params={"api_key": key}, json={"campaign": {"allow_applications": False}})
    assert r.json()["campaign"]["status"] == "paused"
    r = client.put(url, params={"api_key": key}, json={"campaign": {"allow_applications": "true"}})
    assert r.json()["campaign"]["status"] == "open"


def test_search_by_id_external_id_and_title(client: TestClient, key: str) -> None:
    a = create(
        client,
        key,
        job_title="Chat Support",
        campaign_title="Cebu wave 1",
        ats_external_id="REQ-100",
    )
    b = create(client, key, job_title="Voice Agent 100%", campaign_title="Davao")

    def search(criteria: str) -> list[int]:
        r = client.get(f"{P}/campaigns/search/{criteria}", params={"api_key": key})
        return [c["id"] for c in r.json()["campaigns"]] if r.status_code == 200 else []

    assert search(str(a["id"]))[0] == a["id"]  # the exact id first, then titles with "1"
    assert search(str(b["id"]))[0] == b["id"]
    assert search("req-100") == [a["id"]]
    assert search("REQ-1") == []  # the ATS id matches whole
    assert search("chat") == [a["id"]]
    assert search("CEBU WAVE") == [a["id"]]  # the campaign title too
    assert search("100%") == [b["id"]]  # LIKE wildcards are literal
    assert sorted(search("a")) == sorted([a["id"], b["id"]])
    r = client.get(f"{P}/campaigns/search/nothing-like-it", params={"api_key": key})
    assert r.status_code == 404
    assert r.json()["message"] == "Campaigns not match the criteria."
    for criteria in ("%00", "a%00b"):  # a null character: 400, not every campaign
        r = client.get(f"{P}/campaigns/search/{criteria}", params={"api_key": key})
        assert r.status_code == 400, r.text
        assert r.json()["message"] == "Parameter values must not contain null characters."


def test_questions_of_the_interview(client: TestClient, key: str) -> None:
    c = create(client, key)
    url = f"{P}/campaigns/{c['id']}/questions"
    r = client.get(url, params={"api_key": key})
    assert r.status_code == 404
    assert r.json()["message"] == "Questions not found for this campaign."
    questions = [
        {"text": "Tell us about yourself", "answer_type": "audio"},
        {
            "id": "shift",
            "text": "Which shift?",
            "answer_type": "text",
            "options": ["Day", "Night"],
            "data_point": "preferred_shift",
        },
    ]
    r = client.put(
        f"{P}/campaigns/{c['id']}",
        params={"api_key": key},
        json={"settings": {"interview": {"questions": questions}}},
    )
    assert r.status_code == 200, r.text
    r = client.get(url, params={"api_key": key})
    assert r.json() == {
        "questions": [
            {
                "id": 1,
                "type": "audio",
                "question_text": "Tell us about yourself",
                "data_point": None,
                "options": [],
            },
            {
                "id": 2,
                "type": "multiple_choice",
                "question_text": "Which shift?",
                "data_point": "preferred_shift",
                "options": ["Day", "Night"],
            },
        ]
    }

    # The integer ids follow the questions, not their places: moved, added to, or sent
    # back with other numbers, each question keeps its id; the new one gets the next.
    script = client.get(f"{P}/campaigns/{c['id']}", params={"api_key": key}).json()
    stored = script["settings"]["interview"]["questions"]
    assert [(q["id"], q["number"]) for q in stored] == [("q1", 1), ("shift", 2)]
    reordered = [
        {"id": "shift", "text": "Which shift?", "number": 7},
        {"text": "Can you start Monday?"},
        {"id": "q1", "text": "Tell us about yourself"},
    ]
    r = client.put(
        f"{P}/campaigns/{c['id']}",
        params={"api_key": key},
        json={"settings": {"interview": {"questions": reordered}}},
    )
    assert r.status_code == 200, r.text
    listed = client.get(url, params={"api_key": key}).json()["questions"]
    assert [(q["id"], q["question_text"]) for q in listed] == [
        (2, "Which shift?"),
        (3, "Can you start Monday?"),
        (1, "Tell us about yourself"),
    ]


def test_questions_saved_before_numbers_read_by_position(
    client: TestClient, key: str, session: Session
) -> None:
    c = create(client, key)
    job = session.get(Job, c["id"])
    assert job is not None
    job.interview_settings = {
        "questions": [{"id": "q1", "text": "First?"}, {"id": "intro", "text": "Second?"}]
    }
    session.commit()
    r = client.get(f"{P}/campaigns/{c['id']}/questions", params={"api_key": key})
    assert [(q["id"], q["question_text"]) for q in r.json()["questions"]] == [
        (1, "First?"),
        (2, "Second?"),
    ]


def test_unknown_campaign_and_bad_ids(client: TestClient, key: str) -> None:
    for path in ("/campaigns/999999", "/campaigns/abc", "/campaigns/99999999999999999999999"):
        r = client.get(f"{P}{path}", params={"api_key": key})
        assert r.status_code == 404
        assert r.json() == {"error": "not_found", "message": "Campaign not found for this company."}


def test_missing_or_wrong_key(client: TestClient, key: str) -> None:
    assert client.get(f"{P}/campaigns").status_code == 401
    assert client.get(f"{P}/campaigns", params={"api_key": "sk_live_nope"}).status_code == 401
    r = client.post(f"{P}/campaigns", json={"campaign": campaign_body()})
    assert r.status_code == 401


def test_another_companys_campaigns_are_404(client: TestClient, key: str, factory: Factory) -> None:
    c = create(client, key)
    other = factory.company("Other Co")
    other_key = factory.api_key(other, scope="leads")
    q = {"api_key": other_key}
    cid = c["id"]
    calls = [
        ("get", f"/campaigns/{cid}", None),
        ("put", f"/campaigns/{cid}", {"campaign": {"job_title": "Hijacked"}}),
        ("put", f"/campaigns/{cid}/archive", None),
        ("put", f"/campaigns/{cid}/activate", None),
        ("get", f"/campaigns/{cid}/questions", None),
        ("get", f"/campaigns/{cid}/folders", None),
        ("post", f"/campaigns/{cid}/folders/1001", None),
    ]
    for method, path, body in calls:
        r = client.request(method.upper(), f"{P}{path}", params=q, json=body)
        assert r.status_code == 404, (method, path, r.text)
    r = client.put(
        f"{P}/campaigns/{cid}/interview/audio",
        params=q,
        data={"segment": "introduction"},
        files={"file": ("a.wav", b"RIFF\x00\x00\x00\x00WAVEfmt ")},
    )
    assert r.status_code == 404
    assert client.get(f"{P}/campaigns/search/{cid}", params=q).status_code == 404
    assert client.get(f"{P}/campaigns", params=q).status_code == 404
    r = client.get(f"{P}/campaigns/{cid}", params={"api_key": key})
    assert r.json()["job_title"] == "Customer Service Representative"
    assert r.json()["status"] == "open"
