"""The SQL scopes agree with the permission predicates: for every viewer and every row, the predicate says yes
exactly when the row is in the scope. Checked on the world builder and on hypothesis-generated worlds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, example, given, settings

from elearning import permissions as p
from elearning.extensions import db
from elearning.models import (
    Certificate,
    ModuleQuestion,
    Organization,
    Person,
    Quiz,
    QuizAttempt,
    Team,
    TeamMembership,
    Track,
)
from elearning.permissions import ANONYMOUS, MemberRef, QuestionRef, TeamRef, Viewer
from elearning.permissions import scopes as s
from elearning.services.learning.questions import question_ref
from elearning.services.people.viewers import load_viewer, member_ref
from tests.conftest import TODAY
from tests.content.helpers import VALID
from tests.factories import load_content
from tests.generated_world import HAND_WRITTEN, WorldSpec, build_generated_world, on, world_specs
from tests.world import World, build_world

Scope = Callable[[Viewer, dt.date], sa.ColumnElement[bool]]


@dataclass(frozen=True)
class Kind:
    """One scope beside its predicate, over one model."""

    name: str
    model: Any
    scope: Scope
    predicate: Callable[[Viewer, Any], bool]
    #: The scope reads the predicate the other way: the people for whom it says yes about the viewer
    #: (``predicate(that person's viewer, the viewer as a member)``).
    inverse: bool = False


def listed_in_directory(person: Viewer, _reader: MemberRef) -> bool:
    """``is_listed_in_directory`` for any reader signed in (the scope's inverse reading asks it for readers who
    are people). Every organization of these worlds is a member of the Table on the days asked."""
    return p.is_listed_in_directory(person)


KINDS = (
    Kind("person", Person, s.people_visible_to, p.can_view_member),
    Kind("person (extra attempt)", Person, s.extra_attempt_grantable_people, p.can_grant_extra_attempt),
    Kind("team", Team, s.teams_visible_to, p.can_view_team),
    Kind("organization", Organization, s.organizations_visible_to, p.can_view_organization),
    Kind("attempt", QuizAttempt, s.attempts_visible_to, p.can_view_attempt),
    Kind("certificate", Certificate, s.certificates_visible_to, p.can_download_certificate),
    Kind("person (pivot of the viewer)", Person, s.pivots_of, p.is_pivot_of, inverse=True),
    Kind("person (coordinator of the viewer)", Person, s.coordinators_of, p.is_coordinator_of, inverse=True),
    Kind("person (in the directory)", Person, s.directory_pivots, listed_in_directory, inverse=True),
    Kind("question", ModuleQuestion, s.questions_visible_to, p.can_view_question),
    Kind("question (to answer)", ModuleQuestion, s.questions_answerable_by, p.can_answer_question),
)


def refs_from_database(day: dt.date) -> dict[Any, dict[int, Any]]:
    """Every row of each model, as the predicate's argument built the way the views build it."""
    members = {person_id: member_ref(person_id, day) for person_id in db.session.scalars(sa.select(Person.id))}
    return {
        Person: members,
        Team: {team.id: TeamRef(team.id, team.organization_id) for team in db.session.scalars(sa.select(Team))},
        Organization: {org_id: org_id for org_id in db.session.scalars(sa.select(Organization.id))},
        QuizAttempt: {
            row.id: members[row.person_id]
            for row in db.session.execute(sa.select(QuizAttempt.id, QuizAttempt.person_id))
        },
        Certificate: {
            row.id: row.person_id for row in db.session.execute(sa.select(Certificate.id, Certificate.person_id))
        },
        ModuleQuestion: {
            question.id: question_ref(question, day) for question in db.session.scalars(sa.select(ModuleQuestion))
        },
    }


def _ids_text(ids: frozenset[int]) -> str:
    return ",".join(map(str, sorted(ids))) or "-"


def describe_viewer(label: str, viewer: Viewer) -> str:
    if not viewer.is_authenticated:
        return label
    roles = "+".join(sorted(viewer.roles)) or "no role"
    return (
        f"{label} (person {viewer.person_id}, {roles}, pivot of teams {_ids_text(viewer.pivot_team_ids)}, "
        f"coordinates {_ids_text(viewer.coordinated_organization_ids)})"
    )


def describe_object(kind: Kind, object_id: int, ref: Any) -> str:
    if isinstance(ref, MemberRef):
        owner = "" if kind.model is Person else f" of person {ref.person_id}"
        return f"{kind.name} {object_id}{owner} (organization {ref.organization_id}, teams {_ids_text(ref.team_ids)})"
    if isinstance(ref, QuestionRef):
        return (
            f"{kind.name} {object_id} of person {ref.asker_id} (organization {ref.organization_id}, "
            f"teams {_ids_text(ref.asker_team_ids)})"
        )
    return f"{kind.name} {object_id} ({ref})"


