"""The organization view ``/org``: one organization today, as its coordinator manages it.

Its coverage against its target comes from the one coverage computation (the same figures as the Table's report
for that organization and day); its designated pivots with their designation day, certificate and teams; its
teams with their pivots and members, teams without a pivot and pivots without a team flagged; its members with
their *Formation de base* and what is overdue, from the team matrix's own standings. A coordinator sees the
organizations they coordinate; the Table and Admin any organization, picked from a list. A fixed number of
statements whatever the number of people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization, PivotDesignation, Team, TeamMembership
from elearning.permissions import Viewer, scopes
from elearning.roles import TeamRole
from elearning.services import revisions, transactions
from elearning.services.access import NOT_FOUND
from elearning.services.audit import record
from elearning.services.catalog.entries import TrackEntry
from elearning.services.errors import NotFound
from elearning.services.reports import coverage, team
from elearning.services.reports.coverage import OrganizationCoverage, PivotStatus
from elearning.services.reports.drilldown import PersonStanding, people_of
from elearning.services.reports.kept import kept
from elearning.services.reports.members import OrganizationRef


@dataclass(frozen=True)
class TeamName:
    team_id: int
    name: str


@dataclass(frozen=True)
class OrgPivot:
    """A designated pivot today: their certificate (as the coverage counts it), since when designated, and the
    teams where they hold the pivot role."""

    standing: PersonStanding
    designated_on: dt.date | None
    teams: tuple[TeamName, ...]

    @property
    def person_id(self) -> int:
        return self.standing.person_id


@dataclass(frozen=True)
class OverdueTrack:
    track: TrackEntry
    due_on: dt.date


@dataclass(frozen=True)
class OrgMember:
    """A member today: their teams, their *Formation de base* (certificate, modules done), what is overdue."""

    standing: PersonStanding
    teams: tuple[TeamName, ...]
    pivot: bool
    core_done: int
    core_total: int
    overdue: tuple[OverdueTrack, ...]

    @property
    def person_id(self) -> int:
        return self.standing.person_id

    @property
    def core_certified(self) -> bool:
        return self.standing.status in (PivotStatus.CERTIFIED, PivotStatus.EXPIRING)


@dataclass(frozen=True)
class TeamPerson:
    person_id: int
    full_name: str


@dataclass(frozen=True)
class OrgTeam:
    team_id: int
    name: str
    pivots: tuple[TeamPerson, ...]
    members: tuple[TeamPerson, ...]

    @property
    def without_pivot(self) -> bool:
        return not self.pivots


@dataclass(frozen=True)
class OrganizationView:
    organization: OrganizationRef
    day: dt.date
    #: The organizations the viewer may pick (more than one for the Table and Admin).
    choices: tuple[OrganizationRef, ...]
    #: None when the organization is not a member of the Table today.
    figures: OrganizationCoverage | None
    pivots: tuple[OrgPivot, ...]
    teams: tuple[OrgTeam, ...]
    members: tuple[OrgMember, ...]
    can_manage: bool
    renewal_window_days: int

    @property
    def pivots_without_team(self) -> tuple[OrgPivot, ...]:
        return tuple(pivot for pivot in self.pivots if not pivot.teams)

    @property
    def teams_without_pivot(self) -> tuple[OrgTeam, ...]:
        return tuple(item for item in self.teams if item.without_pivot)

    @property
    def overdue_members(self) -> tuple[OrgMember, ...]:
        return tuple(member for member in self.members if member.overdue)

    @property
    def expiring_pivots(self) -> tuple[OrgPivot, ...]:
        return tuple(pivot for pivot in self.pivots if pivot.standing.status == PivotStatus.EXPIRING)

    @property
    def candidates(self) -> tuple[OrgMember, ...]:
        """Members who could be designated pivot (not one already)."""
        return tuple(member for member in self.members if not member.pivot)


def _choices(viewer: Viewer, day: dt.date, language: str) -> list[OrganizationRef]:
    name = Organization.name_fr if language == "fr" else Organization.name_en
    rows = db.session.execute(
        sa.select(Organization.id, Organization.code, Organization.name_fr, Organization.name_en)
        .where(scopes.organizations_visible_to(viewer, day))
        .order_by(name, Organization.code)
    )
    return [OrganizationRef(*row) for row in rows]


def pick(
    viewer: Viewer, code: str | None, day: dt.date, language: str
) -> tuple[OrganizationRef, list[OrganizationRef]]:
    """The organization asked for (``code``), or the viewer's first one; :class:`NotFound` when the viewer has
    no organization view, or asks for one they may not open (or that does not exist)."""
    choices = _choices(viewer, day, language)
    if code:
        wanted = code.strip().upper()
        chosen = next((choice for choice in choices if choice.code == wanted), None)
    else:
        chosen = choices[0] if choices else None
    if chosen is None or not permissions.can_view_organization(viewer, chosen.organization_id):
        raise NotFound(NOT_FOUND)
    return chosen, choices


def _teams(organization_id: int, day: dt.date) -> list[Any]:
    """The organization's teams not archived, with who belongs to them today (one statement)."""
    return list(
        db.session.execute(
            sa.select(Team.id, Team.name, TeamMembership.person_id, TeamMembership.role)
            .outerjoin(
                TeamMembership,
                sa.and_(TeamMembership.team_id == Team.id, TeamMembership.holds_on(day)),
            )
            .where(Team.organization_id == organization_id, Team.archived_at.is_(None))
            .order_by(Team.name, Team.id)
        )
    )


