"""Foundation: organizations and targets, people, dated memberships, designations and grants, teams, audit log.

Revision ID: 4a246a71304b
Revises:
Create Date: 2026-11-29 05:57:45
"""

import sqlalchemy as sa
from alembic import op

revision = "4a246a71304b"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mandate_fr", sa.Text(), nullable=False),
        sa.Column("mandate_en", sa.Text(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('youth_centre', 'police', 'community', 'health', 'school', 'research', 'agency', 'other')",
            name=op.f("ck_organizations_kind"),
        ),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name=op.f("ck_organizations_left_after_joined")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("code", name=op.f("uq_organizations_code")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_language", sa.String(length=2), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("preferred_language IN ('fr', 'en')", name=op.f("ck_people_preferred_language")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_person_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_audit_events_actor_id_people")),
        sa.ForeignKeyConstraint(
            ["subject_person_id"], ["people.id"], name=op.f("fk_audit_events_subject_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"], unique=False)
    op.create_index(op.f("ix_audit_events_actor_id"), "audit_events", ["actor_id"], unique=False)
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)
    op.create_index(op.f("ix_audit_events_subject_person_id"), "audit_events", ["subject_person_id"], unique=False)
    op.create_table(
        "coordinator_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name=op.f("ck_coordinator_grants_end_after_start")),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["people.id"], name=op.f("fk_coordinator_grants_granted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_coordinator_grants_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_coordinator_grants_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinator_grants")),
    )
    op.create_index(
        op.f("ix_coordinator_grants_organization_id"), "coordinator_grants", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_coordinator_grants_person_id"), "coordinator_grants", ["person_id"], unique=False)
    op.create_index(
        "uq_coordinator_grants_open_person_org",
        "coordinator_grants",
        ["person_id", "organization_id"],
        unique=True,
        sqlite_where=sa.text("end_on IS NULL"),
        postgresql_where=sa.text("end_on IS NULL"),
    )
    op.create_table(
        "global_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'table')", name=op.f("ck_global_grants_role")),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name=op.f("ck_global_grants_end_after_start")),
        sa.ForeignKeyConstraint(["granted_by_id"], ["people.id"], name=op.f("fk_global_grants_granted_by_id_people")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_global_grants_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_global_grants")),
    )
    op.create_index(op.f("ix_global_grants_person_id"), "global_grants", ["person_id"], unique=False)
    op.create_index(
        "uq_global_grants_open_person_role",
        "global_grants",
        ["person_id", "role"],
        unique=True,
        sqlite_where=sa.text("end_on IS NULL"),
        postgresql_where=sa.text("end_on IS NULL"),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name=op.f("ck_memberships_end_after_start")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_memberships_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_memberships_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
    )
    op.create_index(op.f("ix_memberships_organization_id"), "memberships", ["organization_id"], unique=False)
    op.create_index(op.f("ix_memberships_person_id"), "memberships", ["person_id"], unique=False)
    op.create_index(
        "uq_memberships_open_person",
        "memberships",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("end_on IS NULL"),
        postgresql_where=sa.text("end_on IS NULL"),
    )
    op.create_table(
        "organization_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_organization_targets_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_targets_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["set_by_id"], ["people.id"], name=op.f("fk_organization_targets_set_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_targets")),
    )
    op.create_index(
        op.f("ix_organization_targets_organization_id"),
        "organization_targets",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "pivot_designations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("designated_by_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name=op.f("ck_pivot_designations_end_after_start")),
        sa.ForeignKeyConstraint(
            ["designated_by_id"], ["people.id"], name=op.f("fk_pivot_designations_designated_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_pivot_designations_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_pivot_designations_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pivot_designations")),
    )
    op.create_index(
        op.f("ix_pivot_designations_organization_id"), "pivot_designations", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_pivot_designations_person_id"), "pivot_designations", ["person_id"], unique=False)
    op.create_index(
        "uq_pivot_designations_open_person_org",
        "pivot_designations",
        ["person_id", "organization_id"],
        unique=True,
        sqlite_where=sa.text("end_on IS NULL"),
        postgresql_where=sa.text("end_on IS NULL"),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_teams_organization_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_teams_organization_id_name")),
    )
    op.create_index(op.f("ix_teams_organization_id"), "teams", ["organization_id"], unique=False)
    op.create_table(
        "team_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint("role IN ('member', 'pivot')", name=op.f("ck_team_memberships_role")),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name=op.f("ck_team_memberships_end_after_start")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_team_memberships_person_id_people")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_memberships_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_memberships")),
    )
    op.create_index(op.f("ix_team_memberships_person_id"), "team_memberships", ["person_id"], unique=False)
    op.create_index(op.f("ix_team_memberships_team_id"), "team_memberships", ["team_id"], unique=False)
    op.create_index(
        "uq_team_memberships_open_team_person",
        "team_memberships",
        ["team_id", "person_id"],
        unique=True,
        sqlite_where=sa.text("end_on IS NULL"),
        postgresql_where=sa.text("end_on IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("team_memberships")
    op.drop_table("teams")
    op.drop_table("pivot_designations")
    op.drop_table("organization_targets")
    op.drop_table("memberships")
    op.drop_table("global_grants")
    op.drop_table("coordinator_grants")
    op.drop_table("audit_events")
    op.drop_table("people")
    op.drop_table("organizations")
