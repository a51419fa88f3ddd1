"""The demo's past: people read modules, fail and pass quizzes and earn certificates, on past days.

Each step runs with the clock moved to its day, through the same services a person's requests use, so the
history is exactly what the platform would have recorded.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from elearning import clock
from elearning.demo.data import Certify, Progress, Revoke, SetRoles, Step
from elearning.extensions import db
from elearning.models import Certificate, Person, Track, TrackModule
from elearning.permissions import SYSTEM
from elearning.services.catalog import lookup
from elearning.services.certification import issuing, revocation
from elearning.services.errors import NotFound
from elearning.services.learning import completion, progress, quizzes
from elearning.services.people import accounts, organizations

#: The hour of the day the demo's past work happens (local time).
WORK_HOUR = 10


def _moment(days_ago: int, minutes: int = 0) -> dt.datetime:
    today = clock.today()
    local = clock.get_clock().start_of_day(today - dt.timedelta(days=days_ago))
    return local + dt.timedelta(hours=WORK_HOUR, minutes=minutes)


def _answer(person: Person, ref: lookup.ModuleRef, *, right: bool) -> None:
    quiz = lookup.quiz_of(ref.version)
    if quiz is None:
        return
    attempt = quizzes.start_or_continue(person, ref, quiz).attempt
    if attempt is None:
        return
    answers = {}
    for item in quizzes.shown_questions(attempt):
        correct = sorted(item.gradable.correct)
        wrong = [key for key in item.gradable.choice_keys if key not in item.gradable.correct][:1]
        answers[item.question.key] = correct if right else wrong
    quizzes.submit(person, attempt.id, ref, answers)


def _read(person: Person, ref: lookup.ModuleRef, count: int | None = None) -> None:
    sections = progress.for_learner(person.id, [ref])[ref.module.id].sections
    for section in sections[:count]:
        progress.record_view(person, ref, section)


def _certify(person: Person, step: Certify) -> None:
    track = db.session.scalar(sa.select(Track).where(Track.slug == step.track))
    if track is None:
        return
    module_ids = list(
        db.session.scalars(
            sa.select(TrackModule.module_id).where(TrackModule.track_id == track.id).order_by(TrackModule.position)
        )
    )
    refs = {ref.module.id: ref for ref in lookup.active_modules()}
    for minutes, module_id in enumerate(module_ids):
        ref = refs.get(module_id)
        if ref is None:
            continue
        with clock.travel(_moment(step.days_ago, minutes * 20)):
            _read(person, ref)
            _answer(person, ref, right=True)
            completion.evaluate(person, ref)
    with clock.travel(_moment(step.days_ago, 120)):
        issuing.issue_due(person)


def _revoke(person: Person, step: Revoke) -> None:
    certificate_id = db.session.scalar(
        sa.select(Certificate.id)
        .join(Track, Track.id == Certificate.track_id)
        .where(Certificate.person_id == person.id, Track.slug == step.track)
        .order_by(Certificate.cycle.desc())
        .limit(1)
    )
    if certificate_id is None:
        return
    with clock.travel(_moment(step.days_ago)):
        revocation.revoke(SYSTEM, certificate_id, step.reason)


def _progress(person: Person, step: Progress) -> None:
    try:
        ref = lookup.find_module(step.module)
    except NotFound:
        return
    with clock.travel(_moment(step.days_ago)):
        _read(person, ref, step.sections_read)
        for _ in range(step.failed_attempts):
            _answer(person, ref, right=False)


def _set_roles(person: Person, step: SetRoles) -> None:
    organization = organizations.get_organization(step.org) if step.org is not None else None
    with clock.travel(_moment(step.days_ago)):
        accounts.set_roles(SYSTEM, person, accounts.parse_roles(step.roles), organization, on=clock.today())


def live(person: Person, history: tuple[Step, ...]) -> None:
    """Replay a demo person's history (the learning steps do nothing when the content is not loaded). The caller
    commits."""
    for step in history:
        if isinstance(step, Certify):
            _certify(person, step)
        elif isinstance(step, Revoke):
            _revoke(person, step)
        elif isinstance(step, SetRoles):
            _set_roles(person, step)
        else:
            _progress(person, step)
    db.session.flush()
