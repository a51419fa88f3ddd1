"""Teams and team memberships (as member or as pivot), dated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Membership, Organization, Person, Team, TeamMembership
from elearning.permissions import Viewer, scopes
from elearning.roles import TeamRole
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid, NotFound

MAX_TEAM_NAME = 120


def create_team(actor: Viewer, organization: Organization, name: str) -> Team:
    """A new team in an organization: its coordinator or an Admin."""
    check(permissions.can_manage_organization(actor, organization.id), actor, organization.id)
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise Invalid(_l("A team name of 1 to %(max)s characters is required.", max=MAX_TEAM_NAME), field="name")
    exists = db.session.scalar(sa.select(Team.id).where(Team.organization_id == organization.id, Team.name == name))
    if exists is not None:
        raise Conflict(
            _l("The team %(name)s already exists in %(code)s.", name=name, code=organization.code),
            field="name",
        )
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
