"""Migrations that move data: what a database holds before one is what it holds after,
up and down."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, inspect, text

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.migrate import alembic_config
from tests.conftest import create_database
from tests.factories import Factory


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _execute(url: str, sql: str, params: dict[str, object]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def test_0011_folder_count_slots_keep_the_counts_up_and_down() -> None:
    from alembic import command

    url = create_database(f"hireloop_migration_0011_{os.getpid()}", "0010")
    db = Database(url)  # companies and jobs are the same at 0010 and at head
    with db.unit_of_work() as session:
        company = create_company(session, "Acme")
        jobs = [
            create_job(session, company.id, JobData(title=t, status="open"), Actor.system()).id
            for t in ("One", "Two")
        ]
    db.dispose()
    ids = {"c": company.id, "j1": jobs[0], "j2": jobs[1]}
    _execute(
        url,
        "INSERT INTO job_folder_counts (job_id, folder_key, company_id, count) VALUES "
        "(:j1, 'inbox', :c, 7), (:j1, 'hired', :c, 2), (:j2, 'inbox', :c, 3)",
        ids,
    )

    command.upgrade(alembic_config(url), "0011")
    assert sorted(_rows(url, "SELECT job_id, folder_key, slot, count FROM job_folder_counts")) == [
        (jobs[0], "hired", 0, 2),
        (jobs[0], "inbox", 0, 7),
        (jobs[1], "inbox", 0, 3),
    ]

    # Counts in several slots (as applications write them) are summed on the way down.
    _execute(
        url,
        "INSERT INTO job_folder_counts (job_id, folder_key, slot, company_id, count) "
        "VALUES (:j1, 'inbox', 5, :c, 4), (:j1, 'hired', 3, :c, -1)",
        ids,
    )
    command.downgrade(alembic_config(url), "0010")
    assert sorted(_rows(url, "SELECT job_id, folder_key, count FROM job_folder_counts")) == [
        (jobs[0], "hired", 1),
        (jobs[0], "inbox", 11),
        (jobs[1], "inbox", 3),
    ]
    command.upgrade(alembic_config(url), "head")


def _foreign_keys(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {
            fk["name"] or f"{fk['referred_table']}:{','.join(fk['constrained_columns'])}"
            for fk in inspect(engine).get_foreign_keys(table)
        }
    finally:
        engine.dispose()


def _pin_index(url: str) -> str:
    if url.startswith("sqlite"):
        sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_applications_pin_expires'"
    else:
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_applications_pin_expires'"
    return str(_rows(url, sql)[0][0])


def test_0016_applications_lose_the_company_key_and_keep_their_rows() -> None:
    """Up: PostgreSQL drops the company foreign key (SQLite keeps it: no rebuild), the
    sweep's index leaves out rows without a PIN expiry; deleting a company still deletes
    its applications (through its jobs). Down: both as before, rows untouched."""
    from alembic import command

    url = create_database(f"hireloop_migration_0016_{os.getpid()}", "0015")
    postgresql = not url.startswith("sqlite")
    db = Database(url)  # the tables are the same at 0015 and at head (but for the keys)
    with db.unit_of_work() as session:
        factory = Factory(session)
        ids = {}
        for name in ("acme", "other"):
            company = factory.company(name)
            factory.application(factory.job(company), factory.candidate(company))
            session.flush()
            ids[name] = (company.id,)
    db.dispose()
    key = "fk_applications_company_id_companies"
    assert key in _foreign_keys(url, "applications") or not postgresql
    assert "WHERE" not in _pin_index(url).upper()

    command.upgrade(alembic_config(url), "0016")
    assert (key not in _foreign_keys(url, "applications")) == postgresql
    assert "pin_expires_at IS NOT NULL" in _pin_index(url)
    assert len(_rows(url, "SELECT id FROM applications")) == 2
    acme = ids["acme"][0]
    db = Database(url)  # as the app connects (SQLite: foreign keys on)
    with db.unit_of_work() as session:
        session.execute(text("DELETE FROM companies WHERE id = :c"), {"c": acme})
    db.dispose()
    assert _rows(url, "SELECT company_id FROM applications") == [(ids["other"][0],)]

    command.downgrade(alembic_config(url), "0015")
    assert key in _foreign_keys(url, "applications") or not postgresql
    assert "WHERE" not in _pin_index(url).upper()
    assert _rows(url, "SELECT company_id FROM applications") == [(ids["other"][0],)]
    command.upgrade(alembic_config(url), "head")


def test_0017_inbound_sms_ids_become_unique_keeping_the_first_copy() -> None:
    """Up: replies stored twice (same MessageSid, inbound) keep their first row; outbound
    rows and other replies are untouched; a second copy is then refused. Down: the index
    goes, rows untouched."""
    from alembic import command
    from sqlalchemy.exc import IntegrityError

    from hireloop.domain.messaging.models import Message

    url = create_database(f"hireloop_migration_0017_{os.getpid()}", "0016")
    db = Database(url)  # the messages table is the same at 0016 and at head (but the index)
    with db.unit_of_work() as session:
        company = Factory(session).company("acme")

        def add(sid: str, direction: str) -> None:
            session.add(
                Message(
                    company_id=company.id,
                    channel="sms",
                    kind="reply",
                    direction=direction,
                    to_address="+639171234567",
                    provider_message_id=sid,
                )
            )
            session.flush()

        for sid, direction in [("SMa", "inbound"), ("SMa", "inbound"), ("SMa", "outbound")]:
            add(sid, direction)
        add("SMb", "inbound")
        add("SMa", "inbound")
        company_id = company.id
    db.dispose()
    before = _rows(url, "SELECT id, direction, provider_message_id FROM messages ORDER BY id")

    command.upgrade(alembic_config(url), "0017")
    after = _rows(url, "SELECT id, direction, provider_message_id FROM messages ORDER BY id")
    assert after == [before[0], before[2], before[3]]
    try:
        _execute(
            url,
            "INSERT INTO messages (company_id, channel, kind, direction, author_type, "
            "to_address, body_text, status, attempts, send_after, created_at, "
            "provider_message_id) VALUES (:c, 'sms', 'reply', 'inbound', 'candidate', '+1', "
            "'', 'received', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'SMb')",
            {"c": company_id},
        )
        raise AssertionError("a second copy of an inbound SMS was stored")
    except IntegrityError:
        pass

    command.downgrade(alembic_config(url), "0016")
    assert _rows(url, "SELECT id, direction, provider_message_id FROM messages ORDER BY id") == (
        after
    )
    command.upgrade(alembic_config(url), "head")
