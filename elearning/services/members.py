"""A member as seen by the people who follow them: organization, teams and progress per module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elearning.extensions import db
from elearning.models import Organization, Person, Team
from elearning.permissions import MemberRef
from elearning.services import history, learning, quizzes


@dataclass(frozen=True)
class MemberModule:
    ref: learning.ModuleRef
    progress: learning.ModuleProgress
    allowance: quizzes.Allowance | None
    best_score: int | None


@dataclass(frozen=True)
class MemberDetail:
    person: Person
    organization: Organization | None
    teams: list[tuple[Team, str]]
    modules: list[MemberModule]


def member_ref(person_id: int, day: dt.date) -> MemberRef | None:
    """What access rules need to know about a person today; None when the person does not exist."""
    person = db.session.get(Person, person_id)
    if person is None:
        return None
    organization = history.organization_of(person_id, day)
    teams = history.teams_of(person_id, day)
    return MemberRef(
        person_id=person_id,
        organization_id=organization.id if organization else None,
        team_ids=frozenset(team.id for team, _role in teams),
    )


def member_detail(person_id: int, day: dt.date) -> MemberDetail:
    person = db.session.get(Person, person_id)
    assert person is not None
    refs = learning.active_modules()
    progress = learning.progress(person_id, refs)
    attempts = quizzes.attempts_of(person_id, [ref.module.id for ref in refs])
    best: dict[int, int] = {}
    for attempt in attempts:
        if attempt.score is not None:
            best[attempt.module_id] = max(best.get(attempt.module_id, 0), attempt.score)
    modules = []
    for ref in refs:
        quiz = learning.quiz_of(ref.version)
        modules.append(
            MemberModule(
                ref=ref,
                progress=progress[ref.module.id],
                allowance=quizzes.allowance(person_id, ref.module.id, quiz) if quiz else None,
                best_score=best.get(ref.module.id),
            )
        )
    return MemberDetail(
        person=person,
        organization=history.organization_of(person_id, day),
        teams=history.teams_of(person_id, day),
        modules=modules,
    )
