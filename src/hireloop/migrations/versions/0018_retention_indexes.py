"""retention sweep indexes: api_logs and idempotent_requests by created_at

The worker now deletes API log rows and stored idempotent answers once they have outlived
their retention (``domain/audit/retention.py``); without an index on their age each sweep
would read the whole table. On PostgreSQL they are built ``CONCURRENTLY``.

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


_INDEXES = (
    ("ix_api_logs_created_at", "api_logs"),
    ("ix_idempotent_requests_created_at", "idempotent_requests"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the tables' writes (API log rows arrive all the time),
        # which PostgreSQL does only outside a transaction.
        with op.get_context().autocommit_block():
            for name, table in _INDEXES:
                op.create_index(
                    name,
                    table,
                    ["created_at"],
                    postgresql_concurrently=True,
                    if_not_exists=True,
                )
        return
    for name, table in _INDEXES:
        op.create_index(name, table, ["created_at"])


def downgrade() -> None:
    for name, table in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
