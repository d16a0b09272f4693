"""The token call and ``Authorization: OAUTH <token>``."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from hireloop.db import utcnow
from hireloop.domain.companies.models import AccessToken
from hireloop.domain.companies.service import create_api_key, revoke_api_key, set_company_active
from hireloop.domain.companies.tokens import (
    authenticate_access_token,
    issue_access_token,
    token_remaining,
)
from hireloop.errors import Unauthorized
from tests.api.profiles.conftest import TOKEN_URL, URL, ApiUser, make_api_user

TOKEN_SHAPE = re.compile(r"^TGC-\d{10}[A-Za-z0-9]{19}$")
BODY = {"ids": [], "include": []}
BAD_HEADER = 'Missing or malformed Authorization header: send "OAUTH <token>".'
BAD_TOKEN = "Invalid or expired access token."
BAD_CLIENT = "Invalid client credentials."


def assert_401(r, message: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 401, r.text
    assert r.json() == {"error": {"code": "UNAUTHORIZED", "message": message}}
    assert r.headers["www-authenticate"] == "OAUTH"


def token_row(session, raw: str) -> AccessToken:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return session.scalar(select(AccessToken).where(AccessToken.token_hash == digest))


# --- Using a token -------------------------------------------------------------------


def test_a_valid_token_is_accepted(client, api_user: ApiUser):
    r = client.post(URL, json=BODY, headers=api_user.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"result": {"Candidates": []}}


@pytest.mark.parametrize("scheme", ["OAUTH", "oauth", "OAuth"])
def test_the_scheme_is_case_insensitive(client, api_user: ApiUser, scheme: str):
    r = client.post(URL, json=BODY, headers={"Authorization": f"{scheme} {api_user.token}"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "header",
    [None, "", "OAUTH", "OAUTH ", "Bearer {token}", "Basic {token}", "{token}", "OAUTH2 {token}"],
)
def test_a_missing_or_malformed_header_is_401(client, api_user: ApiUser, header):
    headers = {} if header is None else {"Authorization": header.format(token=api_user.token)}
    assert_401(client.post(URL, json=BODY, headers=headers), BAD_HEADER)


def test_an_unknown_token_is_401(client, api_user: ApiUser):
    for token in ("TGC-1733155440r2C2BC952A8F9A34CF9", api_user.token + "x", "x\x00y"):
        r = client.post(URL, json=BODY, headers={"Authorization": f"OAUTH {token}"})
        assert_401(r, BAD_TOKEN)


def test_an_api_key_is_not_a_token(client, api_user: ApiUser):
    r = client.post(URL, json=BODY, headers={"Authorization": f"OAUTH {api_user.client_id}"})
    assert_401(r, BAD_TOKEN)


def test_an_expired_token_is_401(client, session, api_user: ApiUser):
    row = token_row(session, api_user.token)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert_401(client.post(URL, json=BODY, headers=api_user.auth), BAD_TOKEN)


def test_a_token_dies_with_its_revoked_key(client, session, api_user: ApiUser):
    assert client.post(URL, json=BODY, headers=api_user.auth).status_code == 200
    revoke_api_key(session, api_user.company.id, api_user.api_key.id)
    session.commit()
    assert_401(client.post(URL, json=BODY, headers=api_user.auth), BAD_TOKEN)


def test_a_token_of_an_inactive_company_is_403(client, session, api_user: ApiUser):
    set_company_active(session, api_user.company.id, active=False)
    session.commit()
    r = client.post(URL, json=BODY, headers=api_user.auth)
    assert r.status_code == 403
    assert r.json() == {"error": {"code": "FORBIDDEN", "message": "Your account is inactive."}}


def test_a_bad_token_is_reported_before_a_bad_body(client):
    headers = {"Authorization": "OAUTH nope", "Content-Type": "application/json"}
    for content in (b"{not json", b"", b"[1, 2]", b'{"ids": "x"}', b'{"include": ["zzz"]}'):
        assert_401(client.post(URL, content=content, headers=headers), BAD_TOKEN)
    assert_401(client.post(URL, content=b"{not json"), BAD_HEADER)


def test_tokens_are_stored_hashed_and_record_their_use(client, session, api_user: ApiUser):
    row = token_row(session, api_user.token)
    assert row is not None and row.scope == "profiles"
    assert row.company_id == api_user.company.id and row.api_key_id == api_user.api_key.id
    for value in (row.token_hash, row.scope):
        assert api_user.token not in value
    assert row.last_used_at is None
    assert client.post(URL, json=BODY, headers=api_user.auth).status_code == 200
    session.expire_all()
    assert token_row(session, api_user.token).last_used_at is not None


def test_a_key_of_scope_all_with_a_secret_works(client, factory, company):
    user = make_api_user(factory, company, scope="all")
    assert client.post(URL, json=BODY, headers=user.auth).status_code == 200


def test_tokens_of_another_scope_are_refused(session, api_user: ApiUser):
    raw = issue_access_token(session, api_user.api_key, scope="other")
    with pytest.raises(Unauthorized):
        authenticate_access_token(session, raw, scope="profiles")


def test_issuing_clears_the_keys_expired_tokens(session, api_user: ApiUser):
    old = token_row(session, api_user.token)
    old.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    fresh = issue_access_token(session, api_user.api_key)
    session.expire_all()
    assert token_row(session, api_user.token) is None
    assert token_remaining(session, fresh, api_user.api_key.id) > timedelta(minutes=59)
    assert token_remaining(session, fresh, api_user.api_key.id + 1) is None


# --- The token call ------------------------------------------------------------------


def assert_token_answer(r, client) -> str:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == {"access_token", "token_type", "expires_in"}
    assert data["token_type"] == "OAUTH"
    assert data["expires_in"] == 3600
    assert TOKEN_SHAPE.match(data["access_token"]), data["access_token"]
    assert r.headers["cache-control"] == "no-store"
    used = client.post(URL, json=BODY, headers={"Authorization": f"OAUTH {data['access_token']}"})
    assert used.status_code == 200, used.text
    return data["access_token"]


def test_token_call_with_a_json_body(client, session, api_user: ApiUser):
    body = {"client_id": api_user.client_id, "client_secret": api_user.client_secret}
    before = utcnow()
    token = assert_token_answer(client.post(TOKEN_URL, json=body), client)
    stamp = int(token[4:14])
    assert abs(stamp - before.timestamp()) < 60
    row = token_row(session, token)
    assert timedelta(minutes=59) < row.expires_at - before <= timedelta(hours=1, seconds=5)


def test_token_call_with_a_form_body(client, api_user: ApiUser):
    form = {
        "client_id": api_user.client_id,
        "client_secret": api_user.client_secret,
        "grant_type": "client_credentials",
    }
    assert_token_answer(client.post(TOKEN_URL, data=form), client)


def test_token_call_with_http_basic(client, api_user: ApiUser):
    basic = base64.b64encode(f"{api_user.client_id}:{api_user.client_secret}".encode()).decode()
    r = client.post(TOKEN_URL, headers={"Authorization": f"Basic {basic}"})
    assert_token_answer(r, client)


def test_each_call_issues_a_new_token(client, api_user: ApiUser):
    body = {"client_id": api_user.client_id, "client_secret": api_user.client_secret}
    first = client.post(TOKEN_URL, json=body).json()["access_token"]
    second = client.post(TOKEN_URL, json=body).json()["access_token"]
    assert first != second
    for token in (first, second, api_user.token):
        r = client.post(URL, json=BODY, headers={"Authorization": f"OAUTH {token}"})
        assert r.status_code == 200


def test_token_call_refuses_wrong_credentials(client, factory, session, api_user: ApiUser):
    partner = create_api_key(
        session, api_user.company.id, name="p", scope="partner", with_secret=True
    )
    no_secret = create_api_key(session, api_user.company.id, name="a", scope="all")
    session.commit()
    cases = [
        (api_user.client_id, api_user.client_secret + "x"),
        (api_user.client_id, api_user.client_id),
        ("sk_live_unknownunknownunknown", api_user.client_secret),
        (partner.key, partner.secret),
        (no_secret.key, "anything"),
    ]
    for client_id, secret in cases:
        r = client.post(TOKEN_URL, json={"client_id": client_id, "client_secret": secret})
        assert_401(r, BAD_CLIENT)
    basic = base64.b64encode(b"no-colon-here").decode()
    assert_401(client.post(TOKEN_URL, headers={"Authorization": f"Basic {basic}"}), BAD_CLIENT)
    assert_401(client.post(TOKEN_URL, headers={"Authorization": "Basic !!!"}), BAD_CLIENT)

    revoke_api_key(session, api_user.company.id, api_user.api_key.id)
    session.commit()
    body = {"client_id": api_user.client_id, "client_secret": api_user.client_secret}
    assert_401(client.post(TOKEN_URL, json=body), BAD_CLIENT)


def test_token_call_for_an_inactive_company_is_403(client, session, api_user: ApiUser):
    set_company_active(session, api_user.company.id, active=False)
    session.commit()
    body = {"client_id": api_user.client_id, "client_secret": api_user.client_secret}
    r = client.post(TOKEN_URL, json=body)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"{nope", "application/json", "Malformed JSON in request body."),
        (b"[1]", "application/json", "Request body must be a JSON object."),
        (b"", "application/json", '"client_id" is required.'),
        (b'{"client_id": "x"}', "application/json", '"client_secret" is required.'),
        (
            b'{"client_id": 5, "client_secret": "y"}',
            "application/json",
            '"client_id" must be a string.',
        ),
        (
            b'{"client_id": "x", "client_secret": "y", "grant_type": "password"}',
            "application/json",
            'Unsupported "grant_type": use "client_credentials".',
        ),
        (b"client_id=x", "application/x-www-form-urlencoded", '"client_secret" is required.'),
    ],
)
def test_token_call_refuses_bad_input(client, content, content_type, message):
    r = client.post(TOKEN_URL, content=content, headers={"Content-Type": content_type})
    assert r.status_code == 400, r.text
    assert r.json() == {"error": {"code": "INVALID_REQUEST", "message": message}}


@pytest.mark.parametrize(
    "content", [b'{"client_id": "Caf\xe9"}', b"[" * 5000 + b"]" * 5000], ids=["not-utf8", "deep"]
)
def test_token_call_with_an_undecodable_body_is_malformed_json(client, content):
    r = client.post(TOKEN_URL, content=content, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json() == {
        "error": {"code": "INVALID_REQUEST", "message": "Malformed JSON in request body."}
    }
