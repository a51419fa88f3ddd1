"""A member as seen by the people who follow them: organization, teams and progress per module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from elearning.extensions import db
from elearning.models import Organization, Person, QuizAttempt, Team
from elearning.services import history
from elearning.services.catalog import lookup
from elearning.services.learning import cycles, progress, quizzes


@dataclass(frozen=True)
class MemberModule:
    ref: lookup.ModuleRef
    progress: progress.ModuleProgress
    allowance: quizzes.Allowance | None
    best_score: int | None


@dataclass(frozen=True)
class MemberDetail:
    person: Person
    organization: Organization | None
    teams: list[tuple[Team, str]]
    modules: list[MemberModule]


def member_detail(person_id: int, day: dt.date) -> MemberDetail:
    """The member's progress and quiz attempts per module (a fixed number of queries per module of the
    content, whatever the number of attempts)."""
    person = db.session.get(Person, person_id)
    assert person is not None
    refs = lookup.active_modules()
    starts = cycles.module_starts_of(person_id, day)
    by_module = progress.for_learner(person_id, refs, since=starts)
    best = {
        module_id: score
        for module_id, score in db.session.execute(
            sa.select(QuizAttempt.module_id, sa.func.max(QuizAttempt.score))
            .where(QuizAttempt.person_id == person_id, QuizAttempt.submitted_at.is_not(None))
            .group_by(QuizAttempt.module_id)
        )
    }
    modules = []
    for ref in refs:
        quiz = lookup.quiz_of(ref.version)
        allowance = quizzes.allowance(person_id, ref.module.id, quiz, starts.get(ref.module.id)) if quiz else None
        modules.append(MemberModule(ref, by_module[ref.module.id], allowance, best.get(ref.module.id)))
    return MemberDetail(
        person=person,
        organization=history.organization_of(person_id, day),
        teams=history.teams_of(person_id, day),
        modules=modules,
    )
