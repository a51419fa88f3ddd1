"""Certification cycles: when a person's work on a track counts again from scratch.

A person's first certification of a track counts everything they ever did. Once certified, nothing more is
asked until the renewal window opens ``RENEWAL_WINDOW_DAYS`` before the certificate expires: from then on,
each module of the track must be viewed in its current version and its quiz passed again, and quiz attempt
limits count from that day. After a revocation, the same holds from the day of the revocation, and the new
cycle is due the track's ``days_to_finish`` days after it.

A module belongs to several tracks; its cycle starts at the latest start among the person's assigned tracks
that contain it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from elearning import clock
from elearning.extensions import db
from elearning.models import Certificate, Track, TrackAssignment
from elearning.services import revisions
from elearning.services.catalog import cache


@dataclass(frozen=True)
class TrackCycle:
    """Where a person stands on one assigned track."""

    track: Track
    assignment: TrackAssignment
    module_ids: tuple[int, ...]
    latest: Certificate | None  # the latest certificate of the track (revoked or not)
    #: The certificate that is valid today, when there is one.
    current: Certificate | None
    #: Work counts from this instant (None: everything counts, first certification).
    start: dt.datetime | None
    #: Whether a (new) certificate can be earned now.
    open: bool
    #: The next certificate's cycle number.
    next_cycle: int
    #: The day the current work is due (assignment due date, or the expiry being renewed).
    due_on: dt.date

    @property
    def renewing(self) -> bool:
        return self.latest is not None and self.open


def renewal_window() -> dt.timedelta:
    return dt.timedelta(days=current_app.config["RENEWAL_WINDOW_DAYS"])


class CertificateStatus:
    """A certificate's standing on a day."""

    VALID = "valid"
    UPCOMING = "upcoming"  # a renewal, valid from the old certificate's expiry
    EXPIRED = "expired"
    REVOKED = "revoked"


class CertificateDates(Protocol):
    """What a certificate's status on a day depends on (a row or a plain projection of one)."""

    @property
    def revoked_at(self) -> dt.datetime | None: ...
    @property
    def valid_from(self) -> dt.date: ...
    @property
    def expires_on(self) -> dt.date: ...


def revoked_on(certificate: CertificateDates) -> dt.date | None:
    """The business day the certificate was revoked (None: not revoked)."""
    return None if certificate.revoked_at is None else clock.get_clock().local_date(certificate.revoked_at)


def status_on(certificate: CertificateDates, day: dt.date) -> str:
    """Valid on day D when valid-from <= D < expiry and not revoked on or before D."""
    revoked = revoked_on(certificate)
    if revoked is not None and revoked <= day:
        return CertificateStatus.REVOKED
    if day >= certificate.expires_on:
        return CertificateStatus.EXPIRED
    if day < certificate.valid_from:
        return CertificateStatus.UPCOMING
    return CertificateStatus.VALID


def is_valid_on(certificate: CertificateDates, day: dt.date) -> bool:
    return status_on(certificate, day) == CertificateStatus.VALID


def track_cycles(person_id: int, day: dt.date) -> list[TrackCycle]:
    """The person's open track assignments with their cycle state, in track order (one query)."""
    return track_cycles_for([person_id], day)[person_id]


@functools.cache
def _cycles_statement() -> sa.Select[TrackAssignment, Track, Certificate]:
    """:func:`track_cycles_for`'s statement, built once per process (parameters ``person_ids``, ``day``)."""
    day = sa.bindparam("day", type_=sa.Date)
    same_track = aliased(Certificate)
    latest_cycle = (
        sa.select(sa.func.max(same_track.cycle))
        .where(same_track.person_id == Certificate.person_id, same_track.track_id == Certificate.track_id)
        .scalar_subquery()
    )
    needed = sa.and_(
        Certificate.person_id == TrackAssignment.person_id,
        Certificate.track_id == TrackAssignment.track_id,
        sa.or_(Certificate.expires_on > day, Certificate.cycle == latest_cycle),
    )
    return (
        sa.select(TrackAssignment, Track, Certificate)
        .join(Track, Track.id == TrackAssignment.track_id)
        .outerjoin(Certificate, needed)
        .where(
            TrackAssignment.person_id.in_(sa.bindparam("person_ids", expanding=True)),
            TrackAssignment.ended_on.is_(None),
            Track.retired_at.is_(None),
        )
        .order_by(TrackAssignment.person_id, Track.id, Certificate.cycle)
    )


