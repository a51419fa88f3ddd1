"""Taking a quiz: attempts fixed at start, saved answers, graded once, limits and extra attempts."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from elearning.extensions import db
from elearning.models import AuditEvent, Completion, ExtraAttempt, Question, QuizAttempt
from elearning.services.catalog import cache, lookup
from elearning.services.learning import quizzes
from elearning.services.people.accounts import get_person
from tests.factories import PASSWORD, add_member, load_content, make_org, make_person, make_team
from tests.quiz_helpers import attempt_id_from, post_answers, read_quiz_form
from tests.web import csrf_token, signed_in_client

LEARNER = "learner@example.org"
PIVOT = "pivot@example.org"
QUIZ = "/modules/mise-en-contexte/quiz"
RIGHT = {"annee-demantelement": ["a"], "constats-plusieurs": ["a", "b"], "intervenir-seul": ["false"]}
WRONG = {"annee-demantelement": ["b"], "constats-plusieurs": ["a"], "intervenir-seul": ["true"]}
TWO_OF_THREE = {"annee-demantelement": ["a"], "constats-plusieurs": ["a", "b"], "intervenir-seul": ["true"]}
SECTIONS = ("decembre-2002", "constats", "suites")
QUIZ_TABLES = ("quiz_attempts", "completions", "extra_attempts", "audit_events")


@pytest.fixture
def content(app: Flask, content_root: Path) -> Path:
    root = content_root
    with app.app_context():
        org = make_org()
        team = make_team(org, "Équipe")
        learner = make_person(email=LEARNER, name="Lina Learner", org=org)
        pivot = make_person(email=PIVOT, name="Paul Pivot", org=org, roles=("pivot",))
        add_member(team, learner)
        add_member(team, pivot, "pivot")
        make_person(email="other@example.org", org=org)
        db.session.commit()
    return root


@pytest.fixture
def learner(app: Flask, content: Path) -> FlaskClient:
    return signed_in_client(app, LEARNER, PASSWORD)


@pytest.fixture
def quiz_dump(dump: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    return lambda: {name: rows for name, rows in dump().items() if name in QUIZ_TABLES}


def take(client: FlaskClient, answers: dict[str, list[str]]) -> int:
    form = read_quiz_form(client.get(QUIZ).get_data(as_text=True))
    response = post_answers(client, form, answers)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return attempt_id_from(response.headers["Location"])


def read_all(client: FlaskClient) -> None:
    for section in SECTIONS:
        assert client.get(f"/modules/mise-en-contexte/{section}").status_code == 200


def _attempt(app: Flask, attempt_id: int) -> QuizAttempt:
    with app.app_context():
        found = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(found)
        return found


def test_form_shows_every_question_of_the_attempt(app: Flask, learner: FlaskClient) -> None:
    page = learner.get(QUIZ)
    assert page.status_code == 200
    form = read_quiz_form(page.get_data(as_text=True))
    assert set(form.questions) == set(RIGHT)
    assert form.kinds == {"annee-demantelement": "radio", "constats-plusieurs": "checkbox", "intervenir-seul": "radio"}
    assert form.questions["intervenir-seul"] == ["true", "false"]
    html = page.get_data(as_text=True)
    assert "Question 1 sur 3" in html and "Vrai" in html and "Faux" in html
    # Opening it again (or from a second tab) continues the same attempt, in the same order.
    again = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    assert again.attempt == form.attempt
    assert list(again.questions) == list(form.questions)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def _answers_part(page: str) -> str:
    """The result page's list of answers, as text (the footer also says « On n’intervient pas seul. »)."""
    start = page.index('<ol class="feedback-list">')
    return html.unescape(re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", page[start : page.index("</ol>", start)])))


def test_fail_read_the_hints_then_pass_and_read_the_explanations(app: Flask, learner: FlaskClient) -> None:
    first = take(learner, WRONG)
    page = learner.get(f"{QUIZ}/attempts/{first}").get_data(as_text=True)
    assert "Votre note\u00a0: 0\u202f%" in page
    assert "Pas encore réussi. La note de passage est de 80\u202f%." in page and "Échec" not in page
    assert "Tentatives soumises\u00a0: 1 sur 3." in page
    answers = _answers_part(page)
    # Not revealed (neither passed nor the last attempt): each wrong answer gets its hint, which points to what
    # to reread; neither the explanation nor the expected answer is shown.
    assert answers.count("Indice\u00a0:") == 3
    assert "Indice\u00a0: Relisez le principe de la section." in answers
    assert "Indice\u00a0: Relisez la première phrase de la section Décembre ." in answers
    assert "On n’intervient pas seul." not in answers and "démantelé en décembre 2002" not in answers
    assert "Explication" not in answers and "Réponse attendue" not in answers
    assert "Réessayer" in page
    second = take(learner, RIGHT)
    result = learner.get(f"{QUIZ}/attempts/{second}").get_data(as_text=True)
    assert "Votre note\u00a0: 100\u202f%" in result and "Réussi" in result
    answers = _answers_part(result)
    # Revealed after passing: the expected answers and the explanations (no hint: every answer is right).
    assert "Réponse attendue\u00a0: 2002" in answers
    assert "Explication\u00a0: Le réseau a été démantelé en décembre 2002." in answers
    assert "Explication\u00a0: On n’intervient pas seul." in answers
    assert "Indice" not in answers
    # The quiz is passed but the sections were not read: no completion yet.
    assert "lisez les sections que vous n’avez pas encore lues" in result
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0
    read_all(learner)
    with app.app_context():
        done = db.session.scalars(sa.select(Completion)).all()
        assert [(c.score, c.person_id) for c in done] == [(100, get_person(LEARNER).id)]
    assert "Vous avez terminé ce module." in learner.get(f"{QUIZ}/attempts/{second}").get_data(as_text=True)
    assert "Vous avez réussi ce questionnaire." in learner.get(QUIZ).get_data(as_text=True)


def test_result_wording_verdicts_labels_and_lists_in_both_languages(app: Flask, learner: FlaskClient) -> None:
    failed = take(learner, TWO_OF_THREE)  # 66 %: not passed, nothing revealed
    page = learner.get(f"{QUIZ}/attempts/{failed}").get_data(as_text=True)
    answers = _answers_part(page)
    # The verdict and the label of the right answer are two different phrases.
    assert answers.count("Réponse correcte") == 2 and answers.count("Réponse incorrecte") == 1
    assert "Bonne réponse" not in page and "Mauvaise réponse" not in page
    # Several chosen answers are a list, not one line joined with « ; ».
    chosen = re.search(
        r'<p class="answer-label"><strong>Vos réponses\u00a0:</strong></p>\s*<ul class="answer-list">(.*?)</ul>',
        page,
        re.S,
    )
    assert chosen is not None, page
    assert re.findall(r"<li>(.*?)</li>", chosen.group(1)) == ["Recrutement près des écoles", "Ressources isolées"]
    assert "écoles; " not in page and "écoles;" not in page
    assert "Votre réponse\u00a0: Vrai" in answers  # one answer stays on the label's line
    # A kind verdict for the attempt: no blunt « Échec ».
    assert "Pas encore réussi." in page and "Échec" not in page

    passed = take(learner, RIGHT)
    page = learner.get(f"{QUIZ}/attempts/{passed}").get_data(as_text=True)
    answers = _answers_part(page)
    assert answers.count("Réponse correcte") == 3
    assert "Réponse attendue\u00a0: 2002" in answers and "Réponse attendue\u00a0: Faux" in answers
    expected = re.search(r"Réponses attendues\u00a0:</strong></p>\s*<ul class=\"answer-list\">(.*?)</ul>", page, re.S)
    assert expected is not None, page
    assert re.findall(r"<li>(.*?)</li>", expected.group(1)) == ["Recrutement près des écoles", "Ressources isolées"]

    english = _answers_part(learner.get(f"{QUIZ}/attempts/{failed}?lang=en").get_data(as_text=True))
    assert english.count("Correct") == 2 and english.count("Incorrect") == 1
    assert "Your answers:" in english and "Hint: Reread the principle of the section." in english
    assert "Not passed yet. The pass mark is 80" in learner.get(f"{QUIZ}/attempts/{failed}").get_data(as_text=True)
    english = _answers_part(learner.get(f"{QUIZ}/attempts/{passed}").get_data(as_text=True))
    assert "Expected answer: 2002" in english and "Expected answers:" in english
    assert "Explanation: Nobody intervenes alone." in english


def test_questions_loaded_before_hints_show_their_explanation_only_once_revealed(
    app: Flask, learner: FlaskClient
) -> None:
    with app.app_context():  # as the migration leaves questions synced before hints existed
        db.session.execute(sa.update(Question).values(hint_fr=None, hint_en=None))
        db.session.commit()
        cache.clear()
    first = take(learner, WRONG)
    answers = _answers_part(learner.get(f"{QUIZ}/attempts/{first}").get_data(as_text=True))
    assert answers.count("Réponse incorrecte") == 3
    assert "Indice" not in answers and "Explication" not in answers and "On n’intervient pas seul." not in answers
    take(learner, WRONG)
    last = take(learner, WRONG)
    answers = _answers_part(learner.get(f"{QUIZ}/attempts/{last}").get_data(as_text=True))
    assert "Indice" not in answers and "Explication\u00a0: On n’intervient pas seul." in answers


def test_completion_needs_a_pass_not_only_the_sections(app: Flask, learner: FlaskClient) -> None:
    read_all(learner)
    take(learner, TWO_OF_THREE)  # 66 % < 80 %
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0
    take(learner, RIGHT)
    with app.app_context():
        assert db.session.scalar(sa.select(Completion.score)) == 100


def test_attempt_limit_and_the_extra_attempt_a_pivot_grants(app: Flask, learner: FlaskClient) -> None:
    for _ in range(3):
        last = take(learner, WRONG)
    locked = learner.get(QUIZ).get_data(as_text=True)
    assert "Il ne vous reste aucune tentative. Demandez-en une autre à votre pivot\u00a0:" in locked
    assert 'Paul Pivot – <a href="mailto:pivot@example.org">pivot@example.org</a>' in locked
    assert 'class="form quiz"' not in locked
    # After the last attempt the answers are revealed: each wrong answer shows its hint and its explanation.
    answers = _answers_part(learner.get(f"{QUIZ}/attempts/{last}").get_data(as_text=True))
    assert "Réponse attendue\u00a0: Faux" in answers
    assert answers.count("Indice\u00a0:") == 3 and answers.count("Explication\u00a0:") == 3
    assert "Indice\u00a0: Relisez le principe de la section. Réponse attendue\u00a0: Faux" in answers
    with app.app_context():
        learner_id = get_person(LEARNER).id
    pivot = signed_in_client(app, PIVOT, PASSWORD)
    member_page = pivot.get(f"/team/members/{learner_id}").get_data(as_text=True)
    assert "Accorder une tentative de plus" in member_page and "3 / 3" in member_page
    granted = pivot.post(
        f"/team/members/{learner_id}/extra-attempt",
        data={"module": "mise-en-contexte", "csrf_token": csrf_token(pivot, "/account")},
    )
    assert granted.status_code == 302
    with app.app_context():
        grant = db.session.scalar(sa.select(ExtraAttempt))
        assert grant.granted_by_id == get_person(PIVOT).id
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "quiz.extra_attempt_granted"))
        assert event.subject_person_id == learner_id and event.actor_id == get_person(PIVOT).id
    # The learner sees the granted attempt.
    page = learner.get(QUIZ).get_data(as_text=True)
    assert "Tentatives soumises\u00a0: 3 sur 4." in page and 'class="form quiz"' in page
    # A second grant while an attempt remains is refused.
    again = pivot.post(
        f"/team/members/{learner_id}/extra-attempt",
        data={"module": "mise-en-contexte", "csrf_token": csrf_token(pivot, "/account")},
    )
    assert again.status_code == 409


