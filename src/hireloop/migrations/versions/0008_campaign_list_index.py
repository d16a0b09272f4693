"""campaign list covering index

A covering index for the campaign view's candidate list (web/app/campaign_view_queries.py
through domain/leads/search.py): a campaign's leads newest first, holding every column the
list filters on without reading the candidates (company, folder, custom folder, source,
AI score; the dates are the key). A filtered list (say source + score range) is then read
and counted by an index-only scan instead of fetching each of the campaign's rows from the
heap, where they lie scattered (a campaign's 50,000 leads touch nearly every page of the
table): at 1M leads its count went from ~45-90 ms to ~4-13 ms and its page from ~110 ms to
under 1 ms. Index-only scans rely on the visibility map, kept by autovacuum.

It replaces ``ix_applications_job_created`` (the same key without the included columns),
so a new application still updates one index for this, not two. On SQLite (no INCLUDE) the
index keeps its key and only takes the new name.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:35:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NAME = "ix_applications_job_list"
OLD = "ix_applications_job_created"
KEY = "job_id, created_at, id"
INCLUDED = "company_id, folder, custom_folder_id, source, ai_score"


def upgrade() -> None:
    include = f" INCLUDE ({INCLUDED})" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON applications ({KEY}){include}")
    op.execute(f"DROP INDEX IF EXISTS {OLD}")


def downgrade() -> None:
    op.execute(f"CREATE INDEX IF NOT EXISTS {OLD} ON applications ({KEY})")
    op.execute(f"DROP INDEX IF EXISTS {NAME}")
