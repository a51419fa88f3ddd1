"""Who is asking (the roles and teams a person holds today), and a person as access rules see them."""

from __future__ import annotations

import datetime as dt

from elearning import permissions
from elearning.extensions import db
from elearning.models import Person
from elearning.permissions import MemberRef, Viewer
from elearning.roles import Role, TeamRole
from elearning.services import history, revisions
from elearning.services.access import NOT_FOUND
from elearning.services.errors import NotFound


def load_viewer(person_id: int, day: dt.date) -> Viewer:
    """The :class:`Viewer` for ``person_id`` on ``day``: one query, none while the person's revision holds
    (see :mod:`elearning.services.revisions`)."""
    return revisions.memo("viewer", person_id, lambda: day, lambda: _viewer(person_id, day))


def _viewer(person_id: int, day: dt.date) -> Viewer:
    standing = history.standing_of(person_id, day)
    roles = standing.roles
    if not roles:
        return Viewer(person_id=person_id)
    worker_orgs = roles.get(Role.WORKER, set())
    pivot_orgs = roles.get(Role.PIVOT, set())
    return Viewer(
        person_id=person_id,
        organization_id=next(iter(worker_orgs)) if worker_orgs else None,
        roles=frozenset(roles),
        pivot_team_ids=frozenset(
            team_id
            for team_id, organization_id, role in standing.teams
            if role == TeamRole.PIVOT and organization_id in pivot_orgs
        ),
        coordinated_organization_ids=frozenset(roles.get(Role.COORDINATOR, set())),
    )


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


def member_for(viewer: Viewer, person_id: int, day: dt.date) -> MemberRef:
    """A person the viewer may follow (their pivots, their coordinator, the Table, Admin), as access rules see
    them; :class:`NotFound` (another organization's person, or nobody) or :class:`Forbidden` otherwise."""
    member = member_ref(person_id, day)
    if member is None:
        raise NotFound(NOT_FOUND)
    if not permissions.can_view_member(viewer, member):
        raise NotFound(NOT_FOUND)  # a person's training record is private, even within the organization
    return member
