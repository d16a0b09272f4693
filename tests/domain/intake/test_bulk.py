"""The helpers of bulk intake: identifiers and PINs made many at a time, and rows checked
in a thread while the previous ones are written."""

from __future__ import annotations

import gc
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from hireloop.domain.intake.bulk import Gate, collector_paused, pins, public_ids, read_ahead


def test_public_ids_are_distinct_random_uuids() -> None:
    ids = public_ids(2_000)
    assert len(set(ids)) == 2_000
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value, "canonical lower-case form, as str(uuid4())"
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
    # The variant digit takes its four possible values (the other bits are random).
    assert {value[19] for value in ids} == set("89ab")
    assert public_ids(0) == []


def test_pins_are_six_random_digits() -> None:
    values = pins(5_000)
    assert len(values) == 5_000
    assert all(len(p) == 6 and p.isdigit() for p in values)
    assert len(set(values)) > 4_900, "random, not a sequence of a few values"
    assert {p[0] for p in values} == set("0123456789"), "leading zeros are kept"
    assert pins(0) == []


def _ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "intake-read-ahead"]


def test_read_ahead_gives_the_items_in_order_and_the_producers_error() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))

    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("row 2 is broken")

    got: list[int] = []
    with pytest.raises(ValueError, match="row 2 is broken"):
        for item in read_ahead(broken()):
            got.append(item)
    assert got == [1]


def test_a_gate_opens_while_a_statement_of_its_session_runs(session: Session) -> None:
    with Gate(session) as gate:
        passed = threading.Event()
        waiter = threading.Thread(target=lambda: (gate.wait(), passed.set()), daemon=True)
        waiter.start()
        assert not passed.wait(0.2), "closed while the consumer runs Python"
        session.execute(text("SELECT 1"))
        assert passed.wait(5), "a statement opened it"
        waiter.join(5)
    # Once the consumer is done, the gate stays open: a producer left behind goes on.
    gate.wait()


def test_a_gated_producer_waits_while_the_consumer_works(session: Session) -> None:
    with Gate(session) as gate:
        pieces: list[int] = []  # the producer's progress, piece by piece

        def checked() -> Iterator[int]:
            for i in range(4):
                for _ in range(5):  # a chunk's rows, checked a few at a time
                    gate.wait()
                    time.sleep(0.01)
                    pieces.append(i)
                yield i

        got = []
        for item in read_ahead(checked(), gate=gate):
            got.append(item)
            if item == 0:
                # Python work of the consumer (a sleep leaves the GIL free, as the
                # database does: an ungated producer would check ahead meanwhile, 30
                # pieces in this time). At most the piece under way when the consumer
                # took its item ends.
                before = len(pieces)
                time.sleep(0.3)
                assert len(pieces) - before <= 1, pieces
                session.execute(text("SELECT 1"))
        assert got == [0, 1, 2, 3]
        assert len(pieces) == 20


def test_a_consumer_that_stops_early_releases_a_gated_producer(session: Session) -> None:
    with Gate(session) as gate:

        def endless() -> Iterator[int]:
            i = 0
            while True:
                gate.wait()
                yield i
                i += 1

        items = read_ahead(endless(), gate=gate)
        assert next(items) == 0
        items.close()  # the consumer gives up (an error in the import)
        assert not _ahead_threads()


def test_the_collector_is_paused_until_the_last_import_ends() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # another import of the process, at the same time
            assert not gc.isenabled()
        assert not gc.isenabled(), "the first import still runs"
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()
    gc.disable()  # off before: an import does not turn it on
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
