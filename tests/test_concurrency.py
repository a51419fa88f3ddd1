"""Concurrency, proven on SQLite (what ``make run`` serves) and PostgreSQL with threads on separate connections
meeting at a barrier.

Each request runs in its own thread with its own application context, hence its own database connection. The
barrier sits inside the code under test, just before the guard that makes the write happen once: the learner's
lock (:func:`elearning.services.transactions.lock_learner`), so every thread has read the same state when they
all go for the write. On SQLite a form's transaction holds the write lock from its first statement, so threads
posting forms meet just before their transaction begins (:func:`elearning.services.transactions.start_writing`).
The ``missing_guard`` tests run the same scenarios with the guards removed and see the failures they prevent:
the tests can fail.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from elearning.extensions import db
from elearning.models import AuditEvent, Certificate, Completion, QuizAttempt
from elearning.services import revisions, transactions
from elearning.services.catalog import lookup
from elearning.services.learning import completion, progress, quizzes
from elearning.services.people.accounts import get_person
from tests.factories import PASSWORD, make_org, make_person
from tests.quiz_helpers import QuizForm, post_answers, read_quiz_form
from tests.test_quizzes import QUIZ, RIGHT, SECTIONS
from tests.web import signed_in_client

pytestmark = [pytest.mark.commits]
LEARNER = "racer@example.org"


@pytest.fixture
def learner_ready(app: Flask, content_root: Path) -> None:
    with app.app_context():
        make_person(email=LEARNER, org=make_org())
        db.session.commit()


def is_sqlite(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


def _with_barrier(monkeypatch: pytest.MonkeyPatch, target: object, name: str, barrier: threading.Barrier) -> None:
    original = getattr(target, name)

    def waiting(*args: object, **kwargs: object) -> object:
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, waiting)


def _meet_before_the_guard(app: Flask, monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    """Threads posting the quiz meet just before the guard of their write (see the module's docstring)."""
    barrier = threading.Barrier(parties, timeout=20)
    if is_sqlite(app):
        _with_barrier(monkeypatch, transactions, "start_writing", barrier)
    else:
        _with_barrier(monkeypatch, quizzes, "lock_learner", barrier)


def _submit_concurrently(app: Flask, threads: int, guard: Callable[[], None]) -> tuple[list[TestResponse], int]:
    """Sign in ``threads`` clients and open the quiz, then (``guard`` sets the barrier) submit it from all."""
    clients = [signed_in_client(app, LEARNER, PASSWORD) for _ in range(threads)]
    form = read_quiz_form(clients[0].get(QUIZ).get_data(as_text=True))
    guard()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        responses = list(pool.map(lambda client: post_answers(client, form, RIGHT), clients))
    return responses, form.attempt


def _count(app: Flask, query: sa.Select) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _events(action: str) -> sa.Select:
    return sa.select(AuditEvent.id).where(AuditEvent.action == action)


@pytest.mark.parametrize("threads", [2, 10])
def test_one_graded_attempt_whatever_the_number_of_concurrent_submissions(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    responses, attempt_id = _submit_concurrently(
        app, threads, lambda: _meet_before_the_guard(app, monkeypatch, threads)
    )
    assert [r.status_code for r in responses] == [302] * threads
    locations = {response.headers["Location"] for response in responses}
    assert len(locations) == 1  # every response shows the same result
    assert _count(app, _events("quiz.attempt_submitted")) == 1
    assert _count(app, sa.select(QuizAttempt.id)) == 1
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt is not None and attempt.score == 100 and attempt.submitted_at is not None
    monkeypatch.undo()
    client = signed_in_client(app, LEARNER, PASSWORD)
    assert client.get(locations.pop()).get_data(as_text=True).count("100\u202f%") == 1


def test_missing_guard_double_submissions_fail(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the guards: on SQLite, transactions that read then write ("database is locked": 500s); on
    PostgreSQL, without the learner's lock and the ``submitted_at IS NULL`` condition, several gradings."""
    barrier = threading.Barrier(10, timeout=20)

    def unguarded(_person_id: int, attempt_id: int, values: dict[str, object]) -> bool:
        statement = sa.update(QuizAttempt).where(QuizAttempt.id == attempt_id).values(**values)
        return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1

    def remove_the_guards() -> None:
        if is_sqlite(app):
            monkeypatch.setattr(transactions, "start_writing", lambda: None)
        else:
            monkeypatch.setattr(quizzes, "_write_grade", unguarded)
        monkeypatch.setattr(quizzes, "lock_learner", lambda _person_id: barrier.wait())

    responses, _attempt = _submit_concurrently(app, 10, remove_the_guards)
    if is_sqlite(app):
        assert any(response.status_code == 500 for response in responses), [r.status_code for r in responses]
    else:
        assert _count(app, _events("quiz.attempt_submitted")) > 1


def _race(first: Callable[[], TestResponse], second: Callable[[], TestResponse]) -> tuple[int, int]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        one, two = pool.submit(first), pool.submit(second)
        return one.result().status_code, two.result().status_code


def _meet_before_the_learner_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The section view and the submission meet just before taking the learner's lock: both have read the
    learner's progress without the other's write."""
    barrier = threading.Barrier(2, timeout=20)
    _with_barrier(monkeypatch, progress, "lock_learner", barrier)
    _with_barrier(monkeypatch, quizzes, "lock_learner", barrier)


def _quiz_form(app: Flask) -> tuple[object, QuizForm]:
    submitter = signed_in_client(app, LEARNER, PASSWORD)
    return submitter, read_quiz_form(submitter.get(QUIZ).get_data(as_text=True))


def test_last_section_view_and_passing_submission_race_into_one_completion(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = signed_in_client(app, LEARNER, PASSWORD)
    for section in SECTIONS[:-1]:
        assert reader.get(f"/modules/mise-en-contexte/{section}").status_code == 200
    submitter, form = _quiz_form(app)
    _meet_before_the_learner_lock(monkeypatch)
    statuses = _race(
        lambda: reader.get(f"/modules/mise-en-contexte/{SECTIONS[-1]}"),
        lambda: post_answers(submitter, form, RIGHT),  # type: ignore[arg-type]
    )
    assert statuses == (200, 302)
    with app.app_context():
        rows = db.session.scalars(sa.select(Completion)).all()
        assert len(rows) == 1
        assert rows[0].person_id == get_person(LEARNER).id and rows[0].score == 100
        ref = lookup.find_module("mise-en-contexte")
        item = progress.for_learner(rows[0].person_id, [ref])[ref.module.id]
        assert item.status == progress.ModuleStatus.COMPLETED


def test_two_concurrent_last_completions_issue_one_certificate(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = signed_in_client(app, LEARNER, PASSWORD)
    for section in SECTIONS:
        assert reader.get(f"/modules/mise-en-contexte/{section}").status_code == 200
    assert reader.get("/modules/table-regionale/membres").status_code == 200
    submitter, form = _quiz_form(app)
    # The last section of one module and the passing quiz of the other complete the core track together.
    _meet_before_the_learner_lock(monkeypatch)
    statuses = _race(
        lambda: reader.get("/modules/table-regionale/mandat"),
        lambda: post_answers(submitter, form, RIGHT),  # type: ignore[arg-type]
    )
    assert statuses == (200, 302)
    with app.app_context():
        issued = db.session.scalars(sa.select(Certificate)).all()
        assert [(c.cycle, c.person_id) for c in issued] == [(1, get_person(LEARNER).id)]
    assert _count(app, _events("certificate.issued")) == 1
    assert _count(app, sa.select(Completion.id)) == 2


def test_missing_guard_the_race_misses_the_completion(
    app: Flask, learner_ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the learner's lock, the view and the submission each read the other's work as not there yet:
    on PostgreSQL nobody records the completion; on SQLite one of them fails ("database is locked")."""
    reader = signed_in_client(app, LEARNER, PASSWORD)
    for section in SECTIONS[:-1]:
        assert reader.get(f"/modules/mise-en-contexte/{section}").status_code == 200
    submitter, form = _quiz_form(app)
    barrier = threading.Barrier(2, timeout=5)
    for module in (progress, quizzes):
        monkeypatch.setattr(module, "lock_learner", lambda _person_id: barrier.wait())
    monkeypatch.setattr(transactions, "start_writing", lambda: None)
    # A page may write only after lock_learner() or begin_writing(), and on SQLite reads without BEGIN until
    # then: without the lock, it reads and writes in one plain transaction, as any unit of work would.
    monkeypatch.setattr(transactions, "start_reading", lambda: None)
    # The learner's new revision is a write on their row too: on PostgreSQL it would make the second writer
    # wait for the first to commit, a guard of its own. Without it, as without the lock:
    monkeypatch.setattr(revisions, "_bump", lambda *_args, **_kwargs: None)
    # Both wrote (uncommitted), then both read the conditions of the completion before either commits.
    evaluated = threading.Barrier(2, timeout=5)
    evaluate = completion.evaluate

    def evaluate_then_wait(*args: object) -> bool:
        recorded = evaluate(*args)  # type: ignore[arg-type]
        evaluated.wait()
        return recorded

    monkeypatch.setattr(completion, "evaluate", evaluate_then_wait)
    statuses = _race(
        lambda: reader.get(f"/modules/mise-en-contexte/{SECTIONS[-1]}"),
        lambda: post_answers(submitter, form, RIGHT),  # type: ignore[arg-type]
    )
    if is_sqlite(app):
        assert 500 in statuses, statuses
    else:
        assert statuses == (200, 302)
        assert _count(app, sa.select(Completion.id)) == 0
