"""Many rows in one INSERT statement, the fastest way each database offers through the
same call.

PostgreSQL: ``INSERT ... SELECT ... FROM json_to_recordset(:rows)``: one short statement
and one JSON parameter per chunk, whatever its size (a multi-row ``VALUES`` with one
placeholder per cell costs more to build and to parse than to run, and arrays for
``unnest`` are escaped element by element in Python by the driver; orjson writes the
rows in C and PostgreSQL reads them in C). SQLite: SQLAlchemy's executemany, which it
batches into multi-row ``VALUES`` itself.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from sqlalchemy import Table, event, literal, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from hireloop.db import insert_for
from hireloop.domain.applications.pins import PIN_DIGITS

T = TypeVar("T")


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    constants: dict[str, Any] | None = None,
    on_conflict: Sequence[str] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (dicts with the same keys) plus ``constants`` (the same value in
    every row) into ``table``; ``on_conflict`` names the unique columns on which a row
    that already exists is skipped. Returns the ``returning`` columns of inserted rows."""
    if not rows:
        return []
    constants = constants or {}
    if session.get_bind().dialect.name == "postgresql":
        return _recordset_insert(session, table, rows, constants, on_conflict, returning)
    stmt = insert_for(session, table)
    if constants:
        stmt = stmt.values({k: _literal(table, k, v) for k, v in constants.items()})
    if on_conflict is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(on_conflict))
    if returning:
        stmt = stmt.returning(*(table.c[name] for name in returning))
        return [tuple(r) for r in session.execute(stmt, list(rows)).all()]
    session.execute(stmt, list(rows))
    return []


def _literal(table: Table, name: str, value: Any) -> Any:
    return literal(value, table.c[name].type)


def _pg_type(table: Table, name: str) -> str:
    return str(table.c[name].type.compile(dialect=postgresql.dialect()))


def _is_json(table: Table, name: str) -> bool:
    return _pg_type(table, name) in ("JSONB", "JSON")


def _recordset_insert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    constants: dict[str, Any],
    on_conflict: Sequence[str] | None,
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    varying = list(rows[0])
    params: dict[str, Any] = {"rows": orjson.dumps(list(rows)).decode()}
    selects = {name: f'x."{name}"' for name in varying}
    for j, (name, value) in enumerate(constants.items()):
        if _is_json(table, name):
            params[f"k{j}"] = orjson.dumps(value).decode()
            selects[name] = f"CAST(CAST(:k{j} AS TEXT) AS JSONB)"
        else:
            params[f"k{j}"] = value
            selects[name] = f"CAST(:k{j} AS {_pg_type(table, name)})"
    columns = ", ".join(f'"{name}"' for name in selects)
    record = ", ".join(f'"{name}" {_pg_type(table, name)}' for name in varying)
    sql = (
        f'INSERT INTO "{table.name}" ({columns}) '
        f"SELECT {', '.join(selects.values())} "
        f"FROM json_to_recordset(CAST(:rows AS JSON)) AS x({record})"
    )
    if on_conflict is not None:
        sql += f" ON CONFLICT ({', '.join(on_conflict)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
        return [tuple(r) for r in session.execute(text(sql), params).all()]
    session.execute(text(sql), params)
    return []


# The first hex digit of the fourth group: its two high bits are the variant (RFC 4122).
_VARIANT = {f"{v:x}": f"{v & 0x3 | 0x8:x}" for v in range(16)}


def public_ids(n: int) -> list[str]:
    """``n`` random UUIDs (version 4) as strings, as ``db.new_public_id`` makes them: 122
    random bits from one read of the system's random source (instead of one read and one
    UUID object per row), the version nibble set to 4 and the variant bits to ``10``."""
    digits = os.urandom(16 * n).hex()
    return [
        f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"
        for h in (digits[i : i + 32] for i in range(0, 32 * n, 32))
    ]


_PIN_RANGE = 10**PIN_DIGITS
# The largest multiple of the PIN range under 2**32: 32-bit draws at or above it are
# dropped, so that every PIN is equally likely (as with secrets.randbelow).
_PIN_LIMIT = (2**32 // _PIN_RANGE) * _PIN_RANGE


def pins(n: int) -> list[str]:
    """``n`` random PINs, as ``applications.pins.new_pin`` makes them, from a few reads of
    the system's random source instead of one per PIN."""
    out: list[str] = []
    while len(out) < n:
        data = os.urandom(4 * (n - len(out) + 8))
        for i in range(0, len(data), 4):
            value = int.from_bytes(data[i : i + 4], "big")
            if value < _PIN_LIMIT:
                out.append(f"{value % _PIN_RANGE:0{PIN_DIGITS}d}")
    return out[:n]


_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a bulk import runs.

    An import builds and drops hundreds of thousands of small objects (cells, rows, the
    dicts and tuples of each statement) and keeps many of them to the end: each
    automatic collection of the oldest generation walks them all, and the collections
    came so often that they were ~40 % of the writing thread's CPU (0.9 of 2.2 s for 100k
    rows) and stopped the checking thread too (a collection holds the GIL). Nothing an
    import makes needs the cycle collector (reference counting frees it); the collector
    runs again when the last of the process's imports ends, unless it was off before."""
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


class Gate:
    """Lets a read-ahead producer work only while its consumer is blocked: waiting for the
    database (a statement of ``session`` runs) or for the producer's next item.

    Both threads run Python under one GIL: a producer checking rows while the consumer
    builds its next statement takes turns with it every few milliseconds and slows the
    import's critical path (the consumer's Python, then the database, chunk after chunk)
    by nearly the producer's whole CPU time. Gated, the producer uses the time the
    consumer spends waiting, on the core the consumer leaves free. Use as a context
    manager around the consumer's work; on exit the gate stays open for good, so that a
    producer left behind can finish or stop."""

    def __init__(self, session: Session) -> None:
        self._open = threading.Event()
        self._connection = session.connection()

    def __enter__(self) -> Gate:
        event.listen(self._connection, "before_cursor_execute", self._on_statement)
        event.listen(self._connection, "after_cursor_execute", self._off_statement)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self._connection, "before_cursor_execute", self._on_statement)
        event.remove(self._connection, "after_cursor_execute", self._off_statement)
        self.release()

    def _on_statement(self, *_args: Any) -> None:
        self._open.set()

    def _off_statement(self, *_args: Any) -> None:
        self._open.clear()

    def wait(self) -> None:
        """Until the consumer is blocked (the producer's side)."""
        self._open.wait()

    def release(self) -> None:
        """Open for good: the consumer is done."""
        self._open.set()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """The consumer waits for the producer: let it work."""
        self._open.set()
        try:
            yield
        finally:
            self._open.clear()


def read_ahead(items: Iterable[T], depth: int = 2, *, gate: Gate | None = None) -> Iterator[T]:
    """``items``, computed in a thread up to ``depth`` items ahead of the consumer.

    For CPU-bound Python (checking rows) that can run while the consumer waits on the
    database: the GIL is free while a driver waits for the server. With ``gate`` (whose
    ``wait`` the producer calls between small pieces of work), the producer works only
    while the consumer waits. An exception of the producer is raised in the consumer; a
    consumer that stops early stops the producer. The producer must not touch the
    consumer's session."""
    channel: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                channel.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(("error", exc))

    thread = threading.Thread(target=produce, name="intake-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            if gate is None:
                kind, value = channel.get()
            else:
                with gate.waiting():
                    kind, value = channel.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        if gate is not None:
            gate.release()
        thread.join(timeout=10)
