"""Coverage report and certificate register: the indexes their reads need.

The target as it stood on a day reads the latest row per organization effective by then; the certificate
register pages certificates newest issued first, by keyset (issued_on, id).

Revision ID: c3a9d7e5f214
Revises: b8e4c1d2f6a3
Create Date: 2026-12-03 11:00:00
"""

from alembic import op

revision = "c3a9d7e5f214"
down_revision = "b8e4c1d2f6a3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_organization_targets_organization_effective",
        "organization_targets",
        ["organization_id", "effective_from"],
    )
    op.create_index("ix_certificates_issued_on_id", "certificates", ["issued_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_certificates_issued_on_id", table_name="certificates")
    op.drop_index("ix_organization_targets_organization_effective", table_name="organization_targets")
