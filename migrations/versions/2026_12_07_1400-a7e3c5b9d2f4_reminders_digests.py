"""Reminders and weekly digests: what was sent to whom (the 7-day rule, one digest a week), and the digest opt-out.

Revision ID: a7e3c5b9d2f4
Revises: f6d2a8c4e1b9
Create Date: 2026-12-07 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from elearning.models.types import UTCDateTime

revision = "a7e3c5b9d2f4"
down_revision = "f6d2a8c4e1b9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("digests_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("reason IN ('overdue', 'due', 'renewal')", name=op.f("ck_reminders_reason")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_reminders_person_id_people")),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_reminders_module_id_modules")),
        sa.ForeignKeyConstraint(["sent_by_id"], ["people.id"], name=op.f("fk_reminders_sent_by_id_people")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox_messages.id"], name=op.f("fk_reminders_message_id_outbox_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index("ix_reminders_person_id_module_id_sent_at", "reminders", ["person_id", "module_id", "sent_at"])
    op.create_index(op.f("ix_reminders_message_id"), "reminders", ["message_id"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('pivot', 'coordinator')", name=op.f("ck_digests_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_digests_person_id_people")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox_messages.id"], name=op.f("fk_digests_message_id_outbox_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("person_id", "kind", "week_of", name=op.f("uq_digests_person_id_kind_week_of")),
    )


def downgrade() -> None:
    op.drop_table("digests")
    op.drop_index(op.f("ix_reminders_message_id"), table_name="reminders")
    op.drop_index("ix_reminders_person_id_module_id_sent_at", table_name="reminders")
    op.drop_table("reminders")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("digests_enabled")
