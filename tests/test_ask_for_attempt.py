"""No attempts left: the pages name whom to ask (the pivots of the learner's teams with their work e-mail, or
the coordinator when the teams have none), read in one statement and only when no attempt is left."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning.extensions import db
from elearning.models import Person
from elearning.permissions import scopes
from elearning.services.people import teams
from elearning.services.people.accounts import get_person
from elearning.services.people.viewers import load_viewer
from tests.conftest import TODAY
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team
from tests.test_quizzes import QUIZ, WRONG, take
from tests.web import signed_in_client, visible_texts

LEARNER = "lina@example.org"
MODULE = "/modules/mise-en-contexte"


def _people(*, pivots: bool, coordinator: bool) -> None:
    org = make_org("CJQ")
    team = make_team(org, "Équipe A")
    learner = make_person(email=LEARNER, name="Lina Learner", org=org)
    add_member(team, learner)
    if pivots:
        for email, name in (("paul@example.org", "Paul Pivot"), ("alice@example.org", "Alice Aubin")):
            add_member(team, make_person(email=email, name=name, org=org, roles=("worker", "pivot")), "pivot")
        # A pivot of another team of the organization is not the learner's pivot.
        other = make_team(org, "Équipe B")
        elsewhere = make_person(email="bruno@example.org", name="Bruno Ailleurs", org=org, roles=("pivot",))
        add_member(other, elsewhere, "pivot")
    if coordinator:
        make_person(email="claire@example.org", name="Claire Coord", org=org, roles=("worker", "coordinator"))
    # Someone else's coordinator is not the learner's.
    make_person(email="autre@example.org", name="Autre Coord", org=make_org("SPVQ"), roles=("coordinator",))
    db.session.commit()


def _locked_learner(app: Flask, content_root: Path, **people: bool) -> tuple[FlaskClient, int]:
    with app.app_context():
        _people(**people)
    client = signed_in_client(app, LEARNER, PASSWORD)
    for _ in range(3):
        last = take(client, WRONG)
    return client, last


def _pages(client: FlaskClient, last: int) -> dict[str, str]:
    return {path: client.get(path).get_data(as_text=True) for path in (MODULE, QUIZ, f"{QUIZ}/attempts/{last}")}


def _alert(html: str) -> str:
    found = re.search(r'<div class="alert alert-warning">(.*?)</div>', html, re.S)
    assert found, html[:2000]
    text = " ".join(visible_texts(found.group(1)))
    # The quiz's locked page adds the attempts count to the same alert.
    return re.sub(r" (Tentatives soumises :|Attempts submitted:) .*$", "", text)


def test_the_pages_name_the_pivots_of_the_learners_teams(app: Flask, content_root: Path) -> None:
    client, last = _locked_learner(app, content_root, pivots=True, coordinator=True)
    for path, html in _pages(client, last).items():
        alert = _alert(html)
        assert alert.startswith("Il ne vous reste aucune tentative. Demandez-en une autre à l’un de vos pivots :"), (
            path,
            alert,
        )
        assert "Alice Aubin – alice@example.org" in alert and "Paul Pivot – paul@example.org" in alert, path
        assert alert.index("Alice Aubin") < alert.index("Paul Pivot")  # by name
        assert '<a href="mailto:paul@example.org">paul@example.org</a>' in html, path
        assert "Bruno" not in alert and "Claire" not in alert and "Autre" not in alert, path
    english = _alert(client.get(f"{MODULE}?lang=en").get_data(as_text=True))
    assert english.startswith("No attempts left. Ask one of your pivots for one more attempt:")


def test_one_pivot_is_named_in_the_singular(app: Flask, content_root: Path) -> None:
    client, _last = _locked_learner(app, content_root, pivots=True, coordinator=False)
    with app.app_context():
        get_person("alice@example.org").deactivated_at = get_person(LEARNER).created_at  # gone: not shown
        db.session.commit()
    alert = _alert(client.get(MODULE).get_data(as_text=True))
    assert alert == (
        "Il ne vous reste aucune tentative. Demandez-en une autre à votre pivot : Paul Pivot – paul@example.org"
    )


def test_without_pivots_the_coordinator_is_named_without_an_address(app: Flask, content_root: Path) -> None:
    client, last = _locked_learner(app, content_root, pivots=False, coordinator=True)
    for path, html in _pages(client, last).items():
        alert = _alert(html)
        assert alert == (
            "Il ne vous reste aucune tentative. Demandez-en une autre à la personne qui coordonne votre "
            "organisation, Claire Coord."
        ), path
        assert "mailto:" not in html and "Autre" not in alert, path
    english = _alert(client.get(f"{QUIZ}?lang=en").get_data(as_text=True))
    assert english == "No attempts left. Ask your coordinator, Claire Coord, for one more attempt."


def test_without_pivot_or_coordinator_the_learner_is_told_whom_to_ask(app: Flask, content_root: Path) -> None:
    client, last = _locked_learner(app, content_root, pivots=False, coordinator=False)
    for path, html in _pages(client, last).items():
        assert _alert(html) == (
            "Il ne vous reste aucune tentative. Demandez-en une autre à la personne qui coordonne votre organisation."
        ), path


def test_the_contacts_are_one_statement_and_read_only_when_locked(
    app: Flask, content_root: Path, count_queries: Callable[[], Any]
) -> None:
    with app.app_context():
        _people(pivots=True, coordinator=True)
    client = signed_in_client(app, LEARNER, PASSWORD)

    def statements(path: str) -> int:
        assert client.get(path).status_code == 200  # warm
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    take(client, WRONG)
    with_attempts_left = statements(MODULE)
    assert with_attempts_left == 1  # the module page's budget (tests/test_page_queries.py): nothing added
    take(client, WRONG)
    take(client, WRONG)
    assert statements(MODULE) == with_attempts_left + 1
    with app.app_context():
        viewer = load_viewer(get_person(LEARNER).id, TODAY)
        with count_queries() as counter:
            contacts = teams.attempt_contacts(viewer, TODAY)
    assert counter.count == 1, counter.statements
    assert [pivot.name for pivot in contacts.pivots] == ["Alice Aubin", "Paul Pivot"]
    assert contacts.coordinators == ()


@pytest.mark.parametrize(("pivots", "coordinator"), [(True, True), (False, True), (False, False)])
def test_the_scopes_find_the_pivots_and_the_coordinator(app: Flask, pivots: bool, coordinator: bool) -> None:
    with app.app_context():
        _people(pivots=pivots, coordinator=coordinator)
        viewer = load_viewer(get_person(LEARNER).id, TODAY)
        found_pivots = set(db.session.scalars(sa.select(Person.email).where(scopes.pivots_of(viewer, TODAY))))
        found_coordinators = set(
            db.session.scalars(sa.select(Person.email).where(scopes.coordinators_of(viewer, TODAY)))
        )
    assert found_pivots == ({"paul@example.org", "alice@example.org"} if pivots else set())
    assert found_coordinators == ({"claire@example.org"} if coordinator else set())
