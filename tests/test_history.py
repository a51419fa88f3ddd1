"""The "on date D" queries, asked before and after each kind of change."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from elearning.extensions import db
from elearning.permissions import SYSTEM
from elearning.roles import Role
from elearning.services import history
from elearning.services.people import accounts, organizations
from tests.conftest import TODAY
from tests.factories import add_member, make_org, make_person, make_team

DAY = dt.timedelta(days=1)


def test_moving_to_another_organization_ends_the_old_teams(app: Flask, clock) -> None:
    """Another organization's person is private: the old team's pivot no longer follows someone who moved."""
    with app.app_context():
        a, b = make_org("A"), make_org("B")
        team = make_team(a)
        person = make_person(org=a, start_on=TODAY - 100 * DAY)
        add_member(team, person, start_on=TODAY - 100 * DAY)
        clock.advance(days=10)
        moved_on = TODAY + 10 * DAY
        accounts.set_roles(SYSTEM, person, {Role.WORKER}, b)
        assert [t.id for t, _role in history.teams_of(person.id, moved_on - DAY)] == [team.id]
        assert history.teams_of(person.id, moved_on) == []


def test_person_who_moved_organizations(app: Flask, clock) -> None:
    with app.app_context():
        a = make_org("A")
        b = make_org("B")
        person = make_person(org=a, start_on=TODAY - 100 * DAY)
        clock.advance(days=10)
        moved_on = TODAY + 10 * DAY
        accounts.set_roles(SYSTEM, person, {Role.WORKER}, b)
        assert history.members_of(a.id, moved_on - DAY) == [person.id]
        assert history.members_of(b.id, moved_on - DAY) == []
        assert history.members_of(a.id, moved_on) == []
        assert history.members_of(b.id, moved_on) == [person.id]
        assert history.organization_of(person.id, moved_on - DAY).code == "A"
        assert history.organization_of(person.id, moved_on).code == "B"
        assert history.organization_of(person.id, TODAY - 101 * DAY) is None


def test_designation_withdrawn(app: Flask, clock) -> None:
    with app.app_context():
        org = make_org()
        pivot = make_person(org=org, roles=("pivot",), start_on=TODAY - 30 * DAY)
        clock.advance(days=5)
        accounts.set_roles(SYSTEM, pivot, {Role.WORKER})
        withdrawn = TODAY + 5 * DAY
        assert history.designated_pivots_of(org.id, withdrawn - DAY) == [pivot.id]
        assert history.designated_pivots_of(org.id, withdrawn) == []
        assert history.members_of(org.id, withdrawn) == [pivot.id]
        assert Role.PIVOT in history.roles_of(pivot.id, withdrawn - DAY)
        assert Role.PIVOT not in history.roles_of(pivot.id, withdrawn)


def test_designated_pivot_who_moved_no_longer_counts_for_the_old_organization(app: Flask, clock) -> None:
    with app.app_context():
        a = make_org()
        b = make_org()
        pivot = make_person(org=a, roles=("pivot",), start_on=TODAY - 30 * DAY)
        clock.advance(days=3)
        accounts.set_roles(SYSTEM, pivot, {Role.PIVOT}, b)
        assert history.designated_pivots_of(a.id, TODAY + 2 * DAY) == [pivot.id]
        assert history.designated_pivots_of(a.id, TODAY + 3 * DAY) == []
        assert history.designated_pivots_of(b.id, TODAY + 3 * DAY) == [pivot.id]


def test_target_changed(app: Flask, clock) -> None:
    with app.app_context():
        org = make_org(target=None, joined_on=TODAY - 400 * DAY)
        assert history.target_of(org.id, TODAY) is None
        organizations.set_target(SYSTEM, org, 2, effective_from=TODAY - 300 * DAY)
        organizations.set_target(SYSTEM, org, 4, effective_from=TODAY + 20 * DAY)
        assert history.target_of(org.id, TODAY - 301 * DAY) is None
        assert history.target_of(org.id, TODAY - 300 * DAY) == 2
        assert history.target_of(org.id, TODAY + 19 * DAY) == 2
        assert history.target_of(org.id, TODAY + 20 * DAY) == 4
        # Set twice on the same day: the later row wins, the earlier one stays in history.
        organizations.set_target(SYSTEM, org, 5, effective_from=TODAY + 20 * DAY)
        assert history.target_of(org.id, TODAY + 20 * DAY) == 5
        rows = db.session.execute(history.targets_on(TODAY + 20 * DAY)).all()
        assert [(row.organization_id, row.value) for row in rows] == [(org.id, 5)]


def test_teams_of_person_on_a_day(app: Flask, clock) -> None:
    with app.app_context():
        org = make_org()
        person = make_person(org=org, start_on=TODAY - 10 * DAY)
        first = make_team(org, "Alpha")
        second = make_team(org, "Beta")
        add_member(first, person, start_on=TODAY - 10 * DAY)
        add_member(second, person, "pivot", start_on=TODAY)
        from elearning.services.people.teams import remove_from_team

        clock.advance(days=4)
        remove_from_team(SYSTEM, first, person)
        assert [(t.name, r) for t, r in history.teams_of(person.id, TODAY - DAY)] == [("Alpha", "member")]
        assert [(t.name, r) for t, r in history.teams_of(person.id, TODAY)] == [
            ("Alpha", "member"),
            ("Beta", "pivot"),
        ]
        assert [(t.name, r) for t, r in history.teams_of(person.id, TODAY + 4 * DAY)] == [("Beta", "pivot")]


def test_deactivated_person_leaves_counts_from_that_day(app: Flask, clock) -> None:
    with app.app_context():
        org = make_org()
        pivot = make_person(org=org, roles=("pivot",), start_on=TODAY - 10 * DAY)
        clock.advance(days=2)
        accounts.deactivate(SYSTEM, pivot)
        assert history.members_of(org.id, TODAY + DAY) == [pivot.id]
        assert history.designated_pivots_of(org.id, TODAY + DAY) == [pivot.id]
        assert history.members_of(org.id, TODAY + 2 * DAY) == []
        assert history.designated_pivots_of(org.id, TODAY + 2 * DAY) == []
        assert history.roles_of(pivot.id, TODAY + 2 * DAY) == {}


def test_deactivation_day_follows_the_configured_time_zone(app: Flask, clock) -> None:
    with app.app_context():
        org = make_org()
        person = make_person(org=org, start_on=TODAY - 10 * DAY)
        # 02:00 UTC on 17 March is still 16 March, 22:00, in Québec.
        clock.set(dt.datetime(2026, 3, 17, 2, 0, tzinfo=dt.UTC))
        assert clock.today() == TODAY
        accounts.deactivate(SYSTEM, person)
        assert history.members_of(org.id, TODAY - DAY) == [person.id]
        assert history.members_of(org.id, TODAY) == []
