"""Taking a quiz: attempts fixed at start, answers saved as one goes, graded once on the server.

An attempt stores its quiz (hence the module version), the pass mark and the order of questions and choices
shown. Submitting grades against that, even if the content changed meanwhile. The grading write is a
conditional update (``submitted_at IS NULL``): a double click, a resent form or a second tab produce one
graded attempt, and the repeat shows that same result. Only submitted attempts count against the limit.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from elearning import clock, permissions
from elearning.content.question_types import QUESTION_TYPES, AnswerError, GradableQuestion, TrueFalse, grade, score
from elearning.extensions import db
from elearning.models import ExtraAttempt, Person, QuizAttempt
from elearning.permissions import Viewer
from elearning.services import revisions
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.catalog import lookup
from elearning.services.catalog.entries import ChoiceEntry, QuestionEntry, QuizEntry
from elearning.services.errors import Conflict, Invalid, NotFound
from elearning.services.learning import batch, cycles
from elearning.services.learning.states import Allowance, QuizRule
from elearning.services.people.viewers import member_ref
from elearning.services.transactions import lock_learner

#: Default of :func:`allowance`'s ``since``: the learner's current cycle on the module.
CURRENT_CYCLE = object()

REVEAL_NEVER = "never"
REVEAL_AFTER_PASSING = "after_passing"
REVEAL_AFTER_LAST_ATTEMPT = "after_last_attempt"
REVEAL_EITHER = "after_passing_or_last_attempt"


NO_ATTEMPTS_LEFT = _l("No attempts left: ask your pivot for one more attempt.")


@dataclass(frozen=True)
class ShownChoice:
    key: str
    choice: ChoiceEntry | None  # None for true/false
    label_key: str | None = None  # "true" / "false"


@dataclass(frozen=True)
class ShownQuestion:
    question: QuestionEntry
    choices: tuple[ShownChoice, ...]
    several: bool
    gradable: GradableQuestion


@dataclass(frozen=True)
class QuizStart:
    """What opening the quiz gave: the open attempt, or None when no attempt is left (``allowance`` says)."""

    attempt: QuizAttempt | OpenAttempt | None
    allowance: Allowance


@dataclass(frozen=True)
class OpenAttempt:
    """What the quiz form shows of an open attempt, as a plain value (kept under the learner's revision: every
    write to an attempt gives its learner a new one)."""

    id: int
    quiz_id: int
    pass_mark: int
    question_order: tuple[str, ...]
    choice_order: Mapping[str, tuple[str, ...]]
    answers: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, attempt: QuizAttempt) -> OpenAttempt:
        return cls(
            id=attempt.id,
            quiz_id=attempt.quiz_id,
            pass_mark=attempt.pass_mark,
            question_order=tuple(attempt.question_order),
            choice_order=MappingProxyType({key: tuple(keys) for key, keys in attempt.choice_order.items()}),
            answers=MappingProxyType({key: tuple(keys) for key, keys in (attempt.answers or {}).items()}),
        )


class Unanswered(Invalid):
    """A submission that leaves questions without an answer (nothing else wrong with it): ``numbers`` are their
    1-based positions in the attempt."""

    def __init__(self, numbers: tuple[int, ...]) -> None:
        super().__init__(
            _l(
                "Answer every question before submitting. Not answered: %(numbers)s.",
                numbers=", ".join(map(str, numbers)),
            )
        )
        self.numbers = numbers


@dataclass(frozen=True)
class AttemptResult:
    attempt: QuizAttempt
    questions: tuple[ShownQuestion, ...]
    allowance: Allowance
    reveal_answers: bool


# -- reading ---------------------------------------------------------------------------------------------


def _questions(quiz_id: int) -> tuple[dict[str, QuestionEntry], dict[int, list[ChoiceEntry]]]:
    quiz = lookup.quiz_by_id(quiz_id)
    questions = {question.key: question for question in quiz.questions}
    choices = {question.id: list(question.choices) for question in quiz.questions}
    return questions, choices


def _gradable(question: QuestionEntry, choices: list[ChoiceEntry]) -> GradableQuestion:
    if question.kind == TrueFalse.name:
        return GradableQuestion(
            question.key, question.kind, TrueFalse.CHOICES, TrueFalse.correct(bool(question.answer))
        )
    return GradableQuestion(
        question.key,
        question.kind,
        tuple(choice.key for choice in choices),
        frozenset(choice.key for choice in choices if choice.correct),
    )


def shown_questions(attempt: QuizAttempt | OpenAttempt) -> tuple[ShownQuestion, ...]:
    """The attempt's questions and choices in the order it fixed (two queries)."""
    questions, choices = _questions(attempt.quiz_id)
    shown = []
    for key in attempt.question_order:
        question = questions[key]
        own = {choice.key: choice for choice in choices[question.id]}
        order = attempt.choice_order.get(key, [])
        if question.kind == TrueFalse.name:
            listed = tuple(ShownChoice(value, None, value) for value in order)
        else:
            listed = tuple(ShownChoice(choice_key, own[choice_key]) for choice_key in order)
        shown.append(
            ShownQuestion(
                question=question,
                choices=listed,
                several=QUESTION_TYPES[question.kind].several,
                gradable=_gradable(question, choices[question.id]),
            )
        )
    return tuple(shown)


