"""Accounts: sign-in, sessions, password reset, invitations, team and the allow-lists
(domain/companies/accounts.py, access.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.companies import access, accounts
from hireloop.domain.companies.models import Company, User, UserSession
from hireloop.domain.companies.service import authenticate_api_key, create_api_key, create_user
from hireloop.domain.companies.tokens import authenticate_access_token, issue_access_token
from hireloop.errors import Forbidden, Invalid, NotFound, Unauthorized
from tests.factories import Factory

PASSWORD = "correct horse battery"


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme Accounts")


@pytest.fixture
def owner(session: Session, company: Company) -> User:
    return create_user(
        session,
        company.id,
        email="owner@acmecorp.com",
        name="Olga",
        password=PASSWORD,
        role="owner",
    )


@pytest.fixture
def manager(session: Session, company: Company) -> User:
    return create_user(session, company.id, email="mia@acmecorp.com", name="Mia", password=PASSWORD)


def _sha(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Sign-in and sessions -----------------------------------------------------------------


def test_sign_in_starts_a_session_stored_hashed(session: Session, owner: User) -> None:
    signed = accounts.sign_in(
        session, "OWNER@acmecorp.com ", PASSWORD, ip="10.0.0.1", user_agent="t"
    )
    assert signed.user.id == owner.id and len(signed.token) >= 40
    row = session.scalar(select(UserSession).where(UserSession.user_id == owner.id))
    assert row is not None and row.token_hash == _sha(signed.token) != signed.token
    current = accounts.current_session(session, signed.token)
    assert (
        current is not None
        and current.user.id == owner.id
        and current.company.id == owner.company_id
    )
    assert owner.last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("owner@acmecorp.com", "wrong password"), ("nobody@acmecorp.com", PASSWORD), ("", "")],
)
def test_bad_credentials_one_message(
    session: Session, owner: User, email: str, password: str
) -> None:
    with pytest.raises(Unauthorized) as err:
        accounts.sign_in(session, email, password, ip=None, user_agent=None)
    assert err.value.message == accounts.BAD_CREDENTIALS


def test_inactive_user_or_company_cannot_sign_in(
    session: Session, owner: User, company: Company
) -> None:
    owner.active = False
    with pytest.raises(Unauthorized):
        accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    owner.active = True
    company.active = False
    with pytest.raises(Unauthorized):
        accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)


def test_ip_allowlist_refuses_sign_in_only_with_the_right_password(
    session: Session, owner: User, company: Company
) -> None:
    company.settings = {"ip_allowlist": ["192.0.2.0/24"]}
    with pytest.raises(Unauthorized):  # a wrong password says nothing about the network
        accounts.sign_in(session, owner.email, "nope nope", ip="198.51.100.7", user_agent=None)
    with pytest.raises(Forbidden) as err:
        accounts.sign_in(session, owner.email, PASSWORD, ip="198.51.100.7", user_agent=None)
    assert err.value.message == access.IP_REFUSED
    assert accounts.sign_in(session, owner.email, PASSWORD, ip="192.0.2.9", user_agent=None)


def test_sessions_expire_idle_and_absolute(session: Session, owner: User) -> None:
    signed = accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    now = signed.session.created_at
    assert accounts.current_session(session, signed.token, now=now + timedelta(hours=11))
    # Seen at +11h: the idle clock restarts.
    assert accounts.current_session(session, signed.token, now=now + timedelta(hours=22))
    assert accounts.current_session(session, signed.token, now=now + timedelta(days=8)) is None
    assert session.get(UserSession, signed.session.id) is None  # deleted when found expired

    other = accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    later = other.session.created_at + accounts.SESSION_IDLE + timedelta(seconds=1)
    assert accounts.current_session(session, other.token, now=later) is None


def test_sign_out_and_garbage_cookies(session: Session, owner: User) -> None:
    signed = accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    for junk in (None, "", "x", "é" * 40, signed.token + "x"):
        assert accounts.current_session(session, junk) is None
    accounts.end_session(session, signed.token)
    assert accounts.current_session(session, signed.token) is None


def test_deactivated_user_loses_sessions(session: Session, owner: User, manager: User) -> None:
    signed = accounts.sign_in(session, manager.email, PASSWORD, ip=None, user_agent=None)
    accounts.set_user_active(session, owner, manager.id, active=False)
    assert accounts.current_session(session, signed.token) is None
    accounts.set_user_active(session, owner, manager.id, active=True)
    assert accounts.current_session(session, signed.token) is None  # stays signed out
    assert accounts.sign_in(session, manager.email, PASSWORD, ip=None, user_agent=None)


def test_team_rules(session: Session, owner: User, manager: User, factory: Factory) -> None:
    with pytest.raises(Forbidden):
        accounts.set_user_active(session, manager, owner.id, active=False)
    with pytest.raises(Invalid):
        accounts.set_user_active(session, owner, owner.id, active=False)
    other = factory.company("Other Co")
    stranger = create_user(session, other.id, email="s@otherco.com", name="S", password=PASSWORD)
    with pytest.raises(NotFound):  # another company's user
        accounts.set_user_active(session, owner, stranger.id, active=False)
    team = accounts.list_team(session, owner.company_id)
    assert [u.id for u in team] == [owner.id, manager.id]


# --- My account ---------------------------------------------------------------------------


def test_profile_and_password_change(session: Session, owner: User) -> None:
    keep = accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    other = accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    accounts.update_profile(session, owner, name="  Olga   B ", language="es")
    assert (owner.name, owner.language) == ("Olga B", "es")
    with pytest.raises(Invalid):
        accounts.update_profile(session, owner, name="Olga", language="de")
    with pytest.raises(Invalid):
        accounts.update_profile(session, owner, name="   ", language="en")
    with pytest.raises(Invalid) as err:
        accounts.change_password(
            session, owner, current="wrong", new="new password 1", keep_session_id=keep.session.id
        )
    assert err.value.message == accounts.WRONG_CURRENT_PASSWORD
    with pytest.raises(Invalid):
        accounts.change_password(
            session, owner, current=PASSWORD, new="short", keep_session_id=keep.session.id
        )
    accounts.change_password(
        session, owner, current=PASSWORD, new="new password 1", keep_session_id=keep.session.id
    )
    assert accounts.current_session(session, keep.token) is not None
    assert accounts.current_session(session, other.token) is None
    assert accounts.sign_in(session, owner.email, "new password 1", ip=None, user_agent=None)


# --- Password reset -----------------------------------------------------------------------


def test_password_reset_is_single_use_and_ends_sessions(session: Session, owner: User) -> None:
    signed = accounts.sign_in(session, owner.email, PASSWORD, ip=None, user_agent=None)
    assert accounts.request_password_reset(session, "nobody@acmecorp.com") is None
    found = accounts.request_password_reset(session, owner.email)
    assert found is not None
    user, token = found
    assert user.id == owner.id
    assert accounts.reset_link_user(session, token) is not None
    with pytest.raises(Invalid):
        accounts.reset_password(session, token, "short", ip=None)
    accounts.reset_password(session, token, "brand new password", ip=None)
    assert accounts.current_session(session, signed.token) is None
    assert accounts.reset_link_user(session, token) is None
    with pytest.raises(Invalid) as err:
        accounts.reset_password(session, token, "another password", ip=None)
    assert err.value.message == accounts.BAD_LINK
    assert accounts.sign_in(session, owner.email, "brand new password", ip=None, user_agent=None)


def test_a_new_reset_link_replaces_the_old_one_and_links_expire(
    session: Session, owner: User
) -> None:
    first = accounts.request_password_reset(session, owner.email)
    second = accounts.request_password_reset(session, owner.email)
    assert first and second
    assert accounts.reset_link_user(session, first[1]) is None
    assert accounts.reset_link_user(session, second[1]) is not None
    from hireloop.domain.companies.models import PasswordResetToken

    row = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _sha(second[1]))
    )
    assert row is not None
    row.expires_at = row.created_at - timedelta(seconds=1)
    session.flush()
    assert accounts.reset_link_user(session, second[1]) is None


def test_reset_from_outside_the_ip_allowlist_is_refused(
    session: Session, owner: User, company: Company
) -> None:
    company.settings = {"ip_allowlist": ["10.0.0.0/8"]}
    found = accounts.request_password_reset(session, owner.email)
    assert found
    with pytest.raises(Forbidden):
        accounts.reset_password(session, found[1], "brand new password", ip="8.8.8.8")
    accounts.reset_password(session, found[1], "brand new password", ip="10.1.2.3")


# --- Invitations --------------------------------------------------------------------------


def test_invitation_flow(session: Session, owner: User, manager: User) -> None:
    with pytest.raises(Forbidden):
        accounts.invite_manager(session, manager, "new@acmecorp.com")
    with pytest.raises(Invalid):
        accounts.invite_manager(session, owner, "not an email")
    with pytest.raises(Invalid) as err:
        accounts.invite_manager(session, owner, "MIA@acmecorp.com")
    assert err.value.message == accounts.EMAIL_TAKEN
    first, first_token = accounts.invite_manager(session, owner, "New.Person@Acmecorp.com")
    invitation, token = accounts.invite_manager(session, owner, "new.person@acmecorp.com")
    assert first_token != token and invitation.token_hash == _sha(token)
    assert accounts.pending_invitation(session, first_token) is None  # replaced
    assert [i.id for i in accounts.list_pending_invitations(session, owner.company_id)] == [
        invitation.id
    ]
    with pytest.raises(Invalid):
        accounts.accept_invitation(session, token, name=" ", password=PASSWORD, ip=None)
    user = accounts.accept_invitation(session, token, name="Nina", password=PASSWORD, ip=None)
    assert (user.email, user.role, user.company_id) == (
        "new.person@acmecorp.com",
        "manager",
        owner.company_id,
    )
    assert invitation.accepted_user_id == user.id
    with pytest.raises(Invalid):
        accounts.accept_invitation(session, token, name="Nina", password=PASSWORD, ip=None)
    assert accounts.sign_in(session, user.email, PASSWORD, ip=None, user_agent=None)


def test_domain_allowlist_decides_who_may_join(
    session: Session, owner: User, company: Company
) -> None:
    access.set_allowlists(company, domains=["acmecorp.com"], ips=[], current_ip=None)
    with pytest.raises(Invalid) as err:
        accounts.invite_manager(session, owner, "friend@gmail.com")
    assert err.value.message == accounts.DOMAIN_REFUSED
    with pytest.raises(Invalid):  # a subdomain is not the domain
        accounts.invite_manager(session, owner, "x@eu.acmecorp.com")
    _, token = accounts.invite_manager(session, owner, "ok@acmecorp.com")
    # The list changes before the invitation is accepted: acceptance is refused too.
    access.set_allowlists(company, domains=["acme.org"], ips=[], current_ip=None)
    with pytest.raises(Invalid) as err:
        accounts.accept_invitation(session, token, name="Ok", password=PASSWORD, ip=None)
    assert err.value.message == accounts.DOMAIN_REFUSED


def test_invitation_expires(session: Session, owner: User) -> None:
    invitation, token = accounts.invite_manager(session, owner, "late@acmecorp.com")
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    session.flush()
    assert accounts.pending_invitation(session, token) is None
    with pytest.raises(Invalid):
        accounts.accept_invitation(session, token, name="Late", password=PASSWORD, ip=None)


# --- Allow-lists --------------------------------------------------------------------------


def test_parse_allowlists() -> None:
    assert access.parse_domain_allowlist("Acmecorp.com, @corp.example\n\nacmecorp.com") == [
        "acmecorp.com",
        "corp.example",
    ]
    for bad in ("localhost", "a..b", "-x.com", "exa mple.com;", "x_y.com"):
        with pytest.raises(Invalid):
            access.parse_domain_allowlist(bad)
    assert access.parse_ip_allowlist("10.1.2.3/8 192.0.2.1\n2001:db8::/32, ::1") == [
        "10.0.0.0/8",
        "192.0.2.1",
        "2001:db8::/32",
        "::1",
    ]
    with pytest.raises(Invalid):
        access.parse_ip_allowlist("10.0.0.0/33")
    with pytest.raises(Invalid):
        access.parse_ip_allowlist("example.com")


def test_ip_allowed() -> None:
    open_company = Company(settings={})
    assert access.ip_allowed(open_company, None) and access.ip_allowed(open_company, "junk")
    company = Company(settings={"ip_allowlist": ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"]})
    assert access.ip_allowed(company, "10.200.0.1")
    assert access.ip_allowed(company, "::ffff:10.0.0.5")  # IPv4-mapped IPv6
    assert access.ip_allowed(company, "2001:db8::42")
    assert access.ip_allowed(company, "192.0.2.1")
    for refused in ("192.0.2.2", "11.0.0.1", None, "", "testclient"):
        assert not access.ip_allowed(company, refused)


def test_an_allowlist_that_locks_the_owner_out_is_refused(company: Company) -> None:
    with pytest.raises(Invalid):
        access.set_allowlists(company, domains=[], ips=["10.0.0.0/8"], current_ip="192.0.2.5")
    assert access.ip_allowlist(company) == []
    access.set_allowlists(company, domains=[], ips=["10.0.0.0/8"], current_ip="10.9.9.9")
    assert access.ip_allowlist(company) == ["10.0.0.0/8"]


def test_api_keys_and_tokens_obey_the_ip_allowlist(session: Session, company: Company) -> None:
    issued = create_api_key(session, company.id, name="k", scope="profiles", with_secret=True)
    raw_token = issue_access_token(session, issued.api_key, timedelta(hours=1))
    company.settings = {"ip_allowlist": ["192.0.2.0/24"]}
    session.flush()
    # Outside an HTTP request (CLI, worker) nothing is checked.
    assert authenticate_api_key(session, issued.key, scope="profiles")
    for ip, allowed in (("192.0.2.50", True), ("203.0.113.9", False)):
        reset = access.request_ip.set(ip)
        try:
            if allowed:
                assert authenticate_api_key(session, issued.key, scope="profiles")
                assert authenticate_access_token(session, raw_token)
            else:
                with pytest.raises(Forbidden):
                    authenticate_api_key(session, issued.key, scope="profiles")
                with pytest.raises(Forbidden):
                    authenticate_access_token(session, raw_token)
        finally:
            access.request_ip.reset(reset)


def test_login_limiter_counts_per_ip_and_email() -> None:
    limiter = access.LoginLimiter(limit="3 per 15 minutes")
    for _ in range(3):
        assert limiter.allowed("login", "10.0.0.1", "a@x.test")
        limiter.hit("login", "10.0.0.1", "a@x.test")
    assert not limiter.allowed("login", "10.0.0.1", "A@x.test ")
    assert limiter.allowed("login", "10.0.0.2", "a@x.test")
    assert limiter.allowed("login", "10.0.0.1", "b@x.test")
    limiter.clear("login", "10.0.0.1", "a@x.test")
    assert limiter.allowed("login", "10.0.0.1", "a@x.test")
