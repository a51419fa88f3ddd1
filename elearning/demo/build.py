"""Load the demo data: creates what is missing, never modifies what exists."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from elearning import clock
from elearning.demo import history as demo_history
from elearning.demo import questions as demo_questions
from elearning.demo import reminders as demo_reminders
from elearning.demo.data import DEMO_PASSWORD, ORGANIZATIONS, PEOPLE, TEAMS, DemoPerson, DemoReport
from elearning.extensions import db
from elearning.models import Organization, Person, Team
from elearning.permissions import SYSTEM
from elearning.roles import Role, TeamRole
from elearning.services.people import accounts, directory, organizations, teams


def load_demo() -> DemoReport:
    """Create the demo organizations, teams and people that do not exist yet. The caller commits."""
    today = clock.today()
    report = DemoReport()
    orgs: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        organization = db.session.scalar(sa.select(Organization).where(Organization.code == spec.code))
        if organization is None:
            first_target = spec.target_changed[0] if spec.target_changed else spec.target
            organization = organizations.create_organization(
                SYSTEM,
                code=spec.code,
                name_fr=spec.name_fr,
                name_en=spec.name_en,
                kind=spec.kind,
                mandate_fr=spec.mandate_fr,
                mandate_en=spec.mandate_en,
                joined_on=_day(spec.joined, today),
                target=first_target,
            )
            if spec.target_changed:
                changed_on = today - dt.timedelta(days=spec.target_changed[1])
                organizations.set_target(SYSTEM, organization, spec.target, effective_from=changed_on)
            report.created.append(f"organization {spec.code}")
        orgs[spec.code] = organization

    team_by_name: dict[tuple[str, str], Team] = {}
    for team_spec in TEAMS:
        organization = orgs[team_spec.org]
        team = db.session.scalar(
            sa.select(Team).where(Team.organization_id == organization.id, Team.name == team_spec.name)
        )
        if team is None:
            team = teams.create_team(SYSTEM, organization, team_spec.name)
            report.created.append(f"team {team_spec.org}/{team_spec.name}")
        team_by_name[(team_spec.org, team_spec.name)] = team

    created = []
    for person_spec in PEOPLE:
        if accounts.find_person(person_spec.email) is None:
            created.append((_create_person(person_spec, orgs, team_by_name, today), person_spec))
            report.created.append(f"person {person_spec.email}")
    for person, person_spec in created:
        demo_history.live(person, person_spec.history)
    demo_questions.load_questions(report)
    demo_reminders.load_reminders(report)
    return report


def _day(joined: str | int, today: dt.date) -> dt.date:
    """A demo day written YYYY-MM-DD or as a number of days before today."""
    return today - dt.timedelta(days=joined) if isinstance(joined, int) else dt.date.fromisoformat(joined)


def _create_person(
    spec: DemoPerson, orgs: dict[str, Organization], team_by_name: dict[tuple[str, str], Team], today: dt.date
) -> Person:
    roles = accounts.parse_roles(spec.roles)
    joined = today - dt.timedelta(days=spec.joined_days_ago)
    organization = orgs[spec.org] if spec.org else None
    password = DEMO_PASSWORD if spec.can_sign_in else None
    if spec.moved_from:
        old_code, left_days_ago = spec.moved_from
        left = today - dt.timedelta(days=left_days_ago)
        person = accounts.create_person(
            SYSTEM,
            email=spec.email,
            full_name=spec.name,
            roles={Role.WORKER},
            organization=orgs[old_code],
            password=password,
            language=spec.language,
            start_on=left - dt.timedelta(days=365),
        )
        accounts.set_roles(SYSTEM, person, roles, organization, on=left)
    else:
        person = accounts.create_person(
            SYSTEM,
            email=spec.email,
            full_name=spec.name,
            roles=roles,
            organization=organization,
            password=password,
            language=spec.language,
            start_on=joined,
        )
    if spec.phone:
        directory.set_contact(person, spec.phone, spec.phone_shown)
    for team_name, team_role in spec.teams:
        assert spec.org is not None
        teams.add_to_team(SYSTEM, team_by_name[(spec.org, team_name)], person, TeamRole(team_role), start_on=joined)
    return person
