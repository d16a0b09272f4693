"""Migrations that move data: what a database holds before one is what it holds after,
up and down."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from hireloop.db import Database
from hireloop.domain.actor import Actor
from hireloop.domain.companies.service import create_company
from hireloop.domain.jobs.schemas import JobData
from hireloop.domain.jobs.service import create_job
from hireloop.migrate import alembic_config
from tests.conftest import create_database


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
