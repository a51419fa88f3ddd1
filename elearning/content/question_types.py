"""Question types: a registry of small classes, each with a pure ``grade`` and what the form needs.

Grading never touches the request or the database: it takes a :class:`GradableQuestion` (what the attempt
was judged against) and the set of choice keys the learner selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class AnswerError(ValueError):
    """An answer that does not fit its question (unknown choice, several for a single choice...)."""


@dataclass(frozen=True)
class GradableQuestion:
    key: str
    kind: str
    #: Keys the learner may select, in the stored order.
    choice_keys: tuple[str, ...]
    correct: frozenset[str]


class QuestionType:
    name: ClassVar[str]
    #: Whether the form lets the learner select several choices (checkboxes) or one (radio buttons).
    several: ClassVar[bool] = False

    def check(self, question: GradableQuestion, answer: frozenset[str]) -> None:
        """Raise :class:`AnswerError` when ``answer`` does not belong to ``question``."""
        unknown = sorted(answer - set(question.choice_keys))
        if unknown:
            raise AnswerError(f"{', '.join(unknown)} is not a choice of question {question.key}")
        if not answer:
            raise AnswerError(f"question {question.key} has no answer")
        if not self.several and len(answer) > 1:
            raise AnswerError(f"question {question.key} takes one answer, not {len(answer)}")

    def grade(self, question: GradableQuestion, answer: frozenset[str]) -> bool:
        """Whether ``answer`` is right: exactly the correct choices (no partial credit)."""
        return answer == question.correct


class SingleChoice(QuestionType):
    name = "single"


class MultipleChoice(QuestionType):
    name = "multiple"
    several = True


class TrueFalse(QuestionType):
    name = "true_false"
    CHOICES: ClassVar[tuple[str, str]] = ("true", "false")

    @staticmethod
    def correct(answer: bool) -> frozenset[str]:
        return frozenset({"true" if answer else "false"})


QUESTION_TYPES: dict[str, QuestionType] = {kind.name: kind() for kind in (SingleChoice, MultipleChoice, TrueFalse)}


def grade(question: GradableQuestion, answer: frozenset[str]) -> bool:
    """Check then grade one answer with its question's type."""
    kind = QUESTION_TYPES[question.kind]
    kind.check(question, answer)
    return kind.grade(question, answer)


def score(results: list[bool]) -> int:
    """The share of questions right, as a whole percentage (rounded down, so 79.9 % does not pass 80)."""
    if not results:
        return 0
    return (100 * sum(results)) // len(results)
