"""Questions answered "on date D", from dated facts only. Every report is built from these.

Each ``*_on`` function returns a ``Select`` so reports can compose and group them in SQL; the small helpers
below run them for one organization or person.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from elearning import clock
from elearning.extensions import db
from elearning.models import (
    CoordinatorGrant,
    GlobalGrant,
    Membership,
    Organization,
    OrganizationTarget,
    Person,
    PivotDesignation,
    Team,
    TeamMembership,
)
from elearning.permissions.scopes import active_on
from elearning.roles import Role


def members_on(day: dt.date) -> sa.Select[int, int]:
    """(organization id, person id) of every active member of every organization on ``day``."""
    return (
        sa.select(Membership.organization_id, Membership.person_id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.holds_on(day), active_on(day))
    )


def designated_pivots_on(day: dt.date) -> sa.Select[int, int]:
    """(organization id, person id) of people who on ``day`` belonged to an organization and held a pivot
    designation in that same organization."""
    return (
        sa.select(PivotDesignation.organization_id, PivotDesignation.person_id)
        .join(
            Membership,
            sa.and_(
                Membership.person_id == PivotDesignation.person_id,
                Membership.organization_id == PivotDesignation.organization_id,
            ),
        )
        .join(Person, Person.id == PivotDesignation.person_id)
        .where(PivotDesignation.holds_on(day), Membership.holds_on(day), active_on(day))
    )


def targets_on(day: dt.date) -> sa.Select[int, int]:
    """(organization id, target value) as each target stood on ``day`` (the latest row effective by then)."""
    ranked = (
        sa.select(
            OrganizationTarget.organization_id,
            OrganizationTarget.value,
            sa.func.row_number()
            .over(
                partition_by=OrganizationTarget.organization_id,
                order_by=(OrganizationTarget.effective_from.desc(), OrganizationTarget.id.desc()),
            )
            .label("rank"),
        )
        .where(OrganizationTarget.effective_from <= day)
        .subquery()
    )
    return sa.select(ranked.c.organization_id, ranked.c.value).where(ranked.c.rank == 1)


# -- one organization or person ------------------------------------------------------------------------


def members_of(organization_id: int, day: dt.date) -> list[int]:
    """Ids of the active members of an organization on ``day``, in id order."""
    query = members_on(day).where(Membership.organization_id == organization_id)
    return sorted(row.person_id for row in db.session.execute(query))


def designated_pivots_of(organization_id: int, day: dt.date) -> list[int]:
    query = designated_pivots_on(day).where(PivotDesignation.organization_id == organization_id)
    return sorted(row.person_id for row in db.session.execute(query))


def target_of(organization_id: int, day: dt.date) -> int | None:
    """The target as it stood on ``day``; None when none was set by then."""
    sub = targets_on(day).subquery()
    return db.session.scalar(sa.select(sub.c.value).where(sub.c.organization_id == organization_id))


def teams_of(person_id: int, day: dt.date) -> list[tuple[Team, str]]:
    """The teams a person belonged to on ``day``, with the role held in each, by team name."""
    query = (
        sa.select(Team, TeamMembership.role)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.person_id == person_id, TeamMembership.holds_on(day))
        .order_by(Team.name, Team.id)
    )
    return [(team, role) for team, role in db.session.execute(query)]


@functools.cache
def _affiliation_statement() -> sa.Select[Organization, Team, str]:
    """:func:`affiliation_of`'s statement, built once per process (parameters ``person_id``, ``day``)."""
    person_id = sa.bindparam("person_id", type_=sa.Integer)
    day = cast(dt.date, sa.bindparam("day", type_=sa.Date))
    own_teams = aliased(Team)
    in_team = sa.and_(
        TeamMembership.person_id == Membership.person_id,
        TeamMembership.holds_on(day),
        TeamMembership.team_id.in_(
            sa.select(own_teams.id).where(own_teams.organization_id == Membership.organization_id)
        ),
    )
    return (
        sa.select(Organization, Team, TeamMembership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .outerjoin(TeamMembership, in_team)
        .outerjoin(Team, Team.id == TeamMembership.team_id)
        .where(Membership.person_id == person_id, Membership.holds_on(day))
        .order_by(Team.name, Team.id)
    )


def affiliation_of(person_id: int, day: dt.date) -> tuple[Organization | None, list[tuple[Team, str]]]:
    """The organization a person belonged to on ``day`` and their teams in it with the role held in each, by
    team name (one query)."""
    rows = db.session.execute(_affiliation_statement(), {"person_id": person_id, "day": day}).all()
    organization = rows[0][0] if rows else None
    return organization, [(team, role) for _organization, team, role in rows if team is not None]


def organization_of(person_id: int, day: dt.date) -> Organization | None:
    """The organization a person belonged to on ``day``."""
    query = (
        sa.select(Organization)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.person_id == person_id, Membership.holds_on(day))
    )
    return db.session.scalar(query)


