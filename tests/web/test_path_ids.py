"""Ids in the recruiter app's addresses: every ``/app`` route with an ``int`` path parameter
answers the app's HTML 404 page for a value that is no id (too large for the database,
not a number), never a 500 (an ``OverflowError`` on SQLite) nor FastAPI's 422 JSON.

The routes are read from the app itself, so a route added later is checked too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from hireloop.domain.companies.service import create_user
from hireloop.domain.ids import MAX_ID
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"
# Values that name no id: past 2**63 - 1 (and far past it), zero, negative, not a number,
# digits other than ASCII ones, a decimal.
NOT_IDS = [
    "99999999999999999999",
    str(MAX_ID + 1),
    "0",
    "-1",
    "abc",
    "%D9%A3",  # '٣', an Arabic-Indic three
    "1.5",
]
PARAM = re.compile(r"\{([^}:]+)(?::([a-z]+))?\}")


def _app_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _app_routes(nested.routes)
        elif isinstance(route, APIRoute) and route.path.startswith("/app"):
            yield route


def _id_params(route: APIRoute) -> list[str]:
    """The route's path parameters typed ``int`` or with the ``:int`` convertor."""
    typed = {p.name for p in route.dependant.path_params if p.field_info.annotation is int}
    return [
        name for name, convertor in PARAM.findall(route.path) if convertor == "int" or name in typed
    ]


def _fill(route: APIRoute, bad: str, value: str, ids: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return value if name == bad else ids.get(name, "x")

    return PARAM.sub(one, route.path)


def id_routes(app: Any) -> list[tuple[str, APIRoute, str]]:
    found = []
    for route in _app_routes(app.router.routes):
        for name in _id_params(route):
            for method in sorted(route.methods):
                found.append((method, route, name))
    return found


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


@pytest.fixture
def world(session: Session, factory: Factory) -> dict[str, Any]:
    company = factory.company("Acme Recruiting")
    owner = create_user(
        session, company.id, email="olga@acme.com", name="Olga", password=PASSWORD, role="owner"
    )
    job = factory.job(company, title="Call Center Agent")
    application = factory.application(job, factory.candidate(company, first_name="Ana"))
    session.commit()
    # Real ids for the other parameters of a route, so only the one tested is wrong.
    ids = {
        "campaign_id": str(job.id),
        "application_id": str(application.id),
        "user_id": str(owner.id),
    }
    return {"owner": owner, "ids": ids, "language": "en"}


def sign_in(client: TestClient, email: str = "olga@acme.com") -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def test_the_walk_finds_the_routes_with_ids(app: Any) -> None:
    """The walk below sees the app's id routes (if it found none, it would check nothing)."""
    paths = {(method, route.path) for method, route, _ in id_routes(app)}
    for expected in (
        ("GET", "/app/applications/{application_id}"),
        ("GET", "/app/applications/{application_id}/cv"),
        ("GET", "/app/applications/{application_id}/audio/{file_id}"),
        ("POST", "/app/applications/{application_id}/comments"),
        ("GET", "/app/company/mailbox/{message_id}"),
        ("GET", "/app/company/users/{user_id}/delete"),
        ("GET", "/app/company/users/{user_id}/transfer"),
        ("POST", "/app/company/users/{user_id}/deactivate"),
        ("GET", "/app/campaigns/{campaign_id:int}"),
        ("POST", "/app/campaigns/{campaign_id:int}/bulk"),
        ("GET", "/app/campaigns/{campaign_id:int}/add"),
    ):
        assert expected in paths, expected
    assert len(paths) >= 30


def test_every_id_in_an_app_path_that_is_no_id_is_the_404_page(
    app: Any, client: TestClient, world: dict[str, Any]
) -> None:
    sign_in(client)
    token = csrf_from(client.get("/app/account").text)
    wrong = []
    for method, route, name in id_routes(app):
        for value in NOT_IDS:
            path = _fill(route, name, value, world["ids"])
            if method == "GET":
                r = client.get(path)
            else:
                r = client.request(method, path, data={"csrf_token": token})
            if not (
                r.status_code == 404
                and r.headers["content-type"].startswith("text/html")
                and "Page not found" in r.text
                and "Olga" in r.text  # the page with the signed-in user's menus
            ):
                wrong.append((method, path, r.status_code, r.text[:120]))
    assert wrong == []


def test_a_huge_id_is_a_404_page_and_the_connection_lives_on(
    client: TestClient, world: dict[str, Any]
) -> None:
    """The reported addresses: the HTML 404 page, in the user's language, and the next
    request on the same client is answered (the server no longer raises after a 500)."""
    sign_in(client)
    huge = "99999999999999999999"
    application_id = world["ids"]["application_id"]
    for path in (
        f"/app/applications/{huge}",
        f"/app/applications/{huge}/cv",
        f"/app/applications/{application_id}/audio/{huge}",
        f"/app/company/mailbox/{huge}",
        f"/app/company/users/{huge}/delete",
        f"/app/company/users/{huge}/transfer",
        "/app/applications/abc",
        "/app/company/mailbox/abc",
    ):
        r = client.get(path)
        assert r.status_code == 404, (path, r.text[:200])
        assert r.headers["content-type"].startswith("text/html")
        assert "<h1>Page not found</h1>" in r.text
        assert r.headers["cache-control"] == "no-store"
        assert client.get("/healthz").status_code == 200

    # A post with a valid token is refused the same way, before anything is done.
    token = csrf_from(client.get("/app/account").text)
    for path in (f"/app/applications/{huge}/comments", f"/app/company/users/{huge}/deactivate"):
        r = client.post(path, data={"csrf_token": token, "body": "hello"})
        assert r.status_code == 404 and "Page not found" in r.text, path

    # The largest id the database holds is looked up (and not found) as usual.
    assert client.get(f"/app/applications/{MAX_ID}").status_code == 404


def test_the_404_page_is_in_the_users_language(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    world["owner"].language = "es"
    session.commit()
    sign_in(client)
    r = client.get("/app/applications/99999999999999999999")
    assert r.status_code == 404
    assert "Página no encontrada" in r.text


def test_signed_out_a_bad_id_goes_to_sign_in_like_any_app_address(
    client: TestClient, world: dict[str, Any]
) -> None:
    for path in ("/app/applications/99999999999999999999", "/app/applications/abc/cv"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/app/login?next=")
