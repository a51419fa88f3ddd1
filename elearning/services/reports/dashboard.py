"""What a learner's dashboard shows: assigned tracks, what is next and due, notices, certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from elearning.models import Certificate, Person
from elearning.services.catalog import lookup
from elearning.services.certification import register, revocation
from elearning.services.learning import cycles, progress


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
    refs: dict[int, lookup.ModuleRef], module_progress: dict[int, progress.ModuleProgress]
) -> list[GrantNotice]:
    """Extra attempts granted in the current cycle, at quizzes not passed yet: the latest grant per module."""
    notices = [
        GrantNotice(refs[module_id], item.state.last_granted_at)
        for module_id, item in module_progress.items()
        if item.state.last_granted_at is not None
        and item.state.allowance is not None
        and not item.state.allowance.passed
    ]
    return sorted(notices, key=lambda notice: notice.granted_at, reverse=True)


def learner_dashboard(person: Person, day: dt.date) -> LearnerDashboard:
    """A fixed number of queries: the track cycles, the progress, the certificates (and the progress again for a
    track whose modules started their cycle elsewhere: only with several tracks, bounded by the content)."""
    board = LearnerDashboard()
    refs = {ref.module.id: ref for ref in lookup.active_modules()}
    track_cycles = cycles.track_cycles(person.id, day)
    starts = cycles.module_starts(track_cycles)
    module_progress = progress.for_learner(person.id, refs.values(), since=starts)
    for cycle in track_cycles:
        known = module_progress if progress.counts_from_the_track(cycle, starts) else None
        items = progress.track_progress(person.id, refs, cycle, known)
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
    board.grants = _grant_notices(refs, module_progress)
    board.certificates = [
        (certificate, cycles.status_on(certificate, day))
        for certificate in register.certificates_of(person.id)
        if certificate.revocation_reason != revocation.REISSUED
    ]
    return board
