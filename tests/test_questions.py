"""Questions learners ask on a module's section: who reads them (the asker, the pivots of the asker's teams, the
coordinator of the question's organization, the Table; nobody else, with 404), where they go when the asker's
teams have no pivot, answering from the inbox, the asker's notice and answer, the Table hiding a question or an
answer (recorded with the reason), the sanitizer, refused input, and the inbox's statements for 5 and 50
questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from elearning import clock
from elearning.demo.data import DemoReport
from elearning.demo.questions import QUESTIONS, load_questions
from elearning.extensions import db
from elearning.models import AuditEvent, ModuleQuestion, Organization, Person, QuestionAnswer, Team
from elearning.models.questions import MAX_QUESTION_LENGTH
from elearning.services.catalog import lookup
from elearning.services.errors import Forbidden, Invalid, NotFound
from elearning.services.learning import question_inbox, questions
from elearning.services.people.viewers import load_viewer
from tests.conftest import RowCounter
from tests.factories import PASSWORD, add_member, make_person, make_team
from tests.web import csrf_token, signed_in_client
from tests.world import World, build_world

SECTION = "/modules/mise-en-contexte/constats"
ASKED = "Qui appeler la nuit ?"  # the world's question (worker, team A), answered by the pivot
ANSWERED = "Le pivot de garde."
FOREIGN = "Une question de B."  # worker_b's question (organization B), not answered


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def teammate(app: Flask, world: World) -> str:
    """Another worker of team A (the asker's team)."""
    with app.app_context():
        person = make_person(email="teammate@world.example.org", org=db.session.get(Organization, world.org_a))
        add_member(db.session.get(Team, world.team_a), person)
        db.session.commit()
    return "teammate@world.example.org"


def client_of(app: Flask, email: str) -> FlaskClient:
    return signed_in_client(app, email, PASSWORD)


def text_of(client: FlaskClient, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def post(client: FlaskClient, path: str, **data: str) -> Any:
    return client.post(path, data={"csrf_token": csrf_token(client, "/account"), **data})


def question_count(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(ModuleQuestion)) or 0,
            db.session.scalar(sa.select(sa.func.count()).select_from(QuestionAnswer)) or 0,
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0,
        )


# -- who reads a question ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "sees"),
    [
        ("worker", 404, False),  # the asker has no inbox: their questions are under the section
        ("pivot", 200, True),
        ("other_pivot", 200, False),  # a pivot of another team of the same organization
        ("coordinator", 200, True),
        ("other_coordinator", 200, False),
        ("pivot_b", 200, False),  # another organization's pivot
        ("table", 200, True),
        ("admin", 404, False),
    ],
)
def test_the_inbox_shows_a_question_to_exactly_its_readers(
    app: Flask, world: World, role: str, status: int, sees: bool
) -> None:
    code, page = text_of(client_of(app, world.email(role)), "/team/inbox")
    assert code == status
    assert (ASKED in page) is sees
    assert (FOREIGN in page) is (role in ("other_coordinator", "pivot_b", "table"))  # B's readers
    if sees:
        assert ANSWERED in page and "Worker" in page  # the answer, the asker's name


def test_b_coordinator_reads_b_question(app: Flask, world: World) -> None:
    _code, page = text_of(client_of(app, world.email("other_coordinator")), "/team/inbox")
    assert FOREIGN in page and ASKED not in page


@pytest.mark.parametrize("role", ["other_pivot", "other_coordinator", "pivot_b", "worker_a2", "admin"])
def test_answering_someone_else_s_question_is_404(app: Flask, world: World, role: str) -> None:
    client = client_of(app, world.email(role))
    token = csrf_token(client, "/account")
    before = question_count(app)
    response = client.post(f"/team/inbox/{world.worker_question}/answer", data={"csrf_token": token, "body": "Oui"})
    assert response.status_code == 404
    assert question_count(app) == before
    with app.app_context(), pytest.raises(NotFound):
        questions.answer(load_viewer(world.people[role], clock.today()), world.worker_question, "Oui")


def test_another_worker_of_the_same_team_reads_nothing(app: Flask, world: World, teammate: str) -> None:
    client = client_of(app, teammate)
    assert client.get("/team/inbox").status_code == 404
    assert post(client, f"/team/inbox/{world.worker_question}/answer", body="Oui").status_code == 404
    assert post(client, f"/team/inbox/{world.worker_question}/hide", reason="x", confirm="yes").status_code == 404
    _code, page = text_of(client, SECTION)
    assert ASKED not in page and ANSWERED not in page


def test_the_asker_reads_own_question_and_answer_under_the_section(app: Flask, world: World) -> None:
    _code, page = text_of(client_of(app, world.email("worker")), SECTION)
    assert ASKED in page and ANSWERED in page and "Pivot" in page
    # Another person on the same section sees only their own questions.
    _code, page = text_of(client_of(app, world.email("pivot")), SECTION)
    assert ASKED not in page


