"""accounts: sessions, password reset tokens, invitations

The recruiter app's sign-in (server-side sessions), password reset links and manager
invitations. Each stores only the SHA-256 of its token (domain/companies/accounts.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hireloop.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, *, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, hireloop.db.UTCDateTime(timezone=True), nullable=nullable)


def _company_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["company_id"],
        ["companies.id"],
        name=op.f(f"fk_{table}_company_id_companies"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("company_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _when("created_at", nullable=False),
        _when("last_seen_at", nullable=False),
        _when("expires_at", nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        _company_fk("user_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])

    op.create_table(
        "password_reset_tokens",
        sa.Column("id", _ID, nullable=False),
        sa.Column("company_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("used_at", nullable=True),
        _company_fk("password_reset_tokens"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_reset_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_tokens_token_hash")),
    )
    op.create_index("ix_password_reset_tokens_user_id", "password_reset_tokens", ["user_id"])

    op.create_table(
        "invitations",
        sa.Column("id", _ID, nullable=False),
        sa.Column("company_id", _ID, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_user_id", _ID, nullable=True),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("accepted_at", nullable=True),
        sa.Column("accepted_user_id", _ID, nullable=True),
        _when("revoked_at", nullable=True),
        _company_fk("invitations"),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["accepted_user_id"],
            ["users.id"],
            name=op.f("fk_invitations_accepted_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index("ix_invitations_company_email", "invitations", ["company_id", "email"])


def downgrade() -> None:
    op.drop_table("invitations")
    op.drop_table("password_reset_tokens")
    op.drop_table("user_sessions")
