"""Talkpush face: JSON integers beyond 64 bits in a lead's ``others`` (a national id, an
account number sent as a number) are kept exactly — in the answer, in the database, when
read back and when searched — on PostgreSQL and SQLite alike. orjson, which reads request
bodies and JSON columns, turns such integers into floats; hireloop.db.json_loads reads
them again with the standard library's parser."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.db import json_loads
from hireloop.domain.applications.models import Application
from tests.api.leads.leads_support import P, Tenant, make_tenant
from tests.factories import Factory

BIG = 123456789012345678901234567890
OTHERS = {
    "national_id": BIG,
    "negative": -(2**63) - 1,
    "two_to_64": 2**64,
    "largest_unsigned": 2**64 - 1,
    "nested": {"ids": [2**70, 1.5, "12345678901234567890123"]},
    "float": 1e20,
}


@pytest.fixture
def t(factory: Factory, session: Session) -> Tenant:
    return make_tenant(factory, session)


def create(client: TestClient, t: Tenant, others: dict[str, Any]) -> Any:
    # json.dumps writes every integer exactly, as any JSON client does.
    body = {
        "campaign_invitation": {
            "first_name": "Big",
            "last_name": "Number",
            "email": "big@x.co",
            "others": others,
        }
    }
    return client.post(
        f"{P}/campaigns/{t.job.id}/campaign_invitations",
        params={"api_key": t.key, "api_secret": t.secret},
        content=json.dumps(body),
        headers={"content-type": "application/json"},
    )


def search(client: TestClient, t: Tenant, **params: str) -> Any:
    r = client.get(f"{P}/campaign_invitations", params={"api_key": t.key, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_integers_beyond_64_bits_are_answered_stored_and_read_back_exactly(
    client: TestClient, t: Tenant, session: Session
) -> None:
    r = create(client, t, OTHERS)
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["others"] == OTHERS
    assert '"national_id":123456789012345678901234567890' in r.text
    lead_id = r.json()["campaign_invitation"]["id"]
    # Read from the database (the JSON column's own reader), by the ORM and by a search.
    session.expire_all()
    stored = session.scalar(select(Application.others).where(Application.id == lead_id))
    assert stored == OTHERS
    assert isinstance(stored["national_id"], int)
    assert search(client, t)["candidates"][0]["others"] == OTHERS


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("national_id", "123456789012345678901234567890"),
        ("negative", "-9223372036854775809"),
        ("two_to_64", "18446744073709551616"),
        ("largest_unsigned", "18446744073709551615"),
    ],
)
def test_a_search_finds_them_by_their_digits(
    client: TestClient, t: Tenant, key: str, value: str
) -> None:
    assert create(client, t, OTHERS).status_code == 200
    assert search(client, t, **{f"filter[others][{key}]": value})["total"] == 1
    rounded = str(float(value))  # what a float would have been: no match
    assert search(client, t, **{f"filter[others][{key}]": rounded})["total"] == 0


def test_patch_merges_them_exactly(client: TestClient, t: Tenant, session: Session) -> None:
    lead = create(client, t, {"national_id": BIG}).json()["campaign_invitation"]
    r = client.patch(
        f"{P}/campaign_invitations/{lead['id']}",
        params={"api_key": t.key},
        content=json.dumps({"candidate": {"others": {"account": -(10**25)}}}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["campaign_invitation"]["others"] == {"national_id": BIG, "account": -(10**25)}
    got = search(client, t, **{"filter[others][account]": "-10000000000000000000000000"})
    assert got["total"] == 1
    assert got["candidates"][0]["others"] == {"national_id": BIG, "account": -(10**25)}


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 123456789012345678901234567890}',
        '{"a": [-9223372036854775809, 1.5, "x"]}',
        '{"a": "12345678901234567890123", "b": 1e20}',
        '{"a": 1, "b": 0.1}',
    ],
)
def test_json_loads_matches_the_standard_library(text: str) -> None:
    expected = json.loads(text)
    assert json_loads(text) == expected
    assert json_loads(text.encode()) == expected
    assert repr(json_loads(text)) == repr(expected)  # ints stay ints, floats floats


def test_a_number_beyond_any_double_is_still_malformed_json(client: TestClient, t: Tenant) -> None:
    """orjson refuses it (infinite as a float); it is not read again."""
    r = client.post(
        f"{P}/campaigns/{t.job.id}/campaign_invitations",
        params={"api_key": t.key, "api_secret": t.secret},
        content=b'{"campaign_invitation": {"others": {"x": 1e400}}}',
        headers={"content-type": "application/json"},
    )
    assert (r.status_code, r.json()["message"]) == (400, "Malformed JSON in request body.")


@pytest.mark.parametrize(
    "value",
    [OTHERS, {1: "int key", "é": ["ü", None, True, 0.1]}, [2**70, -(2**70)], "text", None],
)
def test_jsonb_dumps_writes_what_the_standard_library_writes(value: Any) -> None:
    from hireloop.db import jsonb_dumps

    assert json.loads(jsonb_dumps(value)) == json.loads(json.dumps(value))
