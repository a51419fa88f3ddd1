"""Learning: content, progress, quiz attempts, track assignments and certificates.

Revision ID: f8be610fd3e2
Revises: bcf3e6037edf
Create Date: 2026-11-29 06:58:03
"""

import sqlalchemy as sa
from alembic import op

revision = "f8be610fd3e2"
down_revision = "bcf3e6037edf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modules")),
        sa.UniqueConstraint("slug", name=op.f("uq_modules_slug")),
    )
    op.create_table(
        "tracks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title_fr", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("assigned_to", sa.String(length=80), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column("days_to_finish", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracks")),
        sa.UniqueConstraint("slug", name=op.f("uq_tracks_slug")),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("organization_name_fr", sa.String(length=200), nullable=False),
        sa.Column("organization_name_en", sa.String(length=200), nullable=False),
        sa.Column("track_title_fr", sa.String(length=200), nullable=False),
        sa.Column("track_title_en", sa.String(length=200), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("renews_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("expires_on > valid_from", name=op.f("ck_certificates_expires_after_valid_from")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_certificates_organization_id_organizations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_certificates_person_id_people")),
        sa.ForeignKeyConstraint(
            ["renews_id"], ["certificates.id"], name=op.f("fk_certificates_renews_id_certificates")
        ),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["people.id"], name=op.f("fk_certificates_revoked_by_id_people")),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_certificates_track_id_tracks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("person_id", "track_id", "cycle", name=op.f("uq_certificates_person_id_track_id_cycle")),
    )
    op.create_index(op.f("ix_certificates_expires_on"), "certificates", ["expires_on"], unique=False)
    op.create_index(op.f("ix_certificates_person_id"), "certificates", ["person_id"], unique=False)
    op.create_index(op.f("ix_certificates_track_id"), "certificates", ["track_id"], unique=False)
    op.create_table(
        "extra_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
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
        "module_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title_fr", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("summary_fr", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("requires_review", sa.Boolean(), nullable=False),
        sa.Column("change_note_fr", sa.Text(), nullable=True),
        sa.Column("change_note_en", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_module_versions_module_id_modules")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_versions")),
        sa.UniqueConstraint("module_id", "version", name=op.f("uq_module_versions_module_id_version")),
    )
    op.create_index(op.f("ix_module_versions_module_id"), "module_versions", ["module_id"], unique=False)
    op.create_table(
        "track_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= assigned_on", name=op.f("ck_track_assignments_ended_after_assigned")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_track_assignments_person_id_people")),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_track_assignments_track_id_tracks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_assignments")),
    )
    op.create_index(op.f("ix_track_assignments_person_id"), "track_assignments", ["person_id"], unique=False)
    op.create_index(op.f("ix_track_assignments_track_id"), "track_assignments", ["track_id"], unique=False)
    op.create_index(
        "uq_track_assignments_open_person_track",
        "track_assignments",
        ["person_id", "track_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_table(
        "track_modules",
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_track_modules_module_id_modules")),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_track_modules_track_id_tracks")),
        sa.PrimaryKeyConstraint("track_id", "module_id", name=op.f("pk_track_modules")),
    )
    op.create_table(
        "completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_completions_module_id_modules")),
        sa.ForeignKeyConstraint(
            ["module_version_id"], ["module_versions.id"], name=op.f("fk_completions_module_version_id_module_versions")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_completions_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completions")),
        sa.UniqueConstraint(
            "person_id",
            "module_version_id",
            "completed_on",
            name=op.f("uq_completions_person_id_module_version_id_completed_on"),
        ),
    )
    op.create_index(op.f("ix_completions_module_id"), "completions", ["module_id"], unique=False)
    op.create_index(op.f("ix_completions_module_version_id"), "completions", ["module_version_id"], unique=False)
    op.create_index(op.f("ix_completions_person_id"), "completions", ["person_id"], unique=False)
    op.create_table(
        "module_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["module_versions.id"],
            name=op.f("fk_module_images_module_version_id_module_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_images")),
        sa.UniqueConstraint("module_version_id", "name", name=op.f("uq_module_images_module_version_id_name")),
    )
    op.create_index(op.f("ix_module_images_module_version_id"), "module_images", ["module_version_id"], unique=False)
    op.create_table(
        "quizzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("attempt_limit", sa.Integer(), nullable=False),
        sa.Column("shuffle_questions", sa.Boolean(), nullable=False),
        sa.Column("shuffle_choices", sa.Boolean(), nullable=False),
        sa.Column("reveal", sa.String(length=40), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_version_id"], ["module_versions.id"], name=op.f("fk_quizzes_module_version_id_module_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quizzes")),
        sa.UniqueConstraint("module_version_id", name=op.f("uq_quizzes_module_version_id")),
    )
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_fr", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("html_fr", sa.Text(), nullable=False),
        sa.Column("html_en", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_version_id"], ["module_versions.id"], name=op.f("fk_sections_module_version_id_module_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sections")),
        sa.UniqueConstraint("module_version_id", "slug", name=op.f("uq_sections_module_version_id_slug")),
    )
    op.create_index(op.f("ix_sections_module_version_id"), "sections", ["module_version_id"], unique=False)
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prompt_fr", sa.Text(), nullable=False),
        sa.Column("prompt_en", sa.Text(), nullable=True),
        sa.Column("feedback_fr", sa.Text(), nullable=False),
        sa.Column("feedback_en", sa.Text(), nullable=True),
        sa.Column("answer", sa.Boolean(), nullable=True),
        sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name=op.f("ck_questions_kind")),
        sa.ForeignKeyConstraint(["quiz_id"], ["quizzes.id"], name=op.f("fk_questions_quiz_id_quizzes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint("quiz_id", "key", name=op.f("uq_questions_quiz_id_key")),
    )
    op.create_index(op.f("ix_questions_quiz_id"), "questions", ["quiz_id"], unique=False)
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("quiz_hash", sa.String(length=64), nullable=False),
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
    op.create_table(
        "section_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("section_slug", sa.String(length=80), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("viewed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_section_views_module_id_modules")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_section_views_person_id_people")),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_section_views_section_id_sections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_views")),
        sa.UniqueConstraint(
            "person_id",
            "module_id",
            "section_slug",
            "content_hash",
            "viewed_on",
            name=op.f("uq_section_views_person_id_module_id_section_slug_content_hash_viewed_on"),
        ),
    )
    op.create_index(op.f("ix_section_views_module_id"), "section_views", ["module_id"], unique=False)
    op.create_index(op.f("ix_section_views_person_id"), "section_views", ["person_id"], unique=False)
    op.create_table(
        "choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_fr", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], name=op.f("fk_choices_question_id_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choices")),
        sa.UniqueConstraint("question_id", "key", name=op.f("uq_choices_question_id_key")),
    )
    op.create_index(op.f("ix_choices_question_id"), "choices", ["question_id"], unique=False)


def downgrade() -> None:
    op.drop_table("choices")
    op.drop_table("section_views")
    op.drop_table("quiz_attempts")
    op.drop_table("questions")
    op.drop_table("sections")
    op.drop_table("quizzes")
    op.drop_table("module_images")
    op.drop_table("completions")
    op.drop_table("track_modules")
    op.drop_table("track_assignments")
    op.drop_table("module_versions")
    op.drop_table("extra_attempts")
    op.drop_table("certificates")
    op.drop_table("tracks")
    op.drop_table("modules")