def allowance(
    person_id: int, module_id: int, quiz: QuizRule, since: dt.datetime | object | None = CURRENT_CYCLE
) -> Allowance:
    """Attempts submitted in the learner's current cycle on this module, and the number allowed (the quiz's
    limit plus the extra attempts granted in this cycle). ``since`` overrides the cycle start. The rules are
    :func:`batch.allowances_since`'s."""
    start = cycles.module_starts_of(person_id).get(module_id) if since is CURRENT_CYCLE else since
    starts = {(person_id, module_id): start} if isinstance(start, dt.datetime) else {}
    return batch.allowances_since([person_id], {module_id: quiz}, starts)[(person_id, module_id)]


def reveals_answers(quiz_reveal: str, attempt: QuizAttempt, after: Allowance) -> bool:
    """Whether the result page shows the correct answers, per the quiz's setting."""
    if attempt.submitted_at is None:
        return False
    passed = bool(attempt.passed)
    last = after.exhausted
    return {
        REVEAL_NEVER: False,
        REVEAL_AFTER_PASSING: passed,
        REVEAL_AFTER_LAST_ATTEMPT: last,
        REVEAL_EITHER: passed or last,
    }.get(quiz_reveal, False)


_open_attempt: list[sa.Select[QuizAttempt]] = []


def _open_attempt_statement() -> sa.Select[QuizAttempt]:
    """The open attempt of (``person_id``, ``module_id``): built once per process (the quiz form asks on
    every view, and building a statement costs more than running it)."""
    if not _open_attempt:
        _open_attempt.append(
            sa.select(QuizAttempt).where(
                QuizAttempt.person_id == sa.bindparam("person_id", type_=sa.Integer),
                QuizAttempt.module_id == sa.bindparam("module_id", type_=sa.Integer),
                QuizAttempt.submitted_at.is_(None),
                QuizAttempt.discarded_at.is_(None),
            )
        )
    return _open_attempt[0]


def open_attempt_of(person_id: int, module_id: int) -> QuizAttempt | None:
    return db.session.scalar(_open_attempt_statement(), {"person_id": person_id, "module_id": module_id})


def _seen_open_attempt(person_id: int, module_id: int) -> OpenAttempt | None:
    def load() -> OpenAttempt | None:
        found = open_attempt_of(person_id, module_id)
        return OpenAttempt.of(found) if found is not None else None

    return revisions.memo("open attempt", person_id, lambda: module_id, load)


def open_for_form(person: Person, ref: lookup.ModuleRef, quiz: QuizEntry) -> QuizStart:
    """:func:`start_or_continue` for the quiz form: an open attempt at this quiz as a plain value, read from
    what this process keeps under the learner's revision when it can (no statement); otherwise (nothing open,
    an old version's attempt) :func:`start_or_continue` decides."""
    seen = _seen_open_attempt(person.id, ref.module.id)
    if seen is not None and seen.quiz_id == quiz.id:
        return QuizStart(seen, allowance(person.id, ref.module.id, quiz))
    return start_or_continue(person, ref, quiz)


def get_attempt(person: Person, attempt_id: int, ref: lookup.ModuleRef) -> QuizAttempt:
    """One of the person's own attempts at this module; :class:`NotFound` otherwise (another person's too)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.person_id != person.id or attempt.module_id != ref.module.id:
        raise NotFound(_l("This attempt does not exist."))
    return attempt


def attempts_of(person_id: int, module_ids: list[int]) -> list[QuizAttempt]:
    """Submitted attempts of a person at these modules, newest first."""
    if not module_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(QuizAttempt)
            .where(
                QuizAttempt.person_id == person_id,
                QuizAttempt.module_id.in_(module_ids),
                QuizAttempt.submitted_at.is_not(None),
            )
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )


# -- starting --------------------------------------------------------------------------------------------


def _orders(quiz: QuizEntry, seed: str) -> tuple[list[str], dict[str, list[str]]]:
    """The order of questions and of each question's choices, shuffled when the quiz says so (seeded, so an
    attempt's order is reproducible and differs from one attempt to the next)."""
    questions, choices = _questions(quiz.id)
    rng = random.Random(seed)
    question_keys = [q.key for q in sorted(questions.values(), key=lambda q: q.position)]
    if quiz.shuffle_questions:
        rng.shuffle(question_keys)
    choice_order: dict[str, list[str]] = {}
    for key in question_keys:
        question = questions[key]
        keys = (
            list(TrueFalse.CHOICES)
            if question.kind == TrueFalse.name
            else [choice.key for choice in choices[question.id]]
        )
        if quiz.shuffle_choices and question.kind != TrueFalse.name:
            rng.shuffle(keys)
        choice_order[key] = keys
    return question_keys, choice_order