def test_the_asker_and_the_table_may_not_answer(app: Flask, world: World) -> None:
    for role in ("worker", "table"):
        response = post(client_of(app, world.email(role)), f"/team/inbox/{world.worker_question}/answer", body="x")
        assert response.status_code == 403, role


# -- routing -------------------------------------------------------------------------------------------


def _ask_as(app: Flask, email: str, body: str) -> None:
    client = client_of(app, email)
    response = post(client, f"{SECTION}/questions", body=body)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("with_team", [False, True], ids=["no team", "a team without a pivot"])
def test_a_question_without_a_pivot_goes_to_the_coordinator(app: Flask, world: World, with_team: bool) -> None:
    with app.app_context():
        org = db.session.get(Organization, world.org_a)
        person = make_person(email="alone@world.example.org", name="Alone Worker", org=org)
        if with_team:
            add_member(make_team(org, "Sans pivot"), person)
        db.session.commit()
    _ask_as(app, "alone@world.example.org", "Sans pivot, à qui écrire ?")
    coordinator = client_of(app, world.email("coordinator"))
    _code, page = text_of(coordinator, "/team/inbox?lang=en")
    assert "Sans pivot, à qui écrire ?" in page
    assert "sent to the coordinator" in page
    for role in ("pivot", "other_pivot", "other_coordinator"):
        _code, page = text_of(client_of(app, world.email(role)), "/team/inbox")
        assert "Sans pivot, à qui écrire ?" not in page, role
    # The coordinator answers it; the asker reads the answer.
    with app.app_context():
        question_id = db.session.scalars(sa.select(ModuleQuestion.id).order_by(ModuleQuestion.id.desc())).first()
    assert post(coordinator, f"/team/inbox/{question_id}/answer", body="Écrivez-moi.").status_code == 303
    _code, page = text_of(client_of(app, "alone@world.example.org"), SECTION)
    assert "Écrivez-moi." in page


def test_a_question_asked_before_moving_stays_with_the_old_organization(app: Flask, world: World) -> None:
    """``organization_id`` keeps the organization of the asker when asking: B's pivot and coordinator never read
    what ``worker`` asked in A."""
    with app.app_context():
        row = db.session.get(ModuleQuestion, world.worker_question)
        assert row is not None and row.organization_id == world.org_a


# -- answering and the asker's notice ------------------------------------------------------------------


def test_answering_shows_under_the_section_and_on_the_dashboard(app: Flask, world: World) -> None:
    asker = client_of(app, world.email("worker"))
    text_of(asker, SECTION)  # the world's answer read
    assert post(asker, f"{SECTION}/questions", body="Et le week-end ?").status_code == 303
    with app.app_context():
        question_id = db.session.scalars(
            sa.select(ModuleQuestion.id).where(ModuleQuestion.body == "Et le week-end ?")
        ).one()
    pivot = client_of(app, world.email("pivot"))
    _code, inbox = text_of(pivot, "/team/inbox")
    assert inbox.index("Et le week-end ?") < inbox.index(ASKED)  # unanswered first
    _code, team = text_of(pivot, "/team?lang=en")
    assert "1 question waiting" in team
    assert post(pivot, f"/team/inbox/{question_id}/answer", body="Le *même* pivot.").status_code == 303

    _code, dashboard = text_of(asker, "/?lang=en")
    assert "1 of your questions has a new answer." in dashboard
    assert f'href="{SECTION}#questions"' in dashboard
    _code, page = text_of(asker, SECTION)
    assert "Le <em>même</em> pivot." in page
    _code, dashboard = text_of(asker, "/")
    assert f'href="{SECTION}#questions"' not in dashboard  # read: the notice is gone
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action.in_(["question.asked", "question.answered"]))
        ).all()
        assert {event.object_id for event in events} >= {str(question_id)}
        assert all("même" not in str(event.details) and "week-end" not in str(event.details) for event in events)


# -- hiding --------------------------------------------------------------------------------------------


def test_the_table_hides_a_question_with_a_reason(app: Flask, world: World) -> None:
    table = client_of(app, world.email("table"))
    path = f"/team/inbox/{world.worker_question}/hide"
    token = csrf_token(table, "/account")
    before = question_count(app)
    assert table.post(path, data={"csrf_token": token, "reason": "", "confirm": "yes"}).status_code == 400
    assert table.post(path, data={"csrf_token": token, "reason": "Identifie une jeune."}).status_code == 400
    assert question_count(app) == before
    assert post(table, path, reason="Identifie une jeune.", confirm="yes").status_code == 303
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "question.hidden")).one()
        assert event.object_id == str(world.worker_question) and event.details["reason"] == "Identifie une jeune."
        assert event.actor_id == world.people["table"]
    _code, page = text_of(client_of(app, world.email("worker")), SECTION)
    assert ASKED not in page and ANSWERED not in page
    _code, page = text_of(client_of(app, world.email("pivot")), "/team/inbox")
    assert ASKED not in page
    _code, page = text_of(table, "/team/inbox")
    assert ASKED not in page and "Identifie une jeune." in page  # the reason, for the Table


