"""Question hints: a hint shown on a wrong answer while the answers are hidden, beside the explanation (the former
feedback) shown once the quiz's reveal rule allows.

Questions synced before keep no hint: their explanation is shown only when the answers are revealed.

Revision ID: b8e4c1d2f6a3
Revises: 7d3f9b2c1e55
Create Date: 2026-12-02 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b8e4c1d2f6a3"
down_revision = "7d3f9b2c1e55"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.alter_column(
            "feedback_fr", new_column_name="explanation_fr", existing_type=sa.Text(), existing_nullable=False
        )
        batch.alter_column(
            "feedback_en", new_column_name="explanation_en", existing_type=sa.Text(), existing_nullable=True
        )
        batch.add_column(sa.Column("hint_fr", sa.Text(), nullable=True))
        batch.add_column(sa.Column("hint_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("hint_en")
        batch.drop_column("hint_fr")
        batch.alter_column(
            "explanation_en", new_column_name="feedback_en", existing_type=sa.Text(), existing_nullable=True
        )
        batch.alter_column(
            "explanation_fr", new_column_name="feedback_fr", existing_type=sa.Text(), existing_nullable=False
        )
