"""Two batches of moves (the campaign view's bulk move) of different leads of one campaign
at once: the folder counts are written once per batch, in key order, so the two never wait
for each other crosswise (PostgreSQL aborted one with a deadlock), and the counts add up.

PostgreSQL only: SQLite runs one write transaction at a time."""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from sqlalchemy.orm import sessionmaker

from hireloop.db import make_engine
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import FOLDER_COUNT_SLOTS
from hireloop.domain.applications.service import (
    FolderCountDeltas,
    folder_totals,
    get_application,
    move_application,
    write_folder_counts,
)
from tests.conftest import create_database
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="PostgreSQL only (HIRELOOP_TEST_DATABASE_URL): SQLite runs one write transaction "
    "at a time, so there is no race to test there",
)


def test_two_bulk_moves_of_different_leads_do_not_deadlock() -> None:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_count_locks"
    engine = make_engine(create_database(f"{name}_{os.getpid()}"))
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        with sessions() as session:
            factory = Factory(session)
            company = factory.company("Acme")
            job = factory.job(company, title="Agent")
            ids = sorted(
                factory.application(
                    job, factory.candidate(company, first_name=f"c{i}", email=f"c{i}@x.test")
                ).id
                for i in range(2 * FOLDER_COUNT_SLOTS + 2)
            )
            session.commit()
            company_id, job_id = company.id, job.id
        by_slot: dict[int, list[int]] = {}
        for i in ids:
            by_slot.setdefault(i % FOLDER_COUNT_SLOTS, []).append(i)
        first, second = sorted(by_slot)[:2]
        a, d = by_slot[first][:2]
        b, c = by_slot[second][:2]
        # One recruiter posts [a, b] (slots first, second), the other [c, d] (second, first).
        plans = {"one": [a, b], "two": [c, d]}
        barrier = threading.Barrier(2, timeout=20)
        errors: dict[str, BaseException] = {}

        def bulk(plan: str) -> None:
            with sessions() as session:
                try:
                    posted = plans[plan]
                    found = {
                        i: get_application(session, company_id, i, lock=True)
                        for i in sorted(posted)
                    }
                    counts: FolderCountDeltas = Counter()
                    for n, i in enumerate(posted):
                        move_application(
                            session, found[i], "shortlisted", Actor("user", None), counts=counts
                        )
                        session.flush()
                        if n == 0:
                            barrier.wait()  # both are in the middle of their moves
                    write_folder_counts(session, counts)
                    session.commit()
                except BaseException as exc:  # noqa: BLE001 - reported below
                    session.rollback()
                    errors[plan] = exc

        threads = [threading.Thread(target=bulk, args=(plan,)) for plan in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, {k: f"{type(v).__name__}: {v}" for k, v in errors.items()}
        with sessions() as session:
            totals = folder_totals(session, [job_id])[job_id]
        assert totals == {"inbox": len(ids) - 4, "shortlisted": 4}
    finally:
        engine.dispose()