def _designated_on(organization_id: int, day: dt.date) -> dict[int, dt.date]:
    rows = db.session.execute(
        sa.select(PivotDesignation.person_id, sa.func.min(PivotDesignation.start_on))
        .where(PivotDesignation.organization_id == organization_id, PivotDesignation.holds_on(day))
        .group_by(PivotDesignation.person_id)
    )
    return {person_id: start_on for person_id, start_on in rows}


def organization_view(viewer: Viewer, code: str | None, language: str) -> OrganizationView:
    """The organization view for ``viewer`` today (see the module's docstring)."""
    day = clock.today()
    chosen, choices = pick(viewer, code, day, language)
    organization_id = chosen.organization_id
    moment = coverage.moment_of(day, day)
    moments = (moment,)
    found = kept("coverage", (moments, organization_id), lambda: coverage.compute(moments, organization_id))
    rows = found[day]
    days = coverage.days_table(moments)
    pivot_standings = people_of(coverage.pivot_standing(days, organization_id), day) if rows else ()
    member_standings = people_of(coverage.core_standing(days, organization_id), day) if rows else ()
    since = _designated_on(organization_id, day) if rows else {}

    team_names: dict[int, str] = {}
    memberships: dict[int, list[tuple[int, str]]] = defaultdict(list)  # person -> (team id, role)
    for team_id, name, person_id, role in _teams(organization_id, day):
        team_names[team_id] = name
        if person_id is not None:
            memberships[person_id].append((team_id, role))
    pivot_ids = {standing.person_id for standing in pivot_standings}
    names = {standing.person_id: standing.full_name for standing in (*pivot_standings, *member_standings)}

    # Their standings are kept under the revisions read along (a page that only reads: see revisions).
    revisions.remember_read((standing.person_id, standing.revision) for standing in member_standings)
    tracks, infos = team.track_infos()
    window = dt.timedelta(days=current_app.config["RENEWAL_WINDOW_DAYS"])
    standings = team.standings_of(sorted(names), day, infos, tracks, window)
    core_ids = set(db.session.scalars(coverage.track_ids_for("worker"))) if names else set()

    pivots = tuple(
        OrgPivot(
            standing=standing,
            designated_on=since.get(standing.person_id),
            teams=tuple(
                TeamName(team_id, team_names[team_id])
                for team_id, role in memberships.get(standing.person_id, ())
                if role == TeamRole.PIVOT.value
            ),
        )
        for standing in pivot_standings
    )
    members = []
    for standing in member_standings:
        own = standings.get(standing.person_id)
        core = [item for item in own.tracks if item.track.id in core_ids] if own else []
        members.append(
            OrgMember(
                standing=standing,
                teams=tuple(
                    TeamName(team_id, team_names[team_id]) for team_id, _role in memberships.get(standing.person_id, ())
                ),
                pivot=standing.person_id in pivot_ids,
                core_done=sum(item.done for item in core),
                core_total=sum(item.total for item in core),
                overdue=tuple(
                    OverdueTrack(item.track, item.due_on)
                    for item in (own.tracks if own else ())
                    if item.overdue and item.due_on is not None
                ),
            )
        )
    by_team: dict[int, dict[str, list[TeamPerson]]] = {
        team_id: {TeamRole.PIVOT.value: [], TeamRole.MEMBER.value: []} for team_id in team_names
    }
    for person_id, held in memberships.items():
        if person_id not in names:
            continue  # not an active member today (a member who left keeps no place in the view)
        for team_id, role in held:
            counted_role = role if role == TeamRole.MEMBER.value or person_id in pivot_ids else TeamRole.MEMBER.value
            by_team[team_id][counted_role].append(TeamPerson(person_id, names[person_id]))
    teams = tuple(
        OrgTeam(
            team_id=team_id,
            name=name,
            pivots=tuple(sorted(by_team[team_id][TeamRole.PIVOT.value], key=lambda p: (p.full_name, p.person_id))),
            members=tuple(sorted(by_team[team_id][TeamRole.MEMBER.value], key=lambda p: (p.full_name, p.person_id))),
        )
        for team_id, name in team_names.items()
    )
    return OrganizationView(
        organization=chosen,
        day=day,
        choices=tuple(choices),
        figures=rows[0] if rows else None,
        pivots=pivots,
        teams=teams,
        members=tuple(members),
        can_manage=permissions.can_manage_organization(viewer, organization_id),
        renewal_window_days=window.days,
    )


def record_export(viewer: Viewer, view: OrganizationView, file_format: str) -> None:
    """Record an export of the organization view (personal information): who, which organization, format,
    how many people."""
    transactions.begin_writing()
    record(
        "organization.exported",
        actor=viewer,
        object_type="organization",
        object_id=view.organization.code,
        details={"format": file_format, "people": len(view.members) + len(view.pivots), "as_of": view.day.isoformat()},
    )
