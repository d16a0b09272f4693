"""Leads moves and their bookkeeping, as a client sees them: a retried status change is
applied once, completion is recorded (and thanked) once, /move takes a campaign's UUID,
documents are attached once and must be files, and only invited leads expire into No
Response. The concurrent forms are in test_leads_moves_concurrency.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.applications.models import Application, ApplicationEvent
from hireloop.domain.applications.pins import expire_pins
from hireloop.domain.files.models import File
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.models import Message
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory

MESSAGES = {
    kind: {"enabled": True, "sms": kind, "email_subject": kind, "email_html": f"<p>{kind}</p>"}
    for kind in ("invitation", "completion", "shortlisted", "rejection")
}


def lead_url(lead: dict[str, Any], suffix: str = "") -> str:
    return f"{P}/campaign_invitations/{lead['id']}{suffix}"


def with_messages(session: Session, t: Tenant) -> None:
    job = session.get(Job, t.job.id)
    assert job is not None
    job.messaging_settings = MESSAGES
    session.commit()


def emails(session: Session, lead_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Message.kind)
            .where(Message.application_id == lead_id, Message.channel == "email")
            .order_by(Message.id)
        )
    )


def total(client: TestClient, t: Tenant, job_id: int, status: str | None = None) -> int:
    params: dict[str, Any] = {"api_key": t.key, "filter[campaign_id]": job_id}
    if status:
        params["filter[status_selected]"] = status
    r = client.get(f"{P}/campaign_invitations", params=params)
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


# --- 1. A retried status change -----------------------------------------------------------


def test_a_retried_shortlist_moves_and_notifies_once(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    with_messages(session, t)
    lead = new_lead(client, t, email="retry@example.com")
    for _ in range(3):
        r = client.put(
            lead_url(lead, "/shortlist"), params={"api_key": t.key, "notify": "true", "reason": "r"}
        )
        assert r.status_code == 200 and r.json()["campaign_invitation"]["state"] == "shortlisted"
    assert emails(session, lead["id"]) == ["invitation", "shortlisted"]
    moved = session.scalar(
        select(func.count()).where(
            ApplicationEvent.application_id == lead["id"], ApplicationEvent.kind == "moved"
        )
    )
    assert moved == 1
    assert total(client, t, t.job.id, "shortlisted") == 1
    assert total(client, t, t.job.id) == 1


# --- 3, 4. Completion ----------------------------------------------------------------------


def test_a_move_into_completed_records_the_completion(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    with_messages(session, t)
    lead = new_lead(client, t, email="moved@example.com")
    r = client.put(lead_url(lead, "/move"), json={"api_key": t.key, "folder_id": 2})
    assert r.status_code == 200, r.text
    moved = r.json()["campaign_invitation"]
    assert moved["state"] == "completed" and moved["completed_at"] is not None
    assert emails(session, lead["id"]) == ["invitation", "completion"]
    r = client.put(lead_url(lead, "/complete"), params={"api_key": t.key})
    assert r.json()["campaign_invitation"]["completed_at"] == moved["completed_at"]
    assert emails(session, lead["id"]) == ["invitation", "completion"]


def test_complete_records_a_missing_completion_time(
    client: TestClient, factory: Factory, session: Session
) -> None:
    """A lead left in Completed without completed_at (as /move used to leave it) gets it
    from ``complete``."""
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="late@example.com")
    client.put(lead_url(lead, "/move"), json={"api_key": t.key, "folder_id": 2})
    application = session.get(Application, lead["id"])
    assert application is not None
    application.completed_at = None
    session.commit()
    r = client.put(lead_url(lead, "/complete"), params={"api_key": t.key})
    assert r.status_code == 200
    assert r.json()["campaign_invitation"]["state"] == "completed"
    assert r.json()["campaign_invitation"]["completed_at"] is not None


def test_the_completion_message_goes_out_once(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    with_messages(session, t)
    lead = new_lead(client, t, email="once@example.com")
    completed_at = None
    for status in ("complete", "hire", "complete", "on_hold", "complete"):
        r = client.put(lead_url(lead, f"/{status}"), params={"api_key": t.key})
        assert r.status_code == 200, r.text
        if status == "complete":
            completed_at = completed_at or r.json()["campaign_invitation"]["completed_at"]
            assert r.json()["campaign_invitation"]["completed_at"] == completed_at
    assert emails(session, lead["id"]) == ["invitation", "completion"]


# --- 7, 8. Documents -----------------------------------------------------------------------


def test_a_retried_document_upload_attaches_the_file_once(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="docs@example.com")

    def upload(tag: str, data: bytes = b"%PDF-1.4 same bytes") -> dict[str, Any]:
        r = client.put(
            lead_url(lead, "/documents"),
            params={"api_key": t.key, "document_tag_name": tag},
            files={"file": ("nbi.pdf", data, "application/pdf")},
        )
        assert r.status_code == 200, r.text
        return r.json()["document"]["files"][0]  # type: ignore[no-any-return]

    first = upload("NBI Clearance")
    assert upload("NBI Clearance") == first
    rows = session.scalars(select(File).where(File.application_id == lead["id"])).all()
    assert [f.id for f in rows] == [first["id"]]
    # Another tag, or other bytes, is another document.
    assert upload("Passport")["id"] != first["id"]
    assert upload("NBI Clearance", b"%PDF-1.4 renewed")["id"] != first["id"]
    r = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": t.key, "filter[query]": "docs@example.com", "include_documents": "1"},
    )
    documents = r.json()["candidates"][0]["documents"]
    assert sum(len(d["files"]) for d in documents) == 3


def test_a_document_must_be_a_file(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="notafile@example.com")
    r = client.put(
        lead_url(lead, "/documents"),
        params={"api_key": t.key},
        json={"document_tag_name": "Resume", "file": "not a file"},
    )
    assert r.status_code == 400 and r.json()["details"] == {
        "file": "must be a file or an http(s) URL"
    }
    r = client.put(
        lead_url(lead, "/documents"),
        params={"api_key": t.key},
        data={"document_tag_name": "Resume", "file": "hello"},
    )
    assert r.status_code == 400
    assert session.scalar(select(File.id).where(File.application_id == lead["id"])) is None


# --- 9. PINs of leads never invited --------------------------------------------------------


def test_a_lead_never_invited_does_not_expire_into_no_response(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)  # the campaign's invitation is disabled
    lead = new_lead(client, t, email="quiet@example.com", user_phone_number="09171234567")
    assert len(lead["pin"]) == 6 and lead["pin_expires_at"] is None
    assert emails(session, lead["id"]) == []
    assert expire_pins(session, now=utcnow() + timedelta(days=365)) == 0
    session.commit()
    r = client.get(
        f"{P}/campaign_invitations", params={"api_key": t.key, "filter[query]": "quiet@example.com"}
    )
    assert r.json()["candidates"][0]["state"] == "pending"
    assert r.json()["candidates"][0]["folder"] == "Inbox"


def test_an_invited_lead_expires_into_no_response(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    with_messages(session, t)
    lead = new_lead(client, t, email="invited@example.com")
    assert emails(session, lead["id"]) == ["invitation"]
    application = session.get(Application, lead["id"])
    assert application is not None and application.pin_expires_at is not None
    assert abs(application.pin_expires_at - (utcnow() + timedelta(hours=72))) < timedelta(minutes=5)
    assert expire_pins(session, now=utcnow() + timedelta(hours=73)) == 1
    session.commit()
    r = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": t.key, "filter[query]": "invited@example.com"},
    )
    assert r.json()["candidates"][0]["state"] == "no_response"


# --- 10. /move takes a campaign's UUID -----------------------------------------------------


def test_move_takes_a_campaign_uuid(client: TestClient, factory: Factory, session: Session) -> None:
    t = make_tenant(factory, session)
    target = factory.job(t.company, title="Target", status="active")
    lead = new_lead(client, t, email="uuid@example.com")
    r = client.put(
        lead_url(lead, "/move"),
        json={"api_key": t.key, "campaign_id": target.public_id, "folder_id": 3},
    )
    assert r.status_code == 200, r.text
    moved = r.json()["campaign_invitation"]
    assert moved["campaign_id"] == target.id and moved["state"] == "shortlisted"
    for unknown in ("00000000-0000-4000-8000-000000000000", "abc"):
        r = client.put(
            lead_url(lead, "/move"), json={"api_key": t.key, "campaign_id": unknown, "folder_id": 4}
        )
        assert r.status_code == 404 and r.json()["message"] == "Campaign not found."
    other = make_tenant(factory, session, "Other")
    r = client.put(
        lead_url(lead, "/move"),
        json={"api_key": t.key, "campaign_id": other.job.public_id, "folder_id": 4},
    )
    assert r.status_code == 404
