"""The content the platform serves, as synced: active modules with their current version, images, quizzes.

:class:`ModuleRef` holds the ORM rows (for the reader's pages and the writes); :class:`ModuleInfo` is the same
content as plain values (ids, slugs, texts, numbers) for reports, templates, JSON and exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning.extensions import db
from elearning.models import Module, ModuleImage, ModuleVersion, Question, Quiz, Section
from elearning.models.types import in_language
from elearning.services.catalog.sync import latest_versions
from elearning.services.errors import NotFound


@dataclass(frozen=True)
class ModuleRef:
    module: Module
    version: ModuleVersion


@dataclass(frozen=True)
class SectionInfo:
    """A section of a module version, as plain values."""

    slug: str
    title_fr: str
    title_en: str | None

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)


@dataclass(frozen=True)
class QuizInfo:
    """A module version's quiz, as plain values."""

    quiz_id: int
    #: Over the quiz file: a pass counts for every version whose quiz has the same hash.
    content_hash: str
    pass_mark: int
    #: Submitted attempts allowed per cycle (0: unlimited).
    attempt_limit: int
    question_count: int


@dataclass(frozen=True)
class ModuleInfo:
    """An active module and its current version, as plain values."""

    module_id: int
    slug: str
    version_id: int
    #: The authored version label ("2.1").
    version: str
    title_fr: str
    title_en: str | None
    summary_fr: str
    summary_en: str | None
    minutes: int
    requires_review: bool
    change_note_fr: str | None
    change_note_en: str | None
    sections: tuple[SectionInfo, ...]
    quiz: QuizInfo | None

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    def summary(self, language: str) -> str:
        return in_language(language, self.summary_fr, self.summary_en)

    def change_note(self, language: str) -> str | None:
        return self.change_note_en if language == "en" and self.change_note_en else self.change_note_fr


def active_modules() -> list[ModuleRef]:
    """Modules that are not retired, each with its current version, by title (two queries)."""
    modules = list(db.session.scalars(sa.select(Module).where(Module.retired_at.is_(None))))
    latest = latest_versions([module.id for module in modules])
    refs = [ModuleRef(module, latest[module.id]) for module in modules if module.id in latest]
    return sorted(refs, key=lambda ref: (ref.version.title_fr.casefold(), ref.module.slug))


def find_module(slug: str) -> ModuleRef:
    """The module and its current version; :class:`NotFound` for an unknown or retired slug."""
    module = db.session.scalar(sa.select(Module).where(Module.slug == slug, Module.retired_at.is_(None)))
    version = latest_versions([module.id]).get(module.id) if module is not None else None
    if module is None or version is None:
        raise NotFound(_l("This module does not exist."))
    return ModuleRef(module, version)


def find_image(ref: ModuleRef, name: str) -> ModuleImage:
    image = db.session.scalar(
        sa.select(ModuleImage).where(ModuleImage.module_version_id == ref.version.id, ModuleImage.name == name)
    )
    if image is None:
        raise NotFound(_l("This image does not exist."))
    return image


def quiz_of(version: ModuleVersion) -> Quiz | None:
    return db.session.scalar(sa.select(Quiz).where(Quiz.module_version_id == version.id))


def sections_of(refs: Iterable[ModuleRef]) -> dict[int, list[Section]]:
    """The sections of each module's current version, in reading order, by version id (one query)."""
    version_ids = [ref.version.id for ref in refs]
    sections: dict[int, list[Section]] = {version_id: [] for version_id in version_ids}
    for section in db.session.scalars(
        sa.select(Section).where(Section.module_version_id.in_(version_ids)).order_by(Section.position)
    ):
        sections[section.module_version_id].append(section)
    return sections


def quiz_infos(refs: Iterable[ModuleRef]) -> dict[int, QuizInfo]:
    """The quiz of each module's current version that has one, with its number of questions, by version id
    (one query)."""
    version_ids = [ref.version.id for ref in refs]
    counts: dict[int, QuizInfo] = {}
    for row in db.session.execute(
        sa.select(
            Quiz.id,
            Quiz.module_version_id,
            Quiz.content_hash,
            Quiz.pass_mark,
            Quiz.attempt_limit,
            sa.func.count(Question.id).label("questions"),
        )
        .outerjoin(Question, Question.quiz_id == Quiz.id)
        .where(Quiz.module_version_id.in_(version_ids))
        .group_by(Quiz.id, Quiz.module_version_id, Quiz.content_hash, Quiz.pass_mark, Quiz.attempt_limit)
    ):
        counts[row.module_version_id] = QuizInfo(
            quiz_id=row.id,
            content_hash=row.content_hash,
            pass_mark=row.pass_mark,
            attempt_limit=row.attempt_limit,
            question_count=row.questions,
        )
    return counts


def module_info(ref: ModuleRef, sections: Sequence[Section], quiz: QuizInfo | None) -> ModuleInfo:
    version = ref.version
    return ModuleInfo(
        module_id=ref.module.id,
        slug=ref.module.slug,
        version_id=version.id,
        version=version.version,
        title_fr=version.title_fr,
        title_en=version.title_en,
        summary_fr=version.summary_fr,
        summary_en=version.summary_en,
        minutes=version.minutes,
        requires_review=version.requires_review,
        change_note_fr=version.change_note_fr,
        change_note_en=version.change_note_en,
        sections=tuple(SectionInfo(section.slug, section.title_fr, section.title_en) for section in sections),
        quiz=quiz,
    )


def module_infos(
    refs: Iterable[ModuleRef], sections: Mapping[int, Sequence[Section]] | None = None
) -> dict[int, ModuleInfo]:
    """Plain values of each module's current version, by module id, in the order of ``refs`` (two queries, or
    one when the caller already holds the ``sections`` by version id)."""
    refs = list(refs)
    if sections is None:
        sections = sections_of(refs)
    quizzes = quiz_infos(refs)
    return {
        ref.module.id: module_info(ref, sections.get(ref.version.id, ()), quizzes.get(ref.version.id)) for ref in refs
    }
