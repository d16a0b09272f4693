"""The PostgreSQL pool survives a database restart (connections killed while idle)
without an error, and does not ping a connection that was in use a moment ago unless the
server has sent it something since."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text

from hireloop import db as hdb
from tests.conftest import _pg_admin

pytestmark = pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="PostgreSQL only (HIRELOOP_TEST_DATABASE_URL): SQLite has no server connections",
)


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))


def test_a_connection_killed_while_idle_is_replaced_without_an_error(database_url, monkeypatch):
    monkeypatch.setattr(hdb, "PING_AFTER_IDLE_SECONDS", 0.0)
    engine = hdb.make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = _backend_pid(engine)
        with _pg_admin(os.environ["HIRELOOP_TEST_DATABASE_URL"]) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        assert _backend_pid(engine) != first  # the dead one was noticed and replaced
    finally:
        engine.dispose()


def test_a_connection_killed_a_moment_after_its_use_is_replaced_too(database_url) -> None:  # type: ignore[no-untyped-def]
    engine = hdb.make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = _backend_pid(engine)
        with _pg_admin(os.environ["HIRELOOP_TEST_DATABASE_URL"]) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        time.sleep(0.2)  # the server's goodbye reaches the idle socket
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_in_use_a_moment_ago_is_lent_without_a_ping(database_url, monkeypatch):
    engine = hdb.make_engine(database_url, pool_size=1, max_overflow=0)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
    try:
        pid = _backend_pid(engine)
        for _ in range(5):
            assert _backend_pid(engine) == pid
        assert pings == []
        monkeypatch.setattr(hdb, "PING_AFTER_IDLE_SECONDS", 0.0)
        assert _backend_pid(engine) == pid
        assert len(pings) == 1  # idle long enough now: pinged once, still the same one
    finally:
        engine.dispose()
