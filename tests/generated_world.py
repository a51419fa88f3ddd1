"""A generated world for property tests: organizations, teams (some archived), people of random roles whose
memberships start and end around today, who move between organizations, who belong to teams as member or pivot
(sometimes of an organization they left), with a few attempts and certificates.

:func:`world_specs` draws a plain :class:`WorldSpec` (readable when hypothesis prints a failing example);
:func:`build_generated_world` turns it into rows, through the factories where they apply and by setting
``end_on`` on the rows to end facts. Call it inside an application context; it flushes, never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from hypothesis import strategies as st

from elearning.extensions import db
from elearning.models import (
    Certificate,
    Membership,
    ModuleQuestion,
    ModuleVersion,
    Quiz,
    QuizAttempt,
    TeamMembership,
    Track,
)
from elearning.roles import ORGANIZATION_ROLES, Role
from elearning.services.errors import Conflict, Invalid
from tests.conftest import NOW, TODAY
from tests.factories import add_member, make_org, make_person, make_team

#: Days (from today) that facts start, end and are deactivated on. Repeats weigh the draw towards facts that
#: hold on the day asked, so that pivots of live teams and coordinators of members are common.
STARTS = (-400,) * 8 + (-30, 0, 1, 30)
ENDS = (None,) * 10 + (-30, -1, 0, 1, 30)
#: Memberships of teams as member spread evenly: ended, current and future members beside a team's live pivot.
MEMBER_STARTS = (-400, -400, -30, 0, 1, 30)
MEMBER_ENDS = (None, None, None, -30, -1, 0, 1, 30)
DEACTIVATIONS = (None,) * 12 + (-60, -1, 0)
#: Every role, pivots twice: a pivot sees others only with a live team of their organization, the rarest draw.
ROLE_NAMES = (*(role.value for role in Role), Role.PIVOT.value)


@dataclass(frozen=True)
class PersonSpec:
    roles: frozenset[str]
    organization: int
    start: int
    #: The membership ends on this offset (when set), and the person then moves to ``moves_to`` (when set).
    end: int | None
    moves_to: int | None
    deactivated: int | None


@dataclass(frozen=True)
class TeamMembershipSpec:
    person: int
    team: int
    role: str
    start: int
    end: int | None


@dataclass(frozen=True)
class WorldSpec:
    organizations: int
    #: (organization index, archived) per team.
    teams: tuple[tuple[int, bool], ...]
    people: tuple[PersonSpec, ...]
    team_memberships: tuple[TeamMembershipSpec, ...]
    #: Owners (person indexes) of the attempts and of the certificates.
    attempts: tuple[int, ...]
    certificates: tuple[int, ...]


def _person(
    roles: str,
    organization: int = 0,
    *,
    start: int = -400,
    end: int | None = None,
    moves_to: int | None = None,
    deactivated: int | None = None,
) -> PersonSpec:
    return PersonSpec(frozenset(roles.split()), organization, start, end, moves_to, deactivated)


#: A world written by hand, always run (``@example``) beside the drawn ones: in organization 0 a pivot of a live
#: and of an archived team; members current, ended yesterday, starting tomorrow, moved to organization 1 with
#: their team membership left open, deactivated; a coordinator; in organization 1 a future member, a pivot whose
#: membership ends today, a coordinator; the Table and Admin.
HAND_WRITTEN = WorldSpec(
    organizations=2,
    teams=((0, False), (0, True), (1, False)),
    people=(
        _person("pivot"),
        _person("worker"),
        _person("worker"),
        _person("worker"),
        _person("worker", end=-30, moves_to=1),
        _person("coordinator"),
        _person("worker", deactivated=-1),
        _person("worker", 1, start=30),
        _person("pivot", 1, end=0),
        _person("table"),
        _person("admin"),
        _person("coordinator worker", 1),
    ),
    team_memberships=(
        TeamMembershipSpec(0, 0, "pivot", -400, None),
        TeamMembershipSpec(0, 1, "pivot", -400, None),
        TeamMembershipSpec(1, 0, "member", -400, None),
        TeamMembershipSpec(1, 1, "member", -400, None),
        TeamMembershipSpec(2, 0, "member", -400, -1),
        TeamMembershipSpec(3, 0, "member", 1, None),
        TeamMembershipSpec(4, 0, "member", -400, None),
        TeamMembershipSpec(6, 0, "member", -400, None),
        TeamMembershipSpec(7, 2, "member", 30, None),
        TeamMembershipSpec(8, 2, "pivot", -400, None),
        TeamMembershipSpec(11, 2, "member", -400, None),
    ),
    attempts=(1, 2, 4, 7, 8),
    certificates=(1, 4, 9),
)


@st.composite
def world_specs(draw: st.DrawFn) -> WorldSpec:
    """A :class:`WorldSpec`: 1-3 organizations with 0-3 teams each, 1-12 people, 0-4 team memberships per team
    (mostly people of the team's organization), up to 6 attempts and 4 certificates."""
    organizations = draw(st.integers(1, 3))
    org = st.integers(0, organizations - 1)
    starts, ends = st.sampled_from(STARTS), st.sampled_from(ENDS)
    teams = tuple(
        (index, draw(st.integers(0, 4)) == 4) for index in range(organizations) for _ in range(draw(st.integers(0, 3)))
    )
    people = [
        draw(
            st.builds(
                PersonSpec,
                roles=st.frozensets(st.sampled_from(ROLE_NAMES), min_size=1, max_size=2),
                organization=org,
                start=starts,
                end=ends,
                moves_to=st.none() | org,
                deactivated=st.sampled_from(DEACTIVATIONS),
            )
        )
        for _ in range(draw(st.integers(1, 12)))
    ]
    team_memberships = []
    for team, (org_index, _archived) in enumerate(teams):
        own = [index for index, person in enumerate(people) if person.organization == org_index]
        for _ in range(draw(st.integers(0, 4))):
            from_own = bool(own) and draw(st.integers(0, 4)) > 0
            index = draw(st.sampled_from(own) if from_own else st.integers(0, len(people) - 1))
            pivot = "pivot" in people[index].roles
            role = draw(st.sampled_from(("pivot", "pivot", "member") if pivot else ("member", "member", "pivot")))
            start, end = (STARTS, ENDS) if role == "pivot" else (MEMBER_STARTS, MEMBER_ENDS)
            team_memberships.append(
                TeamMembershipSpec(index, team, role, draw(st.sampled_from(start)), draw(st.sampled_from(end)))
            )
    person = st.integers(0, len(people) - 1)
    return WorldSpec(
        organizations=organizations,
        teams=teams,
        people=tuple(people),
        team_memberships=tuple(team_memberships),
        attempts=tuple(draw(st.lists(person, max_size=6))),
        certificates=tuple(draw(st.lists(person, max_size=4))),
    )


def on(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def build_generated_world(spec: WorldSpec, quiz: Quiz, track: Track) -> None:
    """The rows ``spec`` describes: people through the factories, then dated facts ended or moved on the rows."""
    orgs = [make_org() for _ in range(spec.organizations)]
    teams = [make_team(orgs[index]) for index, _archived in spec.teams]
    for team, (_index, archived) in zip(teams, spec.teams, strict=True):
        team.archived_at = NOW - dt.timedelta(days=1) if archived else None
    people = []
    for person_spec in spec.people:
        in_organization = bool(person_spec.roles & ORGANIZATION_ROLES)
        organization = orgs[person_spec.organization] if in_organization else None
        person = make_person(
            roles=sorted(person_spec.roles), org=organization, password=None, start_on=on(person_spec.start)
        )
        if organization is not None and person_spec.end is not None:
            end = on(max(person_spec.start, person_spec.end))
            membership = db.session.scalars(sa.select(Membership).where(Membership.person_id == person.id)).one()
            membership.end_on = end
            if person_spec.moves_to is not None:
                db.session.add(
                    Membership(person_id=person.id, organization_id=orgs[person_spec.moves_to].id, start_on=end)
                )
        if person_spec.deactivated is not None:
            person.deactivated_at = NOW + dt.timedelta(days=person_spec.deactivated)
        people.append(person)
    db.session.flush()
    open_pairs: set[tuple[int, int]] = set()
    for item in spec.team_memberships:
        team, person = teams[item.team], people[item.person]
        team_end = None if item.end is None else on(max(item.start, item.end))
        if team_end is None and (team.id, person.id) in open_pairs:
            continue
        try:
            row = add_member(team, person, item.role, start_on=on(item.start))
        except (Invalid, Conflict):  # not in the team's organization that day: what a move leaves behind
            row = TeamMembership(team_id=team.id, person_id=person.id, role=item.role, start_on=on(item.start))
            db.session.add(row)
        row.end_on = team_end
        if team_end is None:
            open_pairs.add((team.id, person.id))
    module_id = db.session.scalar(sa.select(ModuleVersion.module_id).where(ModuleVersion.id == quiz.module_version_id))
    for owner in spec.attempts:
        # The owner of an attempt also asked a question, in the organization they first belonged to (the one a
        # question keeps when its asker moves).
        asker = spec.people[owner]
        db.session.add(
            ModuleQuestion(
                person_id=people[owner].id,
                organization_id=orgs[asker.organization].id if asker.roles & ORGANIZATION_ROLES else None,
                module_id=module_id,
                section_slug="section",
                body="?",
                asked_at=NOW,
            )
        )
        db.session.add(
            QuizAttempt(
                person_id=people[owner].id,
                module_id=module_id,
                quiz_id=quiz.id,
                quiz_hash=quiz.content_hash,
                pass_mark=quiz.pass_mark,
                question_order=[],
                choice_order={},
                started_at=NOW,
                submitted_at=NOW,
                score=0,
                passed=False,
            )
        )
    for cycle, owner in enumerate(spec.certificates, start=1):
        db.session.add(
            Certificate(
                person_id=people[owner].id,
                track_id=track.id,
                cycle=cycle,
                code=f"SCOPE{cycle:011d}",
                holder_name=people[owner].full_name,
                organization_id=None,
                organization_name_fr="",
                organization_name_en="",
                track_title_fr=track.title_fr,
                track_title_en=track.title_en or track.title_fr,
                validity_months=track.validity_months,
                issued_on=TODAY,
                valid_from=TODAY,
                expires_on=TODAY + dt.timedelta(days=365),
                created_at=NOW,
            )
        )
    db.session.flush()
