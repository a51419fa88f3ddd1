"""Reminders and digests sent at once go once: threads on separate connections (each its own application
context) meet at a barrier, on SQLite and PostgreSQL (``TEST_DATABASE_URL``).

- Two senders of reminders (the team's pivot and its coordinator) have both read the member's standing and
  meet just before taking the recipients' locks: the second reads the first's reminder under the lock and skips.
  The ``missing_guard`` test sends without the locks: the second sender does not see the first's reminder
  (PostgreSQL: the member gets two messages) or cannot write beside it (SQLite: "database is locked"), so the
  test can fail.
- Two digest runs at once: on PostgreSQL they meet just before claiming the week's digest row (the unique row
  decides); on SQLite, where a command holds the write lock from its first statement, they start together.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning import clock
from elearning.extensions import db
from elearning.models import Digest, OutboxMessage, Person, Reminder
from elearning.services import transactions
from elearning.services.notices import digests, reminders
from elearning.services.people.viewers import load_viewer
from tests.notices_world import Crew
from tests.smtp import Mailbox, smtp_settings

pytestmark = [pytest.mark.commits]


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)


def _is_sqlite(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


def _two_senders(app: Flask, crew: Crew) -> list[BaseException | reminders.Outcome]:
    senders = [crew.ids["coordinator"], _pivot_id(app)]

    def one(person_id: int) -> BaseException | reminders.Outcome:
        with app.app_context():
            try:
                viewer = load_viewer(person_id, clock.today())
                outcome = reminders.send_team_reminders(viewer, crew.team_id, [crew.late])
                db.session.commit()
                return outcome
            except Exception as exc:
                db.session.rollback()
                return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, senders))


def _pivot_id(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(Person.id).where(Person.email == "pivot@r.example.org")) or 0)


def _meet_before(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, replacement: Any = None) -> None:
    barrier = threading.Barrier(2, timeout=20)
    original = replacement or getattr(module, name)
    met = threading.local()

    def wait_then(*args: Any, **kwargs: Any) -> Any:
        if not getattr(met, "done", False):  # the first call of each thread only (later ones may wait on a lock)
            met.done = True
            barrier.wait()  # both have read what they decide on; neither has locked or written yet
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wait_then)


def _messages_to(app: Flask, address: str) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.address == address)
            )
            or 0
        )


def test_two_senders_at_once_remind_a_member_once(app: Flask, crew: Crew, monkeypatch: pytest.MonkeyPatch) -> None:
    _meet_before(monkeypatch, reminders, "_lock")
    results = _two_senders(app, crew)
    assert all(isinstance(result, reminders.Outcome) for result in results), results
    sent = sorted(len(result.sent) for result in results if isinstance(result, reminders.Outcome))
    assert sent == [0, 1]  # one sender reminded her; the other found her reminded and skipped her
    assert _messages_to(app, "late@r.example.org") == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 2  # her two modules, once


def test_missing_guard_two_senders_at_once_remind_twice_or_fail(
    app: Flask, crew: Crew, monkeypatch: pytest.MonkeyPatch
) -> None:
    _meet_before(monkeypatch, reminders, "_lock", replacement=lambda _ids: None)
    results = _two_senders(app, crew)
    errors = [result for result in results if isinstance(result, BaseException)]
    if _is_sqlite(app):
        assert errors and "locked" in str(errors[0])
    else:
        assert not errors and _messages_to(app, "late@r.example.org") == 2


def test_two_digest_runs_at_once_send_each_digest_once(app: Flask, crew: Crew, monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite = _is_sqlite(app)
    start = threading.Barrier(2, timeout=20)
    if not sqlite:
        _meet_before(monkeypatch, digests, "_claim")

    def one(_n: int) -> digests.DigestReport:
        with app.app_context():
            if sqlite:
                transactions.start_writing()  # as the command runs it: the write lock from the first statement
            try:
                start.wait()
                report = digests.send()
                db.session.commit()
                return report
            finally:
                transactions.stop_writing()

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(one, range(2)))
    assert sorted(len(report.sent) for report in reports) == [0, 2]
    with app.app_context():
        kinds = Counter(db.session.scalars(sa.select(Digest.kind)))
        messages = db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind.like("digest.%"))
        )
    assert kinds == Counter({"pivot": 1, "coordinator": 1}) and messages == 2
