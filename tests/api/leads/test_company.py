"""Company data through the Talkpush face: folders (and their campaigns), labels,
managers, movement reasons and document tags."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import CampaignFolder, CustomFolder, Label
from hireloop.domain.companies.service import create_user
from tests.factories import Factory

P = "/api/talkpush_services"
SYSTEM = [
    (1, "Inbox"),
    (2, "Completed"),
    (3, "Shortlisted"),
    (4, "On Hold"),
    (5, "Rejected"),
    (6, "Hired"),
    (7, "No Campaign Invitation"),
    (8, "No Response"),
]


@pytest.fixture
def company(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.company("Acme BPO")


@pytest.fixture
def key(factory: Factory, company) -> str:  # type: ignore[no-untyped-def]
    return factory.api_key(company, scope="leads")


def new_folder(client: TestClient, key: str, name: str, default: Any = False) -> dict[str, Any]:
    r = client.post(
        f"{P}/company/folders",
        params={"api_key": key},
        json={"folder": {"folder_name": name, "default": default}},
    )
    assert r.status_code == 200, r.text
    return r.json()["folder"]


# --- folders ------------------------------------------------------------------------------


def test_company_folders(client: TestClient, key: str, session: Session) -> None:
    r = client.get(f"{P}/company/folders", params={"api_key": key})
    assert r.status_code == 200
    assert [(f["id"], f["folder_name"], f["default"]) for f in r.json()["folders"]] == [
        (i, n, True) for i, n in SYSTEM
    ]
    a = new_folder(client, key, "  Final   Interview ")
    b = new_folder(client, key, "Background Check", default=True)
    row = session.scalar(select(CustomFolder).where(CustomFolder.name == "Final Interview"))
    assert row is not None
    assert a == {"id": 1000 + row.id, "folder_name": "Final Interview", "default": False}
    assert b["default"] is True
    r = client.get(f"{P}/company/folders", params={"api_key": key})
    assert r.json()["folders"][8:] == [a, b]


def test_create_folder_form_encoded(client: TestClient, key: str) -> None:
    r = client.post(
        f"{P}/company/folders",
        data={"api_key": key, "folder[folder_name]": "Pooling", "folder[default]": "true"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["folder"]["default"] is True


@pytest.mark.parametrize("default", ["", "  ", None])
def test_empty_default_is_false(
    client: TestClient,
    key: str,
    factory: Factory,
    company,  # type: ignore[no-untyped-def]
    default: Any,
) -> None:
    assert new_folder(client, key, "Pooling", default=default)["default"] is False
    r = client.get(f"{P}/company/folders", params={"api_key": key})
    assert [f["default"] for f in r.json()["folders"][8:]] == [False]
    # Not a default folder: campaigns do not get it.
    job = factory.job(company)
    r = client.get(f"{P}/campaigns/{job.id}/folders", params={"api_key": key})
    assert "Pooling" not in [f["folder_name"] for f in r.json()["folders"]]


def test_empty_default_form_encoded_is_false(client: TestClient, key: str) -> None:
    r = client.post(
        f"{P}/company/folders",
        data={"api_key": key, "folder[folder_name]": "Pooling", "folder[default]": ""},
    )
    assert r.status_code == 200, r.text
    assert r.json()["folder"]["default"] is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"folder": {}},
        {"folder": {"folder_name": "   "}},
        {"folder": {"folder_name": 12}},
        {"folder": {"folder_name": "x" * 101}},
        {"folder": {"folder_name": "ok", "default": "sometimes"}},
        {"folder": "Pooling"},
    ],
)
def test_create_folder_bad_request(
    client: TestClient, key: str, session: Session, body: dict[str, Any]
) -> None:
    r = client.post(f"{P}/company/folders", params={"api_key": key}, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_request"
    assert session.scalar(select(func.count()).select_from(CustomFolder)) == 0


def test_folder_name_conflicts(client: TestClient, key: str, factory: Factory) -> None:
    new_folder(client, key, "Pooling")
    for name in ("pooling", "POOLING ", "Shortlisted", "on hold"):
        r = client.post(
            f"{P}/company/folders", params={"api_key": key}, json={"folder": {"folder_name": name}}
        )
        assert r.status_code == 409, name
        assert r.json()["error"] == "conflict"
    # Another company may use the same name.
    other_key = factory.api_key(factory.company("Other"), scope="leads")
    new_folder(client, other_key, "Pooling")


def test_campaign_folders_and_association(
    client: TestClient,
    key: str,
    factory: Factory,
    company,
    session: Session,  # type: ignore[no-untyped-def]
) -> None:
    job = factory.job(company, title="CSR")
    other_job = factory.job(company, title="Chat")
    pooling = new_folder(client, key, "Pooling")
    bg = new_folder(client, key, "Background Check", default=True)
    url = f"{P}/campaigns/{job.id}/folders"

    def names(campaign_id: int) -> list[str]:
        r = client.get(f"{P}/campaigns/{campaign_id}/folders", params={"api_key": key})
        assert r.status_code == 200
        return [f["folder_name"] for f in r.json()["folders"]]

    assert names(job.id) == [n for _, n in SYSTEM] + ["Background Check"]
    for _ in range(2):  # idempotent
        r = client.post(f"{url}/{pooling['id']}", params={"api_key": key})
        assert r.status_code == 200, r.text
        assert r.json()["message"] == "Campaign & Folder associated."
    assert names(job.id)[-2:] == ["Pooling", "Background Check"]
    assert "Pooling" not in names(other_job.id)
    # System and default folders are in every campaign already: nothing to store.
    assert client.post(f"{url}/3", params={"api_key": key}).status_code == 200
    assert client.post(f"{url}/{bg['id']}", params={"api_key": key}).status_code == 200
    assert session.scalar(select(func.count()).select_from(CampaignFolder)) == 1
    for bad in ("9", "0", "1000", "99999", "abc", "-1"):
        r = client.post(f"{url}/{bad}", params={"api_key": key})
        assert r.status_code == 404, bad
        assert r.json()["message"] == "Folder not found."
    r = client.post(f"{P}/campaigns/424242/folders/{pooling['id']}", params={"api_key": key})
    assert r.status_code == 404
    assert r.json()["message"] == "Campaign not found."


def test_another_companys_folder_cannot_be_associated(
    client: TestClient,
    key: str,
    factory: Factory,
    company,  # type: ignore[no-untyped-def]
) -> None:
    other_key = factory.api_key(factory.company("Other"), scope="leads")
    theirs = new_folder(client, other_key, "Theirs", default=True)
    job = factory.job(company)
    r = client.post(f"{P}/campaigns/{job.id}/folders/{theirs['id']}", params={"api_key": key})
    assert r.status_code == 404
    r = client.get(f"{P}/campaigns/{job.id}/folders", params={"api_key": key})
    assert "Theirs" not in [f["folder_name"] for f in r.json()["folders"]]
    r = client.get(f"{P}/company/folders", params={"api_key": key})
    assert len(r.json()["folders"]) == 8


# --- labels -------------------------------------------------------------------------------


def test_labels_create_and_list(client: TestClient, key: str) -> None:
    r = client.post(
        f"{P}/company/labels", params={"api_key": key}, json={"label": {"name": " Priority "}}
    )
    assert r.status_code == 201, r.text
    label = r.json()["label"]
    assert label["name"] == "Priority"
    assert set(label) == {"id", "name", "created_at", "updated_at"}
    r = client.post(
        f"{P}/company/labels", params={"api_key": key}, json={"label": {"name": "priority"}}
    )
    assert r.status_code == 409
    assert r.json() == {
        "error": "conflict",
        "message": "A label with name priority already exists.",
    }
    for name in ("a,b", "why?", "#1"):
        r = client.post(
            f"{P}/company/labels", params={"api_key": key}, json={"label": {"name": name}}
        )
        assert r.status_code == 422
        assert r.json()["error"] == "unprocessable_entity"
        assert r.json()["message"] == "Name is invalid"
    for body in ({}, {"label": {}}, {"label": {"name": 5}}, {"label": "x"}):
        r = client.post(f"{P}/company/labels", params={"api_key": key}, json=body)
        assert r.status_code == 400
        assert r.json() == {
            "error": "bad_request",
            "message": "Parameter label.name is required.",
            "details": {"label.name": "is required"},
        }


def test_labels_pagination_and_filter(
    client: TestClient,
    key: str,
    session: Session,
    company,  # type: ignore[no-untyped-def]
) -> None:
    session.add_all(Label(company_id=company.id, name=f"Batch {i:03d}") for i in range(130))
    session.add(Label(company_id=company.id, name="VIP_100%"))
    session.commit()
    r = client.get(f"{P}/company/labels", params={"api_key": key})
    assert r.status_code == 200
    assert len(r.json()["labels"]) == 25
    assert (r.headers["X-Total-Count"], r.headers["X-Page-Count"]) == ("131", "6")
    r = client.get(f"{P}/company/labels", params={"api_key": key, "per_page": 500, "page": 2})
    assert len(r.json()["labels"]) == 31  # per_page capped at 100
    assert r.headers["X-Page-Count"] == "2"
    r = client.get(f"{P}/company/labels", params={"api_key": key, "name": "batch 01"})
    assert [x["name"] for x in r.json()["labels"]] == [f"Batch {i:03d}" for i in range(10, 20)]
    assert r.headers["X-Total-Count"] == "10"
    r = client.get(f"{P}/company/labels", params={"api_key": key, "name": "_100%"})
    assert [x["name"] for x in r.json()["labels"]] == ["VIP_100%"]
    r = client.get(f"{P}/company/labels?api_key={key}&name[]=x")
    assert r.status_code == 400
    assert r.json()["message"] == "Parameter 'name' must be a string."
    for bad in ({"page": 0}, {"page": "two"}, {"per_page": -1}):
        r = client.get(f"{P}/company/labels", params={"api_key": key, **bad})
        assert r.status_code == 400


def test_labels_are_per_company(client: TestClient, key: str, factory: Factory) -> None:
    client.post(f"{P}/company/labels", params={"api_key": key}, json={"label": {"name": "Mine"}})
    other_key = factory.api_key(factory.company("Other"), scope="leads")
    r = client.get(f"{P}/company/labels", params={"api_key": other_key})
    assert r.json() == {"labels": []}
    assert r.headers["X-Total-Count"] == "0"
    r = client.post(
        f"{P}/company/labels", params={"api_key": other_key}, json={"label": {"name": "Mine"}}
    )
    assert r.status_code == 201


# --- managers -----------------------------------------------------------------------------


def test_managers(
    client: TestClient, key: str, session: Session, company, factory: Factory
) -> None:  # type: ignore[no-untyped-def]
    owner = create_user(
        session, company.id, email="Olga@Acme.test", name="Olga Owner", password=None, role="owner"
    )
    create_user(session, company.id, email="mia@acme.test", name="Mia Manager", password=None)
    nameless = create_user(session, company.id, email="ghost@acme.test", name="  ", password=None)
    gone = create_user(
        session, company.id, email="gone@acme.test", name="Gone Manager", password=None
    )
    gone.active = False
    other = factory.company("Other")
    create_user(session, other.id, email="x@other.test", name="Mia Elsewhere", password=None)
    session.commit()
    r = client.get(f"{P}/managers", params={"api_key": key})
    assert r.status_code == 200
    assert r.headers["X-Total-Count"] == "3"
    managers = r.json()["managers"]
    assert [m["name"] for m in managers] == ["ghost@acme.test", "Mia Manager", "Olga Owner"]
    assert {
        "id": owner.id,
        "name": "Olga Owner",
        "email": "olga@acme.test",
        "role": "owner",
    } in managers
    assert {
        "id": nameless.id,
        "name": "ghost@acme.test",
        "email": "ghost@acme.test",
        "role": "manager",
    } in managers
    r = client.get(f"{P}/managers", params={"api_key": key, "role": "owner"})
    assert [m["email"] for m in r.json()["managers"]] == ["olga@acme.test"]
    r = client.get(f"{P}/managers", params={"api_key": key, "name": "MIA"})
    assert [m["email"] for m in r.json()["managers"]] == ["mia@acme.test"]
    r = client.get(f"{P}/managers", params={"api_key": key, "name": "mia", "role": "owner"})
    assert r.json()["managers"] == []
    r = client.get(f"{P}/managers", params={"api_key": key, "per_page": 2, "page": 2})
    assert len(r.json()["managers"]) == 1
    assert r.headers["X-Page-Count"] == "2"
    r = client.get(f"{P}/managers?api_key={key}&name[a]=1")
    assert r.status_code == 400
    assert r.json()["message"] == "Parameter 'name' must be a string."


# --- movement reasons and document tags ----------------------------------------------------


def test_movement_reasons(client: TestClient, key: str, factory: Factory) -> None:
    r = client.get(f"{P}/movement_reasons", params={"api_key": key, "per_page": 100})
    assert r.status_code == 200
    reasons = r.json()["movement_reasons"]
    assert {x["type"] for x in reasons} == {"rejected", "shortlisted"}
    assert {"name": "Failed Background Check", "type": "rejected"}.items() <= next(
        x for x in reasons if x["name"] == "Failed Background Check"
    ).items()
    assert r.headers["X-Total-Count"] == str(len(reasons))
    r = client.get(f"{P}/movement_reasons", params={"api_key": key, "type": "shortlisted"})
    assert {x["type"] for x in r.json()["movement_reasons"]} == {"shortlisted"}
    r = client.get(f"{P}/movement_reasons", params={"api_key": key, "type": "foo"})
    assert r.status_code == 422
    assert r.json()["error"] == "unprocessable_entity"
    assert r.json()["message"] == "Invalid type 'foo'. Must be one of: rejected, shortlisted."
    r = client.get(f"{P}/movement_reasons", params={"api_key": key, "per_page": 3, "page": 2})
    assert len(r.json()["movement_reasons"]) == 3
    # Reading twice does not duplicate the standard set; companies have their own rows.
    again = client.get(f"{P}/movement_reasons", params={"api_key": key, "per_page": 100})
    assert again.json()["movement_reasons"] == reasons
    other_key = factory.api_key(factory.company("Other"), scope="leads")
    theirs = client.get(f"{P}/movement_reasons", params={"api_key": other_key, "per_page": 100})
    assert {x["id"] for x in theirs.json()["movement_reasons"]}.isdisjoint(
        {x["id"] for x in reasons}
    )


def test_document_tags(
    client: TestClient,
    key: str,
    session: Session,
    company,  # type: ignore[no-untyped-def]
) -> None:
    from hireloop.domain.applications.models import DocumentTag

    session.add(DocumentTag(company_id=company.id, name="Medical Certificate"))
    session.commit()
    r = client.get(f"{P}/document_tags", params={"api_key": key})
    assert r.status_code == 200
    tags = r.json()["document_tags"]
    assert [(t["name"], t["category"]) for t in tags] == [("Medical Certificate", "custom")]
    assert set(tags[0]) == {"id", "name", "category", "instruction", "created_at", "updated_at"}
    r = client.get(f"{P}/document_tags", params={"api_key": key, "include_default": "true"})
    names = [(t["name"], t["category"]) for t in r.json()["document_tags"]]
    assert ("Resume", "default") in names and ("Medical Certificate", "custom") in names
    r = client.get(f"{P}/document_tags", params={"api_key": key, "include_default": "maybe"})
    assert r.status_code == 400


def test_company_endpoints_need_a_key(client: TestClient) -> None:
    for path in (
        "/company/folders",
        "/company/labels",
        "/managers",
        "/movement_reasons",
        "/document_tags",
    ):
        assert client.get(f"{P}{path}").status_code == 401
        assert client.get(f"{P}{path}", params={"api_key": "sk_live_wrong"}).status_code == 401
