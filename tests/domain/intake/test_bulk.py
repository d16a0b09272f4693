"""The helpers of bulk intake: identifiers and PINs made many at a time."""

from __future__ import annotations

import uuid

from hireloop.domain.intake.bulk import pins, public_ids


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
