"""import runs: the encoding a web app CSV upload is read in

The recruiter app's CSV form lets the user state the file's encoding ("File encoding":
Automatic, UTF-8, Windows code pages, GB18030, Big5, Shift-JIS, UHC). The preview reads the
upload in it (or in the one it detects) and the worker's import, later, must read the kept
file the same way: the run records it. Nullable: runs of the API, the CLI and sheet syncs
have none, and a run without one detects it as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("import_runs", sa.Column("encoding", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_runs") as batch:
        batch.drop_column("encoding")
