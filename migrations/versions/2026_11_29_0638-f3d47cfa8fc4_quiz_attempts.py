"""Quiz attempts (fixed at start, submitted once) and extra attempts granted.

Revision ID: f3d47cfa8fc4
Revises: 8f39621104ea
Create Date: 2026-11-29 06:38:20
"""

import sqlalchemy as sa
from alembic import op

revision = "f3d47cfa8fc4"
down_revision = "8f39621104ea"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extra_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["granted_by_id"], ["people.id"], name=op.f("fk_extra_attempts_granted_by_id_people")),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_extra_attempts_module_id_modules")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_extra_attempts_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extra_attempts")),
    )
    op.create_index(op.f("ix_extra_attempts_module_id"), "extra_attempts", ["module_id"], unique=False)
    op.create_index(op.f("ix_extra_attempts_person_id"), "extra_attempts", ["person_id"], unique=False)
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("quiz_hash", sa.String(length=64), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("question_order", sa.JSON(), nullable=False),
        sa.Column("choice_order", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 100)", name=op.f("ck_quiz_attempts_score_percent")
        ),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_quiz_attempts_module_id_modules")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_quiz_attempts_person_id_people")),
        sa.ForeignKeyConstraint(["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_attempts_quiz_id_quizzes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
    )
    op.create_index(op.f("ix_quiz_attempts_module_id"), "quiz_attempts", ["module_id"], unique=False)
    op.create_index(op.f("ix_quiz_attempts_person_id"), "quiz_attempts", ["person_id"], unique=False)
    op.create_index(op.f("ix_quiz_attempts_quiz_id"), "quiz_attempts", ["quiz_id"], unique=False)
    op.create_index(
        "uq_quiz_attempts_open_person_module",
        "quiz_attempts",
        ["person_id", "module_id"],
        unique=True,
        sqlite_where=sa.text("submitted_at IS NULL AND discarded_at IS NULL"),
        postgresql_where=sa.text("submitted_at IS NULL AND discarded_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("quiz_attempts")
    op.drop_table("extra_attempts")
