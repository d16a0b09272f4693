"""Database engine, declarative base and the unit-of-work session.

A request or a task is one unit of work: services flush, the caller of ``unit_of_work``
(or the FastAPI session dependency) commits or rolls back.
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Engine,
    Integer,
    MetaData,
    create_engine,
    event,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import (
    DeclarativeBase,
    Session,
    make_transient_to_detached,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

_M = TypeVar("_M")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# 64-bit ids on PostgreSQL; SQLite only auto-increments a plain INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    """The UUID by which faces that use GUIDs (Talqo, Talemetry) name a row."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def fold_case(value: str) -> str:
    """``value`` lowered as the database's lower() does it, on both databases: compare
    ``func.lower(column) == fold_case(value)``, never ``value.lower()``.

    Python's str.lower() differs from PostgreSQL's lower() (letter by letter) in two
    places: "İ" becomes "i" plus a combining dot (PostgreSQL: "i"), and a final capital
    sigma becomes "ς" (PostgreSQL: "σ", as everywhere else). SQLite's lower() is this
    function (registered in make_engine)."""
    return value.replace("İ", "i").replace("Σ", "σ").lower()


def _unicode_lower(value: Any) -> Any:
    """SQLite's lower(): fold_case for text, anything else as it is."""
    if not isinstance(value, str):
        return value
    return fold_case(value)


# A JSON number in plain decimal notation is at most this many digits from the point
# (a larger exponent is no number anyone stores; its plain text would be huge).
_MAX_NUMBER_EXPONENT = 1000


def json_number_text(number: Decimal) -> str | None:
    """A JSON number's text as PostgreSQL gives it for a jsonb number (``->>``): plain
    decimal notation, the digits after the point as written (``1e20`` →
    ``100000000000000000000``, ``1.50`` → ``1.50``, ``2.0`` → ``2.0``, ``-0`` → ``0``);
    None for a non-finite or absurdly large or small number."""
    if not number.is_finite() or abs(number.as_tuple().exponent) > _MAX_NUMBER_EXPONENT:
        return None
    if abs(number.adjusted()) > _MAX_NUMBER_EXPONENT:
        return None
    if number.is_zero():
        number = abs(number)
    return format(number, "f")


# A run of 19 digits: the text may hold an integer outside 64 bits (2**63 has 19 digits),
# which orjson reads as a float, losing its digits (orjson 3: no error).
_LONG_DIGITS = re.compile(r"[0-9]{19}")
_LONG_DIGITS_BYTES = re.compile(rb"[0-9]{19}")


def json_loads(data: str | bytes) -> Any:
    """JSON text as Python values, integers exact at any size: orjson's (fast), read again
    by the standard library's parser, which keeps every integer, when the text holds 19
    digits in a row (a long number, or just a long string of digits: the same values
    then). Anything orjson refuses raises its ``JSONDecodeError`` (a ``ValueError``)."""
    value = orjson.loads(data)
    if isinstance(data, str):
        long_digits = _LONG_DIGITS.search(data) is not None
    else:
        long_digits = _LONG_DIGITS_BYTES.search(data) is not None
    return json.loads(data) if long_digits else value


def jsonb_dumps(value: Any) -> str:
    """Python values as JSON text for a PostgreSQL JSONB column: orjson's (several times
    faster; an apply writes five JSON values), else the standard library's, which takes
    what orjson refuses (integers beyond 64 bits). JSONB keeps no spacing or escaping, so
    both give the same stored value. (SQLite keeps the text: it gets json.dumps's.)"""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value)


def _json_member(document: Any, key: Any) -> str | None:
    """SQLite's json_member(doc, key): ``type:text`` of the member ``key`` of a JSON
    object, as PostgreSQL's ``jsonb_typeof(doc->key) || ':' || (doc->>key)`` gives it
    (``number:2.0``, ``string:abc``, ``boolean:true``); None when missing, null, an object
    or an array. Any key works (a JSON path cannot name every key)."""
    if not isinstance(document, str) or not isinstance(key, str):
        return None
    try:
        parsed = json.loads(document, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    value = parsed.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean:" + ("true" if value else "false")
    if isinstance(value, Decimal):
        text = json_number_text(value)
        return None if text is None else "number:" + text
    if isinstance(value, str):
        return "string:" + value
    return None  # an object or an array: never equal to a filter value


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Lists read JSON columns on every row; orjson decodes them several times faster
    # (json_loads: integers beyond 64 bits, which orjson rounds, stay exact).
    kwargs.setdefault("json_deserializer", json_loads)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the sqlite3 module, start transactions (see _sqlite_begin):
            # the module's own handling breaks SAVEPOINTs, which services rely on.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            # SQLite's own lower() folds ASCII only, so a case-insensitive search for "île"
            # would miss "Île"; PostgreSQL's folds every letter. Searches compare lower()ed
            # text (ILIKE compiles to lower() LIKE lower() here): give them Python's.
            dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
            # The leads search's filter[others] (see _json_member).
            dbapi_conn.create_function("json_member", 2, _json_member, deterministic=True)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front: concurrent writers wait (busy_timeout)
            # instead of failing when a read-then-write transaction finds the snapshot stale.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("json_serializer", jsonb_dumps)
    engine = create_engine(url, **kwargs)
    if "pool_pre_ping" not in kwargs:
        _ping_after_idle(engine)
    return engine


# A pooled connection idle for longer than this is pinged before it is lent again.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_after_idle(engine: Engine) -> None:
    """Survive a database restart without a 500, as ``pool_pre_ping`` does, with fewer
    pings: a ping on every checkout (a round trip and a statement for PostgreSQL) cost a
    busy server ~1 % of its CPU. A connection is pinged before it is lent when it sat idle
    in the pool for ``PING_AFTER_IDLE_SECONDS``, or when its socket has something to read
    although no query is running: what a server that ended the session (a restart, a
    terminated backend) sends last. One that fails its ping is replaced by a new one (the
    pool retries the checkout)."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _lent(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:
            return  # a new connection
        if time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS and not _has_input(dbapi_conn):
            return  # in use a moment ago, and the server has said nothing since
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DisconnectionError() from exc  # the pool connects again


def _has_input(dbapi_conn: Any) -> bool:
    """Whether the connection's socket is readable now (no wait); True when it cannot
    tell, so that the caller pings."""
    try:
        readable, _, _ = select.select([dbapi_conn.fileno()], [], [], 0)
    except Exception:  # no socket, or closed (psycopg raises its own error)
        return True
    return bool(readable)


class Database:
    """Holds the engine and the session factory for one database URL."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def _after_fork_in_child() -> None:
    # A forked worker process must not reuse its parent's pooled connections.
    for db in _databases.values():
        db.engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)


