"""The quiz form's states: a submission with unanswered questions (Post/Redirect/Get, the questions marked and
linked), and the language switch that keeps the answers (issue 13, items 1 to 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearning.extensions import db
from elearning.models import QuizAttempt
from tests.factories import PASSWORD, make_org, make_person
from tests.quiz_helpers import QuizForm, post_answers, read_quiz_form
from tests.web import signed_in_client

LEARNER = "learner@example.org"
QUIZ = "/modules/mise-en-contexte/quiz"
#: One question of three answered (right).
PARTIAL = {"annee-demantelement": ["a"]}


@pytest.fixture
def learner(app: Flask, content_root: Path) -> FlaskClient:
    with app.app_context():
        make_person(email=LEARNER, org=make_org())
        db.session.commit()
    return signed_in_client(app, LEARNER, PASSWORD)


def _answers(app: Flask, attempt_id: int) -> tuple[dict[str, list[str]], object]:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt is not None
        return dict(attempt.answers or {}), attempt.submitted_at


def _number(form: QuizForm, key: str) -> int:
    """The 1-based position of question ``key`` on the form (the attempt's order)."""
    return list(form.questions).index(key) + 1


def _fieldset(page: str, number: int) -> str:
    match = re.search(rf'<fieldset [^>]*id="question-{number}".*?</fieldset>', page, re.S)
    assert match, f"no question {number}"
    return match.group(0)


def test_a_submission_with_unanswered_questions_redirects_and_keeps_the_answers(
    app: Flask, learner: FlaskClient
) -> None:
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    response = post_answers(learner, form, PARTIAL)
    assert response.status_code == 302 and response.headers["Location"] == f"{QUIZ}?check={form.attempt}"
    assert _answers(app, form.attempt) == (PARTIAL, None)  # kept on the open attempt, nothing submitted

    page = learner.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    again = read_quiz_form(html)
    assert again.attempt == form.attempt and again.checked == PARTIAL
    answered = _number(form, "annee-demantelement")
    missing = [_number(form, key) for key in form.questions if key not in PARTIAL]
    # The error summary, focused on load, links each unanswered question.
    summary = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert re.findall(r'href="#question-(\d+)"', summary.group(0)) == [str(number) for number in sorted(missing)]
    assert "<title>Erreur\u00a0: Questionnaire" in html
    # Each unanswered question says so in text, and is described by it; the answered one is not marked.
    for number in missing:
        fieldset = _fieldset(html, number)
        assert 'class="question question-error"' in fieldset
        assert f'aria-describedby="error-{number}' in fieldset
        assert f'id="error-{number}"' in fieldset and "Sans réponse\u00a0: choisissez une réponse." in fieldset
    assert "question-error" not in _fieldset(html, answered)


def test_the_form_marks_nothing_before_a_submission(learner: FlaskClient) -> None:
    html = learner.get(QUIZ).get_data(as_text=True)
    assert "question-error" not in html and "error-summary" not in html


def test_the_check_reflects_the_answers_saved_since(learner: FlaskClient) -> None:
    """Once every question is answered (saved), the checked form shows no error any more."""
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    post_answers(learner, form, PARTIAL)
    every = {key: [values[0]] for key, values in form.questions.items()}
    assert post_answers(learner, form, every, action="save").status_code == 302
    html = learner.get(f"{QUIZ}?check={form.attempt}").get_data(as_text=True)
    assert "error-summary" not in html and "question-error" not in html


def test_the_check_marks_only_the_attempt_it_names(learner: FlaskClient) -> None:
    """Another attempt (a new one, opened by Back after a result) is not marked: it was never submitted."""
    form = read_quiz_form(learner.get(QUIZ).get_data(as_text=True))
    assert "question-error" in learner.get(f"{QUIZ}?check={form.attempt}").get_data(as_text=True)
    for other in (str(form.attempt + 1), "1x", ""):
        assert "question-error" not in learner.get(f"{QUIZ}?check={other}").get_data(as_text=True), other


@pytest.mark.parametrize("check", [False, True])
def test_the_language_switch_of_the_quiz_keeps_the_answers(app: Flask, learner: FlaskClient, check: bool) -> None:
    html = learner.get(QUIZ).get_data(as_text=True)
    form = read_quiz_form(html)
    query = f"check={form.attempt}&" if check else ""
    # The header's switch submits the quiz form to this page in English.
    assert (
        '<button type="submit" class="lang-switch" form="quiz-form" formaction="/modules/mise-en-contexte/quiz?'
        'lang=en" name="action" value="language" lang="en">English</button>'
    ) in html
    form.action = f"{QUIZ}?{query}lang=en"
    response = post_answers(learner, form, PARTIAL, action="language")
    assert response.status_code == 302
    assert response.headers["Location"] == (f"{QUIZ}?check={form.attempt}" if check else QUIZ)
    assert _answers(app, form.attempt) == (PARTIAL, None)
    page = learner.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in page and "Quiz: " in page
    assert read_quiz_form(page).checked == PARTIAL
    assert "Your answers are saved" not in page  # the switch keeps them quietly
    # And back to French, from the English form.
    form.action = f"{QUIZ}?lang=fr"
    assert post_answers(learner, form, PARTIAL, action="language").status_code == 302
    page = learner.get(QUIZ).get_data(as_text=True)
    assert '<html lang="fr">' in page and read_quiz_form(page).checked == PARTIAL


def test_pages_without_a_quiz_form_keep_the_switch_a_link(learner: FlaskClient) -> None:
    """The header is kept per variant: the quiz's button never shows on another page, nor the link on the quiz."""
    assert 'form="quiz-form"' in learner.get(QUIZ).get_data(as_text=True)
    for path in ("/modules", "/", QUIZ + "?check=1", "/modules/mise-en-contexte"):
        html = learner.get(path).get_data(as_text=True)
        has_button = 'form="quiz-form"' in html
        assert has_button == path.startswith(QUIZ), path
        assert ('<a class="lang-switch"' in html) != has_button, path


def test_enter_in_the_quiz_form_never_presses_the_language_switch(learner: FlaskClient) -> None:
    """The form's first submit button in tree order (the one Enter presses) is the header's hidden one, which
    sends no action: the quiz's own default, a submission."""
    html = learner.get(QUIZ).get_data(as_text=True)
    buttons = re.findall(r'<button type="submit"[^>]*form="quiz-form"[^>]*>', html)
    assert buttons[0] == '<button type="submit" form="quiz-form" hidden tabindex="-1">'
    assert 'value="language"' in buttons[1]
