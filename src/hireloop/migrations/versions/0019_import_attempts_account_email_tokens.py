"""import_runs.attempts; account emails already sent keep no link token

- ``import_runs.attempts``: how many times the worker started a web-app CSV import. A run
  whose worker died is queued again, and fails after a few starts
  (domain/intake/background.py).
- Password-reset and invitation emails kept their link's token in the stored text after
  they were sent (only its hash is kept with the user): from now on the token is removed
  when the message leaves the queue (messaging/models.py, ``forget_tokens``); this removes
  it from the emails already sent, stored, failed or canceled.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 05:15:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# As messaging/models.py at this revision.
_LINK_TOKEN = re.compile(r"([?&](?:amp;)?token=)[^\s&\"'<>]+")
_REMOVED = "removed-after-sending"


def _forget(text: str | None) -> str | None:
    return _LINK_TOKEN.sub(lambda m: m.group(1) + _REMOVED, text) if text else text


def upgrade() -> None:
    with op.batch_alter_table("import_runs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, body_text, body_html FROM messages "
            "WHERE kind IN ('password_reset', 'user_invitation') "
            "AND status NOT IN ('queued', 'sending')"
        )
    ).all()
    update = sa.text("UPDATE messages SET body_text = :text, body_html = :html WHERE id = :id")
    for id_, body_text, body_html in rows:
        text, html = _forget(body_text), _forget(body_html)
        if (text, html) != (body_text, body_html):
            connection.execute(update, {"id": id_, "text": text or "", "html": html})


def downgrade() -> None:
    with op.batch_alter_table("import_runs") as batch:
        batch.drop_column("attempts")