def get_database(url: str) -> Database:
    """One Database (engine + pool) per URL per process."""
    with _lock:
        db = _databases.get(url)
        if db is None:
            db = _databases[url] = Database(url)
        return db


LIKE_ESCAPE = "\\"


def contains_pattern(value: str) -> str:
    """A LIKE pattern (escape ``LIKE_ESCAPE``) matching ``value`` literally anywhere."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's current transaction has committed (e.g. delete
    a replaced file only when the change that replaced it is durable)."""
    session.info.setdefault("on_commit", []).append(callback)


def on_rollback(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` if the session's current transaction ends without committing (e.g.
    delete a file written for a change that did not happen)."""
    session.info.setdefault("on_rollback", []).append(callback)


def _run(callbacks: list[Callable[[], None]]) -> None:
    for cb in callbacks:
        try:
            cb()
        except Exception:  # noqa: BLE001 - a failed clean-up must not undo the transaction
            logging.getLogger(__name__).exception("transaction callback failed")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # Also fires when a savepoint is released; only the outermost commit counts.
    if session.in_nested_transaction():
        return
    session.info.pop("on_rollback", None)
    _run(session.info.pop("on_commit", []))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is not None or transaction.nested:
        return  # a savepoint; the outer transaction decides
    session.info.pop("on_commit", None)
    _run(session.info.pop("on_rollback", []))


def insert_returning(
    session: Session,
    model: type[_M],
    values: dict[str, Any],
    *,
    unless_exists: list[str] | None = None,
) -> _M | None:
    """Insert one ``model`` row from ``values`` (column keys) and return it as a persistent
    object of the session, in one ``INSERT ... RETURNING``. With ``unless_exists`` (the
    columns of a unique key) a row that already has that key is left alone and None is
    returned.

    Cheaper than ``session.add`` + flush for a row written once per request: the statement
    is compiled once and reused, the unit of work's per-object bookkeeping is skipped, and
    the object is built from the values sent plus what only the database knows (its id,
    server defaults), as an ORM flush keeps them, without the ORM's result machinery (~40 %
    less CPU per call). Column defaults apply as usual. The object holds the very values
    given (a dict for a JSON column is not copied): replace them, do not change them in
    place, as with any attribute the ORM tracks."""
    dialect = session.get_bind().dialect.name
    key = (model, dialect, tuple(unless_exists or ()))
    cached = _insert_returning_statements.get(key)
    if cached is None:
        table = model.__table__  # type: ignore[attr-defined]
        insert = insert_for(session, table)
        if unless_exists:
            insert = insert.on_conflict_do_nothing(index_elements=unless_exists)
        mapper = sa_inspect(model)
        # Only what the database makes is read back (the new id, server defaults); the
        # rest is what was sent, Python-side defaults included, as after an ORM flush.
        from_db = [column for column in table.c if _made_by_database(column)]
        from_db = from_db or list(table.primary_key.columns)  # RETURNING needs a column
        attributes = {column.key: mapper.get_property_by_column(column).key for column in table.c}
        cached = _insert_returning_statements[key] = (
            insert.returning(*from_db),
            attributes,
            [column.key for column in from_db],
        )
    statement, attributes, returned = cached
    result = session.execute(statement, values)
    row = result.first()
    if row is None:
        return None
    sent = result.last_inserted_params()  # the values, Python-side defaults applied
    state = {attributes[k]: sent.get(k) for k in attributes}
    state.update((attributes[k], value) for k, value in zip(returned, row, strict=True))
    obj = sa_inspect(model).class_manager.new_instance()
    # As the ORM loads a row: straight into the instance's dict, no attribute history.
    obj.__dict__.update(state)
    make_transient_to_detached(obj)  # its identity key, from the primary key just read
    session.add(obj)  # persistent, with no pending change
    return obj


def _made_by_database(column: Any) -> bool:
    """Whether an INSERT's value of ``column`` is only known once the database has run it:
    a generated primary key, a server default, a SQL-expression or sequence default."""
    if column.server_default is not None:
        return True
    default = column.default
    if default is not None:
        return bool(default.is_clause_element or default.is_sequence)
    return bool(column.primary_key and column.autoincrement in (True, "auto"))


# Built once per model and conflict rule: building the statement and its cache key again
# on every call costs more than running it.
_insert_returning_statements: dict[tuple[Any, str, tuple[str, ...]], Any] = {}


def insert_for(session: Session, model: Any) -> Any:
    """An INSERT for ``model`` with the database's ON CONFLICT support (both dialects have
    ``on_conflict_do_nothing`` / ``on_conflict_do_update``)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)
