"""The synced content as plain values: what the reader's pages, the quiz and the reports read.

Content changes only when a sync lands, so these are read once per process and content revision
(:mod:`elearning.services.catalog.cache`) and shared by every request: frozen dataclasses of primitives, never
ORM rows bound to a session. Their attributes and methods have the names of the models they come from, so a
template reads ``section.title(language)`` whichever it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elearning.models.types import in_language


@dataclass(frozen=True)
class ModuleEntry:
    id: int
    slug: str


@dataclass(frozen=True)
class VersionEntry:
    """A module's version (the current one, for an active module)."""

    id: int
    module_id: int
    version: str
    content_hash: str
    title_fr: str
    title_en: str | None
    summary_fr: str
    summary_en: str | None
    minutes: int
    requires_review: bool
    change_note_fr: str | None
    change_note_en: str | None
    created_at: dt.datetime

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    def summary(self, language: str) -> str:
        return in_language(language, self.summary_fr, self.summary_en)

    def change_note(self, language: str) -> str | None:
        if self.change_note_fr is None:
            return None
        return in_language(language, self.change_note_fr, self.change_note_en)


@dataclass(frozen=True)
class TrackEntry:
    """An active track (retired ones left out)."""

    id: int
    slug: str
    title_fr: str
    title_en: str | None

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)


@dataclass(frozen=True)
class SectionEntry:
    id: int
    module_version_id: int
    slug: str
    position: int
    title_fr: str
    title_en: str | None
    html_fr: str
    html_en: str | None
    #: Over both language files: views of a section whose hash did not change carry over to new versions.
    content_hash: str

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    def html(self, language: str) -> str:
        return in_language(language, self.html_fr, self.html_en)

    def has_language(self, language: str) -> bool:
        return language == "fr" or self.html_en is not None


@dataclass(frozen=True)
class ChoiceEntry:
    id: int
    question_id: int
    key: str
    position: int
    text_fr: str
    text_en: str | None
    correct: bool

    def text(self, language: str) -> str:
        return in_language(language, self.text_fr, self.text_en)


@dataclass(frozen=True)
class QuestionEntry:
    id: int
    quiz_id: int
    key: str
    position: int
    kind: str
    prompt_fr: str
    prompt_en: str | None
    #: Shown on a wrong answer while the answers are hidden; None for questions synced before hints existed.
    hint_fr: str | None
    hint_en: str | None
    #: Shown with the expected answer, once the quiz's reveal rule allows.
    explanation_fr: str
    explanation_en: str | None
    #: The answer of a true/false question.
    answer: bool | None
    choices: tuple[ChoiceEntry, ...]

    def prompt(self, language: str) -> str:
        return in_language(language, self.prompt_fr, self.prompt_en)

    def hint(self, language: str) -> str | None:
        return in_language(language, self.hint_fr, self.hint_en) if self.hint_fr is not None else None

    def explanation(self, language: str) -> str:
        return in_language(language, self.explanation_fr, self.explanation_en)


@dataclass(frozen=True)
class QuizEntry:
    """A module version's quiz, as it stood in that version."""

    id: int
    module_version_id: int
    pass_mark: int
    attempt_limit: int
    shuffle_questions: bool
    shuffle_choices: bool
    reveal: str
    #: Over the quiz file: a pass counts for every version whose quiz has the same hash.
    content_hash: str
    questions: tuple[QuestionEntry, ...]


@dataclass(frozen=True)
class ModuleRef:
    """An active module and its current version."""

    module: ModuleEntry
    version: VersionEntry
