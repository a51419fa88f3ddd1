"""worker.spvq's journey on the first content: read, fail, read the hints, retake, pass and read the explanations."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from elearning.content import check_content
from elearning.demo.data import DEMO_PASSWORD
from elearning.extensions import db
from elearning.models import Completion
from elearning.services.people.accounts import get_person
from tests.conftest import PROJECT_ROOT
from tests.quiz_helpers import content_answers, post_answers, read_quiz_form
from tests.web import sign_in

MODULE = "mise-en-contexte"


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_worker_spvq_reads_fails_reads_the_hints_retakes_passes_and_reads_the_explanations(
    app: Flask, runner: FlaskCliRunner
) -> None:
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    assert sign_in(client, "worker.spvq@example.org", DEMO_PASSWORD).status_code == 302

    module_page = client.get(f"/modules/{MODULE}").get_data(as_text=True)
    sections = re.findall(rf'href="/modules/{MODULE}/([a-z0-9-]+)"', module_page)
    sections = [slug for slug in dict.fromkeys(sections) if slug != "quiz"]
    assert len(sections) >= 2
    for slug in sections:
        page = client.get(f"/modules/{MODULE}/{slug}")
        assert page.status_code == 200

    quiz_page = client.get(f"/modules/{MODULE}/quiz").get_data(as_text=True)
    form = read_quiz_form(quiz_page)
    # The form says once, above its choices, to select every right answer of a multiple question (the prompt
    # does not say it again); the result page does not repeat it.
    several = [kind for kind in form.kinds.values() if kind == "checkbox"]
    assert several and quiz_page.count("Cochez toutes les bonnes réponses.") == len(several)
    failed = post_answers(client, form, content_answers(MODULE, right=False))
    result = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "Cochez toutes les bonnes réponses" not in result
    assert "Pas encore réussi" in result and "Votre note\u00a0: 0\u202f%" in result
    tree = check_content(PROJECT_ROOT).tree
    quiz = tree.module(MODULE).quiz
    text = _text(result)
    # Not revealed yet (neither passed nor the last attempt): every wrong answer gets its hint, and nothing shows
    # the explanations or the expected answers.
    for question in quiz.questions:
        assert _text(question.hint_html.fr) in text, question.id
        assert _text(question.explanation_html.fr) not in text, question.id
    assert text.count("Indice\u00a0:") == len(quiz.questions)
    assert "Explication" not in text and "Réponse attendue" not in text
    assert "Réessayer" in result

    form = read_quiz_form(client.get(f"/modules/{MODULE}/quiz").get_data(as_text=True))
    passed = post_answers(client, form, content_answers(MODULE, right=True))
    result = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "Réussi" in result and "Votre note\u00a0: 100\u202f%" in result
    assert "Vous avez terminé ce module." in result
    text = _text(result)
    for question in quiz.questions:  # passed: every explanation and expected answer is shown
        assert _text(question.explanation_html.fr) in text, question.id
    assert text.count("Réponse attendue") + text.count("Réponses attendues") == len(quiz.questions)
    with app.app_context():
        person = get_person("worker.spvq@example.org")
        assert db.session.scalar(sa.select(Completion.score).where(Completion.person_id == person.id)) == 100
    assert "Terminé" in client.get("/modules").get_data(as_text=True)
