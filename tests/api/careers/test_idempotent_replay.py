"""An Idempotency-Key replay answers the very bytes of the first response (PostgreSQL's
JSONB reordered the keys), also for rows stored before the text was kept (0015)."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, select, text, update

from hireloop.db import Database
from hireloop.domain.audit.models import IdempotentRequest
from hireloop.domain.companies.service import create_company
from hireloop.migrate import alembic_config
from tests.api.careers.conftest import CV_PDF, form_fields
from tests.conftest import create_database

URL = "/api/job_applications"


def apply(client, auth, job_id: str, key: str, **fields):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        headers={**auth, "Idempotency-Key": key},
        data=form_fields(job_id, **fields),
        files={"cv": ("cv.pdf", CV_PDF, "application/pdf")},
    )


def test_a_replay_is_the_first_answer_byte_for_byte(client, auth, job, session) -> None:  # type: ignore[no-untyped-def]
    first = apply(client, auth, job.public_id, "k1")
    assert first.status_code == 201
    assert first.text.startswith('{"status":"success","data":{"application_id":')
    replay = apply(client, auth, job.public_id, "k1")
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.content == first.content
    assert replay.headers["content-type"] == "application/json"
    assert replay.headers["content-length"] == first.headers["content-length"]

    # The 200 "already exists" answer, under another key, replays as sent too.
    exists = apply(client, auth, job.public_id, "k2")
    assert exists.status_code == 200 and exists.text.endswith(
        ',"message":"Application already exists"}'
    )
    again = apply(client, auth, job.public_id, "k2")
    assert (again.status_code, again.content) == (200, exists.content)

    stored = session.scalar(select(IdempotentRequest).where(IdempotentRequest.key == "k1"))
    assert stored.response_text == first.text


def test_a_row_stored_before_the_text_replays_in_the_first_order(
    client, auth, job, session
) -> None:  # type: ignore[no-untyped-def]
    first = apply(client, auth, job.public_id, "old")
    body = first.json()
    # As a row written before 0015 reads on PostgreSQL: no text, keys in JSONB's order.
    scrambled = {"data": dict(reversed(body["data"].items())), "status": body["status"]}
    session.execute(
        update(IdempotentRequest)
        .where(IdempotentRequest.key == "old")
        .values(response_text=None, response_body=scrambled)
    )
    session.commit()
    replay = apply(client, auth, job.public_id, "old")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert (replay.status_code, replay.content) == (201, first.content)


def test_0015_keeps_the_stored_requests_up_and_down() -> None:
    from alembic import command

    url = create_database(f"hireloop_migration_0015_{os.getpid()}", "0014")
    db = Database(url)  # companies are the same at 0014 and at head
    with db.unit_of_work() as session:
        company_id = create_company(session, "Acme").id
    db.dispose()
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO idempotent_requests (company_id, key, endpoint, request_hash, "
                    "response_status, response_body, created_at) VALUES "
                    "(:c, 'k', '/api/job_applications', 'h', 201, :b, :t)"
                ),
                {"c": company_id, "b": '{"status": "success", "data": {}}', "t": "2026-01-01"},
            )
        command.upgrade(alembic_config(url), "0015")
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT key, response_status, response_text FROM idempotent_requests")
            ).all()
        assert [tuple(r) for r in rows] == [("k", 201, None)]
        command.downgrade(alembic_config(url), "0014")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT key, response_status FROM idempotent_requests")).all()
            columns = conn.execute(text("SELECT * FROM idempotent_requests")).keys()
        assert [tuple(r) for r in rows] == [("k", 201)]
        assert "response_text" not in columns
        command.upgrade(alembic_config(url), "head")
    finally:
        engine.dispose()
