"""Two CVs stored for one candidate at once (a double-clicked apply, a CV uploaded from two
tabs): the second waits for the first and deletes it, so the candidate keeps one CV.

PostgreSQL only: SQLite runs one write transaction at a time (BEGIN IMMEDIATE)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from hireloop.db import Database
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import local_storage
from hireloop.domain.resumes.service import store_cv
from tests.conftest import create_database
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="PostgreSQL only (HIRELOOP_TEST_DATABASE_URL): SQLite runs one write transaction "
    "at a time, so there is no race to test there",
)


def test_a_cv_stored_while_another_is_being_stored_replaces_it(tmp_path: Path) -> None:
    name = os.environ.get("HIRELOOP_TEST_DB_NAME", "hireloop_test") + "_store_cv"
    db = Database(create_database(f"{name}_{os.getpid()}"))
    storage = local_storage(tmp_path)
    try:
        with db.unit_of_work() as session:
            factory = Factory(session)
            candidate = factory.candidate(factory.company("CV Co"), email="cv@example.com")
            store_cv(
                session,
                storage,
                candidate,
                b"%PDF-1 first",
                filename="a.pdf",
                media_type="application/pdf",
            )
            candidate_id = candidate.id

        def store(data: bytes, done: threading.Event | None = None) -> None:
            with db.unit_of_work() as session:
                candidate = session.get(Candidate, candidate_id)
                assert candidate is not None
                store_cv(
                    session,
                    storage,
                    candidate,
                    data,
                    filename="b.pdf",
                    media_type="application/pdf",
                    replace_previous=True,
                )
                session.flush()
                if done is not None:
                    done.wait(10)  # still uncommitted while the other one runs

        release = threading.Event()
        first = threading.Thread(target=store, args=(b"%PDF-1 second", release))
        first.start()
        second = threading.Thread(target=store, args=(b"%PDF-1 third",))
        threading.Timer(0.2, second.start).start()
        threading.Timer(1.0, release.set).start()
        first.join(20)
        second.join(20)

        with db.unit_of_work() as session:
            candidate = session.get(Candidate, candidate_id)
            assert candidate is not None
            cvs = session.execute(
                select(File.id, File.storage_key).where(
                    File.candidate_id == candidate_id, File.kind == "cv"
                )
            ).all()
            assert [row.id for row in cvs] == [candidate.resume_file_id]
            assert (tmp_path / cvs[0].storage_key).read_bytes() == b"%PDF-1 third"
    finally:
        db.dispose()
