"""Background tasks run by the Huey consumer."""

from __future__ import annotations

import logging

from hireloop.config import Settings, get_settings
from hireloop.db import get_database
from hireloop.domain.batches.service import FetchOptions, process_item
from hireloop.domain.files.storage import local_storage
from hireloop.worker.queue import huey

log = logging.getLogger(__name__)


def fetch_options(settings: Settings) -> FetchOptions:
    return FetchOptions(
        max_bytes=settings.fetch_max_bytes,
        timeout=settings.fetch_timeout_seconds,
        allow_loopback=settings.fetch_allow_loopback,
    )


@huey.task(retries=2, retry_delay=10)
def parse_batch_item(item_id: int) -> bool | None:
    """Parse one file of a résumé batch (idempotent: a claimed or finished item is skipped)."""
    settings = get_settings()
    return process_item(
        get_database(settings.resolved_database_url),
        item_id,
        storage=local_storage(settings.files_dir),
        fetch=fetch_options(settings),
    )


@huey.task()
def import_csv_file(run_id: int) -> str | None:
    """Run a CSV import the web app queued (``intake.background.run_import``: a run taken
    by another delivery of this task is skipped; the run ends completed or failed, or,
    its worker killed meanwhile, the sweeper queues it again)."""
    from hireloop.domain.intake.background import run_import

    settings = get_settings()
    return run_import(
        get_database(settings.resolved_database_url),
        run_id,
        storage=local_storage(settings.files_dir),
        ttl_hours=settings.pin_ttl_hours,
    )
