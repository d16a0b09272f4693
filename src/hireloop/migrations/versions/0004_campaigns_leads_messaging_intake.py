"""campaigns leads messaging intake

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:02:52.727477
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hireloop.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_tags",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_document_tags_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_tags")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_document_tags_company_id_name")),
    )
    op.create_table(
        "movement_reasons",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", hireloop.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_movement_reasons_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_reasons")),
        sa.UniqueConstraint(
            "company_id", "type", "name", name=op.f("uq_movement_reasons_company_id_type_name")
        ),
    )
    op.create_table(
        "message_templates",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("is_quick_reply", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("created_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_message_templates_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_message_templates_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
    )
    op.create_index(
        "ix_message_templates_company", "message_templates", ["company_id", "name"], unique=False
    )
    op.create_table(
        "campaign_folders",
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "custom_folder_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_campaign_folders_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["custom_folder_id"],
            ["custom_folders.id"],
            name=op.f("fk_campaign_folders_custom_folder_id_custom_folders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_campaign_folders_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "custom_folder_id", name=op.f("pk_campaign_folders")),
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("created_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", hireloop.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_import_runs_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_import_runs_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_import_runs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
        sa.UniqueConstraint("public_id", name=op.f("uq_import_runs_public_id")),
    )
    op.create_index(
        "ix_import_runs_company_created", "import_runs", ["company_id", "created_at"], unique=False
    )
    op.create_table(
        "sheet_sources",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("spreadsheet_id", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("sheet_name", sa.String(length=200), nullable=True),
        sa.Column("last_row", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_synced_at", hireloop.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", hireloop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_sheet_sources_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_sheet_sources_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_sources")),
    )
    op.create_index("ix_sheet_sources_company", "sheet_sources", ["company_id"], unique=False)
    json_type = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    # Batch mode: SQLite cannot add a foreign key to an existing table (the table is
    # rebuilt there); PostgreSQL gets plain ALTER TABLEs. Server defaults fill old rows.
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("others", json_type, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("assignee_user_id", big_id, nullable=True))
        batch.add_column(
            sa.Column("completed_at", hireloop.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("scheduled_at", hireloop.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("bot_paused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_applications_pin_expires", ["pin_expires_at"], unique=False)
        batch.create_foreign_key(
            op.f("fk_applications_assignee_user_id_users"),
            "users",
            ["assignee_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("custom_folders") as batch:
        batch.add_column(
            sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("files") as batch:
        batch.add_column(sa.Column("document_tag_id", big_id, nullable=True))
        batch.create_foreign_key(
            op.f("fk_files_document_tag_id_document_tags"),
            "document_tags",
            ["document_tag_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column(
                "campaign_type",
                sa.String(length=30),
                nullable=False,
                server_default="job_application",
            )
        )
        batch.add_column(sa.Column("ats_external_id", sa.String(length=100), nullable=True))
        batch.create_index(
            "ix_jobs_company_ats_external_id", ["company_id", "ats_external_id"], unique=False
        )
    with op.batch_alter_table("labels") as batch:
        batch.add_column(
            sa.Column(
                "updated_at",
                hireloop.db.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("job_id", big_id, nullable=True))
        batch.add_column(
            sa.Column("direction", sa.String(length=10), nullable=False, server_default="outbound")
        )
        batch.add_column(
            sa.Column("author_type", sa.String(length=20), nullable=False, server_default="system")
        )
        batch.add_column(sa.Column("author_user_id", big_id, nullable=True))
        batch.add_column(sa.Column("template_id", big_id, nullable=True))
        batch.add_column(sa.Column("encoding", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("segments", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("provider_message_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("provider_status", sa.String(length=30), nullable=True))
        batch.drop_index(op.f("ix_messages_application"))
        batch.create_index(
            "ix_messages_application", ["application_id", "created_at"], unique=False
        )
        batch.create_index(
            "ix_messages_job_channel", ["job_id", "channel", "created_at"], unique=False
        )
        batch.create_index("ix_messages_provider_message_id", ["provider_message_id"], unique=False)
        batch.create_foreign_key(
            op.f("fk_messages_author_user_id_users"),
            "users",
            ["author_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_messages_job_id_jobs"), "jobs", ["job_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint(op.f("fk_messages_job_id_jobs"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_messages_author_user_id_users"), type_="foreignkey")
        batch.drop_index("ix_messages_provider_message_id")
        batch.drop_index("ix_messages_job_channel")
        batch.drop_index("ix_messages_application")
        batch.create_index(op.f("ix_messages_application"), ["application_id"], unique=False)
        for column in (
            "provider_status",
            "provider_message_id",
            "segments",
            "encoding",
            "template_id",
            "author_user_id",
            "author_type",
            "direction",
            "job_id",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("labels") as batch:
        batch.drop_column("updated_at")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_company_ats_external_id")
        batch.drop_column("ats_external_id")
        batch.drop_column("campaign_type")
    with op.batch_alter_table("files") as batch:
        batch.drop_constraint(op.f("fk_files_document_tag_id_document_tags"), type_="foreignkey")
        batch.drop_column("document_tag_id")
    with op.batch_alter_table("custom_folders") as batch:
        batch.drop_column("is_default")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint(op.f("fk_applications_assignee_user_id_users"), type_="foreignkey")
        batch.drop_index("ix_applications_pin_expires")
        for column in ("bot_paused", "scheduled_at", "completed_at", "assignee_user_id", "others"):
            batch.drop_column(column)
    op.drop_index("ix_sheet_sources_company", table_name="sheet_sources")
    op.drop_table("sheet_sources")
    op.drop_index("ix_import_runs_company_created", table_name="import_runs")
    op.drop_table("import_runs")
    op.drop_table("campaign_folders")
    op.drop_index("ix_message_templates_company", table_name="message_templates")
    op.drop_table("message_templates")
    op.drop_table("movement_reasons")
    op.drop_table("document_tags")
