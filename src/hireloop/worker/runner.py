"""Runs the background side: the Huey consumer and the outbox relay loop."""

from __future__ import annotations

import logging
import threading

from hireloop.config import Settings
from hireloop.db import get_database
from hireloop.domain.outbox.service import relay_outbox

log = logging.getLogger(__name__)


class Worker:
    """The Huey consumer plus a thread that drains the outbox every few seconds."""

    def __init__(self, settings: Settings) -> None:
        from hireloop.worker import handlers  # noqa: F401 - registers outbox handlers
        from hireloop.worker.queue import huey

        self.settings = settings
        self.db = get_database(settings.resolved_database_url)
        self.consumer = huey.create_consumer(workers=settings.worker_threads, worker_type="thread")
        self._stop = threading.Event()
        self._relay = threading.Thread(target=self._relay_loop, name="outbox-relay", daemon=True)

    def _relay_loop(self) -> None:
        while not self._stop.is_set():
            try:
                handled = relay_outbox(self.db, max_attempts=self.settings.outbox_max_attempts)
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                log.exception("outbox relay failed")
                handled = 0
            if not handled:
                self._stop.wait(self.settings.outbox_poll_seconds)

    def start(self) -> None:
        """Start in the background (used by ``hireloop serve``)."""
        self._relay.start()
        self.consumer.start()

    def stop(self) -> None:
        self._stop.set()
        self.consumer.stop(graceful=True)
        self._relay.join(timeout=10)

    def run(self) -> None:
        """Run in the foreground until SIGINT/SIGTERM (used by ``hireloop worker``)."""
        self._relay.start()
        try:
            self.consumer.run()
        finally:
            self._stop.set()
            self._relay.join(timeout=10)
