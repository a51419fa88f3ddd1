"""Password reset links ("forgot password"): single-use, expiring, stored hashed.

Revision ID: f6d2a8c4e1b9
Revises: e5c9f3a7b2d8
Create Date: 2026-12-03 16:00:00
"""

import sqlalchemy as sa
from alembic import op

from elearning.models.types import UTCDateTime

revision = "f6d2a8c4e1b9"
down_revision = "e5c9f3a7b2d8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_reset_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_password_reset_tokens_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_tokens_token_hash")),
    )
    op.create_index(op.f("ix_password_reset_tokens_person_id"), "password_reset_tokens", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_password_reset_tokens_person_id"), table_name="password_reset_tokens")
    op.drop_table("password_reset_tokens")