@dataclass(frozen=True)
class Standing:
    """What a person holds on a day: their roles (each with the organization ids it applies to, empty for
    global roles), and their teams (team id, the team's organization id, role in the team; archived teams
    left out)."""

    roles: dict[Role, set[int]]
    teams: tuple[tuple[int, int, str], ...]


@functools.cache
def _standing_statement() -> sa.CompoundSelect[str, int | None, int | None]:
    """:func:`standing_of`'s statement, built once per process (it runs on every request; building it each
    time cost more than running it): parameters ``person_id``, ``day`` and ``cutoff``."""
    person_id = sa.bindparam("person_id", type_=sa.Integer)
    day = cast(dt.date, sa.bindparam("day", type_=sa.Date))
    cutoff = sa.bindparam("cutoff", type_=Person.__table__.c.deactivated_at.type)
    active = sa.exists().where(
        Person.id == person_id, sa.or_(Person.deactivated_at.is_(None), Person.deactivated_at >= cutoff)
    )
    member_orgs = sa.select(Membership.organization_id).where(
        Membership.person_id == person_id, Membership.holds_on(day)
    )

    def no_id() -> sa.ColumnElement[int]:
        return sa.cast(sa.null(), sa.Integer)  # typed: PostgreSQL unions NULL as text otherwise

    return sa.union_all(
        sa.select(sa.literal(Role.WORKER.value).label("role"), Membership.organization_id.label("org"), no_id()).where(
            Membership.person_id == person_id, Membership.holds_on(day), active
        ),
        sa.select(sa.literal(Role.PIVOT.value), PivotDesignation.organization_id, no_id()).where(
            PivotDesignation.person_id == person_id,
            PivotDesignation.holds_on(day),
            PivotDesignation.organization_id.in_(member_orgs),
            active,
        ),
        sa.select(sa.literal(Role.COORDINATOR.value), CoordinatorGrant.organization_id, no_id()).where(
            CoordinatorGrant.person_id == person_id, CoordinatorGrant.holds_on(day), active
        ),
        sa.select(GlobalGrant.role, no_id(), no_id()).where(
            GlobalGrant.person_id == person_id, GlobalGrant.holds_on(day), active
        ),
        sa.select(sa.literal(TEAM_PREFIX) + TeamMembership.role, Team.organization_id, Team.id)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(TeamMembership.person_id == person_id, TeamMembership.holds_on(day), Team.archived_at.is_(None), active),
    )


def standing_of(person_id: int, day: dt.date) -> Standing:
    """The roles and teams a person held on ``day``, in one query. A deactivated person holds none; a
    designation counts only in the organization the person belonged to."""
    cutoff = clock.get_clock().start_of_day(day + dt.timedelta(days=1))
    parameters = {"person_id": person_id, "day": day, "cutoff": cutoff}
    roles: dict[Role, set[int]] = {}
    teams: list[tuple[int, int, str]] = []
    for kind, organization_id, team_id in db.session.execute(_standing_statement(), parameters):
        if kind.startswith(TEAM_PREFIX) and team_id is not None and organization_id is not None:
            teams.append((team_id, organization_id, kind[len(TEAM_PREFIX) :]))
            continue
        held = roles.setdefault(Role(kind), set())
        if organization_id is not None:
            held.add(organization_id)
    return Standing(roles, tuple(sorted(teams)))


#: Marks the team rows of :func:`standing_of`'s query.
TEAM_PREFIX = "team:"


def roles_of(person_id: int, day: dt.date) -> dict[Role, set[int]]:
    """The roles a person held on ``day``, each with the organization ids it applies to (see
    :func:`standing_of`)."""
    return standing_of(person_id, day).roles
