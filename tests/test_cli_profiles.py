"""`hireloop demo --json` and `company create --json` print Talemetry profiles credentials
(client ID, secret and a ready OAUTH token) that work against the app."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.db import Database, utcnow
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import AccessToken
from hireloop.domain.companies.service import hash_secret
from tests.conftest import create_database
from tests.test_cli import hireloop

PROFILES_KEYS = {"profiles_client_id", "profiles_client_secret", "profiles_token"}
TOKEN_SHAPE = re.compile(r"^TGC-\d{10}[A-Za-z0-9]{19}$")
URL = "/soap/profiles/v1"


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    url = create_database(f"hireloop_cli_profiles_{os.getpid()}")
    env = {**os.environ, "HIRELOOP_DATABASE_URL": url, "HIRELOOP_DATA_DIR": str(tmp_path)}
    env.pop("HIRELOOP_REDIS_URL", None)
    return env


@pytest.fixture
def db(cli_env: dict[str, str]) -> Iterator[Database]:
    database = Database(cli_env["HIRELOOP_DATABASE_URL"])
    yield database
    database.dispose()


@pytest.fixture
def api(cli_env: dict[str, str], db: Database) -> Iterator[TestClient]:
    """The app as `hireloop serve` builds it, on the CLI's database."""
    settings = Settings(
        database_url=cli_env["HIRELOOP_DATABASE_URL"], data_dir=Path(cli_env["HIRELOOP_DATA_DIR"])
    )
    app = create_app(settings, session_factory=db.session_factory)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def guids(db: Database, company_id: int) -> list[str]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(Candidate.public_id)
                .where(Candidate.company_id == company_id)
                .order_by(Candidate.id)
            )
        )


def fetch(api: TestClient, token: str, ids: list[str]) -> list[str]:
    r = api.post(URL, json={"ids": ids, "include": []}, headers={"Authorization": f"OAUTH {token}"})
    assert r.status_code == 200, r.text
    return [
        c["Candidate"]["CandidateRecordInfo"]["Id"]["IdValue"]
        for c in r.json()["result"]["Candidates"]
    ]


def token_expiry(db: Database, token: str) -> timedelta:
    with db.unit_of_work() as session:
        row = session.scalar(
            select(AccessToken).where(AccessToken.token_hash == hash_secret(token))
        )
        return row.expires_at - utcnow()


def test_demo_prints_a_working_profiles_token(cli_env, db, api):
    demo = json.loads(hireloop(cli_env, "demo", "--json"))
    assert demo.keys() >= PROFILES_KEYS
    assert demo["profiles_client_id"].startswith("sk_test_")
    assert TOKEN_SHAPE.match(demo["profiles_token"])
    assert timedelta(days=29) < token_expiry(db, demo["profiles_token"]) <= timedelta(days=30)

    ids = guids(db, demo["company_id"])
    assert len(ids) == 5
    assert fetch(api, demo["profiles_token"], ids) == ids

    # The client ID and secret get fresh tokens from the token call.
    r = api.post(
        URL + "/oauth/token",
        json={
            "client_id": demo["profiles_client_id"],
            "client_secret": demo["profiles_client_secret"],
        },
    )
    assert r.status_code == 200, r.text
    assert fetch(api, r.json()["access_token"], ids) == ids

    # Idempotent: the same credentials again.
    assert json.loads(hireloop(cli_env, "demo", "--json")) == demo


def test_a_demo_made_before_the_profiles_face_gets_its_credentials(cli_env, db, api):
    first = json.loads(hireloop(cli_env, "demo", "--json"))
    path = Path(cli_env["HIRELOOP_DATA_DIR"]) / "demo-credentials.json"
    legacy = {k: v for k, v in first.items() if k not in PROFILES_KEYS}
    path.write_text(json.dumps(legacy, indent=2))

    upgraded = json.loads(hireloop(cli_env, "demo", "--json"))
    assert upgraded.keys() >= PROFILES_KEYS
    assert {k: v for k, v in upgraded.items() if k not in PROFILES_KEYS} == legacy
    assert json.loads(path.read_text()) == upgraded
    ids = guids(db, upgraded["company_id"])
    assert fetch(api, upgraded["profiles_token"], ids) == ids
    assert json.loads(hireloop(cli_env, "demo", "--json")) == upgraded

    # A stored token that has expired is replaced; the client ID and secret stay.
    with db.unit_of_work() as session:
        row = session.scalar(
            select(AccessToken).where(
                AccessToken.token_hash == hash_secret(upgraded["profiles_token"])
            )
        )
        row.expires_at = utcnow() - timedelta(minutes=1)
    renewed = json.loads(hireloop(cli_env, "demo", "--json"))
    assert renewed["profiles_token"] != upgraded["profiles_token"]
    assert {k: v for k, v in renewed.items() if k != "profiles_token"} == {
        k: v for k, v in upgraded.items() if k != "profiles_token"
    }
    assert fetch(api, renewed["profiles_token"], ids) == ids
    r = api.post(
        URL, json={"ids": ids}, headers={"Authorization": f"OAUTH {upgraded['profiles_token']}"}
    )
    assert r.status_code == 401


def test_company_create_prints_a_working_profiles_token(cli_env, db, api):
    demo = json.loads(hireloop(cli_env, "demo", "--json"))
    created = json.loads(hireloop(cli_env, "company", "create", "Globex Hiring", "--json"))
    assert created.keys() >= PROFILES_KEYS
    assert TOKEN_SHAPE.match(created["profiles_token"])
    assert created["profiles_token"] != demo["profiles_token"]
    assert timedelta(days=29) < token_expiry(db, created["profiles_token"]) <= timedelta(days=30)
    # A working token of its own company: the demo's candidates are not its own.
    demo_ids = guids(db, demo["company_id"])
    assert fetch(api, created["profiles_token"], demo_ids) == []
    assert fetch(api, demo["profiles_token"], demo_ids) == demo_ids
