"""Write events to the outbox, and relay them to their handlers.

``emit`` adds a row in the caller's transaction, so an event exists exactly when the change
that caused it was committed. The relay (run by ``hireloop worker``) claims due rows one by
one with a compare-and-set update, which is safe with several workers on PostgreSQL and on
SQLite alike; a worker that dies mid-event leaves a claim that expires after a lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select, update
from sqlalchemy.orm import Session

from hireloop.db import Database, utcnow
from hireloop.domain.outbox.models import OutboxEvent

log = logging.getLogger(__name__)

Handler = Callable[[Session, OutboxEvent], None]
_handlers: dict[str, list[Handler]] = {}
# What to do when an event is given up (``dead``), in the transaction that marks it so.
GiveUp = Callable[[Session, OutboxEvent], None]
_give_ups: dict[str, list[GiveUp]] = {}
# Work a handler leaves for after its transaction: it runs with no transaction open (a
# network call), and returns what to record, run then in a short transaction of its own.
Record = Callable[[Session], None]
Work = Callable[[], Record | None]
_AFTER_COMMIT = "hireloop.outbox.after_commit"

LEASE = timedelta(minutes=5)


def handles(event_type: str) -> Callable[[Handler], Handler]:
    """Register a handler for an event type. Handlers run in the transaction that marks
    the event done, so their database writes and the 'done' mark commit together (unless
    they leave network work for after the commit: see ``after_commit``)."""

    def register(fn: Handler) -> Handler:
        _handlers.setdefault(event_type, []).append(fn)
        return fn

    return register


def gives_up(event_type: str) -> Callable[[GiveUp], GiveUp]:
    """Register what to do when an event of this type fails ``max_attempts`` times (it is
    then ``dead``): e.g. mark the message it was delivering failed, so nothing is left
    waiting silently. Runs in the transaction that marks the event dead."""

    def register(fn: GiveUp) -> GiveUp:
        _give_ups.setdefault(event_type, []).append(fn)
        return fn

    return register


def after_commit(session: Session, work: Work) -> None:
    """From a handler: run ``work`` once the handler's transaction is committed, with no
    transaction open (no database lock held, which on SQLite blocks every other writer),
    then the ``Record`` it returns in a new short transaction. The event is done when
    both succeeded; ``RetryLater`` from the record keeps its writes and runs the event
    again later, any other failure retries the event as a handler failure would."""
    session.info.setdefault(_AFTER_COMMIT, []).append(work)


class RetryLater(Exception):
    """Raised by a handler that cannot finish yet (a message scheduled for later, a
    receiver asking to wait): the event runs again at ``at``. Unlike a failure, the
    handler's database writes are kept and the attempt is not counted against
    ``max_attempts``."""

    def __init__(self, at: datetime, reason: str = "") -> None:
        super().__init__(reason or f"retry at {at.isoformat()}")
        self.at = at
        self.reason = reason


# One statement, compiled once: an apply emits three events, a bulk action one per row.
_INSERT_EVENT = insert(OutboxEvent.__table__)


_BATCH = "hireloop.outbox.batch"


def emit(session: Session, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
    """Write an event in the caller's transaction, at once (a plain INSERT: no object for
    the session to track until the next flush), or at the end of the ``batched_events``
    block it is emitted in."""
    row = {"company_id": company_id, "event_type": event_type, "payload": payload}
    batch: list[dict[str, Any]] | None = session.info.get(_BATCH)
    if batch is not None:
        batch.append(row)
    else:
        session.execute(_INSERT_EVENT, row)


@contextmanager
def batched_events(session: Session) -> Iterator[None]:
    """The events emitted in the block are written when it ends, together (in the order
    emitted), instead of one statement each: a career-site apply emits three. For
    a block that reads no events it emits, with no savepoint inside: what an error
    interrupts is dropped (its transaction is rolled back anyway)."""
    if _BATCH in session.info:  # already in a batch: the outer block writes them
        yield
        return
    batch: list[dict[str, Any]] = []
    session.info[_BATCH] = batch
    try:
        yield
    finally:
        del session.info[_BATCH]
    if batch:
        # executemany: PostgreSQL gets them in one round trip (psycopg's pipeline), and the
        # statement compiled once serves them all (a multi-row VALUES built per call cost
        # more CPU than three single INSERTs).
        session.execute(_INSERT_EVENT, batch)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 3600))


def _claim(db: Database, event_id: int) -> bool:
    now = utcnow()
    with db.unit_of_work() as session:
        result = session.execute(
            update(OutboxEvent)
            .where(
                OutboxEvent.id == event_id,
                OutboxEvent.status.in_(("pending", "processing")),
                OutboxEvent.available_at <= now,
            )
            .values(
                status="processing",
                available_at=now + LEASE,
                attempts=OutboxEvent.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def _process(db: Database, event_id: int, max_attempts: int) -> bool:
    try:
        with db.unit_of_work() as session:
            event = session.get(OutboxEvent, event_id)
            assert event is not None
            try:
                for handler in _handlers.get(event.event_type, []):
                    handler(session, event)
            except RetryLater as later:
                session.info.pop(_AFTER_COMMIT, None)
                _retry_later(event, later)
                return False
            works: list[Work] = session.info.pop(_AFTER_COMMIT, [])
            if not works:
                _done(event)
        # Work left for after the commit: the event stays claimed (``processing``) while
        # it runs; its lease lets another relay take it over if this one dies.
        for work in works:
            record = work()
            with db.unit_of_work() as session:
                event = session.get(OutboxEvent, event_id)
                assert event is not None
                try:
                    if record is not None:
                        record(session)
                except RetryLater as later:
                    _retry_later(event, later)
                    return False
                if work is works[-1]:
                    _done(event)
        return True
    except Exception as exc:  # noqa: BLE001 - any handler failure is retried later
        log.warning("outbox event %s failed: %s", event_id, exc)
        with db.unit_of_work() as session:
            event = session.get(OutboxEvent, event_id)
            assert event is not None
            event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if event.attempts >= max_attempts:
                event.status = "dead"
                for give_up in _give_ups.get(event.event_type, []):
                    give_up(session, event)
            else:
                event.status = "pending"
                event.available_at = utcnow() + backoff(event.attempts)
        return False


def _retry_later(event: OutboxEvent, later: RetryLater) -> None:
    event.status = "pending"
    event.available_at = later.at
    event.attempts -= 1  # the claim counted it; waiting is not a failure
    event.last_error = later.reason or None


def _done(event: OutboxEvent) -> None:
    event.status = "done"
    event.processed_at = utcnow()
    event.last_error = None


def _due() -> ColumnElement[bool]:
    """Events waiting for the relay: pending, or claimed by a worker whose lease ran out."""
    return and_(
        OutboxEvent.status.in_(("pending", "processing")), OutboxEvent.available_at <= utcnow()
    )


def _settle_unhandled(db: Database, event_ids: list[int]) -> int:
    """Mark due events that no handler takes ``done``, all in one statement (what a claim
    and an empty processing would do one by one: a career apply writes one such event, and
    each cost the relay two transactions). Returns how many it marked."""
    if not event_ids:
        return 0
    now = utcnow()
    with db.unit_of_work() as session:
        result = session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(event_ids), _due())
            .values(
                status="done",
                processed_at=now,
                last_error=None,
                attempts=OutboxEvent.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def relay_outbox(
    db: Database,
    *,
    limit: int = 100,
    max_attempts: int = 10,
    stop: threading.Event | None = None,
) -> int:
    """Process up to ``limit`` due events; returns how many were handled successfully.
    With ``stop``, no further event is taken once it is set (a worker shutting down ends
    with the event in hand instead of being cut off in the middle of the next send)."""
    with db.unit_of_work() as session:
        due = session.execute(
            select(OutboxEvent.id, OutboxEvent.event_type)
            .where(_due())
            .order_by(OutboxEvent.id)
            .limit(limit)
        ).all()
    done = _settle_unhandled(db, [i for i, kind in due if not _handlers.get(kind)])
    for event_id, kind in due:
        if stop is not None and stop.is_set():
            break
        if _handlers.get(kind) and _claim(db, event_id) and _process(db, event_id, max_attempts):
            done += 1
    return done
