"""Statements per request of every learner page hold their budgets (docs/performance.md), for a newcomer and
for a learner with three certificates, renewals and many attempts: the same count for both.

Counted once warm: the process reads the content once per content revision (the first request after a sync
pays for it; see :mod:`elearning.services.catalog.cache`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearning.extensions import db
from tests.factories import PASSWORD, make_org, make_person
from tests.quiz_helpers import post_answers, read_quiz_form
from tests.test_certificates import DAY, LEARNER, _certificates, complete_core_track
from tests.test_quizzes import WRONG
from tests.web import signed_in_client

#: Page -> (path, statements allowed per request).
BUDGETS = {
    # The reader's own questions on the section are one more statement only for someone who asked one (see
    # test_questions.py), kept under their questions revision.
    "section": ("/modules/mise-en-contexte/constats", 6),
    "module": ("/modules/mise-en-contexte", 8),
    "quiz form": ("/modules/mise-en-contexte/quiz", 8),
    "dashboard": ("/", 8),
}
NEWCOMER = "newcomer@example.org"
#: Statements once warm while nothing about the learner changed: the session lookup (with the revisions), and
#: the quiz form's open attempt (see elearning.services.revisions).
WARM = {"section": 1, "module": 1, "quiz form": 1, "dashboard": 1}


@pytest.fixture
def learners(app: Flask, content_root: Path, clock: Any) -> dict[str, FlaskClient]:
    """A newcomer, and a learner with three core-track certificates (two renewals), failed attempts in each
    cycle and an open attempt."""
    with app.app_context():
        org = make_org("CJQ")
        make_person(email=LEARNER, org=org)
        make_person(email=NEWCOMER, org=org)
        db.session.commit()
    for cycle in range(3):
        if cycle:
            expires = _certificates(app)[-1].expires_on
            clock.set(dt.datetime.combine(expires - 30 * DAY, dt.time(16), tzinfo=dt.UTC))
        complete_core_track(signed_in_client(app, LEARNER, PASSWORD), fail_first=True)
    assert len(_certificates(app)) == 3
    expires = _certificates(app)[-1].expires_on
    clock.set(dt.datetime.combine(expires - 30 * DAY, dt.time(16), tzinfo=dt.UTC))  # a fourth cycle open
    veteran = signed_in_client(app, LEARNER, PASSWORD)
    form = read_quiz_form(veteran.get("/modules/mise-en-contexte/quiz").get_data(as_text=True))
    assert post_answers(veteran, form, WRONG).status_code == 302
    return {"newcomer": signed_in_client(app, NEWCOMER, PASSWORD), "veteran": veteran}


def _statements(client: FlaskClient, path: str, count_queries: Callable[[], Any]) -> int:
    assert client.get(path).status_code == 200  # warm, and today's views written
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize("page", list(BUDGETS))
def test_learner_pages_hold_their_statement_budgets(
    learners: dict[str, FlaskClient], count_queries: Callable[[], Any], page: str
) -> None:
    path, budget = BUDGETS[page]
    # The first request may write (today's view, a new attempt): the second one reads again what changed.
    counts = {name: _statements(client, path, count_queries) for name, client in learners.items()}
    assert counts["newcomer"] == counts["veteran"], counts
    assert counts["veteran"] <= budget, f"{page}: {counts['veteran']} statements, budget {budget}"
    # From then on, while nothing about the learner changes, only what WARM says.
    with count_queries() as counter:
        assert learners["veteran"].get(path).status_code == 200
    assert counter.count == WARM[page], counter.statements


def test_verification_holds_its_budget(
    app: Flask, learners: dict[str, FlaskClient], count_queries: Callable[[], Any]
) -> None:
    code = _certificates(app)[-1].code
    anonymous = app.test_client()
    assert anonymous.get(f"/verify/{code}").status_code == 200
    with count_queries() as counter:
        assert anonymous.get(f"/verify/{code}").status_code == 200
    assert counter.count <= 2, counter.statements


def test_a_public_page_without_a_form_sets_no_cookie(app: Flask, learners: dict[str, FlaskClient]) -> None:
    """The verification page writes nothing for its visitor (no CSRF secret, no preferences cookie), which also
    spares every anonymous visit the signing of a cookie; the sign-in form does set one (its CSRF token)."""
    code = _certificates(app)[-1].code
    page = app.test_client().get(f"/verify/{code}")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers, page.headers
    assert "csrf-token" not in page.get_data(as_text=True)
    assert "Set-Cookie" in app.test_client().get("/login").headers


@pytest.mark.parametrize("page", list(BUDGETS))
def test_a_signed_in_page_sets_no_cookie_once_the_browser_holds_its_own(
    learners: dict[str, FlaskClient], page: str
) -> None:
    """Only the first page after sign-in sets the preferences cookie (sign-in renews the CSRF secret); later
    pages neither re-sign nor resend it."""
    path, _budget = BUDGETS[page]
    client = learners["veteran"]
    client.get("/")
    assert client.get(path).status_code == 200
    answer = client.get(path)
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers, answer.headers
