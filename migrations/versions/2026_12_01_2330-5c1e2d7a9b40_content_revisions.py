"""Content revisions: one row per content sync that changed something (per-process caches check the newest).

Revision ID: 5c1e2d7a9b40
Revises: f8be610fd3e2
Create Date: 2026-12-01 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5c1e2d7a9b40"
down_revision = "f8be610fd3e2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revisions")),
        sa.UniqueConstraint("token", name=op.f("uq_content_revisions_token")),
    )
    # A database that already holds content starts at a first revision.
    op.execute(
        "INSERT INTO content_revisions (token, synced_at) "
        "SELECT 'initial', MAX(created_at) FROM module_versions HAVING COUNT(*) > 0"
    )


def downgrade() -> None:
    op.drop_table("content_revisions")
