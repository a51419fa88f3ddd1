"""Track assignments, reconciled with roles: every worker gets the core track, pivots the pivot track.

A track is assigned to the people holding one of its roles (``assigned_to`` in ``tracks.yml``), due
``days_to_finish`` days after the day it was assigned. When the role goes (a designation withdrawn, a person
deactivated), the assignment ends; its history stays. Reconciled whenever roles, designations, memberships or
the content change (``elearning tracks reconcile`` does it for everyone).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from elearning import clock
from elearning.extensions import db
from elearning.models import CoordinatorGrant, Person, Track, TrackAssignment
from elearning.permissions import scopes
from elearning.roles import Role
from elearning.services import history


@dataclass
class ReconcileReport:
    assigned: int = 0
    ended: int = 0


def _roles_by_person(day: dt.date, person_ids: list[int] | None = None) -> dict[int, set[str]]:
    """Organization roles held on ``day``, by person (three grouped queries)."""
    roles: dict[int, set[str]] = defaultdict(set)
    members = history.members_on(day)
    pivots = history.designated_pivots_on(day)
    coordinators = (
        sa.select(CoordinatorGrant.organization_id, CoordinatorGrant.person_id)
        .join(Person, Person.id == CoordinatorGrant.person_id)
        .where(CoordinatorGrant.holds_on(day), scopes.active_on(day))
    )
    for role, query in ((Role.WORKER, members), (Role.PIVOT, pivots), (Role.COORDINATOR, coordinators)):
        if person_ids is not None:
            query = query.where(query.selected_columns[1].in_(person_ids))
        for _organization_id, person_id in db.session.execute(query):
            roles[person_id].add(role.value)
    return roles


def reconcile(person_ids: list[int] | None = None, day: dt.date | None = None) -> ReconcileReport:
    """Bring assignments in line with roles on ``day`` (today), for these people or everyone.

    A fixed number of queries whatever the number of people. The caller commits.
    """
    day = day or clock.today()
    report = ReconcileReport()
    tracks = list(db.session.scalars(sa.select(Track).where(Track.retired_at.is_(None))))
    roles = _roles_by_person(day, person_ids)
    open_query = sa.select(TrackAssignment).where(TrackAssignment.ended_on.is_(None))
    if person_ids is not None:
        open_query = open_query.where(TrackAssignment.person_id.in_(person_ids))
    current: dict[tuple[int, int], TrackAssignment] = {
        (row.person_id, row.track_id): row for row in db.session.scalars(open_query)
    }
    wanted = {
        (person_id, track.id): track for person_id, held in roles.items() for track in tracks if held & set(track.roles)
    }
    for key, track in wanted.items():
        if key not in current:
            db.session.add(
                TrackAssignment(
                    person_id=key[0],
                    track_id=track.id,
                    assigned_on=day,
                    due_on=day + dt.timedelta(days=track.days_to_finish),
                )
            )
            report.assigned += 1
    for key, assignment in current.items():
        if key not in wanted:  # the role went, or the track was retired
            assignment.ended_on = max(day, assignment.assigned_on)
            report.ended += 1
    db.session.flush()
    return report


def reconcile_person(person: Person, day: dt.date | None = None) -> ReconcileReport:
    return reconcile([person.id], day)