def disagreements(viewers: dict[str, Viewer], day: dt.date) -> list[str]:
    """One line per (viewer, object) where the predicate and the scope answer differently."""
    refs = refs_from_database(day)
    people = {person_id: load_viewer(person_id, day) for person_id in refs[Person]}
    found = []
    for label, viewer in viewers.items():
        as_member = refs[Person].get(viewer.person_id) if viewer.person_id is not None else None
        for kind in KINDS:
            selected = set(db.session.scalars(sa.select(kind.model.id).where(kind.scope(viewer, day))))
            for object_id, ref in sorted(refs[kind.model].items()):
                if kind.inverse:
                    said = as_member is not None and kind.predicate(people[object_id], as_member)
                else:
                    said = kind.predicate(viewer, ref)
                if said != (object_id in selected):
                    found.append(
                        f"{describe_viewer(label, viewer)} × {describe_object(kind, object_id, ref)}: "
                        f"{kind.predicate.__name__} says {said}, {kind.scope.__name__} says {not said}"
                    )
    return found


def assert_agree(viewers: dict[str, Viewer], day: dt.date) -> None:
    found = disagreements(viewers, day)
    assert not found, f"{len(found)} disagreement(s) on {day}:\n" + "\n".join(found[:15])


def test_every_scope_is_checked_beside_its_predicate() -> None:
    assert sorted(kind.scope.__name__ for kind in KINDS) == sorted(s.__all__)


# -- the world builder ---------------------------------------------------------------------------------


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def viewers(app: Flask, world: World) -> dict[str, Viewer]:
    with app.app_context():
        result = {key: load_viewer(person_id, TODAY) for key, person_id in world.people.items()}
    return {"anonymous": ANONYMOUS, **result}


def test_scopes_agree_with_predicates_on_the_world(app: Flask, viewers: dict[str, Viewer]) -> None:
    with app.app_context():
        assert_agree(viewers, TODAY)


def _ids(app: Flask, model: Any, condition: sa.ColumnElement[bool]) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(model.id).where(condition)))


def test_the_viewer_is_in_the_people_scope_when_the_predicate_says_so(
    app: Flask, world: World, viewers: dict[str, Viewer]
) -> None:
    people = world.people
    assert _ids(app, Person, s.people_visible_to(viewers["pivot"], TODAY)) == {people["worker"], people["pivot"]}
    assert people["coordinator"] in _ids(app, Person, s.people_visible_to(viewers["coordinator"], TODAY))
    assert _ids(app, Person, s.people_visible_to(viewers["worker"], TODAY)) == set()
    assert _ids(app, Person, s.extra_attempt_grantable_people(viewers["pivot"], TODAY)) == {people["worker"]}
    assert people["admin"] in _ids(app, Person, s.extra_attempt_grantable_people(viewers["admin"], TODAY))
    assert _ids(app, QuizAttempt, s.attempts_visible_to(viewers["worker"], TODAY)) == _ids(
        app, QuizAttempt, QuizAttempt.person_id == people["worker"]
    )


def test_a_scope_fits_a_select_that_joins_the_same_table(app: Flask, world: World, viewers: dict[str, Viewer]) -> None:
    query = (
        sa.select(Person.id, TeamMembership.team_id)
        .join(TeamMembership, TeamMembership.person_id == Person.id)
        .where(s.people_visible_to(viewers["pivot"], TODAY))
    )
    with app.app_context():
        rows = {tuple(row) for row in db.session.execute(query)}
    assert rows == {(world.people["worker"], world.team_a), (world.people["pivot"], world.team_a)}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_each_scope_is_one_statement(
    app: Flask, viewers: dict[str, Viewer], kind: Kind, count_queries: Callable[[], Any]
) -> None:
    with app.app_context():
        for viewer in viewers.values():
            with count_queries() as counter:
                db.session.scalars(sa.select(kind.model).where(kind.scope(viewer, TODAY))).all()
            assert counter.count == 1, counter.statements


# -- generated worlds ----------------------------------------------------------------------------------

#: The days each generated world is asked about (offsets from today): facts start and end around them.
GENERATED_DAYS = (-30, 0, 1)


@pytest.fixture
def content(app: Flask) -> tuple[int, int]:
    """The fixture content, loaded once for every generated world: (a quiz id, a track id)."""
    with app.app_context():
        load_content(VALID)
        db.session.commit()
        quiz_id = db.session.execute(sa.select(Quiz.id).order_by(Quiz.id).limit(1)).scalar_one()
        track_id = db.session.execute(sa.select(Track.id).order_by(Track.id).limit(1)).scalar_one()
    return quiz_id, track_id


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world_specs())
@example(spec=HAND_WRITTEN)
def test_scopes_agree_with_predicates_on_generated_worlds(
    app: Flask, content: tuple[int, int], spec: WorldSpec
) -> None:
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0, "an example left rows behind"
        savepoint = db.session.begin_nested()
        try:
            quiz, track = db.session.get_one(Quiz, content[0]), db.session.get_one(Track, content[1])
            build_generated_world(spec, quiz, track)
            people = list(db.session.scalars(sa.select(Person.id)))
            for day in map(on, GENERATED_DAYS):
                viewers = {f"person {person_id}": load_viewer(person_id, day) for person_id in people}
                assert_agree({"anonymous": ANONYMOUS, **viewers}, day)
        finally:
            savepoint.rollback()
