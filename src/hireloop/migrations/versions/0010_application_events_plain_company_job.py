"""application events: company_id and job_id without foreign keys

An application event copies its application's company and job (tenant filters, per-campaign
analytics). Their foreign keys added nothing the application's own does not: the row is
deleted with its application (``application_id`` keeps its ``ON DELETE CASCADE``), and the
job key even removed part of a living application's history when a campaign it had left
was deleted. Each new event paid for both checks: on PostgreSQL a 100k-row CSV import
spent ~1.6 s in them (two of the nine foreign-key checks a lead costs).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# SQLite rebuilds the table (batch mode); nothing references application_events, so the
# rebuild deletes nothing through a cascade.
_DROPPED = (
    ("fk_application_events_company_id_companies", "companies", "company_id"),
    ("fk_application_events_job_id_jobs", "jobs", "job_id"),
)


def upgrade() -> None:
    with op.batch_alter_table("application_events") as batch:
        for name, _, _ in _DROPPED:
            batch.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("application_events") as batch:
        for name, table, column in _DROPPED:
            batch.create_foreign_key(name, table, [column], ["id"], ondelete="CASCADE")
