"""Teams and team memberships (as member or as pivot), dated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Membership, Organization, Person, PivotDesignation, Team, TeamMembership
from elearning.permissions import Viewer, scopes
from elearning.roles import TeamRole
from elearning.services.access import NOT_FOUND, check
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid, NotFound
from elearning.services.people import designations

MAX_TEAM_NAME = 120


def create_team(actor: Viewer, organization: Organization, name: str) -> Team:
    """A new team in an organization: its coordinator or an Admin (a 403 for the Table, which reads it)."""
    may_see = permissions.can_view_organization(actor, organization.id)
    check(permissions.can_manage_organization(actor, organization.id), actor, organization.id, may_see=may_see)
    name = _team_name(organization.id, name, organization.code)
    team = Team(organization_id=organization.id, name=name, created_at=clock.now())
    db.session.add(team)
    db.session.flush()
    record("team.created", actor=actor, object_type="team", object_id=team.id)
    return team


def add_to_team(
    actor: Viewer, team: Team, person: Person, role: TeamRole, *, start_on: dt.date | None = None
) -> TeamMembership:
    """Add a member of the team's organization to the team, as member or as pivot: the organization's
    coordinator or an Admin."""
    check(permissions.can_manage_organization(actor, team.organization_id), actor, team.organization_id)
    day = start_on or clock.today()
    member = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.person_id == person.id,
            Membership.organization_id == team.organization_id,
            Membership.holds_on(day),
        )
    )
    if member is None:
        raise Invalid(_l("This person is not a member of the team's organization."), field="person")
    current = db.session.scalar(
        sa.select(TeamMembership).where(
            TeamMembership.team_id == team.id,
            TeamMembership.person_id == person.id,
            TeamMembership.end_on.is_(None),
        )
    )
    if current is not None:
        raise Conflict(_l("This person already belongs to the team."), field="person")
    row = TeamMembership(team_id=team.id, person_id=person.id, role=TeamRole(role).value, start_on=day)
    db.session.add(row)
    db.session.flush()
    record(
        "team.member_added",
        actor=actor,
        subject=person,
        object_type="team",
        object_id=team.id,
        details={"role": row.role},
    )
    return row


def remove_from_team(actor: Viewer, team: Team, person: Person) -> None:
    """End a person's membership of a team today: the organization's coordinator or an Admin."""
    check(permissions.can_manage_organization(actor, team.organization_id), actor, team.organization_id)
    current = db.session.scalar(
        sa.select(TeamMembership).where(
            TeamMembership.team_id == team.id,
            TeamMembership.person_id == person.id,
            TeamMembership.end_on.is_(None),
        )
    )
    if current is None:
        raise NotFound(_l("This person does not belong to the team."), field="person")
    current.end_on = clock.today()
    db.session.flush()
    record("team.member_removed", actor=actor, subject=person, object_type="team", object_id=team.id)


def team_for(actor: Viewer, team_id: int) -> Team:
    """A team the actor may see (``can_view_team``); :class:`NotFound` otherwise (a team's existence is
    private to its organization)."""
    team = db.session.get(Team, team_id)
    if team is None or not permissions.can_view_team(actor, permissions.TeamRef(team.id, team.organization_id)):
        raise NotFound(NOT_FOUND)
    return team


def _check_manage(actor: Viewer, team: Team) -> None:
    """Refuse unless the actor manages the team's organization (a 403 for whoever may see the team, a 404 for
    anyone else), or the team is archived."""
    may_see = permissions.can_view_team(actor, permissions.TeamRef(team.id, team.organization_id))
    check(
        permissions.can_manage_organization(actor, team.organization_id), actor, team.organization_id, may_see=may_see
    )
    if team.archived_at is not None:
        raise Conflict(_l("The team %(name)s is archived.", name=team.name))


def _team_name(organization_id: int, name: str, code: str, *, other_than: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise Invalid(_l("A team name of 1 to %(max)s characters is required.", max=MAX_TEAM_NAME), field="name")
    exists = db.session.scalar(
        sa.select(Team.id).where(Team.organization_id == organization_id, Team.name == name, Team.id != other_than)
    )
    if exists is not None:
        raise Conflict(_l("The team %(name)s already exists in %(code)s.", name=name, code=code), field="name")
    return name


def rename_team(actor: Viewer, team: Team, name: str) -> None:
    """Give a team another name (unique in its organization): its coordinator or an Admin."""
    _check_manage(actor, team)
    old = team.name
    team.name = _team_name(team.organization_id, name, team.organization.code, other_than=team.id)
    db.session.flush()
    record("team.renamed", actor=actor, object_type="team", object_id=team.id, details={"from": old, "to": team.name})


def archive_team(actor: Viewer, team: Team) -> int:
    """Archive a team from now: its memberships end today (their history stays) and it is no longer offered.
    Its coordinator or an Admin. Returns how many memberships ended."""
    _check_manage(actor, team)
    today = clock.today()
    rows = db.session.scalars(
        sa.select(TeamMembership).where(TeamMembership.team_id == team.id, TeamMembership.end_on.is_(None))
    ).all()
    for row in rows:
        row.end_on = today
    team.archived_at = clock.now()
    db.session.flush()
    record("team.archived", actor=actor, object_type="team", object_id=team.id, details={"ended": len(rows)})
    return len(rows)


def _open_rows(person_id: int, organization_id: int) -> list[TeamMembership]:
    return list(
        db.session.scalars(
            sa.select(TeamMembership)
            .join(Team, Team.id == TeamMembership.team_id)
            .where(
                TeamMembership.person_id == person_id,
                TeamMembership.end_on.is_(None),
                Team.organization_id == organization_id,
            )
        )
    )


def _member(team: Team, person_id: int | None) -> Person:
    return designations.member_of(team.organization, person_id)


def move_to_team(actor: Viewer, team: Team, person_id: int | None) -> Person:
    """Make a member of the organization a member of ``team`` from today, ending their plain memberships of its
    other teams today (a move; their team pivot roles stay). Its coordinator or an Admin."""
    _check_manage(actor, team)
    person = _member(team, person_id)
    today = clock.today()
    rows = _open_rows(person.id, team.organization_id)
    if any(row.team_id == team.id for row in rows):
        raise Conflict(_l("%(name)s already belongs to the team.", name=person.full_name), field="person")
    left = [row for row in rows if row.role == TeamRole.MEMBER.value]
    for row in left:
        row.end_on = today
    db.session.flush()
    db.session.add(TeamMembership(team_id=team.id, person_id=person.id, role=TeamRole.MEMBER.value, start_on=today))
    db.session.flush()
    record(
        "team.member_moved",
        actor=actor,
        subject=person,
        object_type="team",
        object_id=team.id,
        details={"from": [row.team_id for row in left]},
    )
    return person


def name_team_pivot(actor: Viewer, team: Team, person_id: int | None) -> Person:
    """Name a designated pivot of the organization as one of the team's pivots from today (a plain membership
    of the team becomes the pivot role). Its coordinator or an Admin."""
    _check_manage(actor, team)
    person = _member(team, person_id)
    today = clock.today()
    designated = db.session.scalar(
        sa.select(PivotDesignation.id).where(
            PivotDesignation.person_id == person.id,
            PivotDesignation.organization_id == team.organization_id,
            PivotDesignation.holds_on(today),
        )
    )
    if designated is None:
        raise Invalid(
            _l(
                "%(name)s is not a pivot of %(code)s: designate them first.",
                name=person.full_name,
                code=team.organization.code,
            ),
            field="person",
        )
    current = next((row for row in _open_rows(person.id, team.organization_id) if row.team_id == team.id), None)
    if current is not None and current.role == TeamRole.PIVOT.value:
        raise Conflict(_l("%(name)s is already a pivot of the team.", name=person.full_name), field="person")
    if current is not None:
        current.end_on = today
        db.session.flush()
    db.session.add(TeamMembership(team_id=team.id, person_id=person.id, role=TeamRole.PIVOT.value, start_on=today))
    db.session.flush()
    record("team.pivot_named", actor=actor, subject=person, object_type="team", object_id=team.id)
    return person


def leave_team(actor: Viewer, team: Team, person_id: int | None) -> Person:
    """End a person's membership of a team today, in whatever role: its coordinator or an Admin."""
    _check_manage(actor, team)
    current = db.session.scalar(
        sa.select(TeamMembership).where(
            TeamMembership.team_id == team.id,
            TeamMembership.person_id == person_id,
            TeamMembership.end_on.is_(None),
        )
    )
    if current is None:
        raise Invalid(_l("This person does not belong to the team."), field="person")
    current.end_on = clock.today()
    person = db.session.get(Person, person_id)
    assert person is not None
    db.session.flush()
    record(
        "team.member_removed",
        actor=actor,
        subject=person,
        object_type="team",
        object_id=team.id,
        details={"role": current.role},
    )
    return person


