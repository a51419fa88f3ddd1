"""The e-mail outbox: messages written with the action that causes them, delivered after commit.

Revision ID: e5c9f3a7b2d8
Revises: d4b8e2f6a1c7
Create Date: 2026-12-03 15:30:00
"""

import sqlalchemy as sa
from alembic import op

from elearning.models.types import UTCDateTime

revision = "e5c9f3a7b2d8"
down_revision = "d4b8e2f6a1c7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(250), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["people.id"], name=op.f("fk_outbox_messages_recipient_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(op.f("ix_outbox_messages_recipient_id"), "outbox_messages", ["recipient_id"])
    op.create_index("ix_outbox_messages_status_next_attempt_at", "outbox_messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_status_next_attempt_at", table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_recipient_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
