"""Custom folder names are unique in any case, also when two creates meet: the second
answers 409 as the check before the insert does, never 500."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.app import create_app
from hireloop.config import Settings
from hireloop.db import Database
from hireloop.domain.applications import folders
from hireloop.domain.applications.models import CustomFolder
from hireloop.domain.companies.service import create_api_key, create_company
from tests.conftest import create_database
from tests.factories import Factory

P = "/api/talkpush_services"


def _post(client: TestClient, key: str, name: str) -> Any:
    return client.post(
        f"{P}/company/folders", params={"api_key": key}, json={"folder": {"folder_name": name}}
    )


def _names(session: Session, company_id: int) -> list[str]:
    return list(
        session.scalars(
            select(CustomFolder.name)
            .where(CustomFolder.company_id == company_id)
            .order_by(CustomFolder.id)
        )
    )


def test_an_insert_the_check_did_not_see_coming_is_a_conflict(
    client: TestClient, factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = factory.company("Acme BPO")
    key = factory.api_key(company, scope="leads")
    assert _post(client, key, "Pool").status_code == 200
    # What the later of two simultaneous creates meets: its check ran before the other
    # committed, so only the database can refuse it.
    monkeypatch.setattr(folders, "find_custom_folder", lambda *args, **kwargs: None)
    for name in ("Pool", "POOL", " pool "):
        r = _post(client, key, name)
        assert r.status_code == 409, r.text
        assert r.json()["message"] == f"A folder with name {name.strip()} already exists."
    # The refused insert left the request's transaction usable: other names are created.
    assert _post(client, key, "Night shift").status_code == 200
    assert _names(session, company.id) == ["Pool", "Night shift"]
    assert session.scalar(select(func.count()).select_from(CustomFolder)) == 2


def test_other_companies_may_use_the_same_name(
    client: TestClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [factory.api_key(factory.company(n), scope="leads") for n in ("One", "Two")]
    monkeypatch.setattr(folders, "find_custom_folder", lambda *args, **kwargs: None)
    assert _post(client, keys[0], "Pool").status_code == 200
    assert _post(client, keys[1], "pool").status_code == 200


@pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="PostgreSQL only: SQLite takes one writer at a time (BEGIN IMMEDIATE), so two "
    "creates never overlap there; the test above covers the refused insert on both",
)
def test_simultaneous_creates_of_one_name_on_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = create_database(os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_folders")
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Race BPO")
        key = create_api_key(session, company.id, name="leads", scope="leads").key
        session.flush()
        company_id = company.id
    # Each request runs its check, then waits for the other's: both have checked before
    # either inserts, as when a client's retry meets its first attempt.
    barrier = threading.Barrier(2, timeout=30)
    check = folders.find_custom_folder

    def check_together(*args: Any, **kwargs: Any) -> CustomFolder | None:
        found = check(*args, **kwargs)
        barrier.wait()
        return found

    monkeypatch.setattr(folders, "find_custom_folder", check_together)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, api_log_flush_seconds=0)
    app = create_app(settings)  # its own engine: the two requests are two transactions
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            # A first call records the key's use: the two creates then only read its row
            # (two writes of it would make the second wait for the first to commit).
            assert client.get(f"{P}/company/folders", params={"api_key": key}).status_code == 200
            for pair in (("Pool", "Pool"), ("Night", "night")):
                with ThreadPoolExecutor(2) as pool:
                    answers = list(pool.map(lambda name: _post(client, key, name), pair))
                codes = sorted(r.status_code for r in answers)
                assert codes == [200, 409], [r.text for r in answers]
                conflict = next(r for r in answers if r.status_code == 409)
                assert conflict.json()["message"].startswith("A folder with name ")
        with db.unit_of_work() as session:
            names = _names(session, company_id)
        assert sorted(n.lower() for n in names) == ["night", "pool"]
    finally:
        db.dispose()
