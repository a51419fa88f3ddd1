"""The permission predicates answer PRODUCT.md's "Who sees what" for each role of the world."""

from __future__ import annotations

import pytest
from flask import Flask

from elearning import permissions as p
from elearning.permissions import ANONYMOUS, SYSTEM, MemberRef, QuestionRef, TeamRef, Viewer
from elearning.services.people import accounts
from elearning.services.people.viewers import load_viewer
from tests.conftest import TODAY
from tests.world import ROLES, World, build_world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def viewers(app: Flask, world: World) -> dict[str, Viewer]:
    with app.app_context():
        result = {role: load_viewer(world.people[role], TODAY) for role in ROLES if role != "anonymous"}
    result["anonymous"] = ANONYMOUS
    return result


def _member(world: World, key: str, org: int, team: int) -> MemberRef:
    return MemberRef(person_id=world.people[key], organization_id=org, team_ids=frozenset({team}))


def test_viewer_holds_teams_and_roles(viewers: dict[str, Viewer], world: World) -> None:
    assert viewers["pivot"].pivot_team_ids == {world.team_a}
    assert viewers["other_pivot"].pivot_team_ids == {world.team_a2}
    assert viewers["worker"].pivot_team_ids == frozenset()
    assert viewers["coordinator"].coordinated_organization_ids == {world.org_a}
    assert viewers["table"].is_table and not viewers["table"].is_admin
    assert viewers["admin"].is_admin and viewers["admin"].organization_id is None


def _answers(viewers: dict[str, Viewer], predicate) -> tuple[bool, ...]:
    return tuple(predicate(viewers[role]) for role in ROLES)


# Columns: anonymous, worker, pivot, other_pivot, coordinator, other_coordinator, table, admin
Y, N = True, False


def test_team_a(viewers: dict[str, Viewer], world: World) -> None:
    team = TeamRef(world.team_a, world.org_a)
    assert _answers(viewers, lambda v: p.can_view_team(v, team)) == (N, N, Y, N, Y, N, Y, Y)


def test_member_of_team_a(viewers: dict[str, Viewer], world: World) -> None:
    member = _member(world, "worker", world.org_a, world.team_a)
    assert _answers(viewers, lambda v: p.can_view_member(v, member)) == (N, N, Y, N, Y, N, Y, Y)
    assert _answers(viewers, lambda v: p.can_grant_extra_attempt(v, member)) == (N, N, Y, N, Y, N, N, Y)


def test_member_of_organization_b(viewers: dict[str, Viewer], world: World) -> None:
    member = _member(world, "worker_b", world.org_b, world.team_b)
    assert _answers(viewers, lambda v: p.can_view_member(v, member)) == (N, N, N, N, N, Y, Y, Y)
    assert _answers(viewers, lambda v: p.can_grant_extra_attempt(v, member)) == (N, N, N, N, N, Y, N, Y)


def test_refusals_are_404_across_organizations(viewers: dict[str, Viewer], world: World) -> None:
    assert p.refusal_status(viewers["other_coordinator"], world.org_a) == 404
    assert p.refusal_status(viewers["worker"], world.org_a) == 403
    assert p.refusal_status(viewers["worker"], world.org_b) == 404
    assert p.refusal_status(ANONYMOUS, world.org_a) == 404


def test_organization(viewers: dict[str, Viewer], world: World) -> None:
    assert _answers(viewers, lambda v: p.can_view_organization(v, world.org_a)) == (N, N, N, N, Y, N, Y, Y)
    assert _answers(viewers, lambda v: p.can_manage_organization(v, world.org_a)) == (N, N, N, N, Y, N, N, Y)


def test_table_work(viewers: dict[str, Viewer]) -> None:
    assert _answers(viewers, p.can_view_reports) == (N, N, N, N, N, N, Y, Y)
    assert _answers(viewers, p.can_govern) == (N, N, N, N, N, N, Y, Y)
    assert _answers(viewers, p.can_administer) == (N, N, N, N, N, N, N, Y)
    assert _answers(viewers, p.can_view_directory) == (N, Y, Y, Y, Y, Y, Y, Y)
    assert _answers(viewers, p.can_reissue_certificate) == (N, N, N, N, N, N, N, Y)


def test_certificate_pdf(viewers: dict[str, Viewer], world: World) -> None:
    holder = world.people["worker"]
    assert _answers(viewers, lambda v: p.can_download_certificate(v, holder)) == (N, Y, N, N, N, N, Y, Y)


def test_questions(viewers: dict[str, Viewer], world: World) -> None:
    question = QuestionRef(world.people["worker"], world.org_a, frozenset({world.team_a}))
    assert _answers(viewers, lambda v: p.can_view_question(v, question)) == (N, Y, Y, N, Y, N, Y, N)
    assert _answers(viewers, lambda v: p.can_answer_question(v, question)) == (N, N, Y, N, Y, N, N, N)
    assert _answers(viewers, p.can_hide_question) == (N, N, N, N, N, N, Y, N)
    assert _answers(viewers, p.can_open_question_inbox) == (N, N, Y, Y, Y, Y, Y, N)
    # Asked in organization B before moving to A's team: A's pivot does not see it, B's coordinator does.
    moved = QuestionRef(world.people["worker"], world.org_b, frozenset())
    assert _answers(viewers, lambda v: p.can_view_question(v, moved)) == (N, Y, N, N, N, Y, Y, N)


def test_withdrawn_designation_removes_team_access(app: Flask, world: World, clock) -> None:
    from elearning.extensions import db
    from elearning.models import Person
    from elearning.roles import Role

    with app.app_context():
        accounts.set_roles(SYSTEM, db.session.get(Person, world.people["pivot"]), {Role.WORKER})
        db.session.commit()
        viewer = load_viewer(world.people["pivot"], TODAY)
    assert viewer.pivot_team_ids == frozenset()
    assert not p.can_view_team(viewer, TeamRef(world.team_a, world.org_a))
