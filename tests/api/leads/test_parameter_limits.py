"""Talkpush face: at most 500 parameters in a request, said the same way whether they
come in the query string, a form-encoded body or a multipart body; at most 20 files."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory

TOO_MANY = {"error": "bad_request", "message": "Too many parameters (at most 500)."}


@pytest.fixture
def t(factory: Factory, session: Session) -> Tenant:
    return make_tenant(factory, session)


def move(client: TestClient, t: Tenant, lead: dict[str, Any], **kwargs: Any) -> Any:
    return client.put(
        f"{P}/campaign_invitations/{lead['id']}/move", params={"api_key": t.key}, **kwargs
    )


@pytest.mark.parametrize("where", ["query", "form", "multipart"])
def test_more_than_500_parameters_are_refused_alike(
    client: TestClient, t: Tenant, session: Session, where: str
) -> None:
    lead = new_lead(client, t, email="a@x.co")
    fields = {"folder_id": "3", **{f"x{i}": "1" for i in range(600)}}
    if where == "query":
        r = client.put(
            f"{P}/campaign_invitations/{lead['id']}/move", params={"api_key": t.key, **fields}
        )
    elif where == "form":
        r = move(client, t, lead, data=fields)
    else:
        r = move(client, t, lead, data=fields, files={"f": ("a.txt", b"a", "text/plain")})
    assert (r.status_code, r.json()) == (400, TOO_MANY), r.text
    session.expire_all()
    application = session.get(Application, lead["id"])
    assert application is not None and application.folder == "inbox"


def test_500_parameters_are_read(client: TestClient, t: Tenant) -> None:
    lead = new_lead(client, t, email="a@x.co")
    fields = {"folder_id": "3", **{f"x{i}": "1" for i in range(499)}}  # 500 in the body
    r = move(client, t, lead, data=fields)
    assert r.status_code == 200, r.text


def test_more_than_20_files_are_refused(client: TestClient, t: Tenant) -> None:
    lead = new_lead(client, t, email="a@x.co")
    files = [(f"f{i}", ("a.txt", b"a", "text/plain")) for i in range(21)]
    r = move(client, t, lead, data={"folder_id": "3"}, files=files)
    assert (r.status_code, r.json()["message"]) == (400, "Too many files (at most 20)."), r.text


def test_other_unreadable_bodies_keep_their_answer(client: TestClient, t: Tenant) -> None:
    lead = new_lead(client, t, email="a@x.co")
    r = move(
        client,
        t,
        lead,
        content=b"--x\r\nno headers\r\n--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert (r.status_code, r.json()["message"]) == (400, "Invalid multipart payload"), r.text
