"""Talkpush face: an id in the path that is not one (``abc``, ``1.5``) names nothing, as
an unknown or out-of-range id does: the same 404 (the lead's "Campaign Invitation not
found for this company", the campaign's "Campaign not found."...), never a 400 about its
type. The key is still checked first."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hireloop.api.leads import (
    campaign_routes,
    company_routes,
    intake_routes,
    lead_routes,
    messaging_routes,
)
from hireloop.api.leads.errors import PATH_NOT_FOUND
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory

LEAD = "Campaign Invitation not found for this company"
CAMPAIGN = "Campaign not found."
BAD_IDS = ["abc", "1.5", "-x", "%20", "12abc", "99999999999999999999", "-1", "0"]


@pytest.fixture
def t(factory: Factory, session: Session) -> Tenant:
    return make_tenant(factory, session)


def not_found(r: Any, message: str) -> None:
    assert r.status_code == 404, r.text
    assert r.json() == {"error": "not_found", "message": message}


LEAD_CALLS = [
    ("PATCH", "", {"json": {"candidate": {"first_name": "Q"}}}),
    ("POST", "/comments", {"json": {"manager_email": "a@x.co", "content": "hi"}}),
    ("PUT", "/move", {"json": {"folder_id": 3}}),
    ("PUT", "/reassign", {"json": {"assignee_email": "automatic"}}),
    (
        "PUT",
        "/documents",
        {"data": {"document_tag_name": "ID"}, "files": {"file": ("a.pdf", b"%PDF-1.4", "x/y")}},
    ),
    ("PUT", "/shortlist", {}),
    ("PUT", "/custom", {"json": {"folder": "X"}}),
    ("GET", "/files/1", {}),
    ("HEAD", "/files/1", {}),
]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(("method", "rest", "kwargs"), LEAD_CALLS)
def test_a_lead_id_that_is_not_one_is_the_lead_404(
    client: TestClient, t: Tenant, bad: str, method: str, rest: str, kwargs: dict[str, Any]
) -> None:
    r = client.request(
        method, f"{P}/campaign_invitations/{bad}{rest}", params={"api_key": t.key}, **kwargs
    )
    if method == "HEAD":
        assert r.status_code == 404 and r.content == b""
    else:
        not_found(r, LEAD)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_file_id_that_is_not_one_is_the_file_404(client: TestClient, t: Tenant, bad: str) -> None:
    lead = new_lead(client, t, email="a@x.co")
    r = client.get(f"{P}/campaign_invitations/{lead['id']}/files/{bad}", params={"api_key": t.key})
    not_found(r, "File not found.")


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_template_id_that_is_not_one_is_the_template_404(
    client: TestClient, t: Tenant, bad: str
) -> None:
    r = client.patch(
        f"{P}/messaging/templates/{bad}", params={"api_key": t.key}, json={"name": "x"}
    )
    not_found(r, "Template not found.")


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(
    ("method", "rest", "kwargs"),
    [
        ("POST", "/imports", {"files": {"file": ("l.csv", b"a,b\n", "text/csv")}}),
        ("POST", "/sheets", {"json": {"url": "https://docs.google.com/spreadsheets/d/x"}}),
        ("GET", "/sheets", {}),
        # The campaign routes read their ids as text already: the same answer.
        ("GET", "/questions", {}),
        ("GET", "/folders", {}),
        ("PUT", "/archive", {}),
    ],
)
def test_a_campaign_id_that_is_not_one_is_the_campaign_404(
    client: TestClient, t: Tenant, bad: str, method: str, rest: str, kwargs: dict[str, Any]
) -> None:
    r = client.request(method, f"{P}/campaigns/{bad}{rest}", params={"api_key": t.key}, **kwargs)
    not_found(r, CAMPAIGN)


def test_the_key_is_checked_before_the_id(client: TestClient, t: Tenant) -> None:
    for params in ({}, {"api_key": "wrong"}):
        r = client.patch(f"{P}/campaign_invitations/abc", params=params, json={"candidate": {}})
        assert r.status_code == 401, r.text
    # A key in the body too.
    r = client.patch(
        f"{P}/campaign_invitations/abc", json={"api_key": "wrong", "candidate": {"x": 1}}
    )
    assert r.status_code == 401, r.text


def test_every_integer_id_of_the_face_has_its_404() -> None:
    """A new route with an integer path id must say which 404 it gives (errors.py)."""
    routers = (campaign_routes, company_routes, intake_routes, lead_routes, messaging_routes)
    ids = {
        param.name
        for module in routers
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for param in route.dependant.path_params
        if param.field_info.annotation is not str
    }
    assert ids and ids <= set(PATH_NOT_FOUND), ids - set(PATH_NOT_FOUND)
