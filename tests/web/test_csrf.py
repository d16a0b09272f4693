"""CSRF over HTTP: the token is bound to a nonce the server signed, to the signed-in
session in the recruiter app, and to its surface (app or career pages); the nonce changes
at sign-in and sign-out; app posts from another origin are refused. A site that can plant
cookies (a sibling subdomain) must not be able to post for a signed-in recruiter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.web.security import (
    CSRF_APP,
    CSRF_COOKIE,
    app_secret,
    csrf_token,
    session_binding,
    sign,
)
from tests.factories import Factory
from tests.web.conftest import csrf_from
from tests.web.test_career_pages import job_url, post_apply

PASSWORD = "correct horse battery"


def browser(app: Any) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with browser(app) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Recruiting")


@pytest.fixture
def job(factory: Factory, company: Company) -> Job:
    return factory.job(company, title="Call Center Agent")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session, company.id, email="olga@acme.com", name="Olga", password=PASSWORD, role="owner"
    )
    session.commit()
    return user


def sign_in(client: TestClient) -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": "olga@acme.com", "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def plant(client: TestClient, value: str) -> None:
    """What a sibling subdomain can do: replace the browser's app CSRF cookie."""
    client.cookies.delete(CSRF_COOKIE)
    client.cookies.set(CSRF_COOKIE, value, domain="testserver.local", path="/app")


def app_cookie(client: TestClient) -> str:
    value = client.cookies.get(CSRF_COOKIE, path="/app")
    assert value
    return value


def save_name(client: TestClient, token: str, name: str, **headers: str) -> Any:
    return client.post(
        "/app/account", data={"csrf_token": token, "name": name, "language": "en"}, headers=headers
    )


def name_of(session: Session, owner: User) -> str:
    session.expire_all()
    return session.scalars(select(User.name).where(User.id == owner.id)).one()


def test_a_planted_nonce_and_its_token_do_not_post_for_a_signed_in_user(
    app: Any, session: Session, owner: User
) -> None:
    with browser(app) as attacker, browser(app) as victim:
        # The attacker gets a server-signed nonce and its token, anonymously.
        token = csrf_from(attacker.get("/app/login").text)
        nonce = app_cookie(attacker)
        sign_in(victim)
        plant(victim, nonce)
        r = save_name(victim, token, "Pwned by CSRF")
        assert r.status_code == 403 and "this form has expired" in r.text
        assert name_of(session, owner) == "Olga"
        # ... nor does a token of another session (here even of the same account).
        sign_in(attacker)
        token = csrf_from(attacker.get("/app/account").text)
        plant(victim, app_cookie(attacker))
        assert save_name(victim, token, "Pwned by CSRF").status_code == 403
        assert name_of(session, owner) == "Olga"
        # The victim's own page still works (the planted nonce is signed: it is reused).
        token = csrf_from(victim.get("/app/account").text)
        assert save_name(victim, token, "Olga B").status_code == 303
        assert name_of(session, owner) == "Olga B"


def test_a_nonce_the_server_did_not_issue_is_ignored(
    app: Any, client: TestClient, session: Session, owner: User
) -> None:
    sign_in(client)
    binding = session_binding(client.cookies.get("hireloop_session"))
    # Even a token minted with the secret is refused for a nonce the server did not sign.
    planted = "a" * 43
    plant(client, planted)
    secret = app_secret(app.state.settings)
    token = csrf_token(secret, planted, scope=CSRF_APP, binding=binding)
    assert save_name(client, token, "Planted").status_code == 403
    assert name_of(session, owner) == "Olga"
    # The next page replaces the unsigned cookie with a signed nonce of its own.
    page = client.get("/app/account")
    assert app_cookie(client) != planted and "." in app_cookie(client)
    assert save_name(client, csrf_from(page.text), "Olga B").status_code == 303


