"""Talkpush face: every GET route answers HEAD too (RFC 9110), with the GET's status and
headers and no body, so a monitor or a proxy probing with HEAD finds the endpoint; HEAD
is no operation of the OpenAPI document. Paths without a GET keep the face's 404."""

from __future__ import annotations

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
from tests.api.leads.leads_support import P, Tenant, make_tenant, new_lead
from tests.factories import Factory

ROUTERS = (campaign_routes, company_routes, intake_routes, lead_routes, messaging_routes)


@pytest.fixture
def t(factory: Factory, session: Session) -> Tenant:
    return make_tenant(factory, session)


def test_head_answers_like_get_without_a_body(client: TestClient, t: Tenant) -> None:
    lead = new_lead(client, t, email="a@x.co")
    attached = client.put(
        f"{P}/campaign_invitations/{lead['id']}/documents",
        params={"api_key": t.key, "document_tag_name": "ID"},
        files={"file": ("id.pdf", b"%PDF-1.4 id", "application/pdf")},
    )
    file_id = attached.json()["document"]["files"][0]["id"]
    paths = [
        "/campaign_invitations",
        f"/campaign_invitations/{lead['id']}/files/{file_id}",
        f"/campaign_invitations/{lead['id']}/files/999999",
        "/campaign_invitations/abc/files/1",
        "/campaigns",
        f"/campaigns/{t.job.id}",
        f"/campaigns/{t.job.id}/folders",
        f"/campaigns/{t.job.id}/sheets",
        "/campaigns/search/Acme",
        "/company/folders",
        "/company/labels",
        "/managers",
        "/document_tags",
        "/messaging/templates",
        "/messaging/tokens",
    ]
    for path in paths:
        got = client.get(P + path, params={"api_key": t.key})
        head = client.head(P + path, params={"api_key": t.key})
        assert head.status_code == got.status_code, path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == got.headers["content-length"], path
        assert head.content == b"", path
    assert client.head(f"{P}/campaign_invitations").status_code == 401


def test_head_where_there_is_no_get_is_still_route_not_found(client: TestClient, t: Tenant) -> None:
    for path in ("/campaign_invitations/refresh_pins", "/calls", "/campaign_invitations/1"):
        r = client.head(P + path, params={"api_key": t.key})
        assert r.status_code == 404, path
        got = client.get(P + path, params={"api_key": t.key})
        assert got.json() == {"error": "not_found", "message": "Route not found"}


def test_every_get_route_has_its_head_twin_outside_the_openapi_document(
    client: TestClient,
) -> None:
    routes = [r for module in ROUTERS for r in module.router.routes if isinstance(r, APIRoute)]
    gets = {r.path for r in routes if "GET" in r.methods}
    heads = {r.path for r in routes if r.methods == {"HEAD"}}
    assert gets and gets == heads
    assert not any(r.include_in_schema for r in routes if r.methods == {"HEAD"})
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths[f"{P}/campaign_invitations"]) == {"get"}
    assert not any("head" in ops for path, ops in paths.items() if path.startswith(P))