def test_shuffled_order_is_stable_within_an_attempt_and_changes_across_attempts(app: Flask, content: Path) -> None:
    with app.app_context():
        ref = lookup.find_module("mise-en-contexte")
        quiz = lookup.quiz_of(ref.version)
        person = get_person(LEARNER)
        assert quizzes._orders(quiz, "seed") == quizzes._orders(quiz, "seed")
        orders = set()
        for _ in range(6):
            quiz = dataclasses.replace(quiz, attempt_limit=0)  # unlimited, to take several attempts
            attempt = quizzes.start_or_continue(person, ref, quiz).attempt
            assert attempt is not None
            assert quizzes.start_or_continue(person, ref, quiz).attempt is attempt
            orders.add(tuple(attempt.question_order))
            quizzes.submit(person, attempt.id, ref, WRONG)  # not passed: the next opening starts another
        db.session.rollback()
    assert len(orders) > 1


def test_save_then_submit(app: Flask, learner: FlaskClient) -> None:
    learner.get(QUIZ)  # opens the attempt
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))  # the open attempt, as kept for the learner
    saved = post_answers(learner, form, {"annee-demantelement": ["a"]}, action="save")
    assert saved.status_code == 302 and saved.headers["Location"] == QUIZ
    attempt = _attempt(app, form.attempt)
    assert attempt.answers == {"annee-demantelement": ["a"]} and attempt.submitted_at is None
    page = learner.get(QUIZ).get_data(as_text=True)
    assert "Vos réponses sont enregistrées." in page
    again = read_quiz_form(page)
    assert again.attempt == form.attempt and again.checked == {"annee-demantelement": ["a"]}
    response = post_answers(learner, again, RIGHT)
    assert response.status_code == 302
    assert _attempt(app, form.attempt).score == 100


