"""Every write refuses an actor who may not perform it, inside the service, before writing anything.

Each case calls the service directly (no view), first as actors who may not (it raises ``Forbidden``, or
``NotFound`` where the object's existence is private, and the database is unchanged), then as one who may (it
goes through), so that a check that refuses everyone fails too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from elearning.content import check_content
from elearning.extensions import db
from elearning.models import Organization, Person, Team
from elearning.permissions import ANONYMOUS, SYSTEM, Viewer
from elearning.roles import Role, TeamRole
from elearning.services.catalog import lookup
from elearning.services.catalog.sync import sync_content
from elearning.services.certification import revocation
from elearning.services.certification.everyone import reconcile_everyone
from elearning.services.errors import Forbidden, NotFound, ServiceError
from elearning.services.learning import questions, quizzes
from elearning.services.people import accounts, designations, organizations, teams
from elearning.services.people.viewers import load_viewer
from tests.conftest import TODAY
from tests.content.helpers import VALID
from tests.world import World, build_world


@dataclass(frozen=True)
class Case:
    """A write, the actors refused (role -> the error expected) and one actor allowed."""

    name: str
    call: Callable[[Viewer, World], Any]
    refused: dict[str, type[ServiceError]]
    allowed: str


def _person(world: World, role: str) -> Person:
    person = db.session.get(Person, world.people[role])
    assert person is not None
    return person


def _org(world: World, key: str = "org_a") -> Organization:
    organization = db.session.get(Organization, getattr(world, key))
    assert organization is not None
    return organization


def _team(world: World, key: str = "team_a") -> Team:
    team = db.session.get(Team, getattr(world, key))
    assert team is not None
    return team


CASES = [
    Case(
        "grant an extra attempt",
        lambda actor, world: quizzes.grant_extra_attempt(actor, world.people["worker"], "mise-en-contexte"),
        {
            "anonymous": NotFound,
            # a training record is private even within the organization: those who may not see it get 404
            "worker": NotFound,
            "other_pivot": NotFound,
            "other_coordinator": NotFound,
            "table": Forbidden,
        },
        "pivot",
    ),
    Case(
        "revoke a certificate",
        lambda actor, world: revocation.revoke(actor, world.worker_certificate, "Obtained by mistake"),
        {"worker": Forbidden, "pivot": Forbidden, "coordinator": Forbidden, "other_coordinator": NotFound},
        "table",
    ),
    Case(
        "reissue a certificate",
        lambda actor, world: revocation.reissue(actor, world.worker_certificate, "Worker Corrected"),
        {"worker": Forbidden, "coordinator": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "admin",
    ),
    Case(
        "create an account",
        lambda actor, world: accounts.create_person(
            actor, email="new@world.example.org", full_name="New", roles={Role.WORKER}, organization=_org(world)
        ),
        {"worker": Forbidden, "coordinator": Forbidden, "table": Forbidden, "anonymous": Forbidden},
        "admin",
    ),
    Case(
        "set roles",
        lambda actor, world: accounts.set_roles(actor, _person(world, "worker"), {Role.PIVOT}),
        {"pivot": Forbidden, "coordinator": Forbidden, "table": Forbidden},
        "admin",
    ),
    Case(
        "deactivate an account",
        lambda actor, world: accounts.deactivate(actor, _person(world, "worker")),
        {"worker": Forbidden, "coordinator": Forbidden, "table": Forbidden},
        "admin",
    ),
    Case(
        "create an organization",
        lambda actor, world: organizations.create_organization(actor, code="NEW", name_fr="Nouvelle"),
        {"coordinator": Forbidden, "table": Forbidden},
        "admin",
    ),
    Case(
        "set a target",
        lambda actor, world: organizations.set_target(actor, _org(world), 9, effective_from=TODAY),
        {"worker": Forbidden, "coordinator": Forbidden, "other_coordinator": Forbidden},
        "table",
    ),
    Case(
        "create a team",
        lambda actor, world: teams.create_team(actor, _org(world), "Nouvelle équipe"),
        # The Table reads every organization's view (it may know the team would exist): 403.
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "coordinator",
    ),
    # The organization view's forms (docs/organization.md): its coordinator or an Admin; the Table reads only.
    Case(
        "designate a pivot",
        lambda actor, world: designations.designate(actor, _org(world), world.people["worker"]),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "coordinator",
    ),
    Case(
        "withdraw a designation",
        lambda actor, world: designations.withdraw(actor, _org(world), world.people["other_pivot"]),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "coordinator",
    ),
    Case(
        "rename a team",
        lambda actor, world: teams.rename_team(actor, _team(world, "team_a2"), "Équipe renommée"),
        {"worker": Forbidden, "other_pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "coordinator",
    ),
    Case(
        "archive a team",
        lambda actor, world: teams.archive_team(actor, _team(world, "team_a2")),
        {"worker": Forbidden, "other_pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "admin",
    ),
    Case(
        "move a member to a team",
        lambda actor, world: teams.move_to_team(actor, _team(world, "team_a2"), world.people["worker"]),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "coordinator",
    ),
    Case(
        "name a team's pivot",
        lambda actor, world: teams.name_team_pivot(actor, _team(world, "team_a"), world.people["other_pivot"]),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "coordinator",
    ),
    Case(
        "remove from a team",
        lambda actor, world: teams.leave_team(actor, _team(world, "team_a"), world.people["worker"]),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": Forbidden},
        "admin",
    ),
    Case(
        "add to a team",
        lambda actor, world: teams.add_to_team(
            actor, _team(world, "team_a2"), _person(world, "worker"), TeamRole.MEMBER
        ),
        {"worker": Forbidden, "pivot": Forbidden, "other_pivot": Forbidden, "other_coordinator": NotFound},
        "coordinator",
    ),
    Case(
        "remove from a team",
        lambda actor, world: teams.remove_from_team(actor, _team(world), _person(world, "worker")),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "table": NotFound},
        "admin",
    ),
    Case(
        "sync the content",
        lambda actor, world: sync_content(actor, VALID, _tree()),
        {"worker": Forbidden, "coordinator": Forbidden, "anonymous": Forbidden},
        "table",
    ),
    Case(
        "reconcile everyone",
        lambda actor, world: reconcile_everyone(actor),
        {"worker": Forbidden, "pivot": Forbidden, "coordinator": Forbidden},
        "admin",
    ),
    Case(
        "ask a question",
        lambda actor, world: questions.ask(actor, _ref(), "constats", "Une question"),
        {"anonymous": Forbidden},
        "worker",
    ),
    Case(
        "answer a question",
        lambda actor, world: questions.answer(actor, world.worker_question, "Une réponse"),
        {
            "anonymous": NotFound,
            # a question is private even within the organization and the team: those who may not read it get 404
            "worker_a2": NotFound,
            "other_pivot": NotFound,
            "other_coordinator": NotFound,
            "pivot_b": NotFound,
            "admin": NotFound,
            "worker": Forbidden,  # the asker
            "table": Forbidden,
        },
        "pivot",
    ),
    Case(
        "hide a question",
        lambda actor, world: questions.hide_question(actor, world.worker_question, "Identifie une jeune"),
        {"worker": Forbidden, "pivot": Forbidden, "coordinator": Forbidden, "other_pivot": NotFound, "admin": NotFound},
        "table",
    ),
    Case(
        "hide an answer",
        lambda actor, world: questions.hide_answer(actor, world.worker_answer, "Trop précis"),
        {"worker": Forbidden, "pivot": Forbidden, "other_coordinator": NotFound, "admin": NotFound},
        "table",
    ),
    Case(
        "submit another person's attempt",
        lambda actor, world: quizzes.submit(_person(world, actor_role(actor, world)), world.worker_attempt, _ref(), {}),
        {"pivot": NotFound, "coordinator": NotFound, "admin": NotFound},
        "",
    ),
    Case(
        "save answers in another person's attempt",
        lambda actor, world: quizzes.save_answers(
            _person(world, actor_role(actor, world)), world.worker_attempt, _ref(), {}
        ),
        {"pivot": NotFound, "table": NotFound},
        "",
    ),
]


def _tree() -> Any:
    result = check_content(VALID)
    assert result.tree is not None
    return result.tree


def _ref() -> lookup.ModuleRef:
    return lookup.find_module("mise-en-contexte")


def actor_role(actor: Viewer, world: World) -> str:
    return next(role for role, person_id in world.people.items() if person_id == actor.person_id)


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def _viewer(world: World, role: str) -> Viewer:
    return ANONYMOUS if role == "anonymous" else load_viewer(world.people[role], TODAY)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_refused_actors_change_nothing_and_the_allowed_one_acts(
    app: Flask, world: World, case: Case, dump: Callable[[], dict[str, Any]]
) -> None:
    before = dump()
    for role, error in case.refused.items():
        with app.app_context():
            with pytest.raises(error):
                case.call(_viewer(world, role), world)
            assert not (db.session.new or db.session.dirty or db.session.deleted), (case.name, role)
            db.session.commit()
        assert dump() == before, f"{case.name}: refusing {role} changed the database"
    if not case.allowed:
        return
    with app.app_context():
        try:
            case.call(_viewer(world, case.allowed), world)
        except ServiceError as exc:
            # Allowed, then refused for a reason of the data (e.g. attempts left): not an access refusal.
            assert not isinstance(exc, Forbidden | NotFound), (case.name, case.allowed, exc)
        db.session.rollback()


def test_the_command_line_acts_as_the_system(app: Flask) -> None:
    with app.app_context():
        organization = organizations.create_organization(SYSTEM, code="SYS", name_fr="Système")
        assert organization.id is not None