def test_the_nonce_changes_at_sign_in_and_sign_out(
    app: Any, client: TestClient, session: Session, owner: User
) -> None:
    login_page = client.get("/app/login")
    before = app_cookie(client)
    r = client.post(
        "/app/login",
        data={
            "csrf_token": csrf_from(login_page.text),
            "email": "olga@acme.com",
            "password": PASSWORD,
        },
    )
    assert r.status_code == 303
    after = app_cookie(client)
    assert after != before
    # A token rendered before sign-in does not post once signed in.
    assert save_name(client, csrf_from(login_page.text), "Before").status_code == 403
    page = client.get("/app/account")
    token = csrf_from(page.text)
    r = client.post("/app/logout", data={"csrf_token": token})
    assert r.status_code == 303 and app_cookie(client) not in (before, after)
    # Signed in again (a new session): the old session's token is refused.
    sign_in(client)
    assert save_name(client, token, "Old token").status_code == 403
    assert name_of(session, owner) == "Olga"


def test_tokens_of_the_career_pages_and_of_the_app_do_not_mix(
    app: Any, client: TestClient, session: Session, company: Company, job: Job, owner: User
) -> None:
    careers_page = client.get(job_url(company, job))
    careers_token = csrf_from(careers_page.text)
    careers_nonce = client.cookies.get(CSRF_COOKIE, path="/careers")
    assert careers_nonce
    sign_in(client)
    # The career page's cookie and token, replayed on the app.
    plant(client, careers_nonce)
    assert save_name(client, careers_token, "Via careers").status_code == 403
    assert name_of(session, owner) == "Olga"
    # An app token and cookie, replayed on the apply form.
    with browser(app) as visitor:
        app_token = csrf_from(visitor.get("/app/login").text)
        app_nonce = app_cookie(visitor)
        visitor.cookies.clear()
        visitor.cookies.set(CSRF_COOKIE, app_nonce, domain="testserver.local", path="/careers")
        r = post_apply(visitor, company, job, token=app_token)
        assert r.status_code == 403 and "this form has expired" in r.text
        # An unsigned nonce on the career pages is ignored too.
        visitor.cookies.clear()
        visitor.cookies.set(CSRF_COOKIE, "b" * 43, domain="testserver.local", path="/careers")
        assert post_apply(visitor, company, job, token=careers_token).status_code == 403
    assert session.scalars(select(Application)).all() == []


def test_anonymous_visitors_can_still_apply(
    app: Any, session: Session, company: Company, job: Job
) -> None:
    with browser(app) as visitor:
        r = post_apply(visitor, company, job)
        assert r.status_code == 303, r.text
        cookie = visitor.cookies.get(CSRF_COOKIE, path="/careers")
        assert cookie and "." in cookie  # signed by the server
    assert len(session.scalars(select(Application)).all()) == 1


def test_app_posts_from_another_origin_are_refused(
    app: Any, client: TestClient, session: Session, owner: User
) -> None:
    sign_in(client)
    token = csrf_from(client.get("/app/account").text)
    for headers in (
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "http://testserver.evil.example"},
        {"referer": "https://evil.example/page"},
    ):
        r = save_name(client, token, "Cross-site", **headers)
        assert r.status_code == 403, headers
    assert name_of(session, owner) == "Olga"
    # Our own origin (the request's host, or the public URL), or no header at all: fine.
    base_url = app.state.settings.base_url.rstrip("/")
    assert save_name(client, token, "Same", origin="http://testserver").status_code == 303
    assert save_name(client, token, "Same", origin=base_url).status_code == 303
    r = save_name(client, token, "Same", referer="http://testserver/app/account")
    assert r.status_code == 303
    assert save_name(client, token, "Same").status_code == 303
    assert name_of(session, owner) == "Same"


def test_a_cookie_signed_for_another_purpose_is_not_a_nonce(
    app: Any, client: TestClient, session: Session, owner: User
) -> None:
    """A value the server signs elsewhere (a flash code) does not pass as a nonce."""
    sign_in(client)
    secret = app_secret(app.state.settings)
    nonce = "c" * 43
    plant(client, sign(secret, "flash", nonce))
    binding = session_binding(client.cookies.get("hireloop_session"))
    token = csrf_token(secret, nonce, scope=CSRF_APP, binding=binding)
    assert save_name(client, token, "Flash").status_code == 403
    assert name_of(session, owner) == "Olga"
