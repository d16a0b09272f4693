"""lead search indexes

Trigram (pg_trgm) GIN indexes for the leads search (``GET /campaign_invitations?
filter[query]=...``): substrings of a name, an email or a phone number. PostgreSQL only;
SQLite gets nothing (it scans, which is fine at its sizes). When pg_trgm is not available
on the server the indexes are skipped: the search still works, only slower.

The name index is on the expression the search uses (domain/leads/search.py):
``first_name_key || ' ' || last_name_key`` holds every substring of either name and of the
full name, so one index answers all three.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy import text

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

INDEXES = {
    "ix_candidates_name_trgm": "(first_name_key || ' ' || last_name_key) gin_trgm_ops",
    "ix_candidates_email_trgm": "email gin_trgm_ops",
    "ix_candidates_phone_trgm": "phone_e164 gin_trgm_ops",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    if not available:
        log.warning("pg_trgm is not available: lead search indexes skipped")
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON candidates USING gin ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
