"""Writing ``api_logs`` rows without a transaction per request.

A row is written after its response has gone out. Each in its own session and transaction
cost a career-site apply about a sixth of its server CPU (a connection check-out with its
ping, an INSERT, a commit and its WAL flush): ~4 of ~23 ms on the benchmark. With a delay
(``HIRELOOP_API_LOG_FLUSH_SECONDS``, default 0.25 s) the rows of a process wait in memory
and a background thread writes them in batches: one multi-row INSERT and one commit for
everything that arrived meanwhile. What is lost when the process is killed outright is the
last fraction of a second of log rows, never a request's own data; a normal shutdown
writes them (``close``). With a delay of 0 each row is written at once, in the caller's
thread.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from hireloop.domain.audit.models import ApiLog

log = logging.getLogger(__name__)

MAX_BATCH = 500
# Rows kept while the writer is held up (a slow or hanging database); beyond that the oldest
# are dropped (and counted in the log), so that the process never grows without bound.
MAX_PENDING = 50_000


class ApiLogWriter:
    def __init__(self, session_factory: Callable[[], Session], delay: float) -> None:
        self._session_factory = session_factory
        self._delay = max(0.0, delay)
        self._pending: deque[dict[str, Any]] = deque()
        self._wake = threading.Condition()
        self._writing = threading.Lock()  # one batch at a time: the thread's or flush()'s
        self._thread: threading.Thread | None = None
        self._closed = False
        self.dropped = 0

    @property
    def buffered(self) -> bool:
        """True when ``write`` only queues the row (no database work in the caller)."""
        return self._delay > 0 and not self._closed

    def write(self, row: dict[str, Any]) -> None:
        """Log one call (``ApiLog`` column values; set ``created_at``: the row may be
        written a moment later)."""
        if self._delay == 0 or self._closed:
            self._insert([row])
            return
        with self._wake:
            if len(self._pending) >= MAX_PENDING:
                self._pending.popleft()
                self.dropped += 1
                if self.dropped in (1, 1_000) or self.dropped % 100_000 == 0:
                    log.warning(
                        "API log: %s rows dropped (the database is not taking them)", self.dropped
                    )
            self._pending.append(row)
            if self._thread is None:
                # Started on first use, in the process that serves (not one it forked from).
                self._thread = threading.Thread(target=self._run, name="api-log", daemon=True)
                self._thread.start()
            self._wake.notify()

    def flush(self) -> None:
        """Write every row waiting now, in the caller's thread."""
        with self._writing:
            while True:
                batch = self._take()
                if not batch:
                    return
                self._insert(batch)

    def close(self) -> None:
        """Stop the thread and write what is left (a server shutting down)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()

    def _take(self) -> list[dict[str, Any]]:
        with self._wake:
            n = min(len(self._pending), MAX_BATCH)
            return [self._pending.popleft() for _ in range(n)]

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
            # Let the rows of the next moments join this batch.
            with self._wake:
                self._wake.wait_for(
                    lambda: self._closed or len(self._pending) >= MAX_BATCH, self._delay
                )
            self.flush()

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        """One INSERT for the batch. If the database refuses a row of it (a company deleted
        meanwhile, say), each row on its own, so that one bad row loses only itself; if it
        cannot take the batch at all (down, unreachable), the batch is logged as lost, once,
        as a single row was when each call wrote its own."""
        try:
            self._commit(rows)
            return
        except (IntegrityError, DataError):
            if len(rows) == 1:
                log.exception("could not write the API log row")
                return
        except Exception:  # noqa: BLE001 - a log row must never fail anything else
            log.exception("could not write %s API log row(s)", len(rows))
            return
        for row in rows:
            try:
                self._commit([row])
            except Exception:  # noqa: BLE001
                log.exception("could not write the API log row")

    def _commit(self, rows: list[dict[str, Any]]) -> None:
        session = self._session_factory()
        try:
            session.execute(insert(ApiLog), rows)
            session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()
