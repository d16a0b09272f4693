"""An unexpected error under ``/app`` or on a career page is that site's HTML 500 page (in
the reader's language for the app), not the JSON body of the API faces; the request's
writes are rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.companies.models import User
from hireloop.domain.companies.service import create_user
from hireloop.web import queries
from hireloop.web.app import shell_routes
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


def test_a_crash_in_the_app_is_its_error_page_in_the_users_language(
    client: TestClient, session: Session, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = factory.company("Acme Recruiting")
    create_user(
        session, company.id, email="olga@acme.com", name="Olga", password=PASSWORD,
        role="owner", language="fr",
    )  # fmt: skip
    session.commit()
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": "olga@acme.com", "password": PASSWORD},
    )
    assert r.status_code == 303

    monkeypatch.setattr(shell_routes, "_account", _boom)
    r = client.get("/app/account")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "Cache-Control" in r.headers and "no-store" in r.headers["Cache-Control"]
    assert '<html lang="fr"' in r.text
    assert "Une erreur est survenue" in r.text and "500" in r.text
    assert "boom" not in r.text and "Traceback" not in r.text

    # A form post that wrote something before failing: nothing of it is kept.
    monkeypatch.undo()
    account = client.get("/app/account")
    assert account.status_code == 200
    monkeypatch.setattr(shell_routes, "redirect", _boom)
    r = client.post(
        "/app/account",
        data={"csrf_token": csrf_from(account.text), "name": "Olga Changed", "language": "fr"},
    )
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    session.expire_all()
    user = session.scalar(select(User).where(User.email == "olga@acme.com"))
    assert user is not None and user.name == "Olga"


def test_a_crash_signed_out_is_the_page_in_the_browsers_language(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hireloop.web.app import auth_routes

    monkeypatch.setattr(auth_routes, "render", _boom)
    r = client.get("/app/login", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="es"' in r.text and "500" in r.text


def test_a_crash_on_a_career_page_is_the_career_sites_error_page(
    client: TestClient, session: Session, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = factory.company("Acme Careers")
    session.commit()
    monkeypatch.setattr(queries, "published_jobs", _boom)
    r = client.get(f"/careers/{company.slug}")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in r.text and "boom" not in r.text
    assert 'content="noindex"' in r.text
