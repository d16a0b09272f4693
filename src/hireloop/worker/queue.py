"""The Huey task queue: SQLite storage under the data dir, or Redis when configured."""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey

from hireloop.config import Settings, get_settings


def make_huey(settings: Settings, *, results: bool = False) -> Huey:
    """The queue. Task results are not kept (``results``): no caller reads them (a task
    records what it did in the database), and a result store nobody empties grows by one
    entry per task."""
    if settings.redis_url:
        return RedisHuey("hireloop", url=settings.redis_url, results=results)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        "hireloop",
        filename=str((settings.data_dir / "queue.db").resolve()),
        results=results,
    )


huey = make_huey(get_settings())
