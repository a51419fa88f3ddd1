"""The Admin's view of the outbox, ``/admin/mail`` (and the ``/admin/`` index): the counts, the messages
retrying and those that failed with the server's answer, at most 50 of each, in a fixed number of statements;
nobody else may open it (the route-by-role matrix has the 404s)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from elearning import clock
from elearning.extensions import db
from elearning.models import OutboxMessage
from elearning.models.mail import FAILED
from elearning.services.mail import delivery
from elearning.services.mail.outbox import enqueue
from elearning.services.people.accounts import find_person
from tests.factories import PASSWORD, make_person
from tests.web import signed_in_client, visible_texts

ADMIN = "admin@mail.example.org"


def _queue(app: Flask, count: int, *, failed: int = 0, retrying: int = 0) -> None:
    with app.app_context():
        for number in range(count):
            message = enqueue(
                address=f"person{number}@example.org", language="fr", kind="mail.test", subject="S", text="t", html="h"
            )
            db.session.flush()
            if number < failed:
                message.status, message.attempts = FAILED, 8
                message.last_error = f"recipient refused: 550 5.1.1 No such user {number}"
            elif number < failed + retrying:
                message.attempts = 2
                message.last_error = "could not reach the SMTP server: Connection refused"
                message.next_attempt_at = clock.now() + dt.timedelta(minutes=30)
        db.session.commit()


def _admin(app: Flask) -> Any:
    with app.app_context():
        if find_person(ADMIN) is None:
            make_person(email=ADMIN, roles=("admin",), org=None)
            db.session.commit()
    return signed_in_client(app, ADMIN, PASSWORD)


def test_the_admin_sees_counts_retrying_and_failed_messages_with_the_reason(app: Flask) -> None:
    _queue(app, 5, failed=2, retrying=1)
    client = _admin(app)
    texts = " ".join(visible_texts(client.get("/admin/mail?lang=en").get_data(as_text=True)))
    assert "No SMTP server is configured" in texts
    assert "Waiting to be sent 3" in texts and "Failed 2" in texts
    assert "recipient refused: 550 5.1.1 No such user 0" in texts and "person1@example.org" in texts
    assert "could not reach the SMTP server: Connection refused" in texts
    index = " ".join(visible_texts(client.get("/admin/?lang=en").get_data(as_text=True)))
    assert "E-mail – 3 messages waiting, 2 failed" in index


def test_the_page_costs_the_same_and_shows_at_most_50_of_each(app: Flask, count_queries: Callable[[], Any]) -> None:
    client = _admin(app)
    counts = {}
    for total in (3, 130):
        with app.app_context():
            db.session.execute(sa.delete(OutboxMessage))
            db.session.commit()
        _queue(app, total, failed=total // 2, retrying=total - total // 2 - 1)
        client.get("/admin/mail")
        with count_queries() as counted:
            page = client.get("/admin/mail").get_data(as_text=True)
        counts[total] = counted.count
    assert counts[3] == counts[130], counts
    assert page.count("recipient refused") == delivery.SHOWN_FAILURES
    assert page.count("could not reach the SMTP server") == delivery.SHOWN_FAILURES
