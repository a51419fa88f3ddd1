"""When a learner completes a module version: every section viewed and its quiz passed (or no quiz)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from elearning.extensions import db
from elearning.models import Person, QuizAttempt
from elearning.services.catalog import lookup
from elearning.services.catalog.entries import QuizEntry
from elearning.services.learning import progress
from elearning.services.transactions import lock_learner


def passing_attempt(person_id: int, quiz: QuizEntry, since: dt.datetime | None = None) -> QuizAttempt | None:
    """The learner's best passing attempt, submitted since ``since``, on a quiz with the same content as
    ``quiz`` (a pass carries over to every version whose quiz did not change)."""
    query = sa.select(QuizAttempt).where(
        QuizAttempt.person_id == person_id,
        QuizAttempt.quiz_hash == quiz.content_hash,
        QuizAttempt.passed.is_(True),
    )
    if since is not None:
        query = query.where(QuizAttempt.submitted_at >= since)
    return db.session.scalar(query.order_by(QuizAttempt.score.desc(), QuizAttempt.id).limit(1))


def _conditions_hold(person: Person, ref: lookup.ModuleRef) -> tuple[bool, int | None]:
    """Whether the current version is not completed yet and now can be (every section viewed, the quiz passed
    in the current cycle), with the score to record."""
    item = progress.for_learner(person.id, [ref])[ref.module.id]
    if item.completion is not None or not item.all_viewed:
        return False, None
    quiz = lookup.quiz_of(ref.version)
    if quiz is None:
        return True, None
    attempt = passing_attempt(person.id, quiz, item.since)
    return (attempt is not None), (attempt.score if attempt is not None else None)


def evaluate(person: Person, ref: lookup.ModuleRef) -> bool:
    """Record the completion of the module's current version when its conditions hold; True when recorded
    by this call. The caller commits.

    Called after the view or the submission that may complete the module, in the same transaction. The
    conditions are read, then read again under the learner's lock (:func:`lock_learner`) before writing: when
    the last section view and the passing submission race, whichever takes the lock second sees both, so the
    completion is never missed; the insert cannot happen twice (unique key, ``ON CONFLICT DO NOTHING``)."""
    holds, _score = _conditions_hold(person, ref)
    if not holds:
        return False
    lock_learner(person.id)
    holds, score = _conditions_hold(person, ref)
    return holds and progress.record_completion(person, ref, score)
