"""A name within its column whose matching key is longer once case is folded ("ß" is
"ss", "ﬃ" is "ffi"): a clear 400 on every face that creates or renames candidates,
nothing written (PostgreSQL refused the key with a 500 before; SQLite kept it)."""

from __future__ import annotations

from sqlalchemy import select

from hireloop.domain.candidates.models import Candidate
from tests.api.careers.test_applications import apply, err

FOLDS_LONGER = "ß" * 101  # 101 characters, 202 once case-folded


def test_a_name_longer_once_folded_is_a_bad_request(client, auth, session, job) -> None:  # type: ignore[no-untyped-def]
    for field in ("first_name", "last_name"):
        err(apply(client, auth, job.public_id, **{field: FOLDS_LONGER}), 400,
            f"{field} is too long (at most 200 characters once case is folded)")  # fmt: skip
    assert session.scalars(select(Candidate)).all() == []
    # One that folds to exactly 200 characters goes in.
    r = apply(client, auth, job.public_id, first_name="ß" * 100)
    assert r.status_code == 201, r.text
