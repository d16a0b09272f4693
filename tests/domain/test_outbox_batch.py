"""Events emitted in a ``batched_events`` block are written together when it ends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hireloop.domain.outbox.models import OutboxEvent
from hireloop.domain.outbox.service import batched_events, emit


def _events(session):  # type: ignore[no-untyped-def]
    return [
        (e.event_type, e.payload)
        for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
    ]


def test_a_batch_is_written_at_its_end_in_the_order_emitted(session, factory) -> None:  # type: ignore[no-untyped-def]
    company = factory.company()
    with batched_events(session):
        emit(session, company.id, "a.one", {"n": 1})
        with batched_events(session):  # an inner block leaves them to the outer one
            emit(session, company.id, "a.two", {"n": 2})
        assert _events(session) == []
        emit(session, company.id, "a.three", {"n": 3})
    assert _events(session) == [("a.one", {"n": 1}), ("a.two", {"n": 2}), ("a.three", {"n": 3})]
    emit(session, company.id, "b.alone", {})  # outside a block: at once
    assert _events(session)[-1] == ("b.alone", {})


def test_a_block_an_error_interrupts_writes_nothing(session, factory) -> None:  # type: ignore[no-untyped-def]
    company = factory.company()
    with pytest.raises(RuntimeError), batched_events(session):
        emit(session, company.id, "a.one", {})
        raise RuntimeError("boom")
    assert _events(session) == []
    with batched_events(session):  # and the next block starts empty
        emit(session, company.id, "a.two", {})
    assert [t for t, _ in _events(session)] == ["a.two"]
