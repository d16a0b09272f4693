"""Runs the background side: the Huey consumer and the outbox relay loop."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from hireloop.config import Settings
from hireloop.db import get_database
from hireloop.domain.applications.pins import sweep_expired_pins
from hireloop.domain.audit.retention import Retention, sweep_retention
from hireloop.domain.files.storage import local_storage
from hireloop.domain.intake.background import sweep_previews
from hireloop.domain.outbox.service import relay_outbox

log = logging.getLogger(__name__)

SWEEP_SECONDS = 60.0
# How long stopping waits for the relay to finish the event in hand: longer than one send
# (SMTP and SMS timeouts are 10 s by default) or one résumé fetch (15 s).
RELAY_STOP_SECONDS = 60.0
# How long an idle consumer waits at most between looks at the queue (SQLite storage
# polls; Redis blocks): a CSV import queued from the web app starts within a second.
QUEUE_MAX_DELAY = 1.0


class Worker:
    """The Huey consumer plus a thread that drains the outbox every few seconds."""

    def __init__(self, settings: Settings) -> None:
        from hireloop.worker import handlers, tasks  # noqa: F401 - registers handlers and tasks
        from hireloop.worker.queue import huey

        self.settings = settings
        self.db = get_database(settings.resolved_database_url)
        self.consumer = huey.create_consumer(
            workers=settings.worker_threads,
            worker_type=settings.worker_type,
            max_delay=QUEUE_MAX_DELAY,
        )
        self._stop = threading.Event()
        self._relay = threading.Thread(target=self._relay_loop, name="outbox-relay", daemon=True)
        # Google Sheets / Forms feeding campaigns: read with the service account; without
        # a usable one the thread records why on the linked sheets and ends.
        self._sheets = threading.Thread(target=self._sheets_loop, name="sheets-sync", daemon=True)

    def _relay_loop(self) -> None:
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                handled = relay_outbox(
                    self.db, max_attempts=self.settings.outbox_max_attempts, stop=self._stop
                )
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                log.exception("outbox relay failed")
                handled = 0
            if time.monotonic() >= next_sweep and not self._stop.is_set():
                # The next one in SWEEP_SECONDS even when this one fails (a database
                # down is not retried at every poll of the relay).
                next_sweep = time.monotonic() + SWEEP_SECONDS
                try:
                    self.sweep()
                except Exception:  # noqa: BLE001 - the relay goes on
                    log.exception("sweep failed")
            if not handled:
                self._stop.wait(self.settings.outbox_poll_seconds)

    def sweep(self) -> None:
        """The periodic chores, every SWEEP_SECONDS; each on its own, so that one failing
        (the queue unreachable, say) does not hold up the others."""
        chores: list[tuple[str, Callable[[], object]]] = [
            ("hand lost tasks to the queue again", self._requeue_stale_work),
            # CSV imports whose worker was killed mid-import: queued again, or failed
            ("queue interrupted CSV imports again", self._requeue_interrupted_imports),
            # expired interview PINs -> No Response
            ("expire PINs", lambda: sweep_expired_pins(self.db)),
            # CSV previews never imported: file and row deleted after a day
            (
                "delete old CSV previews",
                lambda: sweep_previews(self.db, local_storage(self.settings.files_dir)),
            ),
            # idempotent answers, handled outbox events, API logs, expired sessions
            (
                "delete expired rows",
                lambda: sweep_retention(self.db, Retention.from_settings(self.settings)),
            ),
        ]
        for name, chore in chores:
            try:
                chore()
            except Exception:  # noqa: BLE001 - logged; the other chores still run
                log.exception("sweep: could not %s", name)

    def _requeue_stale_work(self) -> None:
        """Tasks can be lost (a queue flushed, a worker killed); the database knows what
        is still to do, so it is handed to the queue again."""
        from hireloop.domain.batches.service import stale_item_ids
        from hireloop.domain.intake.background import stale_queued_run_ids
        from hireloop.worker.tasks import import_csv_file, parse_batch_item

        with self.db.unit_of_work() as session:
            stale = stale_item_ids(session)
            imports = stale_queued_run_ids(session)
        for item_id in stale:
            parse_batch_item(item_id)
        for run_id in imports:
            import_csv_file(run_id)

    def _requeue_interrupted_imports(self) -> None:
        """A worker killed in the middle of a CSV import (a deploy, the OOM killer) wrote
        nothing of it: the run is queued again and its task handed to the queue."""
        from hireloop.domain.intake.background import interrupted_run_ids
        from hireloop.worker.tasks import import_csv_file

        for run_id in interrupted_run_ids(self.db, local_storage(self.settings.files_dir)):
            import_csv_file(run_id)

    def _sheets_loop(self) -> None:
        """Import new Google Sheet rows every ``sheets_poll_seconds``."""
        from hireloop.domain.intake.sheets import sync_all_due
        from hireloop.integrations.google_sheets import GoogleSheetsClient

        if not self.settings.google_service_account_file:
            self._sheets_unusable(
                "Google Sheets are not configured on this server "
                "(HIRELOOP_GOOGLE_SERVICE_ACCOUNT_FILE): linked sheets are not read."
            )
            return
        try:
            client = GoogleSheetsClient.from_service_account_file(
                self.settings.google_service_account_file,
                base_url=self.settings.google_sheets_base_url,
            )
        except Exception as exc:  # noqa: BLE001 - a broken key file must not stop the worker
            log.exception("Google Sheets sync disabled: the service account file is unusable")
            self._sheets_unusable(
                "Google Sheets sync is disabled: the service account file "
                f"(HIRELOOP_GOOGLE_SERVICE_ACCOUNT_FILE) is unusable ({type(exc).__name__}: {exc})."
            )
            return
        with client:
            while not self._stop.is_set():
                try:
                    sync_all_due(self.db, client, ttl_hours=self.settings.pin_ttl_hours)
                except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                    log.exception("Google Sheets sync failed")
                self._stop.wait(self.settings.sheets_poll_seconds)

    def _sheets_unusable(self, reason: str) -> None:
        """No sheet can be read: the reason goes on every linked sheet (``last_error``)."""
        from hireloop.domain.intake.sheets import record_not_readable

        try:
            count = record_not_readable(self.db, reason)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the worker
            log.exception("could not record why Google Sheets are not read")
            return
        if count:
            log.warning("%d linked Google Sheet(s) not read: %s", count, reason)

    def start(self) -> None:
        """Start in the background (used by ``hireloop serve``)."""
        self._relay.start()
        self._sheets.start()
        self.consumer.start()

    def stop(self) -> None:
        self._stop.set()
        self.consumer.stop(graceful=True)
        # The relay ends after the event in hand (a send under way finishes).
        self._relay.join(timeout=RELAY_STOP_SECONDS)
        if self._sheets.is_alive():
            self._sheets.join(timeout=10)

    def run(self) -> None:
        """Run in the foreground until SIGINT/SIGTERM (used by ``hireloop worker``)."""
        self._relay.start()
        self._sheets.start()
        try:
            self.consumer.run()
        finally:
            self._stop.set()
            self._relay.join(timeout=RELAY_STOP_SECONDS)