def track_cycles_for(person_ids: Iterable[int], day: dt.date) -> dict[int, list[TrackCycle]]:
    """Each person's open track assignments with their cycle state, in track order, by person id.

    One query whatever the number of people, tracks and certificates: the assignments, each with the person's
    certificates of the track that the cycle needs (the latest one, and those not expired on ``day``, among
    which the one valid today); the tracks' modules come from the content catalog.
    """
    ids = sorted(set(person_ids))
    result: dict[int, list[TrackCycle]] = {person_id: [] for person_id in ids}
    if not ids:
        return result
    rows = db.session.execute(_cycles_statement(), {"person_ids": ids, "day": day}).all()
    track_modules = cache.catalog().track_modules
    assignments: dict[int, tuple[TrackAssignment, Track]] = {}
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for assignment, track, certificate in rows:
        assignments[assignment.id] = (assignment, track)
        if certificate is not None:
            certificates[assignment.id].append(certificate)
    for assignment_id, (assignment, track) in assignments.items():
        result[assignment.person_id].append(
            _cycle(assignment, track, track_modules.get(track.id, ()), certificates[assignment_id], day)
        )
    return result


def _cycle(
    assignment: TrackAssignment, track: Track, module_ids: tuple[int, ...], owned: list[Certificate], day: dt.date
) -> TrackCycle:
    """Where the person stands on one track, from their certificates of it (in cycle order)."""
    latest = owned[-1] if owned else None
    current = next((c for c in reversed(owned) if is_valid_on(c, day)), None)
    start: dt.datetime | None = None
    due_on = assignment.due_on
    if latest is None:
        is_open, next_cycle = True, 1
    elif latest.revoked_at is not None:
        # The new cycle is due the track's days to finish after the revocation (a date of the old cycle
        # would read as overdue the day after).
        is_open, next_cycle, start = True, latest.cycle + 1, latest.revoked_at
        revoked = clock.get_clock().local_date(latest.revoked_at)
        due_on = max(assignment.due_on, revoked + dt.timedelta(days=track.days_to_finish))
    else:
        opens_on = latest.expires_on - renewal_window()
        is_open, next_cycle = day >= opens_on, latest.cycle + 1
        start = clock.get_clock().start_of_day(opens_on)
        due_on = latest.expires_on
    return TrackCycle(
        track=track,
        assignment=assignment,
        module_ids=module_ids,
        latest=latest,
        current=current,
        start=start if is_open else None,
        open=is_open,
        next_cycle=next_cycle,
        due_on=due_on,
    )


def module_starts(cycles: list[TrackCycle]) -> dict[int, dt.datetime]:
    """For each module, the start of its current cycle (the latest start of the open tracks containing it)."""
    starts: dict[int, dt.datetime] = {}
    for cycle in cycles:
        if cycle.start is None:
            continue
        for module_id in cycle.module_ids:
            if module_id not in starts or cycle.start > starts[module_id]:
                starts[module_id] = cycle.start
    return starts


def module_starts_of(person_id: int, day: dt.date | None = None) -> Mapping[int, dt.datetime]:
    """:func:`module_starts` of the person's track cycles on ``day`` (today by default): one query, none while
    the person's revision holds (see :mod:`elearning.services.revisions`)."""
    on = day or clock.today()
    return revisions.memo(
        "module starts",
        person_id,
        lambda: (on, renewal_window(), cache.current_token()),
        lambda: _frozen_starts(person_id, on),
    )


def _frozen_starts(person_id: int, day: dt.date) -> Mapping[int, dt.datetime]:
    return MappingProxyType(module_starts(track_cycles(person_id, day)))
