"""Who is asking: the roles and teams a person holds today, loaded in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from elearning.extensions import db
from elearning.models import Team, TeamMembership
from elearning.permissions import Viewer
from elearning.roles import Role
from elearning.services import history


def load_viewer(person_id: int, day: dt.date) -> Viewer:
    """The :class:`Viewer` for ``person_id`` on ``day`` (two queries)."""
    roles = history.roles_of(person_id, day)
    if not roles:
        return Viewer(person_id=person_id)
    worker_orgs = roles.get(Role.WORKER, set())
    pivot_orgs = roles.get(Role.PIVOT, set())
    rows = db.session.execute(
        sa.select(Team.id, Team.organization_id, TeamMembership.role)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.person_id == person_id, TeamMembership.holds_on(day), Team.archived_at.is_(None))
    ).all()
    return Viewer(
        person_id=person_id,
        organization_id=next(iter(worker_orgs)) if worker_orgs else None,
        roles=frozenset(roles),
        pivot_team_ids=frozenset(row.id for row in rows if row.role == "pivot" and row.organization_id in pivot_orgs),
        coordinated_organization_ids=frozenset(roles.get(Role.COORDINATOR, set())),
    )
