"""Training content as loaded by ``elearning content sync``.

A :class:`Module` is a stable id (its slug); each change of its files adds a :class:`ModuleVersion` with its
sections, images and quiz. Versions are never changed or removed, so progress rows can point at the exact
version taken. Texts are stored per language and already rendered to sanitized HTML at sync.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearning.extensions import Model
from elearning.models.types import UTCDateTime, in_language


class Module(Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Set when the module's folder disappeared from the content; its history stays.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


class ModuleVersion(Model):
    __tablename__ = "module_versions"
    __table_args__ = (sa.UniqueConstraint("module_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    version: Mapped[str] = mapped_column(sa.String(40))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    title_fr: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_fr: Mapped[str] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    minutes: Mapped[int] = mapped_column(sa.Integer)
    requires_review: Mapped[bool] = mapped_column(sa.Boolean)
    change_note_fr: Mapped[str | None] = mapped_column(sa.Text)
    change_note_en: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    module: Mapped[Module] = relationship(lazy="joined")

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    def summary(self, language: str) -> str:
        return in_language(language, self.summary_fr, self.summary_en)

    def change_note(self, language: str) -> str | None:
        if self.change_note_fr is None:
            return None
        return in_language(language, self.change_note_fr, self.change_note_en)


class Section(Model):
    __tablename__ = "sections"
    __table_args__ = (sa.UniqueConstraint("module_version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(sa.Integer)
    title_fr: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    html_fr: Mapped[str] = mapped_column(sa.Text)
    html_en: Mapped[str | None] = mapped_column(sa.Text)
    #: Over both language files: views of a section whose hash did not change carry over to new versions.
    content_hash: Mapped[str] = mapped_column(sa.String(64))

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    def html(self, language: str) -> str:
        return in_language(language, self.html_fr, self.html_en)

    def has_language(self, language: str) -> bool:
        return language == "fr" or self.html_en is not None


class ModuleImage(Model):
    __tablename__ = "module_images"
    __table_args__ = (sa.UniqueConstraint("module_version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Quiz(Model):
    """A module version's quiz, as it stood in that version (never changed)."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), unique=True)
    pass_mark: Mapped[int] = mapped_column(sa.Integer)
    attempt_limit: Mapped[int] = mapped_column(sa.Integer)
    shuffle_questions: Mapped[bool] = mapped_column(sa.Boolean)
    shuffle_choices: Mapped[bool] = mapped_column(sa.Boolean)
    reveal: Mapped[str] = mapped_column(sa.String(40))
    #: Over the quiz file: a pass counts for every version whose quiz has the same hash.
    content_hash: Mapped[str] = mapped_column(sa.String(64))


class Question(Model):
    __tablename__ = "questions"
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "key"),
        sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(20))
    prompt_fr: Mapped[str] = mapped_column(sa.Text)
    prompt_en: Mapped[str | None] = mapped_column(sa.Text)
    #: Shown on a wrong answer while the answers are hidden (none for questions synced before hints existed).
    hint_fr: Mapped[str | None] = mapped_column(sa.Text)
    hint_en: Mapped[str | None] = mapped_column(sa.Text)
    #: Shown with the expected answer, once the quiz's reveal rule allows.
    explanation_fr: Mapped[str] = mapped_column(sa.Text)
    explanation_en: Mapped[str | None] = mapped_column(sa.Text)
    #: The answer of a true/false question.
    answer: Mapped[bool | None] = mapped_column(sa.Boolean)

    def prompt(self, language: str) -> str:
        return in_language(language, self.prompt_fr, self.prompt_en)

    def explanation(self, language: str) -> str:
        return in_language(language, self.explanation_fr, self.explanation_en)


class Choice(Model):
    __tablename__ = "choices"
    __table_args__ = (sa.UniqueConstraint("question_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(sa.Integer)
    text_fr: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str | None] = mapped_column(sa.Text)
    correct: Mapped[bool] = mapped_column(sa.Boolean)

    def text(self, language: str) -> str:
        return in_language(language, self.text_fr, self.text_en)


class Track(Model):
    """An ordered set of required modules, assigned to roles, with a validity and days to finish."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title_fr: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    #: Roles the track is assigned to, comma-separated (worker, pivot, coordinator).
    assigned_to: Mapped[str] = mapped_column(sa.String(80))
    validity_months: Mapped[int] = mapped_column(sa.Integer)
    days_to_finish: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(role for role in self.assigned_to.split(",") if role)


class TrackModule(Model):
    __tablename__ = "track_modules"

    track_id: Mapped[int] = mapped_column(sa.ForeignKey("tracks.id"), primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)


class ContentRevision(Model):
    """One row per content sync that changed something: the newest id says which content the database holds,
    so every process can tell, in one cheap read, whether what it cached from the content is still current."""

    __tablename__ = "content_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unique: what caches are keyed by (an id may come back after a rolled-back sync; this never does).
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
