"""A revision on each person, replaced whenever a fact about them changes (per-process memos check it).

Revision ID: 7d3f9b2c1e55
Revises: 5c1e2d7a9b40
Create Date: 2026-12-02 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7d3f9b2c1e55"
down_revision = "5c1e2d7a9b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("facts_revision", sa.BigInteger(), server_default="0", nullable=False))
    # Existing people get a random revision, as new ones do (a revision must not repeat across databases).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE people SET facts_revision = floor(random() * 4611686018427387903)::bigint")
    else:
        op.execute("UPDATE people SET facts_revision = abs(random() % 4611686018427387903)")


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("facts_revision")
