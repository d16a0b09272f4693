"""Answers of the Talkpush face that follow the reference where it is explicit: the
``name`` parameter of a custom status, the campaign 404 texts, a campaign's
long_description read back as sent, comments only by active users, and a CV whose name
and content disagree refused as docs/leads-api.md says."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Comment
from hireloop.domain.companies.models import User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.cv_files import make_docx, make_pdf
from tests.factories import Factory


def lead_url(lead: dict[str, Any], suffix: str = "") -> str:
    return f"{P}/campaign_invitations/{lead['id']}{suffix}"


def folder(client: TestClient, t: Tenant, name: str) -> None:
    r = client.post(
        f"{P}/company/folders",
        params={"api_key": t.key},
        json={"folder": {"folder_name": name, "default": True}},
    )
    assert r.status_code == 200, r.text


# --- PUT /campaign_invitations/{id}/custom: `name` (the reference's description) ----------


def test_custom_status_takes_the_folder_name_in_name_or_folder(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    folder(client, t, "Pooling")
    folder(client, t, "Reserve")
    lead = new_lead(client, t, email="custom@example.com")
    q = {"api_key": t.key}

    r = client.put(lead_url(lead, "/custom"), params={**q, "name": "Pooling"})
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["folder"] == "Pooling"
    # In the body too, and `folder` wins when both are sent.
    r = client.put(
        lead_url(lead, "/custom"), params=q, json={"name": "Pooling", "folder": "Reserve"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["folder"] == "Reserve"
    r = client.put(lead_url(lead, "/custom"), params={**q, "folder": "Pooling"})
    assert r.json()["campaign_invitation"]["folder"] == "Pooling"
    # An unknown name is an unknown folder; neither parameter is still a 400.
    r = client.put(lead_url(lead, "/custom"), params={**q, "name": "Nowhere"})
    assert r.status_code == 404 and r.json()["message"] == "Folder not found."
    r = client.put(lead_url(lead, "/custom"), params=q)
    assert r.status_code == 400 and r.json()["details"] == {"folder": "is required"}


# --- Campaign 404 texts ---------------------------------------------------------------------


def test_campaign_404_texts_follow_the_reference(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    other = make_tenant(factory, session, "Other BPO")
    q = {"api_key": t.key}
    for campaign in ("98765", "abc", str(other.job.id)):
        calls = [
            ("put", f"/campaigns/{campaign}", {"json": {"campaign": {"job_title": "X"}}}),
            ("put", f"/campaigns/{campaign}/archive", {}),
            ("put", f"/campaigns/{campaign}/activate", {}),
            ("post", f"/campaigns/{campaign}/folders/3", {}),
        ]
        for method, path, kwargs in calls:
            r = getattr(client, method)(P + path, params=q, **kwargs)
            assert r.status_code == 404, path
            assert r.json() == {"error": "not_found", "message": "Campaign not found."}, path
        # GET /campaigns/{id} keeps the reference's own text for it.
        r = client.get(f"{P}/campaigns/{campaign}", params=q)
        assert r.status_code == 404
        assert r.json()["message"] == "Campaign not found for this company."
    # Nothing of the other company's campaign changed.
    job = session.get(Job, other.job.id, populate_existing=True)
    assert job is not None and job.status == "active" and job.title != "X"
    # A known campaign with an unknown folder: the folder's part of the text.
    r = client.post(f"{P}/campaigns/{t.job.id}/folders/99999", params=q)
    assert r.status_code == 404 and r.json()["message"] == "Folder not found."


# --- long_description read back as sent ---------------------------------------------------


def campaign_body(**extra: Any) -> dict[str, Any]:
    return {
        "campaign": {
            "campaign_title": "CSR Q1",
            "job_title": "Customer Service Rep",
            "street": "1 Ayala Ave",
            "city": "Makati",
            "region": "NCR",
            "country": "PH",
            "short_description": "Voice account",
            **extra,
        }
    }


def test_a_campaign_created_without_long_description_reads_back_empty(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    q = {"api_key": t.key}
    r = client.post(f"{P}/campaigns", params=q, json=campaign_body())
    assert r.status_code == 200, r.text
    created = r.json()["campaign"]
    assert created["long_description"] in (None, "")
    got = client.get(f"{P}/campaigns/{created['id']}", params=q).json()
    assert got["long_description"] in (None, "")
    # Sent, it reads back as sent.
    r = client.post(f"{P}/campaigns", params=q, json=campaign_body(long_description="**Hi**"))
    cid = r.json()["campaign"]["id"]
    assert client.get(f"{P}/campaigns/{cid}", params=q).json()["long_description"] == "**Hi**"


def test_other_faces_still_get_the_generated_description(
    factory: Factory, session: Session
) -> None:
    # The partner API and the web app create jobs through the same service and keep the
    # generated Markdown (the career page shows it).
    company = factory.company("Desc Co", default_country="PH")
    job = create_job(session, company.id, JobData(title="Agent", city="Makati"), Actor.system())
    assert job.description.startswith("# Agent")


# --- Comments: active users only -------------------------------------------------------------


def test_a_deactivated_user_cannot_comment(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    user = create_user(session, t.company.id, email="gone@acme.example", name="Gone", password=None)
    session.commit()
    lead = new_lead(client, t, email="c@example.com")
    body = {"api_key": t.key, "manager_email": "gone@acme.example", "content": "<p>Hi</p>"}
    assert client.post(lead_url(lead, "/comments"), json=body).status_code == 200

    row = session.get(User, user.id)
    assert row is not None
    row.active = False
    session.commit()
    r = client.post(lead_url(lead, "/comments"), json=body)
    assert r.status_code == 404 and r.json()["message"] == "Manager not found."
    # As reassign answers for the same user.
    r = client.put(
        lead_url(lead, "/reassign"),
        params={"api_key": t.key, "assignee_email": "gone@acme.example"},
    )
    assert r.status_code == 404
    count = session.scalar(
        select(func.count()).select_from(Comment).where(Comment.application_id == lead["id"])
    )
    assert count == 1


# --- temporary_cv: name and content must agree -----------------------------------------------


def create_with_cv(client: TestClient, t: Tenant, email: str, file: tuple[str, bytes, str]):  # type: ignore[no-untyped-def]
    return client.post(
        f"{P}/campaigns/{t.job.id}/campaign_invitations",
        data={
            "api_key": t.key,
            "api_secret": t.secret,
            "campaign_invitation[first_name]": "Jewel",
            "campaign_invitation[last_name]": "Barton",
            "campaign_invitation[email]": email,
        },
        files={"campaign_invitation[temporary_cv]": file},
    )


def test_a_cv_whose_name_and_content_disagree_is_400(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    for name, data in (
        ("cv.docx", b"not really"),
        ("CV.PDF", b"Jewel Barton, customer service"),
        ("cv.docx", make_pdf(["Jewel Barton"])),
    ):
        r = create_with_cv(client, t, "fake@example.com", (name, data, docx))
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["error"] == "bad_request"
        assert body["message"].startswith("CV validation failed: ")
        assert "is not a" in body["details"]["temporary_cv"]
    assert session.scalar(select(func.count()).select_from(Application)) == 0

    # Real files, a text file named as one, and the raw text field are read.
    lines = ["Jewel Barton", "jewel@example.com", "Customer Service Representative"]
    ok = [
        ("cv.docx", make_docx(lines), docx),
        ("cv.pdf", make_pdf(lines), "application/pdf"),
        ("cv.txt", "\n".join(lines).encode(), "text/plain"),
    ]
    for index, file in enumerate(ok):
        r = create_with_cv(client, t, f"real{index}@example.com", file)
        assert r.status_code == 200, (file[0], r.text)
    r = client.post(
        f"{P}/campaigns/{t.job.id}/campaign_invitations",
        data={
            "api_key": t.key,
            "api_secret": t.secret,
            "campaign_invitation[first_name]": "Raw",
            "campaign_invitation[last_name]": "Text",
            "campaign_invitation[email]": "raw@example.com",
            "campaign_invitation[temporary_cv]": "\n".join(lines),
        },
    )
    assert r.status_code == 200, r.text


# --- What is not implemented answers as docs/leads-api.md says ------------------------------


def test_unimplemented_reference_endpoints_answer_route_not_found(
    client: TestClient, factory: Factory, session: Session
) -> None:
    t = make_tenant(factory, session)
    lead = new_lead(client, t, email="ni@example.com")
    calls = [
        ("get", "/calls"),
        ("get", "/agents"),
        ("post", "/agents"),
        ("get", "/agents/1"),
        ("put", "/agents/1"),
        ("delete", "/agents/1"),
        ("get", "/agents/1/calls"),
        ("get", "/agents/1/changelog"),
        ("get", "/company/candidate_attributes"),
        ("post", "/company/candidate_attributes"),
        ("post", "/rms/callback"),
        ("post", f"/campaign_invitations/{lead['id']}/interview"),
    ]
    for method, path in calls:
        r = client.request(method.upper(), P + path, params={"api_key": t.key})
        assert r.status_code == 404, (method, path, r.status_code)
        assert r.json() == {"error": "not_found", "message": "Route not found"}, path
