"""drop the redundant candidates (company_id, email) index

``uq_candidates_identity`` is (company_id, email, first_name_key, last_name_key): its
leading columns answer every lookup by company and email (the Partner API's dedupe, CSV and
Sheet intake's probes) as well as ``ix_candidates_company_email`` did. Keeping both made
each new candidate update one more index; a 100k-row CSV import writes ~90k of them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_candidates_company_email")


def downgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_candidates_company_email ON candidates (company_id, email)"
    )
