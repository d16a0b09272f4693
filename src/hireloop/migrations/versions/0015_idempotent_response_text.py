"""idempotent requests: the response body as the text that was sent

An Idempotency-Key replay must answer what the first request got, byte for byte. The
body was kept only as JSON, which PostgreSQL stores as JSONB: the keys came back in
another order (``{"data":…,"status":"success"}``), the same answer but not the same
text. The row now keeps the body as sent too. Nullable: rows written before this (and the
recruiter app's form answers, which keep only their data) have none and are replayed from
``response_body`` as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("idempotent_requests", sa.Column("response_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotent_requests") as batch:
        batch.drop_column("response_text")
