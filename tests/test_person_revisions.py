"""What is read about the signed-in person is kept per process under their revision, and every write of a fact
about them replaces it (see :mod:`elearning.services.revisions`): in the same process, in another process, and
never from a unit of work's own uncommitted writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm.attributes import flag_modified

from elearning import clock
from elearning.extensions import db
from elearning.models import ExtraAttempt, Organization, Person, SectionView, Team
from elearning.roles import Role
from elearning.services import history, revisions, transactions
from elearning.services.people import accounts
from tests.conftest import command_in_another_process
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team
from tests.quiz_helpers import post_answers, read_quiz_form
from tests.test_certificates import LEARNER, complete_core_track
from tests.test_quizzes import WRONG
from tests.web import signed_in_client

PIVOT = "pivot@example.org"


def _revision(email: str) -> int:
    return db.session.execute(sa.select(Person.facts_revision).where(Person.email == email)).scalar_one()


def _learner_and_pivot_in_a_team(app: Flask) -> int:
    """The learner and their pivot in team "Équipe A" of organization CJQ (committed); the learner's id."""
    with app.app_context():
        org = make_org("CJQ")
        learner = make_person(email=LEARNER, org=org)
        pivot = make_person(email=PIVOT, org=org, roles=("worker", "pivot"))
        team = make_team(org, "Équipe A")
        add_member(team, learner)
        add_member(team, pivot, "pivot")
        db.session.commit()
        return learner.id


@pytest.fixture
def learner(app: Flask, content_root: Path) -> Flask:
    """A learner who completed the core track (every kind of fact row exists for them), in a team."""
    _learner_and_pivot_in_a_team(app)
    complete_core_track(signed_in_client(app, LEARNER, PASSWORD), fail_first=True)
    return app


def test_every_orm_write_of_a_fact_about_a_person_gives_them_a_new_revision(learner: Flask) -> None:
    with learner.app_context():
        make_person(email="table@example.org", org=None, roles=("table",))
        make_person(
            email="coordinator@example.org",
            org=db.session.scalars(sa.select(Organization)).one(),
            roles=("coordinator",),
        )
        person = db.session.execute(sa.select(Person).where(Person.email == LEARNER)).scalar_one()
        module_id = db.session.scalars(sa.select(SectionView.module_id)).first()
        before = _revision(LEARNER)
        db.session.add(ExtraAttempt(person_id=person.id, module_id=module_id, granted_at=clock.now()))
        db.session.flush()
        assert _revision(LEARNER) != before, "a new extra attempt kept the revision"
        for model in revisions.PERSON_FACTS:
            row = db.session.execute(sa.select(model).order_by(model.id).limit(1)).scalar()  # type: ignore[attr-defined]
            assert row is not None, f"no {model.__name__} row"
            owner = db.session.get(Person, row.person_id)
            assert owner is not None
            before = _revision(owner.email)
            flag_modified(row, "person_id")
            db.session.flush()
            assert _revision(owner.email) != before, f"an update of {model.__name__} kept the revision"
        before = _revision(LEARNER)
        db.session.delete(db.session.execute(sa.select(SectionView).where(SectionView.person_id == person.id)).scalar())
        db.session.flush()
        assert _revision(LEARNER) != before, "a deleted section view kept the revision"
        # A team's or an organization's own change counts for everyone in it.
        for model, column in ((Team, "name"), (Organization, "name_fr")):
            before = _revision(LEARNER), _revision(PIVOT)
            row = db.session.execute(sa.select(model)).scalars().first()
            setattr(row, column, getattr(row, column) + " (changé)")
            db.session.flush()
            after = _revision(LEARNER), _revision(PIVOT)
            assert after[0] != before[0] and after[1] != before[1], f"a {model.__name__} change kept a revision"


def test_the_writes_the_orm_does_not_see_give_a_new_revision(learner: Flask) -> None:
    """A section view (an insert that happens once) and a quiz's grading (an update guarded by the database)."""
    client = signed_in_client(learner, LEARNER, PASSWORD)

    def revision(email: str = LEARNER) -> int:
        with learner.app_context():
            return _revision(email)

    with learner.app_context():
        db.session.execute(sa.delete(SectionView))
        db.session.commit()
    before = revision()
    assert client.get("/modules/mise-en-contexte/constats").status_code == 200
    assert revision() != before, "a new section view kept the revision"
    newcomer = signed_in_client(learner, PIVOT, PASSWORD)
    form = read_quiz_form(newcomer.get("/modules/mise-en-contexte/quiz").get_data(as_text=True))
    before = revision(PIVOT)
    assert post_answers(newcomer, form, WRONG).status_code == 302
    assert revision(PIVOT) != before, "a graded attempt kept the revision"