# -- whom a learner asks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A person to ask, as the learner may see them: the name, and the work e-mail of a pivot (the directory
    shows pivots' work contacts to everyone signed in; a coordinator's address is not shown)."""

    name: str
    email: str | None = None


@dataclass(frozen=True)
class AttemptContacts:
    """Whom a learner asks for one more quiz attempt on ``day``: the pivots of their teams; when their teams
    have none, the coordinators of their organization (``coordinators`` is then filled); both empty when
    nobody is known (the learner is told to ask their organization's coordinator)."""

    pivots: tuple[Contact, ...] = ()
    coordinators: tuple[Contact, ...] = ()


def attempt_contacts(viewer: Viewer, day: dt.date) -> AttemptContacts:
    """The pivots of the viewer's teams, or failing them the coordinators of the viewer's organization, by
    name (one statement, over the scopes :func:`~elearning.permissions.scopes.pivots_of` and
    :func:`~elearning.permissions.scopes.coordinators_of`)."""
    is_pivot = scopes.pivots_of(viewer, day)
    rows = db.session.execute(
        sa.select(Person.full_name, Person.email, is_pivot.label("pivot"))
        .where(sa.or_(is_pivot, scopes.coordinators_of(viewer, day)))
        .order_by(Person.full_name, Person.id)
    ).all()
    pivots = tuple(Contact(row.full_name, row.email) for row in rows if row.pivot)
    if pivots:
        return AttemptContacts(pivots=pivots)
    return AttemptContacts(coordinators=tuple(Contact(row.full_name) for row in rows))
