"""Talkpush face: a file part where a route reads text or JSON values (a template's
content, a lead's others, a comment...) is refused with ``400 <name> must not be a
file.`` before anything changes: never a 500, never the file's bytes kept as text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application, CustomFolder, Label
from hireloop.domain.candidates.models import Candidate, Comment
from hireloop.domain.messaging.models import MessageTemplate
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory

FILE = ("a.txt", b"secret bytes", "text/plain")
TEMPLATE = {
    "name": "Welcome",
    "content": "Hi",
    "type": "sms",
    "sub_type": "invitation",
    "category": "general",
}


def refused(r: Any, name: str) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body == {
        "error": "bad_request",
        "message": f"{name} must not be a file.",
        "details": {name: "must not be a file"},
    }
    assert "secret" not in r.text and "UploadedFile" not in r.text


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def t(factory: Factory, session: Session) -> Tenant:
    return make_tenant(factory, session)


# --- PATCH /campaign_invitations/{id} -------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("candidate[others][photo]", "others[photo]"),
        ("candidate[others][docs][]", "others[docs][]"),
        ("candidate[first_name]", "first_name"),
        ("candidate[source]", "source"),
        ("campaign_invitation[others][photo]", "others[photo]"),
    ],
)
def test_patch_refuses_a_file_as_create_does_and_changes_nothing(
    client: TestClient, t: Tenant, session: Session, field: str, name: str
) -> None:
    lead = new_lead(client, t, email="a@x.co", others={"kept": 1})
    section = field.split("[", 1)[0]
    r = client.patch(
        f"{P}/campaign_invitations/{lead['id']}",
        params={"api_key": t.key},
        data={f"{section}[last_name]": "Changed", f"{section}[others][new]": "x"},
        files={field: ("a.png", b"\x89PNG", "image/png")},
    )
    refused(r, name)
    session.expire_all()
    candidate = session.get(Candidate, lead["candidate_id"])
    application = session.get(Application, lead["id"])
    assert candidate is not None and application is not None
    assert (candidate.first_name, candidate.last_name) == ("Maria", "Santos")
    assert application.others == {"kept": 1}


def test_create_and_patch_give_the_same_answer(
    client: TestClient, t: Tenant, session: Session
) -> None:
    lead = new_lead(client, t, email="a@x.co")
    photo = {"campaign_invitation[others][photo]": ("a.png", b"\x89PNG", "image/png")}
    created = client.post(
        f"{P}/campaigns/{t.job.id}/campaign_invitations",
        params={"api_key": t.key, "api_secret": t.secret},
        data={
            "campaign_invitation[first_name]": "Ana",
            "campaign_invitation[last_name]": "Cruz",
            "campaign_invitation[email]": "ana@x.co",
        },
        files=photo,
    )
    patched = client.patch(
        f"{P}/campaign_invitations/{lead['id']}",
        params={"api_key": t.key},
        data={"campaign_invitation[first_name]": "Y"},
        files=photo,
    )
    refused(created, "others[photo]")
    assert (patched.status_code, patched.json()) == (created.status_code, created.json())


# --- message templates ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "content", "type", "sub_type", "category", "locale"])
@pytest.mark.parametrize("wrapped", [False, True])
def test_a_template_field_sent_as_a_file_is_refused(
    client: TestClient, t: Tenant, session: Session, field: str, wrapped: bool
) -> None:
    def key(name: str) -> str:
        return f"message_template[{name}]" if wrapped else name

    data = {key(k): v for k, v in TEMPLATE.items() if k != field}
    r = client.post(
        f"{P}/messaging/templates", params={"api_key": t.key}, data=data, files={key(field): FILE}
    )
    refused(r, field)
    assert count(session, MessageTemplate) == 0


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("settings[x]", "settings[x]"),
        ("settings[subject_line]", "settings[subject_line]"),
        ("settings[list][]", "settings[list][]"),
        ("message_template[settings][y]", "settings[y]"),
    ],
)
def test_a_file_in_template_settings_is_refused_on_create(
    client: TestClient, t: Tenant, session: Session, field: str, name: str
) -> None:
    r = client.post(
        f"{P}/messaging/templates", params={"api_key": t.key}, data=TEMPLATE, files={field: FILE}
    )
    refused(r, name)
    assert count(session, MessageTemplate) == 0


@pytest.mark.parametrize(
    ("field", "name"),
    [("settings[x]", "settings[x]"), ("content", "content"), ("message_template[name]", "name")],
)
def test_patching_a_template_with_a_file_changes_nothing(
    client: TestClient, t: Tenant, session: Session, field: str, name: str
) -> None:
    created = client.post(f"{P}/messaging/templates", params={"api_key": t.key}, json=TEMPLATE)
    assert created.status_code == 201, created.text
    template_id = created.json()["message_template"]["id"]
    r = client.patch(
        f"{P}/messaging/templates/{template_id}",
        params={"api_key": t.key},
        data={"category": "changed"},
        files={field: FILE},
    )
    refused(r, name)
    after = client.get(f"{P}/messaging/templates", params={"api_key": t.key}).json()
    assert after["message_templates"][0] == created.json()["message_template"]


# --- the face's other routes ----------------------------------------------------------------


def test_a_quick_reply_channel_sent_as_a_file_is_not_echoed(
    client: TestClient, t: Tenant, session: Session
) -> None:
    lead = new_lead(client, t, email="a@x.co")
    r = client.post(
        f"{P}/messaging/messages",
        params={"api_key": t.key},
        data={"message[campaign_invitation_id]": str(lead["id"]), "message[quick_reply_id]": "1"},
        files={"message[channel]": FILE},
    )
    refused(r, "channel")


@pytest.mark.parametrize(
    ("method", "path", "data", "field", "name"),
    [
        ("post", "/comments", {"manager_email": "boss@x.co"}, "content", "content"),
        (
            "post",
            "/comments",
            {"comment[content]": "hi"},
            "comment[manager_email]",
            "manager_email",
        ),
        ("put", "/shortlist", {}, "reason", "reason"),
        ("put", "/shortlist", {}, "notify", "notify"),
        ("put", "/custom", {}, "folder", "folder"),
        ("put", "/move", {"folder_id": "3"}, "campaign_id", "campaign_id"),
        ("put", "/move", {"folder_id": "3"}, "reason", "reason"),
        ("put", "/reassign", {}, "assignee_email", "assignee_email"),
    ],
)
def test_lead_actions_refuse_a_file_where_they_read_text(
    client: TestClient,
    t: Tenant,
    session: Session,
    method: str,
    path: str,
    data: dict[str, str],
    field: str,
    name: str,
) -> None:
    lead = new_lead(client, t, email="a@x.co")
    r = client.request(
        method.upper(),
        f"{P}/campaign_invitations/{lead['id']}{path}",
        params={"api_key": t.key},
        data=data,
        files={field: FILE},
    )
    refused(r, name)
    session.expire_all()
    application = session.get(Application, lead["id"])
    assert application is not None and application.folder == "inbox"
    assert count(session, Comment) == 0


def test_a_document_tag_name_sent_as_a_file_is_refused(
    client: TestClient, t: Tenant, session: Session
) -> None:
    lead = new_lead(client, t, email="a@x.co")
    r = client.put(
        f"{P}/campaign_invitations/{lead['id']}/documents",
        params={"api_key": t.key},
        files={"file": ("id.pdf", b"%PDF-1.4 id", "application/pdf"), "document_tag_name": FILE},
    )
    refused(r, "document_tag_name")


def test_folder_and_label_names_sent_as_files_are_refused(
    client: TestClient, t: Tenant, session: Session
) -> None:
    before = count(session, CustomFolder), count(session, Label)
    k = {"api_key": t.key}
    r = client.post(f"{P}/company/folders", params=k, files={"folder[folder_name]": FILE})
    refused(r, "folder.folder_name")
    r = client.post(f"{P}/company/labels", params=k, files={"label[name]": FILE})
    refused(r, "label.name")
    assert (count(session, CustomFolder), count(session, Label)) == before