def test_a_unit_of_work_that_wrote_about_a_person_neither_reads_nor_keeps_the_memo(learner: Flask) -> None:
    with learner.app_context():
        revisions.clear()
        person = db.session.execute(sa.select(Person).where(Person.email == LEARNER)).scalar_one()
        computed: list[int] = []

        def compute() -> int:
            computed.append(1)
            return len(computed)

        revisions.remember(person.id, person.facts_revision)
        assert revisions.memo("test", person.id, lambda: "k", compute) == 1
        assert revisions.memo("test", person.id, lambda: "k", compute) == 1  # kept
        revisions.touch([person.id])
        assert revisions.memo("test", person.id, lambda: "k", compute) == 2  # not read after the write
        assert revisions.memo("test", person.id, lambda: "k", compute) == 3  # nor kept
        db.session.rollback()
        # Another unit of work with the revision of before the rolled-back write reads the kept value.
        revisions.remember(person.id, person.facts_revision)
        assert revisions.memo("test", person.id, lambda: "k", compute) == 1
        assert revisions.memo("test", person.id, lambda: "other key", compute) == 4
        # Under the learner's lock, everything is read again (another unit of work may have written meanwhile).
        db.session.rollback()
        revisions.remember(person.id, person.facts_revision)
        assert revisions.memo("test", person.id, lambda: "k", compute) == 1
        transactions.lock_learner(person.id)
        assert revisions.memo("test", person.id, lambda: "k", compute) == 5


def test_the_learners_own_pages_show_each_new_view_at_once(learner: Flask, count_queries: Callable[[], Any]) -> None:
    client = signed_in_client(learner, LEARNER, PASSWORD)
    with learner.app_context():
        db.session.execute(sa.delete(SectionView))
        db.session.commit()
    read = 'class="done"'
    assert client.get("/modules/mise-en-contexte").get_data(as_text=True).count(read) == 0
    assert client.get("/modules/mise-en-contexte").get_data(as_text=True).count(read) == 0  # kept
    client.get("/modules/mise-en-contexte/constats")
    assert client.get("/modules/mise-en-contexte").get_data(as_text=True).count(read) == 1
    client.get("/modules/mise-en-contexte/suites")
    assert client.get("/modules/mise-en-contexte").get_data(as_text=True).count(read) == 2
    with count_queries() as warm:
        assert client.get("/modules/mise-en-contexte/constats").status_code == 200
    assert warm.count == 1, warm.statements  # the session lookup (with the revisions); everything else is kept


@pytest.mark.commits
def test_a_withdrawn_pivot_loses_access_on_the_next_request(
    app: Flask, content_root: Path, database_url: str, tmp_path: Path, clock: Any
) -> None:
    clock.set(dt.datetime.now(dt.UTC))  # the command in the other process runs on the real clock
    member_id = _learner_and_pivot_in_a_team(app)
    client = signed_in_client(app, PIVOT, PASSWORD)
    for _ in range(2):  # the second one from what this process keeps
        assert client.get(f"/team/members/{member_id}").status_code == 200
    result = command_in_another_process(
        database_url, tmp_path / "instance", "users", "set-roles", "--email", PIVOT, "--role", "worker"
    )
    assert result.returncode == 0, result.stderr
    assert client.get(f"/team/members/{member_id}").status_code in (403, 404)
    with app.app_context():
        person = accounts.get_person(PIVOT)
        assert Role.PIVOT not in history.roles_of(person.id, clock.today())


def test_the_dashboard_shows_a_renamed_team_and_organization_on_the_next_request(learner: Flask) -> None:
    client = signed_in_client(learner, LEARNER, PASSWORD)
    for _ in range(2):  # the second one from what this process keeps
        page = client.get("/").get_data(as_text=True)
        assert "Équipe A" in page and "Organisation CJQ" in page
    with learner.app_context():
        db.session.execute(sa.select(Team)).scalar_one().name = "Équipe Nord"
        db.session.execute(sa.select(Organization)).scalar_one().name_fr = "Centre jeunesse de Québec"
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Équipe Nord" in page and "Centre jeunesse de Québec" in page and "Équipe A" not in page
