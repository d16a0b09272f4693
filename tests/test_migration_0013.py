"""Migration 0013: custom folder names unique in any case. Folders already named alike
are kept under a new name, up and down."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hireloop.db import Database, make_engine
from hireloop.domain.companies.service import create_company
from hireloop.migrate import alembic_config
from tests.conftest import create_database


def _names(url: str, company_id: int) -> list[tuple[int, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, name FROM custom_folders WHERE company_id = :c ORDER BY id"),
                {"c": company_id},
            )
            return [(int(r[0]), str(r[1])) for r in rows]
    finally:
        engine.dispose()


def _insert(url: str, company_id: int, *names: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for name in names:
                conn.execute(
                    text(
                        "INSERT INTO custom_folders (company_id, name, is_default, created_at) "
                        "VALUES (:c, :n, false, CURRENT_TIMESTAMP)"
                    ),
                    {"c": company_id, "n": name},
                )
    finally:
        engine.dispose()


def test_0013_renames_folders_named_alike_and_refuses_new_ones() -> None:
    from alembic import command

    url = create_database(f"hireloop_migration_0013_{os.getpid()}", "0012")
    db = Database(url)  # companies are the same at 0012 and at head
    with db.unit_of_work() as session:
        acme, other = create_company(session, "Acme"), create_company(session, "Other")
    db.dispose()
    long = "L" * 100
    _insert(url, acme.id, "Pool", "pool", "Pool (2)", "POOL", "Île", "île", long, long.lower())
    _insert(url, other.id, "pool")

    command.upgrade(alembic_config(url), "0013")
    assert [n for _, n in _names(url, acme.id)] == [
        "Pool",
        "pool (3)",  # "Pool (2)" is taken
        "Pool (2)",
        "POOL (4)",
        "Île",
        "île (2)",  # any letter's case, as the API compares
        long,
        "l" * 96 + " (2)",  # cut to fit 100 characters
    ]
    assert [n for _, n in _names(url, other.id)] == ["pool"]  # per company
    for name in ("pool", "PoOl (2)", "ÎLE"):
        with pytest.raises(IntegrityError):
            _insert(url, acme.id, name)
    _insert(url, acme.id, "Pool (5)")

    command.downgrade(alembic_config(url), "0012")
    _insert(url, acme.id, "pool")  # only the exact name is unique again
    assert len(_names(url, acme.id)) == 10
    with pytest.raises(IntegrityError):
        _insert(url, acme.id, "pool")
    # Up again: the new duplicate is renamed, nothing is lost.
    command.upgrade(alembic_config(url), "head")
    names = [n for _, n in _names(url, acme.id)]
    assert len(names) == 10 and len({n.lower() for n in names}) == 10
    assert names[-1] == "pool (6)"
