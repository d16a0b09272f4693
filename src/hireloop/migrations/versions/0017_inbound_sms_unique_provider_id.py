"""messages: an inbound SMS's provider id (Twilio's MessageSid) is unique

The SMS webhook checked for the MessageSid and then inserted: on PostgreSQL two
deliveries of the same reply in flight at once (the provider resends after a slow answer)
both found nothing and stored it twice, with two ``message.received`` events. A partial
unique index on the provider id of inbound messages lets ``record_inbound_sms`` insert
with ``ON CONFLICT DO NOTHING`` instead. Replies already stored twice keep their first
copy (the lowest id); nothing references messages by foreign key.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_INDEX = "ux_messages_inbound_provider_message_id"


def upgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM messages WHERE direction = 'inbound' "
            "AND provider_message_id IS NOT NULL "
            "AND id NOT IN (SELECT MIN(id) FROM messages WHERE direction = 'inbound' "
            "AND provider_message_id IS NOT NULL GROUP BY provider_message_id)"
        )
    )
    where = sa.text("direction = 'inbound'")
    op.create_index(
        _INDEX,
        "messages",
        ["provider_message_id"],
        unique=True,
        postgresql_where=where,
        sqlite_where=where,
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="messages")
