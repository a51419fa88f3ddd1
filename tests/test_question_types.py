"""Grading each question type: pure functions, no request, no database."""

from __future__ import annotations

import pytest

from elearning.content.question_types import AnswerError, GradableQuestion, grade, score

SINGLE = GradableQuestion("q1", "single", ("a", "b", "c"), frozenset({"b"}))
MULTIPLE = GradableQuestion("q2", "multiple", ("a", "b", "c", "d"), frozenset({"a", "c"}))
TRUE_FALSE = GradableQuestion("q3", "true_false", ("true", "false"), frozenset({"false"}))


@pytest.mark.parametrize(
    ("question", "answer", "right"),
    [
        (SINGLE, {"b"}, True),
        (SINGLE, {"a"}, False),
        (MULTIPLE, {"a", "c"}, True),
        (MULTIPLE, {"a"}, False),  # one correct choice missing: no partial credit
        (MULTIPLE, {"a", "c", "d"}, False),  # an extra wrong choice
        (MULTIPLE, {"b", "d"}, False),
        (TRUE_FALSE, {"false"}, True),
        (TRUE_FALSE, {"true"}, False),
    ],
)
def test_grading(question: GradableQuestion, answer: set[str], right: bool) -> None:
    assert grade(question, frozenset(answer)) is right


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        (SINGLE, {"z"}, "z is not a choice of question q1"),
        (SINGLE, {"a", "b"}, "takes one answer"),
        (SINGLE, set(), "has no answer"),
        (TRUE_FALSE, {"maybe"}, "maybe is not a choice"),
        (TRUE_FALSE, {"true", "false"}, "takes one answer"),
        (MULTIPLE, {"a", "x"}, "x is not a choice"),
    ],
)
def test_answers_that_do_not_fit_are_refused(question: GradableQuestion, answer: set[str], message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        grade(question, frozenset(answer))


@pytest.mark.parametrize(
    ("results", "percent"), [([], 0), ([True] * 3, 100), ([True, True, False], 66), ([True] * 4 + [False], 80)]
)
def test_score_is_the_share_of_questions_right_rounded_down(results: list[bool], percent: int) -> None:
    assert score(results) == percent
