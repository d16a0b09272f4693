"""job folder counts: several rows (slots) per job and folder

Every new application and every move adds to its job's folder count in the same
transaction, and the row it updates stays locked until that transaction commits. With one
row per job and folder, every concurrent apply to a campaign waited for the previous one
to commit (and for a whole CSV import to finish): on the career-site benchmark (2 cores,
8 clients, one job) throughput was 60 applies/s with this row, 77/s without it. Now an
application updates the slot ``application id % 16`` of its folder, so concurrent applies
rarely meet on a row, and readers sum a folder's slots. Totals over a whole company (the
lead list without a campaign, the campaign view's Show All) read the company's rows through
a new index on ``(company_id, folder_key)`` instead of scanning every company's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# SQLite rebuilds the table (batch mode); nothing references job_folder_counts.


def upgrade() -> None:
    with op.batch_alter_table("job_folder_counts", recreate="always") as batch:
        batch.add_column(sa.Column("slot", sa.SmallInteger(), nullable=False, server_default="0"))
        batch.drop_constraint("pk_job_folder_counts", type_="primary")
        batch.create_primary_key("pk_job_folder_counts", ["job_id", "folder_key", "slot"])
    op.create_index(
        "ix_job_folder_counts_company_folder", "job_folder_counts", ["company_id", "folder_key"]
    )


def downgrade() -> None:
    op.drop_index("ix_job_folder_counts_company_folder", table_name="job_folder_counts")
    counts = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT job_id, folder_key, company_id, SUM(count) FROM job_folder_counts "
                "GROUP BY job_id, folder_key, company_id"
            )
        )
        .all()
    )
    op.execute("DELETE FROM job_folder_counts")
    with op.batch_alter_table("job_folder_counts", recreate="always") as batch:
        batch.drop_constraint("pk_job_folder_counts", type_="primary")
        batch.drop_column("slot")
        batch.create_primary_key("pk_job_folder_counts", ["job_id", "folder_key"])
    if counts:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO job_folder_counts (job_id, folder_key, company_id, count) "
                "VALUES (:job_id, :folder_key, :company_id, :count)"
            ),
            [
                {"job_id": j, "folder_key": k, "company_id": c, "count": int(n)}
                for j, k, c, n in counts
            ],
        )
