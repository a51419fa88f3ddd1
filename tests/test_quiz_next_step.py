"""After a pass, the result page's primary action, at its top: the next module of the track, the certificate
once the track is complete, or the dashboard (issue 13, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning.extensions import db
from elearning.models import Certificate
from tests.factories import PASSWORD, make_org, make_person
from tests.quiz_helpers import post_answers, read_quiz_form
from tests.test_quizzes import RIGHT, WRONG
from tests.web import signed_in_client

QUIZ = "/modules/mise-en-contexte/quiz"
SECTIONS = {"mise-en-contexte": ("decembre-2002", "constats", "suites"), "table-regionale": ("membres", "mandat")}


@pytest.fixture
def people(app: Flask, content_root: Path) -> None:
    with app.app_context():
        make_person(email="worker@example.org", org=make_org("CJQ"))
        make_person(email="table@example.org", org=None, roles=("table",))
        db.session.commit()


def read(client: FlaskClient, *slugs: str) -> None:
    for slug in slugs:
        for section in SECTIONS[slug]:
            assert client.get(f"/modules/{slug}/{section}").status_code == 200


def result_page(client: FlaskClient, answers: dict[str, list[str]], language: str = "fr") -> str:
    form = read_quiz_form(client.get(QUIZ).get_data(as_text=True))
    response = post_answers(client, form, answers)
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    page = client.get(f"{response.headers['Location']}?lang={language}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def next_step(html: str) -> tuple[str, str] | None:
    """The next step's (link, text), checked to come before the answers."""
    match = re.search(r'<p class="next-step">\s*<a class="button" href="([^"]+)">([^<]+)</a>', html)
    if match is None:
        return None
    assert match.start() < html.index('<ol class="feedback-list">'), "the next step is not at the top"
    return match.group(1), match.group(2)


def test_the_next_module_of_the_track(app: Flask, people: None) -> None:
    worker = signed_in_client(app, "worker@example.org", PASSWORD)
    read(worker, "mise-en-contexte")
    assert next_step(result_page(worker, RIGHT)) == (
        "/modules/table-regionale",
        "Module suivant\u00a0: La Table régionale",
    )


def test_the_certificate_when_the_track_is_complete(app: Flask, people: None) -> None:
    worker = signed_in_client(app, "worker@example.org", PASSWORD)
    read(worker, "table-regionale", "mise-en-contexte")
    html = result_page(worker, RIGHT, "en")
    with app.app_context():
        certificate_id = db.session.scalar(sa.select(Certificate.id))
    assert certificate_id is not None
    assert next_step(html) == (f"/certificates/{certificate_id}", "See your certificate: Core training")


def test_the_dashboard_when_no_assigned_track_holds_the_module(app: Flask, people: None) -> None:
    table = signed_in_client(app, "table@example.org", PASSWORD)
    read(table, "mise-en-contexte")
    assert next_step(result_page(table, RIGHT)) == ("/", "Aller à votre tableau de bord")


def test_no_next_step_without_a_completion(app: Flask, people: None) -> None:
    """A fail (try again instead), or a pass with sections left to read (they come first)."""
    worker = signed_in_client(app, "worker@example.org", PASSWORD)
    assert next_step(result_page(worker, WRONG)) is None
    html = result_page(worker, RIGHT)
    assert next_step(html) is None and "lisez les sections que vous n’avez pas encore lues" in html
