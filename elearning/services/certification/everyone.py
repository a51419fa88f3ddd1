"""Reconciling everyone at once (after a content sync, the demo, or by hand)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Person, TrackAssignment
from elearning.permissions import Viewer
from elearning.services.access import require
from elearning.services.certification import issuing
from elearning.services.people import assignments


@dataclass
class EveryoneReport:
    assigned: int = 0
    ended: int = 0
    certificates: int = 0


def reconcile_everyone(actor: Viewer) -> EveryoneReport:
    """Assignments for everyone, then the certificates earned by anyone with an open assignment (after a
    content sync: the Table, an Admin, the command line). The caller commits."""
    require(permissions.can_govern(actor))
    day = clock.today()
    result = assignments.reconcile(day=day)
    report = EveryoneReport(assigned=result.assigned, ended=result.ended)
    holders = db.session.scalars(
        sa.select(Person)
        .where(Person.id.in_(sa.select(TrackAssignment.person_id).where(TrackAssignment.ended_on.is_(None))))
        .order_by(Person.id)
    )
    for person in holders:
        report.certificates += len(issuing.issue_due(person, day))
    return report