def start_or_continue(person: Person, ref: lookup.ModuleRef, quiz: QuizEntry) -> QuizStart:
    """The learner's open attempt at the module's current quiz, started when there is none and the quiz is
    not passed yet.

    An open attempt on a superseded version is discarded (never counted). When the quiz is passed and no
    attempt is open, or every allowed attempt was used without a pass, the result holds no attempt (its
    allowance says which; a discarded one stays discarded). Two tabs opening at once share one attempt (the
    learner's lock, and a unique index on open attempts). Reads three statements when nothing is to write.
    The caller commits.
    """
    current = open_attempt_of(person.id, ref.module.id)
    state = allowance(person.id, ref.module.id, quiz)
    if current is not None and current.quiz_id == quiz.id:
        return QuizStart(current, state)
    if current is None and (state.passed or state.exhausted):
        return QuizStart(None, state)
    lock_learner(person.id)
    current = open_attempt_of(person.id, ref.module.id)  # again, under the lock
    if current is not None and current.quiz_id == quiz.id:
        return QuizStart(current, allowance(person.id, ref.module.id, quiz))
    if current is not None:
        current.discarded_at = clock.now()
        record(
            "quiz.attempt_discarded",
            actor=person,
            subject=person,
            object_type="quiz_attempt",
            object_id=current.id,
            details={"reason": "new_version"},
        )
        db.session.flush()
    state = allowance(person.id, ref.module.id, quiz)
    if state.exhausted:
        return QuizStart(None, state)
    number = (
        db.session.scalar(
            sa.select(sa.func.count()).where(QuizAttempt.person_id == person.id, QuizAttempt.module_id == ref.module.id)
        )
        or 0
    ) + 1
    question_order, choice_order = _orders(quiz, f"{person.id}:{ref.module.id}:{quiz.id}:{number}")
    attempt = QuizAttempt(
        person_id=person.id,
        module_id=ref.module.id,
        quiz_id=quiz.id,
        quiz_hash=quiz.content_hash,
        pass_mark=quiz.pass_mark,
        question_order=question_order,
        choice_order=choice_order,
        answers={},
        started_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        winner = open_attempt_of(person.id, ref.module.id)
        if winner is None:
            raise
        return QuizStart(winner, state)
    return QuizStart(attempt, state)


# -- answering -------------------------------------------------------------------------------------------


def parse_answers(
    shown: tuple[ShownQuestion, ...], raw: Mapping[str, list[str]], *, complete: bool
) -> dict[str, list[str]]:
    """Turn form values (question key -> selected choice keys) into checked answers.

    Raises :class:`Invalid` naming the question when an answer does not belong to it, or (``complete``)
    :class:`Unanswered` when questions have no answer. Keys that name no question of the attempt are refused too.
    """
    known = {item.question.key for item in shown}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise Invalid(_l("These answers name no question of this attempt: %(keys)s.", keys=", ".join(unknown)))
    answers: dict[str, list[str]] = {}
    missing = []
    for position, item in enumerate(shown, 1):
        selected = [value for value in raw.get(item.question.key, []) if value]
        if not selected:
            missing.append(position)
            continue
        try:
            QUESTION_TYPES[item.question.kind].check(item.gradable, frozenset(selected))
        except AnswerError:
            raise Invalid(
                _l("The answer to question %(number)s is not one of its choices.", number=position),
                field=item.question.key,
            ) from None
        answers[item.question.key] = sorted(set(selected))
    if complete and missing:
        raise Unanswered(tuple(missing))
    return answers


def unanswered(shown: tuple[ShownQuestion, ...], answers: Mapping[str, Collection[str]]) -> tuple[int, ...]:
    """The 1-based positions of the questions ``answers`` leaves without an answer."""
    return tuple(number for number, item in enumerate(shown, 1) if not answers.get(item.question.key))


def _check_open(attempt: QuizAttempt) -> None:
    if attempt.discarded_at is not None:
        raise Conflict(_l("This attempt was closed because the module changed. Open the quiz again."))


def save_answers(person: Person, attempt_id: int, ref: lookup.ModuleRef, raw: Mapping[str, list[str]]) -> None:
    """Keep the answers given so far in one of the person's own attempts (nothing is submitted); refused
    (:class:`NotFound`) for anyone else's attempt. The caller commits."""
    lock_learner(person.id)
    attempt = get_attempt(person, attempt_id, ref)
    _check_open(attempt)
    if attempt.submitted_at is not None:
        raise Conflict(_l("This attempt was already submitted."))
    answers = parse_answers(shown_questions(attempt), raw, complete=False)
    attempt.answers = answers
    attempt.saved_at = clock.now()


def _write_grade(person_id: int, attempt_id: int, values: dict[str, object]) -> bool:
    """The grading write: accepted only while the attempt is still open (the database decides, once)."""
    revisions.touch([person_id])
    result = db.session.execute(
        sa.update(QuizAttempt)
        .where(
            QuizAttempt.id == attempt_id,
            QuizAttempt.submitted_at.is_(None),
            QuizAttempt.discarded_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast("sa.CursorResult[Any]", result).rowcount == 1


def submit(person: Person, attempt_id: int, ref: lookup.ModuleRef, raw: Mapping[str, list[str]]) -> AttemptResult:
    """Grade one of the person's own attempts against what it stored and record the result, exactly once.

    A repeated submission (double click, resent form, second tab) returns the first result, unchanged.
    Raises :class:`NotFound` for anyone else's attempt, :class:`Invalid` for answers that do not fit and
    :class:`Conflict` for a discarded attempt, changing nothing. The caller commits.
    """
    lock_learner(person.id)
    attempt = get_attempt(person, attempt_id, ref)
    _check_open(attempt)
    shown = shown_questions(attempt)
    if attempt.submitted_at is not None:
        return result_of(attempt, shown=shown)
    answers = parse_answers(shown, raw, complete=True)
    results = {item.question.key: grade(item.gradable, frozenset(answers[item.question.key])) for item in shown}
    percent = score(list(results.values()))
    passed = percent >= attempt.pass_mark
    accepted = _write_grade(
        person.id,
        attempt.id,
        {
            "answers": answers,
            "results": results,
            "score": percent,
            "passed": passed,
            "submitted_at": clock.now(),
        },
    )
    db.session.refresh(attempt)
    if not accepted:  # another request graded (or discarded) it between our read and our write
        _check_open(attempt)
        return result_of(attempt, shown=shown)
    record(
        "quiz.attempt_submitted",
        actor=person,
        subject=person,
        object_type="quiz_attempt",
        object_id=attempt.id,
        details={"score": percent, "passed": passed, "module_id": attempt.module_id},
    )
    return result_of(attempt, shown=shown)


def result_of(attempt: QuizAttempt, *, shown: tuple[ShownQuestion, ...] | None = None) -> AttemptResult:
    quiz = lookup.quiz_by_id(attempt.quiz_id)
    after = allowance(attempt.person_id, attempt.module_id, quiz)
    return AttemptResult(
        attempt=attempt,
        questions=shown if shown is not None else shown_questions(attempt),
        allowance=after,
        reveal_answers=reveals_answers(quiz.reveal, attempt, after),
    )


# -- extra attempts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Granted:
    """An extra attempt granted: to whom, at which module."""

    learner_id: int
    learner_name: str
    module_id: int


def grant_extra_attempt(actor: Viewer, learner_id: int, module_slug: str) -> Granted:
    """One more attempt at the module's quiz for a learner whose attempts are used up without a pass: a pivot
    of one of their teams, their coordinator or an Admin (:func:`elearning.permissions.can_grant_extra_attempt`).
    Refused before anything is written. The caller commits."""
    member = member_ref(learner_id, clock.today())
    if member is None:
        raise NotFound(_l("This person does not exist."))
    if not permissions.can_view_member(actor, member) and not permissions.can_grant_extra_attempt(actor, member):
        raise NotFound(_l("This person does not exist."))  # a training record is private, even within the organization
    check(permissions.can_grant_extra_attempt(actor, member), actor, member.organization_id, may_see=True)
    if not module_slug:
        raise Invalid(_l("The form names no module."), field="module")
    ref = lookup.find_module(module_slug)
    quiz = lookup.quiz_of(ref.version)
    if quiz is None:
        raise Invalid(_l("This module has no quiz."))
    lock_learner(learner_id)
    if not allowance(learner_id, ref.module.id, quiz).exhausted:
        raise Conflict(_l("This person still has attempts left, or has passed."))
    learner = db.session.get(Person, learner_id)
    assert learner is not None  # member_ref found the person
    db.session.add(
        ExtraAttempt(
            person_id=learner_id, module_id=ref.module.id, granted_by_id=actor.person_id, granted_at=clock.now()
        )
    )
    db.session.flush()
    record("quiz.extra_attempt_granted", actor=actor, subject=learner, object_type="module", object_id=ref.module.id)
    return Granted(learner_id, learner.full_name, ref.module.id)
