"""What a learner's dashboard shows: assigned tracks, what is next and due, notices, certificates, and where the
learner stands (organization, teams).

The whole board is plain values, kept per process under the learner's revision (see
:mod:`elearning.services.revisions`): a learner coming back to their dashboard costs no statement until a fact
about them, the content or the day changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elearning.models.types import in_language
from elearning.services import history, revisions
from elearning.services.catalog import cache, lookup
from elearning.services.certification import register, revocation
from elearning.services.learning import cycles, progress


@dataclass(frozen=True)
class TrackCard:
    """One assigned track, as the dashboard shows it."""

    track_id: int
    title_fr: str
    title_en: str | None
    done: int
    total: int
    #: Holding a valid certificate and nothing to do before the renewal window.
    certified: bool
    open: bool
    due_on: dt.date
    #: The valid certificate's expiry (when certified).
    valid_until: dt.date | None
    next_module: lookup.ModuleRef | None
    overdue: bool
    #: In the renewal window of a certificate that was not revoked: renew before this day.
    renew_before: dt.date | None
    #: The track's modules, in order.
    module_ids: tuple[int, ...] = ()
    #: The track's latest certificate, when it was not revoked (the one just earned, for a renewal).
    certificate_id: int | None = None

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)


@dataclass(frozen=True)
class GrantNotice:
    ref: lookup.ModuleRef
    granted_at: dt.datetime


@dataclass(frozen=True)
class CertificateLine:
    id: int
    track_title_fr: str
    track_title_en: str
    valid_from: dt.date
    expires_on: dt.date
    status: str

    def track_title(self, language: str) -> str:
        return in_language(language, self.track_title_fr, self.track_title_en)


@dataclass(frozen=True)
class Affiliation:
    """The learner's organization (names) and their teams in it, with the role held in each, by team name."""

    organization_fr: str | None
    organization_en: str | None
    teams: tuple[tuple[str, str], ...]

    def organization(self, language: str) -> str | None:
        if self.organization_fr is None:
            return None
        return in_language(language, self.organization_fr, self.organization_en)


@dataclass(frozen=True)
class LearnerDashboard:
    tracks: tuple[TrackCard, ...]
    to_review: tuple[lookup.ModuleRef, ...]
    renewals: tuple[TrackCard, ...]
    grants: tuple[GrantNotice, ...]
    certificates: tuple[CertificateLine, ...]
    affiliation: Affiliation


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


@dataclass(frozen=True)
class NextStep:
    """Where a learner goes on after passing a module's quiz: the next module of its track, or the track's
    certificate once the track is complete, or (neither) the dashboard."""

    track: TrackCard | None = None
    module: lookup.ModuleRef | None = None
    certificate_id: int | None = None


def next_step(board: LearnerDashboard, module_id: int) -> NextStep:
    """The next step after ``module_id`` on the first assigned track (in track order) that contains it: its next
    module still to do, else its certificate when the track is complete; the dashboard otherwise."""
    for track in board.tracks:
        if module_id not in track.module_ids:
            continue
        if track.next_module is not None:
            return NextStep(track=track, module=track.next_module)
        if not track.open and track.certificate_id is not None:
            return NextStep(track=track, certificate_id=track.certificate_id)
        break
    return NextStep()


def learner_dashboard(person_id: int, day: dt.date) -> LearnerDashboard:
    """The learner's dashboard on ``day``: none while their revision holds, else a fixed number of queries (the
    affiliation, the track cycles, the progress, the certificates; and the progress again for a track whose
    modules started their cycle elsewhere: only with several tracks, bounded by the content)."""
    return revisions.memo(
        "dashboard",
        person_id,
        lambda: (day, cycles.renewal_window(), cache.current_token()),
        lambda: _dashboard(person_id, day),
    )


def _dashboard(person_id: int, day: dt.date) -> LearnerDashboard:
    refs = {ref.module.id: ref for ref in lookup.active_modules()}
    track_cycles = cycles.track_cycles(person_id, day)
    starts = cycles.module_starts(track_cycles)
    module_progress = progress.for_learner(person_id, refs.values(), since=starts)
    tracks = []
    renewals = []
    for cycle in track_cycles:
        known = module_progress if progress.counts_from_the_track(cycle, starts) else None
        items = progress.track_progress(person_id, refs, cycle, known)
        pending = next((item.ref for item in items if not item.done), None)
        latest = cycle.latest
        renewing = latest is not None and cycle.renewing and latest.revoked_at is None
        card = TrackCard(
            track_id=cycle.track.id,
            title_fr=cycle.track.title_fr,
            title_en=cycle.track.title_en,
            done=sum(1 for item in items if item.done),
            total=len(items),
            certified=cycle.current is not None and not cycle.open,
            open=cycle.open,
            due_on=cycle.due_on,
            valid_until=cycle.current.expires_on if cycle.current is not None else None,
            next_module=pending if cycle.open else None,
            overdue=cycle.open and pending is not None and day > cycle.due_on,
            renew_before=latest.expires_on if renewing and latest is not None else None,
            module_ids=cycle.module_ids,
            certificate_id=latest.id if latest is not None and latest.revoked_at is None else None,
        )
        tracks.append(card)
        if renewing:
            renewals.append(card)
    certificates = tuple(
        CertificateLine(
            certificate.id,
            certificate.track_title_fr,
            certificate.track_title_en,
            certificate.valid_from,
            certificate.expires_on,
            cycles.status_on(certificate, day),
        )
        for certificate in register.certificates_of(person_id)
        if certificate.revocation_reason != revocation.REISSUED
    )
    organization, teams = history.affiliation_of(person_id, day)
    return LearnerDashboard(
        tracks=tuple(tracks),
        to_review=tuple(refs[module_id] for module_id, item in module_progress.items() if item.state.to_review),
        renewals=tuple(renewals),
        grants=tuple(_grant_notices(refs, module_progress)),
        certificates=certificates,
        affiliation=Affiliation(
            organization.name_fr if organization else None,
            organization.name_en if organization else None,
            tuple((team.name, role) for team, role in teams),
        ),
    )
