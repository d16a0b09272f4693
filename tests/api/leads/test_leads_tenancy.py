"""Tenancy: another company's key gets 404 on every lead endpoint, with a request that
would succeed for the owner, and nothing of the owner's changes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.labels import create_label
from hireloop.domain.applications.models import Application, ApplicationEvent
from hireloop.domain.companies.service import create_user
from tests.api.leads.leads_support import P, make_tenant, new_lead
from tests.factories import Factory


def test_every_lead_endpoint_is_404_for_another_company(
    client: TestClient, factory: Factory, session: Session
) -> None:
    owner = make_tenant(factory, session, "Owner Co")
    intruder = make_tenant(factory, session, "Intruder Co")
    create_label(session, owner.company.id, "Priority")
    create_label(session, intruder.company.id, "Priority")
    create_user(session, owner.company.id, email="m@owner.example", name="M", password=None)
    create_user(session, intruder.company.id, email="m@intruder.example", name="I", password=None)
    session.commit()
    lead = new_lead(client, owner, email="secret.person@owner.example")
    target = factory.job(owner.company, title="Owner Target", status="active")
    base = f"{P}/campaign_invitations/{lead['id']}"
    doc = {"file": ("a.txt", b"x", "text/plain")}
    events_before = session.scalar(select(func.count()).select_from(ApplicationEvent))

    calls: list[tuple[str, str, dict[str, Any]]] = [
        (
            "post",
            f"{P}/campaigns/{owner.job.id}/campaign_invitations",
            {
                "json": {
                    "campaign_invitation": {"first_name": "A", "last_name": "B", "email": "a@b.co"}
                }
            },
        ),
        (
            "patch",
            base,
            {
                "json": {
                    "candidate": {
                        "first_name": "Hacked",
                        "labels": {"add": ["Priority"], "remove": []},
                    }
                }
            },
        ),
        (
            "post",
            f"{base}/comments",
            {"json": {"manager_email": "m@intruder.example", "content": "x"}},
        ),
        ("put", f"{base}/shortlist", {}),
        ("put", f"{base}/complete", {}),
        ("put", f"{base}/custom", {"params": {"folder": "Anything"}}),
        ("put", f"{base}/move", {"json": {"campaign_id": target.id, "folder_id": 3}}),
        ("put", f"{base}/move", {"json": {"campaign_id": intruder.job.id, "folder_id": 3}}),
        ("put", f"{base}/reassign", {"json": {"assignee_email": "m@intruder.example"}}),
        ("put", f"{base}/reassign", {"json": {"assignee_email": "automatic"}}),
        ("put", f"{base}/documents", {"params": {"document_tag_name": "ID"}, "files": doc}),
        (
            "post",
            f"{P}/campaign_invitations/refresh_pins",
            {"json": {"campaign_invitation_ids": [lead["id"]]}},
        ),
    ]
    for method, url, kwargs in calls:
        params = {
            "api_key": intruder.key,
            "api_secret": intruder.secret,
            **kwargs.pop("params", {}),
        }
        r = getattr(client, method)(url, params=params, **kwargs)
        assert r.status_code == 404, (method, url, r.text)
        assert "secret.person" not in r.text

    found = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": intruder.key, "filter[query]": "secret.person"},
    )
    assert found.status_code == 200 and found.json()["total"] == 0
    by_id = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": intruder.key, "filter[query]": f"AP{lead['id']}"},
    )
    assert by_id.json()["total"] == 0
    listed = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": intruder.key, "filter[campaign_id]": owner.job.id},
    )
    assert listed.json()["total"] == 0
    files = client.get(f"{base}/files/1", params={"api_key": intruder.key})
    assert files.status_code == 404

    session.expire_all()
    app = session.get(Application, lead["id"])
    assert app is not None and app.folder == "inbox" and app.job_id == owner.job.id
    assert app.assignee_user_id is None and app.pin == lead["pin"]
    assert session.scalar(select(func.count()).select_from(ApplicationEvent)) == events_before
    mine = client.get(
        f"{P}/campaign_invitations",
        params={"api_key": owner.key, "filter[query]": f"AP{lead['id']}"},
    ).json()
    assert mine["candidates"][0]["first_name"] == "Maria"
    assert mine["candidates"][0]["labels"] == []
