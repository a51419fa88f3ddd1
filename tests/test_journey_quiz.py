"""worker.spvq's journey on the first content: read, fail, read the feedback, retake, pass."""

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


def test_worker_spvq_reads_fails_reads_the_feedback_retakes_and_passes(app: Flask, runner: FlaskCliRunner) -> None:
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

    form = read_quiz_form(client.get(f"/modules/{MODULE}/quiz").get_data(as_text=True))
    failed = post_answers(client, form, content_answers(MODULE, right=False))
    result = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "Échec" in result and "Votre note\u00a0: 0\u202f%" in result
    tree = check_content(PROJECT_ROOT).tree
    quiz = tree.module(MODULE).quiz
    text = html.unescape(re.sub(r"<[^>]+>", "", result))
    for question in quiz.questions:  # every question's explanation is shown
        feedback = html.unescape(re.sub(r"<[^>]+>", "", question.feedback_html.fr))
        assert feedback in text
    assert "Réessayer" in result

    form = read_quiz_form(client.get(f"/modules/{MODULE}/quiz").get_data(as_text=True))
    passed = post_answers(client, form, content_answers(MODULE, right=True))
    result = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "Réussi" in result and "Votre note\u00a0: 100\u202f%" in result
    assert "Vous avez terminé ce module." in result
    with app.app_context():
        person = get_person("worker.spvq@example.org")
        assert db.session.scalar(sa.select(Completion.score).where(Completion.person_id == person.id)) == 100
    assert "Terminé" in client.get("/modules").get_data(as_text=True)
