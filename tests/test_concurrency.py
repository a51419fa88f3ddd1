"""Concurrency, proven on PostgreSQL with threads on separate connections meeting at a barrier.

Each request runs in its own thread with its own application context, hence its own database connection.
The barrier sits inside the code under test, just before the write that must happen once, so every thread
has read the same state when they all write. ``test_the_barrier_test_catches_a_missing_guard`` runs the
same scenario with the guard removed and sees the double grading: the tests can fail.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.extensions import db
from elearning.models import AuditEvent, Certificate, Completion, QuizAttempt
from elearning.services.catalog import lookup
from elearning.services.certification import issuing
from elearning.services.learning import completion, progress, quizzes
from elearning.services.people.accounts import get_person
from tests.factories import PASSWORD, make_org, make_person
from tests.quiz_helpers import post_answers, read_quiz_form
from tests.test_quizzes import QUIZ, RIGHT, SECTIONS
from tests.web import signed_in_client

pytestmark = [pytest.mark.postgres, pytest.mark.commits]
LEARNER = "racer@example.org"


@pytest.fixture
def learner_ready(app: Flask, content_root: Path) -> None:
    with app.app_context():
        make_person(email=LEARNER, org=make_org())
        db.session.commit()


def _with_barrier(monkeypatch: pytest.MonkeyPatch, target: object, name: str, parties: int) -> threading.Barrier:
    barrier = threading.Barrier(parties, timeout=20)
    original = getattr(target, name)

    def waiting(*args: object, **kwargs: object) -> object:
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, waiting)
    return barrier


def _submit_concurrently(app: Flask, threads: int) -> tuple[list[str], int]:
    clients = [signed_in_client(app, LEARNER, PASSWORD) for _ in range(threads)]
    form = read_quiz_form(clients[0].get(QUIZ).get_data(as_text=True))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        responses = list(pool.map(lambda client: post_answers(client, form, RIGHT), clients))
    assert all(response.status_code == 302 for response in responses), [r.status_code for r in responses]
    return [response.headers["Location"] for response in responses], form.attempt


@pytest.mark.parametrize("threads", [2, 10])
def test_one_graded_attempt_whatever_the_number_of_concurrent_submissions(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    _with_barrier(monkeypatch, quizzes, "_write_grade", threads)
    locations, attempt_id = _submit_concurrently(app, threads)
    assert len(set(locations)) == 1  # every response shows the same result
    with app.app_context():
        graded = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "quiz.attempt_submitted")).all()
        assert len(graded) == 1
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.score == 100 and attempt.submitted_at is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1
    client = signed_in_client(app, LEARNER, PASSWORD)
    pages = {client.get(location).get_data(as_text=True).count("100\u202f%") for location in locations}
    assert pages == {1}


def test_the_barrier_test_catches_a_missing_guard(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same scenario with the ``submitted_at IS NULL`` condition removed: several threads 'grade'."""

    def unguarded(attempt_id: int, values: dict[str, object]) -> bool:
        result = db.session.execute(
            sa.update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    monkeypatch.setattr(quizzes, "_write_grade", unguarded)
    _with_barrier(monkeypatch, quizzes, "_write_grade", 10)
    _submit_concurrently(app, 10)
    with app.app_context():
        graded = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "quiz.attempt_submitted")).all()
        assert len(graded) > 1


def test_last_section_view_and_passing_submission_race_into_one_completion(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = signed_in_client(app, LEARNER, PASSWORD)
    submitter = signed_in_client(app, LEARNER, PASSWORD)
    for section in SECTIONS[:-1]:
        assert reader.get(f"/modules/mise-en-contexte/{section}").status_code == 200
    form = read_quiz_form(submitter.get(QUIZ).get_data(as_text=True))
    # Both requests commit their own write, then meet before evaluating the completion.
    _with_barrier(monkeypatch, completion, "evaluate", 2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        view = pool.submit(reader.get, f"/modules/mise-en-contexte/{SECTIONS[-1]}")
        submission = pool.submit(post_answers, submitter, form, RIGHT)
        assert view.result().status_code == 200
        assert submission.result().status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(Completion)).all()
        assert len(rows) == 1
        assert rows[0].person_id == get_person(LEARNER).id and rows[0].score == 100
        ref = lookup.find_module("mise-en-contexte")
        assert progress.for_learner(rows[0].person_id, [ref])[ref.module.id].status == progress.ModuleStatus.COMPLETED


def test_two_concurrent_last_completions_issue_one_certificate(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = signed_in_client(app, LEARNER, PASSWORD)
    submitter = signed_in_client(app, LEARNER, PASSWORD)
    for section in SECTIONS:
        assert reader.get(f"/modules/mise-en-contexte/{section}").status_code == 200
    assert reader.get("/modules/table-regionale/membres").status_code == 200
    form = read_quiz_form(submitter.get(QUIZ).get_data(as_text=True))
    # The last section of one module and the passing quiz of the other complete the core track together;
    # both requests commit their completion, then meet before issuing.
    _with_barrier(monkeypatch, issuing, "issue_due", 2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        view = pool.submit(reader.get, "/modules/table-regionale/mandat")
        submission = pool.submit(post_answers, submitter, form, RIGHT)
        assert view.result().status_code == 200
        assert submission.result().status_code == 302
    with app.app_context():
        issued = db.session.scalars(sa.select(Certificate)).all()
        assert [(c.cycle, c.person_id) for c in issued] == [(1, get_person(LEARNER).id)]
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "certificate.issued")).all()
        assert len(events) == 1
