"""Organization view, directory and questions: pivots' work phones (shown only by choice), when a person last
looked at module changes, and the questions learners ask on modules with their answers.

Revision ID: d4b8e2f6a1c7
Revises: c3a9d7e5f214
Create Date: 2026-12-03 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from elearning.models.types import UTCDateTime

revision = "d4b8e2f6a1c7"
down_revision = "c3a9d7e5f214"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("work_phone", sa.String(40), server_default="", nullable=False))
        batch.add_column(sa.Column("phone_in_directory", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("changes_seen_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("questions_revision", sa.BigInteger(), server_default="0", nullable=False))
    op.create_table(
        "module_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("section_slug", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answer_seen_at", UTCDateTime(), nullable=True),
        sa.Column("hidden_at", UTCDateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_module_questions_person_id_people")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_module_questions_organization_id_organizations")
        ),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_module_questions_module_id_modules")),
        sa.ForeignKeyConstraint(["hidden_by_id"], ["people.id"], name=op.f("fk_module_questions_hidden_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_questions")),
    )
    op.create_index(op.f("ix_module_questions_person_id"), "module_questions", ["person_id"])
    op.create_index(op.f("ix_module_questions_module_id"), "module_questions", ["module_id"])
    op.create_index("ix_module_questions_organization_asked", "module_questions", ["organization_id", "asked_at"])
    op.create_table(
        "question_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.Column("hidden_at", UTCDateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["module_questions.id"], name=op.f("fk_question_answers_question_id_module_questions")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_question_answers_person_id_people")),
        sa.ForeignKeyConstraint(["hidden_by_id"], ["people.id"], name=op.f("fk_question_answers_hidden_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_answers")),
    )
    op.create_index(op.f("ix_question_answers_question_id"), "question_answers", ["question_id"])
    op.create_index(op.f("ix_question_answers_person_id"), "question_answers", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_question_answers_person_id"), table_name="question_answers")
    op.drop_index(op.f("ix_question_answers_question_id"), table_name="question_answers")
    op.drop_table("question_answers")
    op.drop_index("ix_module_questions_organization_asked", table_name="module_questions")
    op.drop_index(op.f("ix_module_questions_module_id"), table_name="module_questions")
    op.drop_index(op.f("ix_module_questions_person_id"), table_name="module_questions")
    op.drop_table("module_questions")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("questions_revision")
        batch.drop_column("changes_seen_at")
        batch.drop_column("phone_in_directory")
        batch.drop_column("work_phone")