def test_double_submission_is_graded_once(app: Flask, learner: FlaskClient) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    first = post_answers(learner, form, RIGHT)
    second = post_answers(learner, form, WRONG)  # a resent form, even with other answers
    assert first.headers["Location"] == second.headers["Location"]
    assert _attempt(app, form.attempt).score == 100
    with app.app_context():
        submitted = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "quiz.attempt_submitted"))
        assert len(list(submitted)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def _change_quiz(root: Path) -> None:
    """A new version whose quiz's right answer to the first question changes (2007 instead of 2002)."""
    quiz = root / "quizzes" / "mise-en-contexte.yml"
    text = quiz.read_text(encoding="utf-8")
    text = text.replace(
        '        correct: true\n      - id: b\n        text: {fr: "2007", en: "2007"}',
        '      - id: b\n        text: {fr: "2007", en: "2007"}\n        correct: true',
    )
    quiz.write_text(text, encoding="utf-8")
    module = root / "modules" / "mise-en-contexte" / "module.yml"
    module.write_text(module.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'), encoding="utf-8")


def test_submission_after_a_content_change_is_graded_against_the_stored_version(
    app: Flask, learner: FlaskClient, content: Path
) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    _change_quiz(content)
    with app.app_context():
        load_content(content)
        db.session.commit()
    response = post_answers(learner, form, RIGHT)  # right for the version the attempt started on
    assert response.status_code == 302
    assert _attempt(app, form.attempt).score == 100


def test_open_attempt_on_a_superseded_version_is_discarded_when_reopened(
    app: Flask, learner: FlaskClient, content: Path
) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    _change_quiz(content)
    with app.app_context():
        load_content(content)
        db.session.commit()
    new_form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    assert new_form.attempt != form.attempt
    old = _attempt(app, form.attempt)
    assert old.discarded_at is not None and old.submitted_at is None
    # The discarded attempt cannot be submitted, and did not count.
    assert post_answers(learner, form, RIGHT).status_code == 409
    assert "Tentatives soumises\u00a0: 0 sur 3." in learner.get(QUIZ).get_data(as_text=True)
    new_right = {**RIGHT, "annee-demantelement": ["b"]}
    assert post_answers(learner, new_form, new_right).status_code == 302
    assert _attempt(app, new_form.attempt).score == 100


@pytest.mark.parametrize(
    ("answers", "extra", "status", "message"),
    [
        ({**RIGHT, "annee-demantelement": ["z"]}, [], 400, "La réponse à la question"),
        ({**RIGHT, "annee-demantelement": ["a", "b"]}, [], 400, "La réponse à la question"),
        ({**RIGHT, "inconnue": ["a"]}, [], 400, "aucune question de cette tentative"),
        (RIGHT, [("attempt", "abc")], 400, "ne désigne aucune tentative"),
    ],
    ids=["choice of no question", "two answers to a single choice", "unknown question", "bad id"],
)
def test_bad_submissions_change_nothing(
    learner: FlaskClient,
    quiz_dump: Callable[[], Any],
    answers: dict[str, list[str]],
    extra: list[tuple[str, str]],
    status: int,
    message: str,
) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    before = quiz_dump()
    data = [("csrf_token", csrf_token(learner, "/account")), ("action", "submit")]
    data += extra or [("attempt", str(form.attempt))]
    for key, values in answers.items():
        data.extend((f"q-{key}", value) for value in values)
    response = learner.post(QUIZ, data=MultiDict(data))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert quiz_dump() == before


def test_missing_attempt_field_is_400(learner: FlaskClient, quiz_dump: Callable[[], Any]) -> None:
    learner.get(QUIZ)
    before = quiz_dump()
    response = learner.post(QUIZ, data={"csrf_token": csrf_token(learner, "/account"), "action": "submit"})
    assert response.status_code == 400
    assert quiz_dump() == before


def test_another_persons_attempt_is_404(app: Flask, learner: FlaskClient, quiz_dump: Callable[[], Any]) -> None:
    other = signed_in_client(app, "other@example.org", PASSWORD)
    form = read_quiz_form(other.get(QUIZ).get_data(as_text=True))
    before = quiz_dump()
    assert post_answers(learner, form, RIGHT).status_code == 404
    assert learner.get(f"{QUIZ}/attempts/{form.attempt}").status_code == 404
    assert quiz_dump() == before


def test_result_of_an_open_attempt_goes_back_to_the_quiz(learner: FlaskClient) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    response = learner.get(f"{QUIZ}/attempts/{form.attempt}")
    assert response.status_code == 302 and response.headers["Location"] == QUIZ


def test_module_without_a_quiz_has_no_quiz_page(learner: FlaskClient) -> None:
    assert learner.get("/modules/table-regionale/quiz").status_code == 404


def test_quiz_posts_are_rate_limited(learner: FlaskClient) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    for _ in range(30):
        assert post_answers(learner, form, {"annee-demantelement": ["a"]}, action="save").status_code == 302
    limited = post_answers(learner, form, RIGHT)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_member_page_query_count_does_not_grow_with_attempts(app: Flask, learner: FlaskClient, count_queries) -> None:
    with app.app_context():
        learner_id = get_person(LEARNER).id
    pivot = signed_in_client(app, PIVOT, PASSWORD)
    assert pivot.get(f"/team/members/{learner_id}").status_code == 200  # warm: the content, once per revision
    with count_queries() as few:
        assert pivot.get(f"/team/members/{learner_id}").status_code == 200
    for _ in range(3):
        take(learner, WRONG)
    pivot.post(
        f"/team/members/{learner_id}/extra-attempt",
        data={"module": "mise-en-contexte", "csrf_token": csrf_token(pivot, "/account")},
    )
    take(learner, RIGHT)
    with count_queries() as many:
        page = pivot.get(f"/team/members/{learner_id}").get_data(as_text=True)
    assert "4 / 4" in page and "100\u202f%" in page
    assert few.count == many.count, (few.count, many.count)
