"""Test fixtures: one schema built by the Alembic migrations, a rolled-back transaction per
test, an app bound to it, and factories. HIRELOOP_TEST_DATABASE_URL selects PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Settings are read at import time by the queue module: point them at a private dir first.
_TMP = Path(tempfile.mkdtemp(prefix="hireloop-tests-"))
# The suite sets what it needs; nothing from the developer's environment leaks in
# (a scorer, an LLM endpoint, an SMTP server, a Redis queue...). HIRELOOP_SCREENSHOTS only
# tells the browser tests where to save screenshots.
_KEEP = {"HIRELOOP_SCREENSHOTS"}
for _name in [
    n for n in os.environ if n.startswith("HIRELOOP_") and "_TEST_" not in n and n not in _KEEP
]:
    del os.environ[_name]
os.environ["HIRELOOP_DATA_DIR"] = str(_TMP / "data")

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from hireloop.app import create_app  # noqa: E402
from hireloop.config import Settings  # noqa: E402
from hireloop.db import make_engine  # noqa: E402
from hireloop.migrate import upgrade  # noqa: E402
from tests.factories import Factory  # noqa: E402
from tests.fakes.llm import llm_server  # noqa: E402, F401 (a fixture for every test)

# Scratch PostgreSQL databases this run created; dropped when it ends (pytest_sessionfinish).
_SCRATCH_DATABASES: list[str] = []


def _pg_admin(pg_url: str):  # type: ignore[no-untyped-def]
    import psycopg

    admin = make_url(pg_url).set(database="postgres", drivername="postgresql")
    return psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True)


def create_database(name: str, revision: str = "head", *, keep: bool = False) -> str:
    """A fresh database migrated to ``revision``: ``name`` on the test PostgreSQL server,
    else SQLite (in the run's temporary directory). Unless ``keep``, a PostgreSQL database
    is dropped again when the run ends."""
    pg_url = os.environ.get("HIRELOOP_TEST_DATABASE_URL")
    if pg_url:
        url = make_url(pg_url).set(database=name)
        with _pg_admin(pg_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        if not keep and name not in _SCRATCH_DATABASES:
            _SCRATCH_DATABASES.append(name)
        rendered = url.render_as_string(hide_password=False)
    else:
        rendered = f"sqlite:///{_TMP / (name + '.db')}"
    upgrade(rendered, revision)
    return rendered


@pytest.fixture(scope="session")
def database_url() -> str:
    # Kept after the run (for a look at what the last test left); dropped by the next run.
    return create_database(os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test"), keep=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """What the run made outside pytest's own tmp_path goes with it: the scratch PostgreSQL
    databases (a run used to leave ~20 of them, ~28 MB each) and the temporary directory
    of the SQLite databases and data files. Session fixtures are torn down by now; a
    server a test left running loses its connections (FORCE)."""
    pg_url = os.environ.get("HIRELOOP_TEST_DATABASE_URL")
    if pg_url and _SCRATCH_DATABASES:
        import psycopg

        try:
            with _pg_admin(pg_url) as conn:
                for name in _SCRATCH_DATABASES:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:  # the run's result stands; say what was left behind
            print(f"\nscratch databases not dropped ({exc}): {', '.join(_SCRATCH_DATABASES)}")
    shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that share one outer transaction, rolled back after the test; a commit in
    the code under test only releases a savepoint."""
    connection = engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    try:
        yield factory
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    s = session_factory()
    yield s
    s.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    # API log rows written at once: the app shares the test's one connection, which a
    # background writer thread must not use (tests/domain/test_api_log.py covers it).
    return Settings(data_dir=_TMP / "data", database_url=database_url, api_log_flush_seconds=0)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    return create_app(settings, session_factory=session_factory)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def factory(session: Session) -> Factory:
    return Factory(session)
