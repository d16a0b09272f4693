"""Company administration over HTTP: weekly statistics, deleting a user, transferring the
ownership, API keys (shown once, working on the leads API, revoked), the stored mailbox
(account emails' bodies hidden), owner-only pages and tenancy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.candidates.models import Comment
from hireloop.domain.companies import accounts
from hireloop.domain.companies.models import ApiKey, Company, User, UserSession
from hireloop.domain.companies.service import create_user
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.service import add_comment
from hireloop.domain.messaging.models import Message
from hireloop.errors import Forbidden, Invalid
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"


def make_client(app: Any) -> TestClient:
    return TestClient(
        app, raise_server_exceptions=False, follow_redirects=False, client=("203.0.113.9", 5000)
    )


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with make_client(app) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Admin")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session,
        company.id,
        email="olga@acmeadmin.com",
        name="Olga",
        password=PASSWORD,
        role="owner",
    )
    session.commit()
    return user


@pytest.fixture
def manager(session: Session, company: Company) -> User:
    user = create_user(
        session, company.id, email="mia@acmeadmin.com", name="Mia", password=PASSWORD
    )
    session.commit()
    return user


def sign_in(client: TestClient, user: User) -> None:
    page = client.get("/app/login")
    r = client.post(
        "/app/login",
        data={"csrf_token": csrf_from(page.text), "email": user.email, "password": PASSWORD},
    )
    assert r.status_code == 303, r.text


def post(client: TestClient, path: str, data: dict[str, str] | None = None) -> Any:
    token = csrf_from(client.get("/app/account").text)
    return client.post(path, data={"csrf_token": token, **(data or {})})


# --- Weekly statistics --------------------------------------------------------------------


def test_owner_toggles_weekly_statistics(
    client: TestClient, session: Session, owner: User, manager: User
) -> None:
    sign_in(client, owner)
    page = client.get("/app/company")
    assert f'data-testid="weekly-{manager.id}"' in page.text
    r = post(client, f"/app/company/users/{manager.id}/weekly-stats", {"enabled": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/app/company"
    session.refresh(manager)
    assert manager.weekly_stats is True
    page = client.get("/app/company")
    assert "The weekly statistics email is on." in page.text
    assert f'aria-checked="true" data-testid="weekly-{manager.id}"' in page.text
    post(client, f"/app/company/users/{manager.id}/weekly-stats", {"enabled": "0"})
    session.refresh(manager)
    assert manager.weekly_stats is False


def test_a_manager_toggles_only_their_own_weekly_statistics(
    client: TestClient, session: Session, owner: User, manager: User
) -> None:
    sign_in(client, manager)
    page = client.get("/app/company")
    assert f'data-testid="weekly-{manager.id}"' in page.text
    assert f'data-testid="weekly-{owner.id}"' not in page.text
    assert (
        post(client, f"/app/company/users/{manager.id}/weekly-stats", {"enabled": "1"}).status_code
        == 303
    )
    session.refresh(manager)
    assert manager.weekly_stats is True
    r = post(client, f"/app/company/users/{owner.id}/weekly-stats", {"enabled": "1"})
    assert r.status_code == 403
    session.refresh(owner)
    assert owner.weekly_stats is False


def test_weekly_statistics_need_a_csrf_token(
    client: TestClient, session: Session, owner: User
) -> None:
    sign_in(client, owner)
    r = client.post(f"/app/company/users/{owner.id}/weekly-stats", data={"enabled": "1"})
    assert r.status_code == 403
    session.refresh(owner)
    assert owner.weekly_stats is False


# --- Deleting a user ----------------------------------------------------------------------


def test_owner_deletes_a_manager_whose_records_stay(
    client: TestClient,
    session: Session,
    factory: Factory,
    company: Company,
    owner: User,
    manager: User,
) -> None:
    manager_id = manager.id
    job = factory.job(company)
    job.campaign_settings = {**(job.campaign_settings or {}), "manager_ids": [manager.id]}
    application = factory.application(job, factory.candidate(company))
    add_comment(session, company.id, application.id, manager.email, "Great fit")
    session.commit()
    mia = make_client(client.app)
    with mia:
        sign_in(mia, manager)
        sign_in(client, owner)
        page = client.get(f"/app/company/users/{manager.id}/delete")
        assert page.status_code == 200 and "Delete the account of Mia" in page.text
        r = post(client, f"/app/company/users/{manager.id}/delete")
        assert r.status_code == 303
        assert "The user was deleted" in client.get("/app/company").text
        assert mia.get("/app").status_code == 303  # signed out
    session.expire_all()
    assert session.get(User, manager_id) is None
    assert session.scalar(select(UserSession).where(UserSession.user_id == manager_id)) is None
    comment = session.scalar(select(Comment).where(Comment.application_id == application.id))
    assert comment is not None and comment.author_user_id is None
    assert session.get(Job, job.id).campaign_settings["manager_ids"] == []  # type: ignore[union-attr]


def test_the_owner_cannot_be_deleted(client: TestClient, session: Session, owner: User) -> None:
    sign_in(client, owner)
    r = post(client, f"/app/company/users/{owner.id}/delete")
    assert r.status_code == 400 and "cannot be deleted" in r.text
    assert session.get(User, owner.id) is not None


def test_delete_and_transfer_are_owner_only(
    client: TestClient, session: Session, owner: User, manager: User, company: Company
) -> None:
    other = create_user(
        session, company.id, email="max@acmeadmin.com", name="Max", password=PASSWORD
    )
    session.commit()
    sign_in(client, manager)
    for path in (
        f"/app/company/users/{other.id}/delete",
        f"/app/company/users/{other.id}/transfer",
        "/app/company/api-keys",
        "/app/company/mailbox",
    ):
        assert client.get(path).status_code == 403, path
    for path in (
        f"/app/company/users/{other.id}/delete",
        f"/app/company/users/{manager.id}/transfer",
        "/app/company/api-keys",
    ):
        assert post(client, path, {"name": "x", "scope": "all"}).status_code == 403, path
    session.expire_all()
    assert session.get(User, other.id) is not None
    assert session.get(User, manager.id).role == "manager"  # type: ignore[union-attr]
    assert session.scalars(select(ApiKey)).all() == []
    page = client.get("/app/company")
    assert "/delete" not in page.text and "/app/company/api-keys" not in page.text


def test_another_companys_users_are_not_found(
    client: TestClient, session: Session, factory: Factory, owner: User
) -> None:
    rival = factory.company("Rival")
    stranger = create_user(session, rival.id, email="sam@rival.com", name="Sam", password=PASSWORD)
    session.commit()
    sign_in(client, owner)
    assert client.get(f"/app/company/users/{stranger.id}/delete").status_code == 404
    assert post(client, f"/app/company/users/{stranger.id}/delete").status_code == 404
    assert post(client, f"/app/company/users/{stranger.id}/transfer").status_code == 404
    r = post(client, f"/app/company/users/{stranger.id}/weekly-stats", {"enabled": "1"})
    assert r.status_code == 404
    session.expire_all()
    assert session.get(User, stranger.id).weekly_stats is False  # type: ignore[union-attr]


# --- Ownership ----------------------------------------------------------------------------


def test_owner_transfers_the_ownership(
    client: TestClient, session: Session, owner: User, manager: User
) -> None:
    sign_in(client, owner)
    page = client.get(f"/app/company/users/{manager.id}/transfer")
    assert page.status_code == 200 and "Make Mia" in page.text
    r = post(client, f"/app/company/users/{manager.id}/transfer")
    assert r.status_code == 303
    session.expire_all()
    assert session.get(User, manager.id).role == "owner"  # type: ignore[union-attr]
    assert session.get(User, owner.id).role == "manager"  # type: ignore[union-attr]
    assert "You are now a manager" in client.get("/app/company").text
    assert client.get("/app/company/api-keys").status_code == 403  # no longer the owner


def test_ownership_goes_only_to_an_active_manager(
    session: Session, owner: User, manager: User
) -> None:
    accounts.set_user_active(session, owner, manager.id, active=False)
    with pytest.raises(Invalid):
        accounts.transfer_ownership(session, owner, manager.id)
    with pytest.raises(Invalid):
        accounts.transfer_ownership(session, owner, owner.id)
    with pytest.raises(Forbidden):
        accounts.transfer_ownership(session, manager, owner.id)


# --- API keys -----------------------------------------------------------------------------


def test_api_key_is_shown_once_works_and_is_revoked(
    client: TestClient, session: Session, owner: User, company: Company
) -> None:
    sign_in(client, owner)
    assert "No API keys yet." in client.get("/app/company/api-keys").text
    r = post(
        client, "/app/company/api-keys", {"name": "Job board", "scope": "leads", "with_secret": "1"}
    )
    assert r.status_code == 200 and "only time it is shown" in r.text
    key = re.search(r'id="issued-key-value"[^>]* value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="issued-secret-value"[^>]* value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    assert key.startswith("sk_live_") and len(secret) > 20
    assert r.headers["cache-control"] == "no-store"
    listing = client.get("/app/company/api-keys").text
    assert key not in listing and secret not in listing and key[:12] in listing
    api = "/api/talkpush_services/campaign_invitations"
    assert client.get(api, params={"api_key": key}).status_code == 200
    row = session.scalar(select(ApiKey).where(ApiKey.company_id == company.id))
    assert row is not None and row.scope == "leads" and row.created_by_user_id == owner.id
    session.expire_all()
    assert "Never" not in client.get("/app/company/api-keys").text  # last used shown
    r = post(client, f"/app/company/api-keys/{row.id}/revoke")
    assert r.status_code == 303
    assert client.get(api, params={"api_key": key}).status_code == 401
    assert "Revoked" in client.get("/app/company/api-keys").text


def test_api_key_form_errors(client: TestClient, session: Session, owner: User) -> None:
    sign_in(client, owner)
    r = post(client, "/app/company/api-keys", {"name": "  ", "scope": "all"})
    assert r.status_code == 400 and "Please give the key a name." in r.text
    assert post(client, "/app/company/api-keys", {"name": "x", "scope": "root"}).status_code == 400
    assert session.scalars(select(ApiKey)).all() == []


def test_another_companys_key_cannot_be_revoked(
    client: TestClient, session: Session, factory: Factory, owner: User
) -> None:
    rival = factory.company("Rival Keys")
    factory.api_key(rival)
    key = session.scalar(select(ApiKey).where(ApiKey.company_id == rival.id))
    assert key is not None
    sign_in(client, owner)
    assert post(client, f"/app/company/api-keys/{key.id}/revoke").status_code == 404
    session.refresh(key)
    assert key.active


# --- Stored mailbox -----------------------------------------------------------------------


def test_mailbox_lists_messages_and_hides_account_links(
    client: TestClient,
    session: Session,
    factory: Factory,
    owner: User,
    manager: User,
    company: Company,
) -> None:
    sign_in(client, owner)
    assert "No messages here yet." in client.get("/app/company/mailbox").text
    # A reset link for the manager, and a candidate email with hostile HTML.
    page = client.get("/app/password/forgot")
    client.post(
        "/app/password/forgot", data={"csrf_token": csrf_from(page.text), "email": manager.email}
    )
    reset = session.scalar(select(Message).where(Message.kind == "password_reset"))
    assert reset is not None and "token=" in reset.body_text
    session.add(
        Message(
            company_id=company.id,
            kind="manual",
            to_address="ana@example.com",
            subject="Your <b>interview</b>",
            body_text="Hello Ana, see you on Monday.",
            body_html='<p>Hello Ana</p><img src=x onerror="alert(1)"><script>alert(2)</script>',
            status="stored",
        )
    )
    reset.status = "stored"
    rival = factory.company("Rival Mail")
    session.add(
        Message(
            company_id=rival.id,
            kind="manual",
            to_address="x@rival.com",
            subject="Rival secret",
            status="stored",
        )
    )
    session.commit()
    listing = client.get("/app/company/mailbox")
    assert listing.status_code == 200
    assert (
        "Your &lt;b&gt;interview&lt;/b&gt;" in listing.text and "Rival secret" not in listing.text
    )
    assert manager.email in listing.text and "token=" not in listing.text
    reset_page = client.get(f"/app/company/mailbox/{reset.id}")
    assert reset_page.status_code == 200
    assert "token=" not in reset_page.text and 'data-testid="hidden-body"' in reset_page.text
    manual = session.scalar(
        select(Message).where(Message.kind == "manual", Message.company_id == company.id)
    )
    assert manual is not None
    detail = client.get(f"/app/company/mailbox/{manual.id}")
    assert "Hello Ana, see you on Monday." in detail.text
    assert "<script>" not in detail.text and "&lt;script&gt;" in detail.text
    assert "<img" not in detail.text
    other = session.scalar(select(Message).where(Message.company_id == rival.id))
    assert other is not None
    assert client.get(f"/app/company/mailbox/{other.id}").status_code == 404


def test_mailbox_pages(client: TestClient, session: Session, owner: User, company: Company) -> None:
    for n in range(30):
        session.add(
            Message(
                company_id=company.id,
                kind="manual",
                to_address=f"c{n}@example.com",
                subject=f"Note {n}",
                status="stored",
            )
        )
    session.add(
        Message(
            company_id=company.id, kind="manual", to_address="q@example.com", subject="Queued one"
        )
    )
    session.commit()
    sign_in(client, owner)
    first = client.get("/app/company/mailbox").text
    assert "Page 1 of 2" in first and "Queued one" not in first
    assert "Page 2 of 2" in client.get("/app/company/mailbox?page=2").text
    assert "Queued one" in client.get("/app/company/mailbox?show=all").text


def test_the_pages_speak_the_users_language(
    client: TestClient, session: Session, factory: Factory, owner: User, company: Company
) -> None:
    owner.language = "es"
    session.commit()
    job = factory.job(company, title="Agente")
    sign_in(client, owner)
    assert "Estadísticas semanales" in client.get("/app/company").text
    assert "Nueva clave de API" in client.get("/app/company/api-keys").text
    assert "Buzón" in client.get("/app/company/mailbox").text
    for tab, text in (
        ("manual", "Añadir un candidato"),
        ("csv", "Importar un archivo CSV"),
        ("cv", "Añadir candidatos desde archivos de CV"),
    ):
        assert text in client.get(f"/app/campaigns/{job.id}/add?tab={tab}").text
