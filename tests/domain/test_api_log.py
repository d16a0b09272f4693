"""The API log writer: rows batched by a background thread, written at the latest on
flush or shutdown; a bad row loses only itself; an outage does not grow memory forever."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hireloop.db import Database
from hireloop.domain.audit import api_log
from hireloop.domain.audit.api_log import ApiLogWriter
from hireloop.domain.audit.models import ApiLog
from hireloop.domain.companies.service import create_company
from tests.conftest import create_database


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database(create_database(f"hireloop_api_log_{os.getpid()}"))
    with database.unit_of_work() as session:
        session.query(ApiLog).delete()
    yield database
    database.dispose()


def _row(endpoint: str, company_id: int | None = None, **extra: object) -> dict[str, object]:
    return {
        "company_id": company_id,
        "api_key_id": None,
        "face": "career",
        "method": "GET",
        "endpoint": endpoint,
        "status": 200,
        "latency_ms": 3,
        "ip": "127.0.0.1",
        "user_agent": "test/1.0",
        "created_at": datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
        **extra,
    }


def _logged(db: Database) -> list[str]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(ApiLog.endpoint).order_by(ApiLog.id)))


def test_rows_wait_for_the_batch_and_flush_writes_them(db: Database) -> None:
    writer = ApiLogWriter(db.session_factory, delay=30)
    assert writer.buffered
    for i in range(3):
        writer.write(_row(f"/api/job_offers/{i}"))
    assert _logged(db) == [], "still waiting for the batch"
    writer.flush()
    assert _logged(db) == ["/api/job_offers/0", "/api/job_offers/1", "/api/job_offers/2"]
    with db.unit_of_work() as session:
        row = session.scalars(select(ApiLog)).first()
        assert row is not None and row.created_at == datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    started = time.monotonic()
    writer.close()
    assert time.monotonic() - started < 5, "close wakes the thread instead of waiting 30 s"


def test_the_thread_writes_within_the_delay(db: Database) -> None:
    writer = ApiLogWriter(db.session_factory, delay=0.05)
    try:
        writer.write(_row("/api/job_offers"))
        writer.write(_row("/api/job_applications"))
        deadline = time.monotonic() + 5
        while len(_logged(db)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _logged(db) == ["/api/job_offers", "/api/job_applications"]
    finally:
        writer.close()


def test_close_writes_what_is_left_and_then_rows_go_straight_in(db: Database) -> None:
    writer = ApiLogWriter(db.session_factory, delay=30)
    writer.write(_row("/before-close"))
    writer.close()
    assert _logged(db) == ["/before-close"]
    assert not writer.buffered
    writer.write(_row("/after-close"))
    assert _logged(db) == ["/before-close", "/after-close"]


def test_a_row_the_database_refuses_loses_only_itself(db: Database) -> None:
    with db.unit_of_work() as session:
        company_id = create_company(session, "Logged Co").id
    writer = ApiLogWriter(db.session_factory, delay=30)
    writer.write(_row("/ok-1", company_id))
    writer.write(_row("/gone", company_id + 1000))  # no such company: a foreign-key error
    writer.write(_row("/ok-2", company_id))
    writer.flush()
    assert _logged(db) == ["/ok-1", "/ok-2"]
    writer.close()


def test_a_database_that_cannot_be_reached_loses_the_batch_once(caplog) -> None:  # type: ignore[no-untyped-def]
    unreachable = Database("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    try:
        writer = ApiLogWriter(unreachable.session_factory, delay=30)
        for i in range(3):
            writer.write(_row(f"/{i}"))
        with caplog.at_level("ERROR", logger="hireloop.domain.audit.api_log"):
            writer.flush()  # no exception reaches the caller
        errors = [r for r in caplog.records if r.name == "hireloop.domain.audit.api_log"]
        assert [r.getMessage() for r in errors] == ["could not write 3 API log row(s)"]
        writer.close()
    finally:
        unreachable.dispose()


def test_a_held_up_writer_keeps_the_latest_rows_only(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(api_log, "MAX_PENDING", 3)
    writer = ApiLogWriter(db.session_factory, delay=30)
    for i in range(5):
        writer.write(_row(f"/{i}"))
    assert writer.dropped == 2
    writer.flush()
    assert _logged(db) == ["/2", "/3", "/4"]
    writer.close()


def test_without_a_delay_each_row_is_written_at_once(db: Database) -> None:
    writer = ApiLogWriter(db.session_factory, delay=0)
    assert not writer.buffered
    writer.write(_row("/now"))
    assert _logged(db) == ["/now"]
