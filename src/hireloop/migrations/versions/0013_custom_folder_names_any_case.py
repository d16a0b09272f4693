"""custom folders: names unique in any case

A company's custom folder names are unique whatever their case ("Pool" and "pool" are one
name): the API checks this before saving, but two creates at the same moment both passed
the check, and the unique constraint on ``(company_id, name)`` let "Pool" and "pool" both
in. A unique index on ``(company_id, lower(name))`` now refuses the second insert (the API
answers 409). SQLite's ``lower()`` is hireloop's (db.make_engine registers it on every
connection, migrations included), as the API's check reads it.

Folders already named alike are kept, and so are the leads in them: the oldest keeps its
name, each other one is renamed "Name (2)", "Name (3)"... (the first such name the company
does not use, cut to fit 100 characters). The downgrade drops the index and leaves the
names as they are.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEX = "uq_custom_folders_company_id_lower_name"
MAX_NAME = 100  # domain/applications/folders.MAX_NAME


def _taken(bind: sa.Connection, company_id: int, name: str) -> bool:
    return (
        bind.execute(
            sa.text(
                "SELECT 1 FROM custom_folders WHERE company_id = :c AND lower(name) = lower(:n)"
            ),
            {"c": company_id, "n": name},
        ).first()
        is not None
    )


def _rename_duplicates(bind: sa.Connection) -> None:
    groups = bind.execute(
        sa.text(
            "SELECT company_id, lower(name) FROM custom_folders "
            "GROUP BY company_id, lower(name) HAVING COUNT(*) > 1"
        )
    ).all()
    for company_id, key in groups:
        rows = bind.execute(
            sa.text(
                "SELECT id, name FROM custom_folders WHERE company_id = :c AND lower(name) = :k "
                "ORDER BY id"
            ),
            {"c": company_id, "k": key},
        ).all()
        for folder_id, name in rows[1:]:  # the oldest keeps its name
            n = 2
            while True:
                suffix = f" ({n})"
                candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
                if not _taken(bind, company_id, candidate):
                    break
                n += 1
            bind.execute(
                sa.text("UPDATE custom_folders SET name = :n WHERE id = :i"),
                {"n": candidate, "i": folder_id},
            )


def upgrade() -> None:
    _rename_duplicates(op.get_bind())
    op.create_index(INDEX, "custom_folders", ["company_id", sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="custom_folders")