def test_the_table_hides_an_answer_with_a_reason(app: Flask, world: World) -> None:
    table = client_of(app, world.email("table"))
    path = f"/team/inbox/answers/{world.worker_answer}/hide"
    assert post(table, path, reason="Trop précis.", confirm="yes").status_code == 303
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "answer.hidden")).one()
        assert event.object_id == str(world.worker_answer) and event.details["reason"] == "Trop précis."
        question = db.session.get(ModuleQuestion, world.worker_question)
        assert question is not None and question.answered_at is None  # waiting for an answer again
    _code, page = text_of(client_of(app, world.email("worker")), SECTION)
    assert ASKED in page and ANSWERED not in page
    _code, page = text_of(client_of(app, world.email("pivot")), "/team/inbox")
    assert ASKED in page and ANSWERED not in page


@pytest.mark.parametrize("role", ["worker", "pivot", "coordinator"])
def test_only_the_table_hides(app: Flask, world: World, role: str) -> None:
    with app.app_context():
        viewer = load_viewer(world.people[role], clock.today())
        with pytest.raises(Forbidden):
            questions.hide_question(viewer, world.worker_question, "non")
        with pytest.raises(Forbidden):
            questions.hide_answer(viewer, world.worker_answer, "non")


# -- what is written -----------------------------------------------------------------------------------


def test_markdown_goes_through_the_sanitizer(app: Flask, world: World) -> None:
    body = "**Gras** <script>alert('x')</script> [lien](javascript:alert(1)) ![i](https://ailleurs.example/i.png)"
    _ask_as(app, world.email("worker"), body)
    for client, path in (
        (client_of(app, world.email("worker")), SECTION),
        (client_of(app, world.email("pivot")), "/team/inbox"),
    ):
        _code, page = text_of(client, path)
        assert "<strong>Gras</strong>" in page
        assert "alert(" not in page and "javascript:" not in page and "ailleurs.example" not in page


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_QUESTION_LENGTH + 1)], ids=["empty", "blank", "too long"])
def test_a_refused_question_is_400_with_the_form_and_writes_nothing(app: Flask, world: World, body: str) -> None:
    client = client_of(app, world.email("worker"))
    token = csrf_token(client, "/account")
    before = question_count(app)
    response = client.post(f"{SECTION}/questions?lang=en", data={"csrf_token": token, "body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="question-body-error"' in page and 'aria-invalid="true"' in page
    assert question_count(app) == before


def test_a_refused_answer_is_400_with_the_form_and_writes_nothing(app: Flask, world: World) -> None:
    pivot = client_of(app, world.email("pivot"))
    token = csrf_token(pivot, "/account")
    before = question_count(app)
    response = pivot.post(f"/team/inbox/{world.worker_question}/answer", data={"csrf_token": token, "body": "  "})
    assert response.status_code == 400
    assert f'id="answer-{world.worker_question}-error"' in response.get_data(as_text=True)
    assert question_count(app) == before


def test_asking_on_an_unknown_section_is_404(app: Flask, world: World) -> None:
    with app.app_context():
        viewer = load_viewer(world.people["worker"], clock.today())
        with pytest.raises(NotFound):
            questions.ask(viewer, lookup.find_module("mise-en-contexte"), "nope", "Une question")
        with pytest.raises(Invalid):
            questions.ask(viewer, lookup.find_module("mise-en-contexte"), "constats", "")


def test_the_form_says_when_questions_are_deleted(app: Flask, world: World) -> None:
    _code, page = text_of(client_of(app, world.email("worker")), f"{SECTION}?lang=en")
    months = app.config["QUESTIONS_RETENTION_MONTHS"]
    assert f"Questions are deleted {months} months after they are asked." in page
    assert 'href="/directory"' in page


# -- statements ----------------------------------------------------------------------------------------


def _grow_questions(app: Flask, world: World, count: int) -> None:
    """``count`` questions in all from members of team A, every other one answered by the pivot."""
    with app.app_context():
        ref = lookup.find_module("mise-en-contexte")
        team = db.session.get(Team, world.team_a)
        org = db.session.get(Organization, world.org_a)
        pivot = load_viewer(world.people["pivot"], clock.today())
        have = db.session.scalar(sa.select(sa.func.count()).select_from(ModuleQuestion)) or 0
        for number in range(have, count):
            person = make_person(org=org, password=None, name=f"Membre {number:03d}")
            add_member(team, person)
            asked = questions.ask(load_viewer(person.id, clock.today()), ref, "constats", f"Question {number}")
            if number % 2:
                questions.answer(pivot, asked.id, f"Réponse {number}")
        db.session.commit()


@pytest.mark.parametrize("role", ["pivot", "coordinator", "table"])
def test_the_inbox_costs_the_same_for_5_and_50_questions(
    app: Flask, world: World, count_queries: Callable[[], Any], role: str
) -> None:
    counts, rows = {}, {}
    for size in (5, 50):
        _grow_questions(app, world, size)
        client = client_of(app, world.email(role))
        assert client.get("/team/inbox").status_code == 200  # warm
        counter = RowCounter()
        with count_queries() as counted:
            sa.event.listen(sa.Engine, "before_cursor_execute", counter)
            try:
                response = client.get("/team/inbox")
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        assert response.status_code == 200
        counts[size] = counted.count
        rows[size] = counter.most_rows(app)
    assert counts[5] == counts[50], counts
    assert rows[50] <= question_inbox.PAGE_SIZE, rows  # no statement reads more than the page shows


def test_the_inbox_pages_through_every_question_once(app: Flask, world: World) -> None:
    _grow_questions(app, world, 45)
    with app.app_context():
        viewer = load_viewer(world.people["coordinator"], clock.today())
        seen: list[int] = []
        after = None
        answered_seen = False
        while True:
            page = question_inbox.inbox(viewer, clock.today(), after=after)
            for question in page.questions:
                assert not (answered_seen and question.answered_at is None), "unanswered first"
                answered_seen = answered_seen or question.answered_at is not None
            seen.extend(question.id for question in page.questions)
            if page.next_after is None:
                break
            after = page.next_after
        expected = db.session.scalars(
            sa.select(ModuleQuestion.id).where(ModuleQuestion.organization_id == world.org_a)
        ).all()
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))


