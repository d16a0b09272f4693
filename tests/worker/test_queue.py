"""The Huey queue: SQLite by default, Redis when HIRELOOP_REDIS_URL is set."""

from __future__ import annotations

import socket

import pytest
from huey import RedisHuey, SqliteHuey

from hireloop.config import Settings
from hireloop.worker.queue import make_huey


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


def _round_trip(huey) -> int:  # type: ignore[no-untyped-def]
    """A task goes through the queue and runs; nothing is left behind in the store."""
    done: list[int] = []

    @huey.task()
    def add(a: int, b: int) -> None:
        done.append(a + b)

    assert add(2, 3) is None  # no result handle: results are not kept
    task = huey.dequeue()
    assert task is not None, "the task was stored in the queue"
    huey.execute(task)
    assert huey.pending_count() == 0 and huey.result_count() == 0
    return done[0]


def test_sqlite_queue_under_the_data_dir(tmp_path):
    huey = make_huey(Settings(data_dir=tmp_path))
    assert isinstance(huey, SqliteHuey)
    assert _round_trip(huey) == 5
    assert (tmp_path / "queue.db").exists()


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_redis_queue_when_configured(tmp_path):
    huey = make_huey(Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/15"))
    assert isinstance(huey, RedisHuey)
    huey.flush()
    try:
        assert _round_trip(huey) == 5
    finally:
        huey.flush()
