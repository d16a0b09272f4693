"""applications: company_id without a foreign key (PostgreSQL); the PIN sweep's index
holds only applications whose PIN expires

``applications.company_id`` copies the company of the application's job (tenant filters
without a join). Its foreign key added nothing the job's own does not: the application is
deleted with its job (``job_id`` keeps ``ON DELETE CASCADE``), and the job with its
company. Every new application paid for the check: on PostgreSQL a 100k-row CSV import
spent ~0.4 s of its ~7 s of database CPU in it. SQLite keeps the key: dropping it there
means rebuilding the table, and dropping the old table would delete through the foreign
keys of every table that references applications.

``ix_applications_pin_expires`` served only the sweep that moves applications whose PIN
has expired to No Response (``pin_expires_at IS NOT NULL AND pin_expires_at <= now``).
A lead's PIN lifetime starts with its invitation, so most rows (every lead imported
without an invitation, every career-site application) have none: the index now leaves
them out instead of adding an entry for each.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_FK = "fk_applications_company_id_companies"
_INDEX = "ix_applications_pin_expires"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgresql():
        op.drop_constraint(_FK, "applications", type_="foreignkey")
    op.drop_index(_INDEX, table_name="applications")
    where = sa.text("pin_expires_at IS NOT NULL")
    op.create_index(
        _INDEX, "applications", ["pin_expires_at"], postgresql_where=where, sqlite_where=where
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="applications")
    op.create_index(_INDEX, "applications", ["pin_expires_at"])
    if _postgresql():
        op.create_foreign_key(
            _FK, "applications", "companies", ["company_id"], ["id"], ondelete="CASCADE"
        )
