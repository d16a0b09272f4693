"""Migration 0019: account emails already out of the queue lose their link's token; those
still waiting keep it (the worker has yet to send them); import runs get ``attempts``."""

from __future__ import annotations

import os

from sqlalchemy import text

from hireloop.db import Database, make_engine
from hireloop.domain.companies.service import create_company
from hireloop.migrate import alembic_config
from tests.conftest import create_database

LINK = "https://x.example/app/password/reset?token=SECRET-123"


def test_0019_removes_tokens_of_sent_account_emails() -> None:
    from alembic import command

    url = create_database(f"hireloop_migration_0019_{os.getpid()}", "0018")
    db = Database(url)
    with db.unit_of_work() as session:
        company = create_company(session, "Acme")
    db.dispose()
    engine = make_engine(url)
    rows = [
        ("password_reset", "sent"),
        ("user_invitation", "stored"),
        ("password_reset", "queued"),
        ("invitation", "sent"),  # a candidate's message: not an account email
    ]
    try:
        with engine.begin() as conn:
            for kind, status in rows:
                conn.execute(
                    text(
                        "INSERT INTO messages (company_id, channel, kind, direction, author_type,"
                        " to_address, body_text, body_html, status, attempts, send_after,"
                        " created_at) VALUES (:c, 'email', :k, 'outbound', 'system', 'a@b.test',"
                        " :t, :h, :s, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"c": company.id, "k": kind, "s": status, "t": f"Reset: {LINK}",
                     "h": f'<a href="{LINK}">x</a>'},
                )  # fmt: skip
        command.upgrade(alembic_config(url), "0019")
        with engine.connect() as conn:
            kept = conn.execute(
                text("SELECT kind, status, body_text, body_html FROM messages ORDER BY id")
            ).all()
            attempts = conn.execute(text("SELECT attempts FROM import_runs")).all()
    finally:
        engine.dispose()
    removed = "reset?token=removed-after-sending"
    assert [(k, s, removed in t and removed in h) for k, s, t, h in kept] == [
        ("password_reset", "sent", True),
        ("user_invitation", "stored", True),
        ("password_reset", "queued", False),
        ("invitation", "sent", False),
    ]
    assert "SECRET-123" in kept[2][2] and "SECRET-123" in kept[3][2]
    assert attempts == []
