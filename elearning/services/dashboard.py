"""What a learner's dashboard shows: assigned tracks, what is next and due, notices, certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from elearning.extensions import db
from elearning.models import Certificate, ExtraAttempt, Person
from elearning.services import certificates, cycles, learning, quizzes


@dataclass(frozen=True)
class TrackProgress:
    cycle: cycles.TrackCycle
    modules: list[tuple[learning.ModuleRef, learning.ModuleProgress]]
    done: int
    next_module: learning.ModuleRef | None
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
    ref: learning.ModuleRef
    granted_at: dt.datetime


@dataclass
class LearnerDashboard:
    tracks: list[TrackProgress] = field(default_factory=list)
    to_review: list[tuple[learning.ModuleRef, learning.ModuleProgress]] = field(default_factory=list)
    renewals: list[TrackProgress] = field(default_factory=list)
    grants: list[GrantNotice] = field(default_factory=list)
    certificates: list[tuple[Certificate, str]] = field(default_factory=list)


def _track_done(cycle: cycles.TrackCycle, item: learning.ModuleProgress) -> bool:
    if cycle.start is not None:
        return item.completion is not None
    return item.status == learning.Status.COMPLETED


def learner_dashboard(person: Person, day: dt.date) -> LearnerDashboard:
    """A fixed number of queries for a given number of tracks (they come from the content, not the data)."""
    board = LearnerDashboard()
    refs = {ref.module.id: ref for ref in learning.active_modules()}
    module_progress = learning.progress(person.id, refs.values())
    for cycle in cycles.track_cycles(person.id, day):
        own = [refs[module_id] for module_id in cycle.module_ids if module_id in refs]
        since = dict.fromkeys(cycle.module_ids, cycle.start) if cycle.start is not None else {}
        progress = learning.progress(person.id, own, since=since)
        items = [(ref, progress[ref.module.id]) for ref in own]
        done = sum(1 for _ref, item in items if _track_done(cycle, item))
        pending = next((ref for ref, item in items if not _track_done(cycle, item)), None)
        track = TrackProgress(
            cycle=cycle,
            modules=items,
            done=done,
            next_module=pending if cycle.open else None,
            overdue=cycle.open and pending is not None and day > cycle.due_on,
        )
        board.tracks.append(track)
        if cycle.renewing and cycle.latest is not None and cycle.latest.revoked_at is None:
            board.renewals.append(track)
    board.to_review = [
        (refs[module_id], item)
        for module_id, item in module_progress.items()
        if item.status == learning.Status.TO_REVIEW
    ]
    starts = cycles.module_starts(cycles.track_cycles(person.id, day))
    grants = db.session.scalars(
        sa.select(ExtraAttempt).where(ExtraAttempt.person_id == person.id).order_by(ExtraAttempt.granted_at.desc())
    )
    for grant in grants:
        ref = refs.get(grant.module_id)
        start = starts.get(grant.module_id)
        if ref is None or (start is not None and grant.granted_at < start):
            continue
        quiz = learning.quiz_of(ref.version)
        if quiz is not None and not quizzes.allowance(person.id, ref.module.id, quiz).passed:
            board.grants.append(GrantNotice(ref, grant.granted_at))
    board.certificates = [
        (certificate, certificates.status_on(certificate, day))
        for certificate in certificates.certificates_of(person.id)
        if certificate.revocation_reason != certificates.REISSUED
    ]
    return board
