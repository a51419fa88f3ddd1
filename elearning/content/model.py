"""What a content tree is once checked: frozen dataclasses named *Source (the files, beside the models of the same
name in the database), the interface the sync and the reader consume.

Texts come per language (:class:`Localized`); rendered HTML is computed once, when the tree is checked, and is
already sanitized. Hashes are hex SHA-256 digests of the files' raw bytes (see :mod:`elearning.content.hashing`).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Localized:
    """A text per language; French is required, English may be missing (a warning when checked)."""

    fr: str
    en: str | None

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to French."""
        if language == "en" and self.en is not None:
            return self.en
        return self.fr

    def has(self, language: str) -> bool:
        """Whether the text exists in ``language`` (no fallback needed)."""
        return language == "fr" or (language == "en" and self.en is not None)


@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file, at ``path:line``."""

    path: str  # relative to the content root, forward slashes
    line: int  # 1-based; 1 when the whole file is concerned
    message: str  # English, names what is wrong
    severity: str = ERROR  # ERROR or WARNING

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class SectionSource:
    """One section of a module, in both languages. ``position`` is 1-based, in reading order."""

    slug: str
    position: int
    title: Localized
    markdown: Localized
    html: Localized  # rendered and sanitized; en is None when the English file is missing
    content_hash: str  # over both language files' bytes


@dataclass(frozen=True)
class ChoiceSource:
    id: str
    text: Localized
    correct: bool
    text_html: Localized  # render_inline of text


@dataclass(frozen=True)
class QuestionSource:
    id: str
    type: str  # "single" | "multiple" | "true_false"
    prompt: Localized
    choices: tuple[ChoiceSource, ...]  # empty for true_false
    answer: bool | None  # true_false only
    #: Shown on a wrong answer while the answers are hidden: explains without giving the answer away.
    hint: Localized
    #: Shown with the expected answer, once the quiz's reveal rule allows.
    explanation: Localized
    prompt_html: Localized  # render_inline of prompt
    hint_html: Localized  # render_inline of hint
    explanation_html: Localized  # render_inline of explanation

    @property
    def correct_choice_ids(self) -> frozenset[str]:
        """Ids of the correct choices (empty for true_false)."""
        return frozenset(choice.id for choice in self.choices if choice.correct)


@dataclass(frozen=True)
class QuizSource:
    module: str
    pass_mark: int  # percent, 1-100
    attempts: int  # 0 = unlimited
    shuffle_questions: bool
    shuffle_choices: bool
    reveal: str  # never | after_passing | after_last_attempt | after_passing_or_last_attempt
    questions: tuple[QuestionSource, ...]
    content_hash: str  # over the quiz file's bytes


@dataclass(frozen=True)
class ImageSource:
    name: str  # file name inside the module's images/ folder
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ModuleSource:
    slug: str
    version: str
    title: Localized
    summary: Localized
    minutes: int
    requires_review: bool
    change_note: Localized | None
    sections: tuple[SectionSource, ...]  # in reading order
    images: tuple[ImageSource, ...]  # sorted by name
    quiz: QuizSource | None
    content_hash: str  # over module.yml, every section file, every image and the quiz file


@dataclass(frozen=True)
class TrackSource:
    slug: str
    title: Localized
    modules: tuple[str, ...]  # module slugs, in order
    assigned_to: tuple[str, ...]  # role names
    validity_months: int
    days_to_finish: int


@dataclass(frozen=True)
class ContentTree:
    modules: tuple[ModuleSource, ...]  # sorted by slug
    tracks: tuple[TrackSource, ...]  # in file order

    def module(self, slug: str) -> ModuleSource | None:
        """The module named ``slug``, if any."""
        return next((module for module in self.modules if module.slug == slug), None)


@dataclass(frozen=True)
class CheckResult:
    tree: ContentTree | None  # None when there is any error
    problems: tuple[Problem, ...]  # sorted by path, then line

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.severity == WARNING)

    @property
    def ok(self) -> bool:
        """No error (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """One line: what was found when clean, else the problem counts."""
        counts = _counts(errors=len(self.errors), warnings=len(self.warnings))
        if self.tree is None:
            return counts
        modules = self.tree.modules
        quizzes = sum(1 for module in modules if module.quiz is not None)
        found = ", ".join(
            [
                _plural(len(modules), "module", "modules"),
                _plural(quizzes, "quiz", "quizzes"),
                _plural(len(self.tree.tracks), "track", "tracks"),
            ]
        )
        return f"{found}: {counts}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _counts(*, errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return "no problems"
    parts = []
    if errors:
        parts.append(_plural(errors, "error", "errors"))
    if warnings:
        parts.append(_plural(warnings, "warning", "warnings"))
    return ", ".join(parts)
