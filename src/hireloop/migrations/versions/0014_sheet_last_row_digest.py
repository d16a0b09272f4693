"""sheet sources: the fingerprint of the last row imported

A sync imports the rows below ``last_row``. When a recruiter deletes rows above it, the
rows move up and the next Form response lands on a row number already read: it was never
imported. The source now keeps a fingerprint of the last row imported (a SHA-256 of its
cells), and the next sync looks for that row where it was and above, and goes on after
it. Nullable: sources synced before this have none until their next import (the sync
then goes by the person in the row, as it did before).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "sheet_sources", sa.Column("last_row_digest", sa.String(length=64), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("sheet_sources") as batch:
        batch.drop_column("last_row_digest")
