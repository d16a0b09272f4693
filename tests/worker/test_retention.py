"""The worker's sweep deletes what has outlived its retention: stored idempotent answers,
handled outbox events, old API log rows, expired sessions and reset links, and nothing
else."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hireloop.config import Settings, get_settings
from hireloop.db import Base, Database, utcnow
from hireloop.domain.audit.models import ApiLog, IdempotentRequest
from hireloop.domain.audit.retention import Retention, sweep_retention
from hireloop.domain.companies.models import PasswordResetToken, User, UserSession
from hireloop.domain.companies.service import create_company
from hireloop.domain.outbox.models import OutboxEvent
from hireloop.worker.runner import Worker
from tests.conftest import create_database


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_retention"
    url = create_database(f"{name}_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("HIRELOOP_DATABASE_URL", url)
    monkeypatch.setenv("HIRELOOP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Retention Co")
        user = User(company_id=company.id, email="r@example.com", name="R", role="owner")
        session.add(user)
        session.flush()
        ids = {"company": company.id, "user": user.id}
    try:
        yield {"db": db, "url": url, "tmp": tmp_path, **ids}
    finally:
        db.dispose()
        get_settings.cache_clear()


def _add(world: dict[str, Any], *rows: Base) -> list[int]:
    with world["db"].unit_of_work() as session:
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]  # type: ignore[attr-defined]


def _left(world: dict[str, Any], model: type[Base]) -> set[int]:
    with world["db"].unit_of_work() as session:
        return set(session.scalars(select(model.id)))  # type: ignore[attr-defined]


def _answer(world: dict[str, Any], key: str, age: timedelta) -> IdempotentRequest:
    return IdempotentRequest(
        company_id=world["company"],
        key=key,
        endpoint="/api/job_applications",
        request_hash="0" * 64,
        response_status=201,
        response_body={},
        created_at=utcnow() - age,
    )


def _event(world: dict[str, Any], status: str, age: timedelta) -> OutboxEvent:
    at = utcnow() - age
    return OutboxEvent(
        company_id=world["company"],
        event_type="application.created",
        payload={},
        status=status,
        available_at=at,
        created_at=at,
        processed_at=at if status != "pending" else None,
    )


def _log(world: dict[str, Any], age: timedelta) -> ApiLog:
    return ApiLog(
        company_id=world["company"],
        face="career",
        method="POST",
        endpoint="/api/job_applications",
        status=201,
        latency_ms=5,
        created_at=utcnow() - age,
    )


def _user_session(world: dict[str, Any], token: str, expires_in: timedelta) -> UserSession:
    return UserSession(
        company_id=world["company"],
        user_id=world["user"],
        token_hash=token * 64,
        expires_at=utcnow() + expires_in,
    )


def _reset(world: dict[str, Any], token: str, expires_in: timedelta) -> PasswordResetToken:
    return PasswordResetToken(
        company_id=world["company"],
        user_id=world["user"],
        token_hash=token * 64,
        expires_at=utcnow() + expires_in,
    )


def test_the_worker_sweep_deletes_what_outlived_its_retention(world: dict[str, Any]) -> None:
    day = timedelta(days=1)
    hour = timedelta(hours=1)
    old_answer, new_answer = _add(
        world, _answer(world, "old", 25 * hour), _answer(world, "new", 23 * hour)
    )
    old_done, new_done, old_dead, old_pending = _add(
        world,
        _event(world, "done", 8 * day),
        _event(world, "done", 6 * day),
        _event(world, "dead", 30 * day),
        _event(world, "pending", 30 * day),  # waiting for its handler: never swept
    )
    old_log, new_log = _add(world, _log(world, 91 * day), _log(world, 89 * day))
    expired, live = _add(world, _user_session(world, "a", -hour), _user_session(world, "b", hour))
    used_up, valid = _add(world, _reset(world, "c", -hour), _reset(world, "d", hour))

    settings = Settings(data_dir=world["tmp"], database_url=world["url"])
    Worker(settings).sweep()

    assert _left(world, IdempotentRequest) == {new_answer}
    assert _left(world, OutboxEvent) >= {new_done, old_dead, old_pending}
    assert old_done not in _left(world, OutboxEvent)
    assert _left(world, ApiLog) == {new_log}
    assert _left(world, UserSession) == {live}
    assert _left(world, PasswordResetToken) == {valid}
    assert old_answer and old_log and expired and used_up


def test_retention_settings_shorten_or_keep(world: dict[str, Any]) -> None:
    day = timedelta(days=1)
    (answer,) = _add(world, _answer(world, "k", timedelta(hours=3)))
    (log,) = _add(world, _log(world, 400 * day))
    settings = Settings(
        data_dir=world["tmp"],
        database_url=world["url"],
        idempotency_retention_hours=2,
        api_log_retention_days=0,  # kept for good
    )
    deleted = sweep_retention(world["db"], Retention.from_settings(settings))
    assert deleted["idempotent_requests"] == 1 and "api_logs" not in deleted
    assert answer not in _left(world, IdempotentRequest)
    assert _left(world, ApiLog) == {log}


def test_a_backlog_goes_in_bounded_batches_oldest_first(world: dict[str, Any]) -> None:
    ids = _add(
        world, *(_answer(world, f"k{n}", timedelta(days=10 - n)) for n in range(7))
    )  # ids[0] is the oldest
    retention = Retention(idempotency=timedelta(hours=24), outbox=timedelta(days=7), api_logs=None)

    def sweep() -> int:
        return sweep_retention(world["db"], retention, batch=3, batches=1)["idempotent_requests"]

    assert sweep() == 3
    assert _left(world, IdempotentRequest) == set(ids[3:])
    assert sweep() == 3
    assert sweep() == 1
    with world["db"].unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(IdempotentRequest)) == 0


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HIRELOOP_IDEMPOTENCY_RETENTION_HOURS", "0"),
        ("HIRELOOP_OUTBOX_RETENTION_DAYS", "0"),
        ("HIRELOOP_API_LOG_RETENTION_DAYS", "-1"),
    ],
)
def test_retention_settings_out_of_range_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable.removeprefix("HIRELOOP_").lower()):
        Settings()


def test_one_pass_goes_through_several_batches(world: dict[str, Any]) -> None:
    _add(world, *(_answer(world, f"b{n}", timedelta(days=2)) for n in range(7)))
    retention = Retention(idempotency=timedelta(hours=24), outbox=timedelta(days=7), api_logs=None)
    deleted = sweep_retention(world["db"], retention, batch=2, batches=3)
    assert deleted["idempotent_requests"] == 6  # three batches of two, one left for later
    assert len(_left(world, IdempotentRequest)) == 1
