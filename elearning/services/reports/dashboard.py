"""What a learner's dashboard shows: assigned tracks, what is next and due, notices, certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from elearning.extensions import db
from elearning.models import Certificate, ExtraAttempt, Person
from elearning.services.catalog import lookup
from elearning.services.certification import register, revocation
from elearning.services.learning import cycles, progress, quizzes


@dataclass(frozen=True)
class TrackProgress:
    cycle: cycles.TrackCycle
    modules: list[progress.TrackItem]
    done: int
    next_module: lookup.ModuleRef | None
    overdue: bool

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def certified(self) -> bool:
        """Holding a valid certificate and nothing to do before the renewal window."""
        return self.cycle.current is not None and not self.cycle.open


@dataclass(frozen=True)
class GrantNotice:
    ref: lookup.ModuleRef
    granted_at: dt.datetime


@dataclass
class LearnerDashboard:
    tracks: list[TrackProgress] = field(default_factory=list)
    to_review: list[tuple[lookup.ModuleRef, progress.ModuleProgress]] = field(default_factory=list)
    renewals: list[TrackProgress] = field(default_factory=list)
    grants: list[GrantNotice] = field(default_factory=list)
    certificates: list[tuple[Certificate, str]] = field(default_factory=list)


def _grant_notices(
    person: Person, refs: dict[int, lookup.ModuleRef], starts: dict[int, dt.datetime]
) -> list[GrantNotice]:
    """Extra attempts granted in the current cycle, at quizzes not passed yet: the latest grant per module."""
    latest: dict[int, dt.datetime] = {}
    for module_id, granted_at in db.session.execute(
        sa.select(ExtraAttempt.module_id, sa.func.max(ExtraAttempt.granted_at))
        .where(ExtraAttempt.person_id == person.id)
        .group_by(ExtraAttempt.module_id)
    ):
        start = starts.get(module_id)
        if module_id in refs and (start is None or granted_at >= start):
            latest[module_id] = granted_at
    notices = []
    for module_id, granted_at in sorted(latest.items(), key=lambda item: item[1], reverse=True):
        ref = refs[module_id]
        quiz = lookup.quiz_of(ref.version)  # one per module granted (bounded by the content, not the data)
        if quiz is not None and not quizzes.allowance(person.id, module_id, quiz, starts.get(module_id)).passed:
            notices.append(GrantNotice(ref, granted_at))
    return notices


def learner_dashboard(person: Person, day: dt.date) -> LearnerDashboard:
    """A fixed number of queries for a given number of tracks (they come from the content, not the data)."""
    board = LearnerDashboard()
    refs = {ref.module.id: ref for ref in lookup.active_modules()}
    track_cycles = cycles.track_cycles(person.id, day)
    starts = cycles.module_starts(track_cycles)
    module_progress = progress.for_learner(person.id, refs.values(), since=starts)
    for cycle in track_cycles:
        items = progress.track_progress(person.id, refs, cycle)
        pending = next((item.ref for item in items if not item.done), None)
        track = TrackProgress(
            cycle=cycle,
            modules=items,
            done=sum(1 for item in items if item.done),
            next_module=pending if cycle.open else None,
            overdue=cycle.open and pending is not None and day > cycle.due_on,
        )
        board.tracks.append(track)
        if cycle.renewing and cycle.latest is not None and cycle.latest.revoked_at is None:
            board.renewals.append(track)
    board.to_review = [(refs[module_id], item) for module_id, item in module_progress.items() if item.state.to_review]
    board.grants = _grant_notices(person, refs, starts)
    board.certificates = [
        (certificate, cycles.status_on(certificate, day))
        for certificate in register.certificates_of(person.id)
        if certificate.revocation_reason != revocation.REISSUED
    ]
    return board
