"""The content the platform serves, as synced: active modules with their current version, images, quizzes.

Everything but images comes from the per-process catalog (:mod:`elearning.services.catalog.cache`): plain
values, read from the database once per content revision. :class:`ModuleRef` is what the reader's pages and
the writes use; :class:`ModuleInfo` is a projection for reports, templates, JSON and exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning.extensions import db
from elearning.models import ModuleImage
from elearning.models.types import in_language
from elearning.services.catalog import cache
from elearning.services.catalog.entries import ModuleRef as ModuleRef
from elearning.services.catalog.entries import QuizEntry, SectionEntry, VersionEntry
from elearning.services.errors import NotFound


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
        if self.change_note_fr is None:
            return None
        return in_language(language, self.change_note_fr, self.change_note_en)


def active_modules() -> list[ModuleRef]:
    """Modules that are not retired, each with its current version, by title."""
    return list(cache.catalog().modules)


def modules_in_track_order() -> list[ModuleRef]:
    """Active modules in the order the tracks give them (the order of the tracks' files), then the modules of
    no track by title."""
    return list(cache.catalog().in_track_order)


def find_module(slug: str) -> ModuleRef:
    """The module and its current version; :class:`NotFound` for an unknown or retired slug."""
    ref = cache.catalog().by_slug.get(slug)
    if ref is None:
        raise NotFound(_l("This module does not exist."))
    return ref


def find_image(ref: ModuleRef, name: str) -> ModuleImage:
    image = db.session.scalar(
        sa.select(ModuleImage).where(ModuleImage.module_version_id == ref.version.id, ModuleImage.name == name)
    )
    if image is None:
        raise NotFound(_l("This image does not exist."))
    return image


def quiz_of(version: VersionEntry) -> QuizEntry | None:
    """The quiz of a module's current version (None without one)."""
    return cache.catalog().quizzes.get(version.id)


def quiz_by_id(quiz_id: int) -> QuizEntry:
    """A quiz of any version (an attempt's), with its questions: from the catalog when current."""
    found = cache.catalog().quizzes_by_id.get(quiz_id) or cache.quizzes_by_id([quiz_id]).get(quiz_id)
    if found is None:
        raise NotFound(_l("This quiz does not exist."))
    return found


def sections_of(refs: Iterable[ModuleRef]) -> dict[int, tuple[SectionEntry, ...]]:
    """The sections of each module's current version, in reading order, by version id."""
    sections = cache.catalog().sections
    return {ref.version.id: sections.get(ref.version.id, ()) for ref in refs}


def quiz_infos(refs: Iterable[ModuleRef]) -> dict[int, QuizInfo]:
    """The quiz of each module's current version that has one, with its number of questions, by version id."""
    quizzes = cache.catalog().quizzes
    infos: dict[int, QuizInfo] = {}
    for ref in refs:
        quiz = quizzes.get(ref.version.id)
        if quiz is not None:
            infos[ref.version.id] = QuizInfo(
                quiz_id=quiz.id,
                content_hash=quiz.content_hash,
                pass_mark=quiz.pass_mark,
                attempt_limit=quiz.attempt_limit,
                question_count=len(quiz.questions),
            )
    return infos


def module_info(ref: ModuleRef, sections: Sequence[SectionEntry], quiz: QuizInfo | None) -> ModuleInfo:
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
    refs: Iterable[ModuleRef], sections: Mapping[int, Sequence[SectionEntry]] | None = None
) -> dict[int, ModuleInfo]:
    """Plain values of each module's current version, by module id, in the order of ``refs``."""
    refs = list(refs)
    if sections is None:
        sections = sections_of(refs)
    quizzes = quiz_infos(refs)
    return {
        ref.module.id: module_info(ref, sections.get(ref.version.id, ()), quizzes.get(ref.version.id)) for ref in refs
    }
