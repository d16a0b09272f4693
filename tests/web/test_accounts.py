"""The recruiter app's accounts and shell over HTTP (TestClient): every form, its CSRF
refusal, roles, the allow-lists, the language and escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.app import create_app
from hireloop.domain.applications.service import move_application
from hireloop.domain.companies.models import Company, User
from hireloop.domain.companies.service import create_user
from hireloop.domain.messaging.models import Message
from hireloop.domain.outbox.models import OutboxEvent
from tests.factories import Factory
from tests.web.conftest import csrf_from

PASSWORD = "correct horse battery"
CLIENT_IP = "203.0.113.5"


def make_client(app: Any, ip: str = CLIENT_IP) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False, client=(ip, 5000))


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with make_client(app) as c:
        yield c


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Recruiting")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    user = create_user(
        session,
        company.id,
        email="owner@acmecorp.com",
        name="Olga",
        password=PASSWORD,
        role="owner",
    )
    session.commit()
    return user


@pytest.fixture
def manager(session: Session, company: Company) -> User:
    user = create_user(session, company.id, email="mia@acmecorp.com", name="Mia", password=PASSWORD)
    session.commit()
    return user


def token_of(client: TestClient, path: str) -> str:
    r = client.get(path)
    assert r.status_code in (200, 404), r.text
    return csrf_from(r.text)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/app/login",
        data={
            "csrf_token": token_of(client, "/app/password/forgot"),
            "email": email,
            "password": password,
        },
    )


def post(client: TestClient, path: str, data: dict[str, str], page: str = "/app") -> Any:
    return client.post(path, data={"csrf_token": token_of(client, page), **data})


# --- Sign-in ------------------------------------------------------------------------------


def test_signed_out_pages_redirect_to_sign_in(client: TestClient) -> None:
    for path in ("/app", "/app/account", "/app/company", "/app/campaigns/new"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"] == f"/app/login?next={path}"


def test_sign_in_sets_a_secure_session_cookie(client: TestClient, owner: User) -> None:
    page = client.get("/app/login")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "script-src" not in page.headers["content-security-policy"]
    csrf_cookie = page.headers["set-cookie"]
    assert "Path=/app" in csrf_cookie and "HttpOnly" in csrf_cookie
    r = client.post(
        "/app/login",
        data={
            "csrf_token": csrf_from(page.text),
            "email": "owner@acmecorp.com",
            "password": PASSWORD,
            "next": "/app/company",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/app/company"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("hireloop_session=")
    for attribute in ("HttpOnly", "Path=/app", "SameSite=lax"):
        assert attribute in cookie
    assert "Secure" not in cookie  # http base URL
    home = client.get("/app")
    assert home.status_code == 200 and "Olga" in home.text
    assert client.get("/app/login").status_code == 303  # already signed in


def test_cookies_are_secure_when_the_base_url_is_https(
    settings: Any, session_factory: Any, owner: User
) -> None:
    settings.base_url = "https://hire.example.com"
    app = create_app(settings, session_factory=session_factory)
    with make_client(app) as c:
        page = c.get("/app/login")
        assert "Secure" in page.headers["set-cookie"]
        c.cookies.set("hireloop_csrf", page.cookies.get("hireloop_csrf") or "", path="/app")
        r = c.post(
            "/app/login",
            data={"csrf_token": csrf_from(page.text), "email": owner.email, "password": PASSWORD},
        )
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_next_never_leaves_the_app(client: TestClient, owner: User) -> None:
    for target in ("https://evil.example", "//evil.example", "/careers/x", "/app\\@evil"):
        r = client.post(
            "/app/login",
            data={
                "csrf_token": token_of(client, "/app/password/forgot"),
                "email": owner.email,
                "password": PASSWORD,
                "next": target,
            },
        )
        assert r.headers["location"] == "/app"


def test_wrong_password_and_unknown_email_get_one_message(client: TestClient, owner: User) -> None:
    for email, password in (("owner@acmecorp.com", "nope nope"), ("ghost@acmecorp.com", PASSWORD)):
        r = sign_in(client, email, password)
        assert r.status_code == 401
        assert "Wrong email or password." in r.text
        assert "hireloop_session" not in r.headers.get("set-cookie", "")


def test_forms_without_a_valid_csrf_token_are_refused(
    client: TestClient, owner: User, manager: User
) -> None:
    r = client.post("/app/login", data={"email": owner.email, "password": PASSWORD})
    assert r.status_code == 403 and "form has expired" in r.text
    r = client.post(
        "/app/login", data={"csrf_token": "1.forged", "email": owner.email, "password": PASSWORD}
    )
    assert r.status_code == 403
    assert sign_in(client, owner.email).status_code == 303
    for path, data in (
        ("/app/logout", {}),
        ("/app/account", {"name": "X", "language": "en"}),
        ("/app/account/password", {"current_password": PASSWORD, "new_password": "x" * 10}),
        ("/app/company/invitations", {"email": "new@acmecorp.com"}),
        ("/app/company/settings", {"domain_allowlist": "", "ip_allowlist": ""}),
        (f"/app/company/users/{manager.id}/deactivate", {}),
        (f"/app/company/users/{manager.id}/reactivate", {}),
        ("/app/password/forgot", {"email": owner.email}),
        ("/app/password/reset", {"token": "x" * 43, "password": "x" * 10}),
        ("/app/invitation", {"token": "x" * 43, "name": "X", "password": "x" * 10}),
    ):
        r = client.post(path, data=data)
        assert r.status_code == 403, path
    assert client.get("/app").status_code == 200  # still signed in: nothing happened


def test_login_rate_limit_per_ip_and_email(app: Any, owner: User) -> None:
    with make_client(app, "198.51.100.1") as c:
        for _ in range(10):
            assert sign_in(c, owner.email, "nope nope").status_code == 401
        r = sign_in(c, owner.email)  # the right password, too late
        assert r.status_code == 429 and "Too many attempts" in r.text
    with make_client(app, "198.51.100.2") as other:  # another IP is not affected
        assert sign_in(other, owner.email).status_code == 303


def test_sign_out(client: TestClient, owner: User) -> None:
    sign_in(client, owner.email)
    r = post(client, "/app/logout", {})
    assert r.status_code == 303 and r.headers["location"] == "/app/login"
    assert 'hireloop_session=""' in r.headers["set-cookie"]
    page = client.get("/app/login")
    assert "You are signed out." in page.text
    assert client.get("/app").status_code == 303


# --- Password reset -----------------------------------------------------------------------


def _last_email(session: Session, kind: str) -> Message:
    message = session.scalar(
        select(Message).where(Message.kind == kind).order_by(Message.id.desc()).limit(1)
    )
    assert message is not None
    return message


def test_password_reset_by_email(client: TestClient, session: Session, owner: User) -> None:
    unknown = post(
        client, "/app/password/forgot", {"email": "ghost@acmecorp.com"}, "/app/password/forgot"
    )
    known = post(client, "/app/password/forgot", {"email": owner.email}, "/app/password/forgot")
    assert unknown.status_code == known.status_code == 200
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(unknown.text) == strip(known.text)  # nothing tells which emails exist
    message = _last_email(session, "password_reset")
    assert message.to_address == owner.email and message.company_id == owner.company_id
    assert session.scalar(
        select(OutboxEvent).where(
            OutboxEvent.event_type == "message.queued",
            OutboxEvent.payload["messageId"].as_integer() == message.id,
        )
    )
    link = re.search(r"http://\S+/app/password/reset\?token=(\S+)", message.body_text)
    assert link, message.body_text
    token = link.group(1)

    page = client.get(f"/app/password/reset?token={token}")
    assert page.status_code == 200 and 'name="password_confirm"' in page.text
    data = {"csrf_token": csrf_from(page.text), "token": token}
    r = client.post(
        "/app/password/reset",
        data={**data, "password": "new password 1", "password_confirm": "other one 12"},
    )
    assert r.status_code == 400 and "not the same" in r.text
    r = client.post(
        "/app/password/reset", data={**data, "password": "short", "password_confirm": "short"}
    )
    assert r.status_code == 400 and "at least 8 characters" in r.text
    r = client.post(
        "/app/password/reset",
        data={**data, "password": "new password 1", "password_confirm": "new password 1"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/app/login"
    assert "Your password was changed" in client.get("/app/login").text
    assert client.get(f"/app/password/reset?token={token}").status_code == 404  # used up
    assert sign_in(client, owner.email, "new password 1").status_code == 303


# --- Roles, team and invitations ----------------------------------------------------------


def test_managers_get_403_on_owner_actions(client: TestClient, owner: User, manager: User) -> None:
    sign_in(client, manager.email)
    page = client.get("/app/company")
    assert page.status_code == 200
    assert "Olga" in page.text and "Mia" in page.text  # the team is visible
    assert 'action="/app/company/settings"' not in page.text
    assert 'action="/app/company/invitations"' not in page.text
    for path, data in (
        ("/app/company/invitations", {"email": "new@acmecorp.com"}),
        ("/app/company/settings", {"domain_allowlist": "", "ip_allowlist": ""}),
        (f"/app/company/users/{owner.id}/deactivate", {}),
        (f"/app/company/users/{owner.id}/reactivate", {}),
    ):
        r = post(client, path, data)
        assert r.status_code == 403, path
        assert "Only the company owner can do this." in r.text


def test_owner_deactivates_and_reactivates(
    client: TestClient, app: Any, owner: User, manager: User, factory: Factory, session: Session
) -> None:
    with make_client(app) as mia:
        sign_in(mia, manager.email)
        assert mia.get("/app").status_code == 200
        sign_in(client, owner.email)
        r = post(client, f"/app/company/users/{manager.id}/deactivate", {})
        assert r.status_code == 303
        assert "The account was deactivated." in client.get("/app/company").text
        assert mia.get("/app").status_code == 303  # signed out at once
        assert sign_in(mia, manager.email).status_code == 401
        assert post(client, f"/app/company/users/{manager.id}/reactivate", {}).status_code == 303
        assert sign_in(mia, manager.email).status_code == 303
    r = post(client, f"/app/company/users/{owner.id}/deactivate", {})
    assert r.status_code == 400 and "your own account" in r.text
    other = factory.company("Other Co")
    stranger = create_user(session, other.id, email="s@otherco.com", name="S", password=PASSWORD)
    session.commit()
    assert post(client, f"/app/company/users/{stranger.id}/deactivate", {}).status_code == 404
    session.refresh(stranger)
    assert stranger.active


def test_invite_a_manager_who_accepts(
    client: TestClient, app: Any, session: Session, owner: User, company: Company
) -> None:
    sign_in(client, owner.email)
    r = post(
        client, "/app/company/settings", {"domain_allowlist": "acmecorp.com", "ip_allowlist": ""}
    )
    assert r.status_code == 303
    r = post(client, "/app/company/invitations", {"email": "friend@gmail.com"})
    assert r.status_code == 400 and "acmecorp.com" in r.text
    r = post(client, "/app/company/invitations", {"email": "nina@acmecorp.com"})
    assert r.status_code == 303
    page = client.get("/app/company")
    assert "The invitation was sent." in page.text and "nina@acmecorp.com" in page.text
    message = _last_email(session, "user_invitation")
    assert message.to_address == "nina@acmecorp.com"
    assert "Olga" in (message.subject or "") and "Acme Recruiting" in (message.subject or "")
    token = re.search(r"/app/invitation\?token=(\S+)", message.body_text).group(1)  # type: ignore[union-attr]

    with make_client(app) as nina:
        page = nina.get(f"/app/invitation?token={token}")
        assert page.status_code == 200 and "Join Acme Recruiting" in page.text
        data = {"csrf_token": csrf_from(page.text), "token": token}
        r = nina.post(
            "/app/invitation",
            data={**data, "name": "", "password": PASSWORD, "password_confirm": PASSWORD},
        )
        assert r.status_code == 400 and "Please enter your name." in r.text
        r = nina.post(
            "/app/invitation",
            data={**data, "name": "Nina", "password": PASSWORD, "password_confirm": PASSWORD},
        )
        assert r.status_code == 303 and r.headers["location"] == "/app"
        home = nina.get("/app")
        assert home.status_code == 200 and "Welcome! Your account is ready." in home.text
        assert nina.get(f"/app/invitation?token={token}").status_code == 404
    nina_user = session.scalar(select(User).where(User.email == "nina@acmecorp.com"))
    assert (
        nina_user is not None and nina_user.role == "manager" and nina_user.company_id == company.id
    )


def test_settings_validation_and_lockout(
    client: TestClient, owner: User, company: Company, session: Session
) -> None:
    sign_in(client, owner.email)
    r = post(
        client, "/app/company/settings", {"domain_allowlist": "not a domain", "ip_allowlist": ""}
    )
    assert r.status_code == 400 and "This is not a domain name: not" in r.text
    r = post(
        client, "/app/company/settings", {"domain_allowlist": "", "ip_allowlist": "10.0.0.0/99"}
    )
    assert r.status_code == 400 and "CIDR" in r.text
    r = post(
        client, "/app/company/settings", {"domain_allowlist": "", "ip_allowlist": "10.0.0.0/8"}
    )
    assert r.status_code == 400 and CLIENT_IP in r.text  # would lock the owner out
    r = post(
        client,
        "/app/company/settings",
        {"domain_allowlist": "", "ip_allowlist": f"10.0.0.0/8\n{CLIENT_IP}"},
    )
    assert r.status_code == 303
    session.refresh(company)
    assert company.settings["ip_allowlist"] == ["10.0.0.0/8", CLIENT_IP]


# --- The IP allow-list on every request ---------------------------------------------------


def test_ip_allowlist_on_pages_sign_in_and_api_keys(
    app: Any, client: TestClient, owner: User, company: Company, session: Session, factory: Factory
) -> None:
    key = factory.api_key(company, scope="partner")
    sign_in(client, owner.email)
    r = post(
        client, "/app/company/settings", {"domain_allowlist": "", "ip_allowlist": f"{CLIENT_IP}/32"}
    )
    assert r.status_code == 303
    assert client.get("/app").status_code == 200
    assert (
        client.get("/v1/partner/jobs", headers={"Authorization": f"Bearer {key}"}).status_code
        == 200
    )
    with make_client(app, "192.0.2.77") as outsider:
        # The same session cookie from another network: refused.
        outsider.cookies.update(client.cookies)
        r = outsider.get("/app")
        assert r.status_code == 403 and "not allowed from your network" in r.text
        assert outsider.get("/app/account").status_code == 403
        r = outsider.get("/v1/partner/jobs", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 403
        outsider.cookies.clear()
        r = sign_in(outsider, owner.email)
        assert r.status_code == 403 and "not allowed from your network" in r.text
        assert sign_in(outsider, owner.email, "nope nope").status_code == 401


def test_ip_allowlist_on_the_other_faces(
    app: Any, company: Company, session: Session, factory: Factory
) -> None:
    career = factory.api_key(company, scope="career")
    company.settings = {"ip_allowlist": ["10.0.0.0/8"]}
    session.commit()
    with make_client(app, "192.0.2.1") as outsider:
        assert outsider.get("/api/job_offers", headers={"X-API-Key": career}).status_code == 403
    with make_client(app, "10.1.1.1") as insider:
        assert insider.get("/api/job_offers", headers={"X-API-Key": career}).status_code == 200


# --- My account, language, escaping -------------------------------------------------------


def test_account_name_language_and_password(
    client: TestClient, owner: User, session: Session
) -> None:
    sign_in(client, owner.email)
    r = post(client, "/app/account", {"name": "Olga B", "language": "de"}, "/app/account")
    assert r.status_code == 400 and "Unknown language." in r.text
    r = post(client, "/app/account", {"name": "Olga B", "language": "es"}, "/app/account")
    assert r.status_code == 303
    page = client.get("/app/account")
    assert '<html lang="es">' in page.text
    assert "Tu cuenta se ha guardado." in page.text and "Mi cuenta" in page.text
    home = client.get("/app")
    assert (
        "Campañas" in home.text and "+ Nueva campaña" in home.text and "Cerrar sesión" in home.text
    )
    r = post(
        client,
        "/app/account/password",
        {
            "current_password": "nope",
            "new_password": "new password 1",
            "new_password_confirm": "new password 1",
        },
        "/app/account",
    )
    assert r.status_code == 400 and "Tu contraseña actual no es correcta." in r.text
    r = post(
        client,
        "/app/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "new password 1",
            "new_password_confirm": "new password 1",
        },
        "/app/account",
    )
    assert r.status_code == 303
    for lang, word in (("fr", "Campagnes"), ("pt", "Campanhas"), ("en", "Campaigns")):
        post(client, "/app/account", {"name": "Olga B", "language": lang}, "/app/account")
        assert f"<h1>{word}</h1>" in client.get("/app").text


def test_signed_out_pages_follow_accept_language(client: TestClient) -> None:
    r = client.get("/app/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in r.text and "Se connecter" in r.text
    r = client.get("/app/login", headers={"Accept-Language": "de, pt;q=0.4"})
    assert "Entrar" in r.text


def test_a_script_in_a_user_name_shows_as_text(
    client: TestClient, owner: User, manager: User
) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sign_in(client, manager.email)
    assert (
        post(
            client, "/app/account", {"name": payload, "language": "en"}, "/app/account"
        ).status_code
        == 303
    )
    for path in ("/app", "/app/account", "/app/company"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


# --- The welcome screen -------------------------------------------------------------------


def test_welcome_lists_visible_campaigns_with_folder_counts(
    client: TestClient,
    owner: User,
    manager: User,
    company: Company,
    factory: Factory,
    session: Session,
) -> None:
    open_job = factory.job(company, title="Call Center Agent")
    factory.job(company, title="Secret Role")
    for _ in range(3):
        factory.application(open_job, factory.candidate(company))
    app_ = factory.application(open_job, factory.candidate(company))
    from hireloop.domain.actor import Actor

    move_application(session, app_, "shortlisted", Actor.system())
    session.commit()
    other = factory.company("Other Co")
    factory.job(other, title="Not Ours")

    sign_in(client, owner.email)
    html = client.get("/app").text
    assert "Call Center Agent" in html and "Secret Role" in html and "Not Ours" not in html
    row = re.search(r"Call Center Agent.*?</tr>", html, re.S)
    assert row
    numbers = re.findall(r'<td class="num[^"]*">(\d+)</td>', row.group(0))
    assert numbers == ["3", "0", "1", "0", "0", "0", "4"]
    assert 'href="/app/campaigns/new"' in html

    post(client, "/app/logout", {})
    sign_in(client, manager.email)
    html = client.get("/app").text
    assert "Call Center Agent" not in html and "No campaigns yet" in html


# --- Translations -------------------------------------------------------------------------


def test_every_string_of_the_app_is_translated() -> None:
    """Every message the app's templates and code mark is in each catalog, translated and
    with the same ``%(name)s`` placeholders."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    from hireloop.web.app.i18n import TRANSLATIONS_DIR, translations

    src = Path(__file__).resolve().parents[2] / "src" / "hireloop"
    method_map = [
        ("**/web/app/**.py", "python"),
        ("**/domain/companies/access.py", "python"),
        ("**/domain/companies/accounts.py", "python"),
        ("**/templates/app/**.html", "jinja2"),
        ("**/templates/app/**.txt", "jinja2"),
    ]
    options = {"**/templates/app/**": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "N_": None}
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(str(src), method_map, options, keywords)
        if isinstance(message, str) and message
    }
    assert len(found) > 100
    for language in ("es", "fr", "pt"):
        assert (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").exists()
        catalog = translations(language)
        for message in sorted(found):
            translated = catalog.gettext(message)
            assert translated != message or message in {"Total", "Actions", "Pages", "Status"}, (
                f"{language}: {message!r} is not translated"
            )
            assert sorted(re.findall(r"%\(\w+\)s", translated)) == sorted(
                re.findall(r"%\(\w+\)s", message)
            ), (language, message)
