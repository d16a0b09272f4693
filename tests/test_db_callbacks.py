"""Transaction callbacks: files written for a change go away if the change does not happen."""

from __future__ import annotations

import pytest

from hireloop.db import Database, on_commit, on_rollback


@pytest.fixture
def db(tmp_path):  # type: ignore[no-untyped-def]
    database = Database(f"sqlite:///{tmp_path / 'cb.db'}")
    yield database
    database.dispose()


def test_commit_runs_commit_callbacks_only(db):
    log: list[str] = []
    with db.unit_of_work() as session:
        on_commit(session, lambda: log.append("committed"))
        on_rollback(session, lambda: log.append("rolled back"))
        with session.begin_nested():  # a savepoint does not count as the commit
            pass
        assert log == []
    assert log == ["committed"]


def test_rollback_runs_rollback_callbacks_only(db):
    log: list[str] = []
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        on_commit(session, lambda: log.append("committed"))
        on_rollback(session, lambda: log.append("rolled back"))
        with session.begin_nested():
            pass
        raise RuntimeError("boom")
    assert log == ["rolled back"]
