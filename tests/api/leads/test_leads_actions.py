"""One lead at a time: PATCH details and labels, comments, status changes, moves across
folders and campaigns, reassignment, documents and PIN refresh."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.labels import create_label
from hireloop.domain.applications.models import (
    Application,
    ApplicationEvent,
    CampaignFolder,
    CustomFolder,
    DocumentTag,
)
from hireloop.domain.applications.service import folder_totals
from hireloop.domain.candidates.models import Candidate, Comment
from hireloop.domain.companies.service import create_user
from hireloop.domain.files.models import File
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.models import OutboxEvent
from tests.api.leads.leads_support import P, make_tenant, new_lead
from tests.factories import Factory


def lead_url(lead: dict[str, Any], suffix: str = "") -> str:
    return f"{P}/campaign_invitations/{lead['id']}{suffix}"


def folder_counts(session: Session, job_id: int) -> dict[str, int]:
    return folder_totals(session, [job_id])[job_id]


# --- PATCH ----------------------------------------------------------------------------------


def test_patch_details_and_labels(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    for name in ("Priority", "Needs Review"):
        create_label(session, t.company.id, name)
    session.commit()
    lead = new_lead(client, t, email="old@example.com", others={"a": "1"})
    r = client.patch(
        lead_url(lead),
        params={"api_key": t.key},
        json={
            "candidate": {
                "first_name": "Mariá",
                "email": "New@Example.com",
                "user_phone_number": "09170000001",
                "source": "Referral",
                "others": {"b": "2"},
                "labels": {"add": ["Priority", "Needs Review"], "remove": []},
            }
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Candidate has been successfully updated"
    out = r.json()["campaign_invitation"]
    assert out["first_name"] == "Mariá" and out["email"] == "new@example.com"
    assert out["others"] == {"a": "1", "b": "2"} and out["source"] == "Referral"
    assert out["labels"] == ["Needs Review", "Priority"]
    cand = session.get(Candidate, lead["candidate_id"])
    assert cand is not None and cand.first_name_key == "maria"
    assert cand.phone_e164 == "+639170000001"
    # "campaign_invitation" is accepted as the key too; labels come off.
    r = client.patch(
        lead_url(lead),
        json={
            "api_key": t.key,
            "campaign_invitation": {"labels": {"add": [], "remove": ["Priority"]}},
        },
    )
    assert r.json()["campaign_invitation"]["labels"] == ["Needs Review"]


def test_patch_unknown_label_is_422_and_changes_nothing(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    create_label(session, t.company.id, "Priority")
    session.commit()
    lead = new_lead(client, t, email="keep@example.com")
    r = client.patch(
        lead_url(lead),
        params={"api_key": t.key},
        json={
            "candidate": {
                "first_name": "Changed",
                "email": "changed@example.com",
                "others": {"x": "y"},
                "labels": {"add": ["Priority", "Ghost"], "remove": []},
            }
        },
    )
    assert r.status_code == 422, r.text
    assert "Ghost" in r.json()["message"]
    session.expire_all()
    cand = session.get(Candidate, lead["candidate_id"])
    app = session.get(Application, lead["id"])
    assert cand is not None and app is not None
    assert cand.first_name == "Maria" and cand.email == "keep@example.com"
    assert app.others == {}
    found = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[query]": f"AP{lead['id']}"}
    ).json()
    assert found["candidates"][0]["labels"] == []


def test_patch_labels_match_names_in_any_case(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """As POST /company/labels refuses "priority" when "Priority" exists, a PATCH naming
    "priority" means that label, and shows its name as created."""
    t = make_tenant(factory, session)
    create_label(session, t.company.id, "Priority")
    create_label(session, t.company.id, "Needs Review")
    session.commit()
    lead = new_lead(client, t, email="case@example.com")
    r = client.patch(
        lead_url(lead),
        params={"api_key": t.key},
        json={"candidate": {"labels": {"add": ["priority", " NEEDS  review "], "remove": []}}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["labels"] == ["Needs Review", "Priority"]
    by_label = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[label_selected]": "PRIORITY"}
    ).json()
    assert [c["id"] for c in by_label["candidates"]] == [lead["id"]]
    r = client.patch(
        lead_url(lead),
        params={"api_key": t.key},
        json={"candidate": {"labels": {"add": [], "remove": ["PRIORITY"]}}},
    )
    assert r.json()["campaign_invitation"]["labels"] == ["Needs Review"]
    # Still all or nothing: one unknown name and nothing changes.
    r = client.patch(
        lead_url(lead),
        params={"api_key": t.key},
        json={"candidate": {"labels": {"add": ["priority", "ghost"], "remove": []}}},
    )
    assert r.status_code == 422 and r.json()["details"]["unknown_labels"] == ["ghost"]
    found = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[query]": f"AP{lead['id']}"}
    ).json()
    assert found["candidates"][0]["labels"] == ["Needs Review"]


def test_patch_refusals(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="a@example.com")
    new_lead(client, t, first_name="Other", email="taken@example.com")
    cases = [
        ({"candidate": {"email": "nope"}}, 400),
        ({"candidate": {"first_name": "  "}}, 400),
        ({"candidate": {"user_phone_number": "12"}}, 400),
        ({"candidate": {"labels": "Priority"}}, 400),
        ({"candidate": {"labels": {"add": "x", "remove": [1]}}}, 400),
        ({"candidate": {"email": "taken@example.com"}}, 409),
        ({"something": {}}, 400),
    ]
    for body, status in cases:
        r = client.patch(lead_url(lead), params={"api_key": t.key}, json=body)
        assert r.status_code == status, (body, r.text)
    r = client.patch(
        f"{P}/campaign_invitations/999999",
        params={"api_key": t.key},
        json={"candidate": {"first_name": "X"}},
    )
    assert r.status_code == 404
    assert r.json()["message"] == "Campaign Invitation not found for this company"


def test_patch_keeps_a_way_to_reach_the_lead(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    phone_only = new_lead(client, t, user_phone_number="0917 123 4567")
    r = client.patch(
        lead_url(phone_only),
        params={"api_key": t.key},
        json={"candidate": {"user_phone_number": " ", "first_name": "Changed"}},
    )
    assert r.status_code == 400 and "user_phone_number" in r.json()["details"]
    candidate = session.get(Candidate, phone_only["candidate_id"])
    assert candidate is not None
    session.refresh(candidate)
    assert candidate.phone_e164 == "+639171234567" and candidate.first_name == "Maria"
    # With an email (sent now or already there), the phone can go.
    r = client.patch(
        lead_url(phone_only),
        params={"api_key": t.key},
        json={"candidate": {"user_phone_number": "", "email": "maria@example.com"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["user_phone_number"] in (None, "")


def test_ids_and_numbers_out_of_range_are_answered_not_500(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="range@example.com")
    huge = str(2**63)
    r = client.patch(
        f"{P}/campaign_invitations/{huge}",
        params={"api_key": t.key},
        json={"candidate": {"first_name": "X"}},
    )
    assert r.status_code == 404
    r = client.get(f"{P}/campaign_invitations/{lead['id']}/files/{huge}", params={"api_key": t.key})
    assert r.status_code == 404
    search = f"{P}/campaign_invitations"
    for name, value in (("page", huge), ("page", "--5"), ("filter[campaign_id]", huge),
                        ("filter[campaign_id]", "--5")):  # fmt: skip
        r = client.get(search, params={"api_key": t.key, name: value})
        assert r.status_code == 400, (name, value, r.text)
    r = client.put(
        lead_url(lead, "/move"), json={"api_key": t.key, "campaign_id": "--5", "folder_id": "3"}
    )
    assert r.status_code == 404  # an id or a UUID; anything else is an unknown campaign
    # Through the last representable day: no end bound, the lead is found.
    r = client.get(
        search,
        params={"api_key": t.key, "filter[creation_end_date]": "31-12-9999"},
    )
    assert r.status_code == 200 and r.json()["total"] == 1, r.text


# --- Comments -------------------------------------------------------------------------------


def test_comment_by_a_manager_is_sanitized(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    create_user(session, t.company.id, email="boss@acme.example", name="Boss", password=None)
    session.commit()
    lead = new_lead(client, t, email="c@example.com")
    r = client.post(
        lead_url(lead, "/comments"),
        json={
            "api_key": t.key,
            "manager_email": "Boss@Acme.example",
            "content": "<p>Great <b>fit</b><script>alert(1)</script></p>",
        },
    )
    assert r.status_code == 200, r.text
    comment = r.json()["comment"]
    assert comment["content"] == "<p>Great <b>fit</b></p>"
    assert comment["manager_email"] == "boss@acme.example"  # sent as Boss@Acme.example
    # A remote image (a pixel that would tell who opens the lead, and when) and inline
    # styles are not kept; links are.
    pixel = client.post(
        lead_url(lead, "/comments"),
        json={
            "api_key": t.key,
            "manager_email": "boss@acme.example",
            "content": '<p style="color:red">See <a href="https://x.example/cv">CV</a>'
            '<img src="https://tracker.example/p.gif"></p>',
        },
    )
    assert pixel.status_code == 200, pixel.text
    kept = pixel.json()["comment"]["content"]
    assert "img" not in kept and "tracker" not in kept and "style" not in kept
    assert 'href="https://x.example/cv"' in kept
    row = session.get(Comment, comment["id"])
    assert row is not None and row.application_id == lead["id"] and row.author_name == "Boss"
    assert row.candidate_id == lead["candidate_id"]

    r = client.post(
        lead_url(lead, "/comments"),
        json={"api_key": t.key, "manager_email": "ghost@acme.example", "content": "x"},
    )
    assert r.status_code == 404 and r.json()["message"] == "Manager not found."
    r = client.post(
        lead_url(lead, "/comments"), json={"api_key": t.key, "manager_email": "boss@acme.example"}
    )
    assert r.status_code == 400
    r = client.post(
        f"{P}/campaign_invitations/999999/comments",
        json={"api_key": t.key, "manager_email": "boss@acme.example", "content": "x"},
    )
    assert r.status_code == 404
    # A manager of another company is not this company's manager.
    other = make_tenant(factory, session, "Other")
    create_user(session, other.company.id, email="them@other.example", name="Them", password=None)
    session.commit()
    r = client.post(
        lead_url(lead, "/comments"),
        json={"api_key": t.key, "manager_email": "them@other.example", "content": "x"},
    )
    assert r.status_code == 404


# --- Status ---------------------------------------------------------------------------------


def test_status_changes_record_events_and_counts(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="s@example.com")
    r = client.put(
        lead_url(lead, "/shortlist"),
        params={"api_key": t.key, "reason": "Strong English", "notify": "true"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Candidate has been successfully updated"
    assert r.json()["campaign_invitation"]["state"] == "shortlisted"
    assert folder_counts(session, t.job.id) == {"shortlisted": 1}
    event = session.scalar(
        select(ApplicationEvent).where(
            ApplicationEvent.application_id == lead["id"], ApplicationEvent.kind == "moved"
        )
    )
    assert event is not None and event.reason == "Strong English"
    assert event.actor_type == "api_key" and event.from_folder == "inbox"

    r = client.put(lead_url(lead, "/complete"), json={"api_key": t.key})
    assert r.status_code == 200
    out = r.json()["campaign_invitation"]
    assert out["state"] == "completed" and out["completed_at"] is not None
    for action, state in (("on_hold", "on_hold"), ("reject", "rejected"), ("hire", "hired")):
        r = client.put(lead_url(lead, f"/{action}"), params={"api_key": t.key})
        assert r.json()["campaign_invitation"]["state"] == state
    assert folder_counts(session, t.job.id) == {"hired": 1}
    r = client.put(lead_url(lead, "/promote"), params={"api_key": t.key})
    assert r.status_code == 400 and "Unknown status" in r.json()["message"]
    r = client.put(f"{P}/campaign_invitations/999999/hire", params={"api_key": t.key})
    assert r.status_code == 404


def test_notify_sends_the_campaign_message_for_the_folder(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    t.job.messaging_settings = {
        "shortlisted": {
            "enabled": True,
            "sms": "",
            "email_subject": "Good news",
            "email_html": "<p>Hi @candidate_name, you are shortlisted</p>",
        },
        "rejection": {
            "enabled": True,
            "sms": "",
            "email_subject": "Sorry",
            "email_html": "<p>Sorry @candidate_name</p>",
        },
    }
    session.commit()
    quiet = new_lead(client, t, email="quiet@example.com")
    told = new_lead(client, t, email="told@example.com")
    assert client.put(lead_url(quiet, "/shortlist"), params={"api_key": t.key}).status_code == 200
    r = client.put(lead_url(told, "/shortlist"), json={"api_key": t.key, "notify": True})
    assert r.status_code == 200

    def emails(lead: dict[str, Any]) -> list[str]:
        rows = session.scalars(
            select(Message.subject).where(
                Message.application_id == lead["id"], Message.channel == "email"
            )
        )
        return list(rows)

    assert emails(quiet) == [] and emails(told) == ["Good news"]


def test_custom_folder_status(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    other_job = factory.job(t.company, title="Other", status="active")
    mine = CustomFolder(company_id=t.company.id, name="Assessment")
    elsewhere = CustomFolder(company_id=t.company.id, name="Elsewhere")
    session.add_all([mine, elsewhere])
    session.flush()
    session.add(CampaignFolder(job_id=t.job.id, custom_folder_id=mine.id, company_id=t.company.id))
    session.add(
        CampaignFolder(job_id=other_job.id, custom_folder_id=elsewhere.id, company_id=t.company.id)
    )
    session.commit()
    lead = new_lead(client, t, email="cf@example.com")
    r = client.put(lead_url(lead, "/custom"), params={"api_key": t.key, "folder": "Assessment"})
    assert r.status_code == 200, r.text
    out = r.json()["campaign_invitation"]
    assert out["folder"] == "Assessment" and out["folder_id"] == 1000 + mine.id
    assert folder_counts(session, t.job.id) == {f"custom:{mine.id}": 1}
    r = client.put(lead_url(lead, "/custom"), params={"api_key": t.key, "folder": "Elsewhere"})
    assert r.status_code == 404  # not associated with this campaign
    r = client.put(lead_url(lead, "/custom"), params={"api_key": t.key})
    assert r.status_code == 400


def test_moves_between_custom_folders_say_which_folders(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    first = CustomFolder(company_id=t.company.id, name="Pooling")
    second = CustomFolder(company_id=t.company.id, name="Assessment")
    session.add_all([first, second])
    session.flush()
    for folder in (first, second):
        session.add(
            CampaignFolder(job_id=t.job.id, custom_folder_id=folder.id, company_id=t.company.id)
        )
    session.commit()
    lead = new_lead(client, t, email="hop@example.com")
    for name in ("Pooling", "Assessment"):
        r = client.put(lead_url(lead, "/custom"), params={"api_key": t.key, "folder": name})
        assert r.status_code == 200, r.text
    r = client.put(lead_url(lead, "/shortlist"), params={"api_key": t.key})
    assert r.status_code == 200, r.text
    moves = session.execute(
        select(ApplicationEvent.from_folder, ApplicationEvent.to_folder, ApplicationEvent.data)
        .where(ApplicationEvent.application_id == lead["id"], ApplicationEvent.kind == "moved")
        .order_by(ApplicationEvent.id)
    ).all()
    assert [tuple(m) for m in moves] == [
        ("inbox", "custom", {"to_custom_folder_id": first.id}),
        (
            "custom",
            "custom",
            {"from_custom_folder_id": first.id, "to_custom_folder_id": second.id},
        ),
        ("custom", "shortlisted", {"from_custom_folder_id": second.id}),
    ]
    payloads = [
        e.payload
        for e in session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.event_type == "application.moved")
            .order_by(OutboxEvent.id)
        )
        if e.payload["applicationId"] == lead["id"]
    ]
    assert payloads[1]["fromCustomFolderId"] == first.id
    assert payloads[1]["toCustomFolderId"] == second.id


# --- Move -----------------------------------------------------------------------------------


def test_move_to_another_campaign_keeps_counts(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    target = factory.job(t.company, title="Fullstack", status="active")
    lead = new_lead(client, t, email="m@example.com")
    r = client.put(
        lead_url(lead, "/move"),
        json={"api_key": t.key, "campaign_id": str(target.id), "folder_id": "3"},
    )
    assert r.status_code == 200, r.text
    out = r.json()["campaign_invitation"]
    assert out["campaign_id"] == target.id and out["state"] == "shortlisted"
    assert folder_counts(session, t.job.id) == {}
    assert folder_counts(session, target.id) == {"shortlisted": 1}
    kinds = list(
        session.scalars(
            select(ApplicationEvent.kind)
            .where(ApplicationEvent.application_id == lead["id"])
            .order_by(ApplicationEvent.id)
        )
    )
    assert kinds == ["created", "campaign_changed", "moved"]
    # Same campaign, another folder (campaign_id may be left out).
    r = client.put(lead_url(lead, "/move"), json={"api_key": t.key, "folder_id": 4})
    assert r.json()["campaign_invitation"]["state"] == "on_hold"
    assert folder_counts(session, target.id) == {"on_hold": 1}


def test_move_refusals(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    target = factory.job(t.company, title="Target", status="active")
    lead = new_lead(client, t, email="r@example.com")
    new_lead(client, t, job=target, email="r@example.com")  # the same person, in the target
    not_default = CustomFolder(company_id=t.company.id, name="Private")
    session.add(not_default)
    session.commit()
    other = make_tenant(factory, session, "Other")
    cases = [
        ({"campaign_id": t.job.id, "folder_id": 1}, 403),
        ({"campaign_id": t.job.id, "folder_id": 99}, 404),
        ({"campaign_id": t.job.id, "folder_id": 1000 + not_default.id}, 404),
        ({"campaign_id": 999999, "folder_id": 3}, 404),
        ({"campaign_id": other.job.id, "folder_id": 3}, 404),
        ({"campaign_id": target.id, "folder_id": 3}, 409),
        ({"campaign_id": t.job.id}, 400),
        ({"campaign_id": "abc", "folder_id": 3}, 404),
    ]
    for body, status in cases:
        r = client.put(lead_url(lead, "/move"), json={"api_key": t.key, **body})
        assert r.status_code == status, (body, r.text)
    assert folder_counts(session, t.job.id) == {"inbox": 1}
    r = client.put(
        f"{P}/campaign_invitations/999999/move",
        json={"api_key": t.key, "campaign_id": t.job.id, "folder_id": 3},
    )
    assert r.status_code == 404


# --- Reassign -------------------------------------------------------------------------------


def test_reassign_by_email_and_round_robin(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    a = create_user(session, t.company.id, email="a@acme.example", name="A", password=None)
    b = create_user(session, t.company.id, email="b@acme.example", name="B", password=None)
    c = create_user(session, t.company.id, email="c@acme.example", name="C", password=None)
    session.commit()
    lead = new_lead(client, t, email="ra@example.com")
    r = client.put(
        lead_url(lead, "/reassign"), json={"api_key": t.key, "assignee_email": "C@acme.example"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Campaign Invitation reassigned successfully."
    assert r.json()["assignee"]["email"] == "c@acme.example"
    app = session.get(Application, lead["id"])
    assert app is not None and app.assignee_user_id == c.id

    t.job.campaign_settings = {"manager_ids": [a.id, b.id]}
    session.commit()
    picks = []
    for _ in range(3):
        r = client.put(
            lead_url(lead, "/reassign"), json={"api_key": t.key, "assignee_email": "automatic"}
        )
        assert r.status_code == 200, r.text
        picks.append(r.json()["assignee"]["id"])
    assert picks == [a.id, b.id, a.id]

    r = client.put(lead_url(lead, "/reassign"), json={"api_key": t.key, "assignee_email": "x@y.z"})
    assert r.status_code == 404
    r = client.put(lead_url(lead, "/reassign"), json={"api_key": t.key})
    assert r.status_code == 400
    t.job.campaign_settings = {"manager_ids": [999999]}
    session.commit()
    r = client.put(
        lead_url(lead, "/reassign"), json={"api_key": t.key, "assignee_email": "automatic"}
    )
    assert r.status_code == 400


# --- Documents ------------------------------------------------------------------------------


def test_documents(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="d@example.com")
    r = client.put(
        lead_url(lead, "/documents"),
        params={"api_key": t.key, "document_tag_name": "Government ID"},
        files={"file": ("id.png", b"\x89PNG fake", "image/png")},
    )
    assert r.status_code == 200, r.text
    doc = r.json()["document"]
    assert doc["tag"] == "Government ID" and doc["files"][0]["content_type"] == "image/png"
    tag = session.scalar(select(DocumentTag).where(DocumentTag.company_id == t.company.id))
    assert tag is not None and doc["id"] == tag.id
    file = session.get(File, doc["files"][0]["id"])
    assert file is not None and file.kind == "document" and file.document_tag_id == tag.id
    assert file.application_id == lead["id"]
    path = doc["files"][0]["url"].split("127.0.0.1:8000")[1]
    got = client.get(path, params={"api_key": t.key})
    assert got.status_code == 200 and got.content == b"\x89PNG fake"

    # The id wins over the name (no second tag is created).
    r = client.put(
        lead_url(lead, "/documents"),
        params={"api_key": t.key, "document_tag_id": str(tag.id), "document_tag_name": "New"},
        files={"file": ("id2.png", b"two", "image/png")},
    )
    assert r.status_code == 200 and r.json()["document"]["tag"] == "Government ID"
    assert session.scalar(select(DocumentTag).where(DocumentTag.name == "New")) is None
    cases = [
        ({"document_tag_id": "999999"}, {"file": ("a.txt", b"x", "text/plain")}, 404),
        ({}, {"file": ("a.txt", b"x", "text/plain")}, 400),
        ({"document_tag_name": "X"}, {"other": ("a.txt", b"x", "text/plain")}, 400),
        (
            {"document_tag_name": "X"},
            {"file": ("big.bin", b"0" * (10 * 1024 * 1024 + 1), "x/y")},
            400,
        ),
    ]
    for params, files, status in cases:
        r = client.put(
            lead_url(lead, "/documents"), params={"api_key": t.key, **params}, files=files
        )
        assert r.status_code == status, (params, r.text)
    assert session.scalar(select(DocumentTag).where(DocumentTag.name == "X")) is None


def test_document_tags_match_in_any_case_and_long_names_keep_their_extension(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="tags@example.com")
    for tag_name, filename in (("ID Card", "id.pdf"), ("id card", "x" * 400 + ".pdf")):
        r = client.put(
            lead_url(lead, "/documents"),
            params={"api_key": t.key, "document_tag_name": tag_name},
            files={"file": (filename, f"%PDF-1.4 {filename}".encode(), "application/pdf")},
        )
        assert r.status_code == 200, r.text
        assert r.json()["document"]["tag"] == "ID Card"
    tags = session.scalars(select(DocumentTag.name).where(DocumentTag.company_id == t.company.id))
    assert tags.all() == ["ID Card"]
    names = session.scalars(
        select(File.name).where(File.application_id == lead["id"]).order_by(File.id)
    ).all()
    assert names[0] == "id.pdf" and len(names[1]) == 300 and names[1].endswith("x.pdf")


def test_move_to_campaign_zero_is_not_the_same_campaign(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="zero@example.com")
    r = client.put(
        lead_url(lead, "/move"), json={"api_key": t.key, "campaign_id": 0, "folder_id": "3"}
    )
    assert r.status_code == 404, r.text


# --- PINs -----------------------------------------------------------------------------------


def test_refresh_pins_brings_no_response_back(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    one = new_lead(client, t, email="p1@example.com")
    two = new_lead(client, t, email="p2@example.com")
    app = session.get(Application, two["id"])
    assert app is not None
    app.folder = "no_response"
    session.commit()
    r = client.post(
        f"{P}/campaign_invitations/refresh_pins",
        json={"api_key": t.key, "campaign_invitation_ids": [one["id"], two["id"], 999999]},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["id"] for x in body["campaign_invitations"]] == [one["id"], two["id"]]
    assert body["not_found"] == [999999]
    assert all(len(x["pin"]) == 6 for x in body["campaign_invitations"])
    session.expire_all()
    assert session.get(Application, two["id"]).folder == "inbox"  # type: ignore[union-attr]
    r = client.post(f"{P}/campaign_invitations/refresh_pins", json={"api_key": t.key})
    assert r.status_code == 400
    r = client.post(
        f"{P}/campaign_invitations/refresh_pins",
        json={"api_key": t.key, "campaign_invitation_ids": "999998,999999"},
    )
    assert r.status_code == 404
