"""Two (or more) flushers at once deliver each message once: threads on separate connections (each its own
application context) meet at a barrier after reading the same due messages, just before claiming them. On
SQLite and PostgreSQL (``TEST_DATABASE_URL``). The ``missing_guard`` test claims without the claim's condition
and sees the double sends the guard prevents: the test can fail.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.extensions import db
from elearning.models import OutboxMessage
from elearning.models.mail import SENDING
from elearning.services.mail import delivery
from elearning.services.mail.outbox import enqueue
from tests.smtp import Mailbox, smtp_settings


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)  # the application sends to the loopback server (tests/conftest.py)


pytestmark = [pytest.mark.commits]
MESSAGES = 12


@pytest.fixture
def queued(app: Flask) -> list[str]:
    addresses = [f"person{n}@example.org" for n in range(MESSAGES)]
    with app.app_context():
        for address in addresses:
            enqueue(address=address, language="fr", kind="mail.test", subject="S", text="t", html="<p>h</p>")
        db.session.commit()
    return addresses


def _meet_after_reading(monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    barrier = threading.Barrier(parties, timeout=20)
    due = delivery._due

    def read_then_wait(*args: Any) -> list[int]:
        ids = due(*args)
        barrier.wait()  # every flusher has read the same due messages; none has claimed one yet
        return ids

    monkeypatch.setattr(delivery, "_due", read_then_wait)


def _flush_at_once(app: Flask, flushers: int) -> list[delivery.FlushReport]:
    def one(_n: int) -> delivery.FlushReport:
        with app.app_context():
            return delivery.flush()

    with ThreadPoolExecutor(max_workers=flushers) as pool:
        return list(pool.map(one, range(flushers)))


@pytest.mark.parametrize("flushers", [2, 4])
def test_flushers_at_once_deliver_each_message_once(
    app: Flask, mailbox: Mailbox, queued: list[str], monkeypatch: pytest.MonkeyPatch, flushers: int
) -> None:
    _meet_after_reading(monkeypatch, flushers)
    reports = _flush_at_once(app, flushers)
    assert sum(report.sent for report in reports) == MESSAGES
    assert Counter(r for d in mailbox.delivered for r in d.recipients) == Counter(queued)
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
        assert Counter(map(tuple, rows)) == Counter({("sent", 1): MESSAGES})


def test_missing_guard_flushers_at_once_send_twice(
    app: Flask, mailbox: Mailbox, queued: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unconditional_claim(message_id: int, now: Any) -> str:
        token = secrets.token_hex(16)
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=SENDING, claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        )
        db.session.commit()
        return token

    monkeypatch.setattr(delivery, "_claim", unconditional_claim)
    _meet_after_reading(monkeypatch, 2)
    _flush_at_once(app, 2)
    sent = Counter(r for d in mailbox.delivered for r in d.recipients)
    assert len(mailbox.delivered) > MESSAGES
    assert max(sent.values()) == 2