# -- the demo ------------------------------------------------------------------------------------------


def test_the_demo_questions_load_once_through_the_services(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    result = runner.invoke(args=["demo"])  # elearning demo loads the questions after the people
    assert result.exit_code == 0 and f"{len(QUESTIONS)} questions" in result.output
    with app.app_context():
        report = DemoReport()
        load_questions(report)  # once only
        assert report.created == []
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleQuestion)) == len(QUESTIONS)
        assert {row.language for row in db.session.scalars(sa.select(ModuleQuestion))} == {"fr", "en"}
        today = clock.today()
        by_email = {
            email: load_viewer(db.session.scalars(sa.select(Person.id).where(Person.email == email)).one(), today)
            for email in ("pivot.spvq@example.org", "pivot.cjq@example.org", "coord.spvq@example.org")
        }
        spvq = question_inbox.inbox(by_email["pivot.spvq@example.org"], today).questions
        cjq = question_inbox.inbox(by_email["pivot.cjq@example.org"], today).questions
        coordinator = question_inbox.inbox(by_email["coord.spvq@example.org"], today).questions
    assert spvq and cjq
    assert any(question.answered_at is None for question in spvq)
    assert any(question.answers for question in cjq)
    routed = [question for question in coordinator if question.to_coordinator]
    assert [question.asker_name for question in routed] == ["Gabriel Lemieux"]
    assert not any(question.asker_name == "Gabriel Lemieux" for question in spvq)


def _statements_of(client: FlaskClient, path: str, count_queries: Any) -> list[str]:
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return [str(statement) for statement in counter.statements]


@pytest.mark.parametrize("path", [SECTION, "/"])
def test_the_questions_cost_nothing_to_whoever_never_asked_and_are_kept_for_the_asker(
    app: Flask, world: World, count_queries: Any, path: str
) -> None:
    """The section page and the dashboard read no question for someone who never asked one (their questions
    revision, read with the session, is 0); for the asker, one statement once, then none until their questions
    change: an answer shows on the next page."""

    def reads(statements: list[str]) -> int:
        return sum(1 for statement in statements if statement.startswith("SELECT") and "module_questions" in statement)

    never = client_of(app, world.email("worker_a2"))
    assert reads(_statements_of(never, path, count_queries)) == 0
    asker = client_of(app, world.email("worker"))
    assert reads(_statements_of(asker, path, count_queries)) == 1
    asker.get(path)  # the section marks the answer read: a new questions revision, read again once
    assert reads(_statements_of(asker, path, count_queries)) == 0
    pivot = client_of(app, world.email("pivot"))
    post(pivot, f"/team/inbox/{world.worker_question}/answer", body="Une deuxième réponse.")
    assert "Une deuxième réponse." in text_of(asker, SECTION)[1]
