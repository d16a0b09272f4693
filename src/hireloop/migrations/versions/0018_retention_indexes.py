"""retention sweep indexes: api_logs and idempotent_requests by created_at

The worker now deletes API log rows and stored idempotent answers once they have outlived
their retention (``domain/audit/retention.py``); without an index on their age each sweep
would read the whole table.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 02:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_api_logs_created_at", "api_logs", ["created_at"])
    op.create_index("ix_idempotent_requests_created_at", "idempotent_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotent_requests_created_at", table_name="idempotent_requests")
    op.drop_index("ix_api_logs_created_at", table_name="api_logs")
