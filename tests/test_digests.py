"""Weekly digests (``elearning digests send``), read from a real SMTP server on loopback: a pivot's digest of
their own team (members overdue, questions waiting), a coordinator's of their organization (coverage against
the target), nothing for whoever has nothing to report or turned digests off on ``/account``; twice in a row
sends nothing the second time, the next week sends again."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Digest, OutboxMessage, Person
from elearning.services.catalog import lookup
from elearning.services.learning import questions
from elearning.services.mail import delivery
from elearning.services.people.viewers import load_viewer
from tests.factories import PASSWORD
from tests.notices_world import Crew
from tests.smtp import Mailbox, smtp_settings
from tests.web import csrf_token, signed_in_client


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)


def _send(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["digests", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _flush(app: Flask) -> None:
    with app.app_context():
        delivery.flush()


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_pivot_and_coordinator_get_their_digest_once_a_week(
    app: Flask, crew: Crew, clock: FrozenClock, mailbox: Mailbox
) -> None:
    with app.app_context():  # a question waits in the pivot's inbox
        ref = lookup.find_module("mise-en-contexte")
        questions.ask(load_viewer(crew.late, clock.today()), ref, "constats", "Qui appeler ?")
        db.session.execute(sa.delete(OutboxMessage))  # its notification is not what this test reads
        db.session.commit()

    dry = _send(app, "--dry-run")
    assert "would send 2 (1 to pivots, 1 to coordinators)" in dry
    assert _count(app, Digest) == 0 and _count(app, OutboxMessage) == 0

    first = _send(app)
    assert "sent 2 (1 to pivots, 1 to coordinators)" in first
    assert "1 with nothing to report" in first  # the other organization's pivot: nothing overdue there
    _flush(app)
    assert sorted(d.recipients[0] for d in mailbox.delivered) == ["coord@r.example.org", "pivot@r.example.org"]

    (pivot,) = mailbox.to("pivot@r.example.org")
    assert pivot.message["Subject"] == "Vos équipes cette semaine"
    text = pivot.part("plain")
    assert "Équipe Rappels" in text and "Lucie Retard" in text and "Larry Late" in text
    assert "Frédéric Neuf" not in text  # not overdue
    assert "stranger" not in text and "Équipe Ailleurs" not in text  # another organization's team
    assert "1 question attend votre réponse." in text
    assert "http://elearning.test/team/inbox?lang=fr" in text
    assert "http://elearning.test/account?lang=fr" in text  # how to turn it off
    assert "Qui appeler ?" not in text  # never a question's text

    (coordinator,) = mailbox.to("coord@r.example.org")
    assert coordinator.message["Subject"] == "Your organization this week"
    text = coordinator.part("plain")
    assert "Certified pivots: 0 for a target of 2 (0%)." in text
    assert "2 members are overdue." in text
    assert "http://elearning.test/org?lang=en&org=ORG-R" in text

    second = _send(app)
    assert "sent 0" in second and "2 already sent this week" in second
    _flush(app)
    assert len(mailbox.delivered) == 2

    clock.advance(days=7)
    third = _send(app)
    assert "sent 2" in third
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "digests.sent")).all()
    assert len(events) == 2


def test_turned_off_on_the_account_page_nothing_goes(app: Flask, crew: Crew) -> None:
    client = signed_in_client(app, "pivot@r.example.org", PASSWORD)
    token = csrf_token(client, "/account")
    response = client.post("/account/digests", data={"csrf_token": token, "shown": "1"})  # the box unchecked
    assert response.status_code in (302, 303)
    with app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == "pivot@r.example.org"))
        assert person is not None and person.digests_enabled is False
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.digests_set")) is not None
    output = _send(app)
    assert "sent 1 (0 to pivots, 1 to coordinators)" in output
    with app.app_context():
        assert db.session.scalars(sa.select(Digest.kind)).all() == ["coordinator"]

    token = csrf_token(client, "/account")
    client.post("/account/digests", data={"csrf_token": token, "shown": "1", "digests_enabled": "y"})
    with app.app_context():
        assert db.session.scalar(sa.select(Person.digests_enabled).where(Person.email == "pivot@r.example.org"))


def test_a_form_without_its_marker_is_refused_and_changes_nothing(app: Flask, crew: Crew) -> None:
    client = signed_in_client(app, "pivot@r.example.org", PASSWORD)
    token = csrf_token(client, "/account")
    assert client.post("/account/digests", data={"csrf_token": token}).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Person.digests_enabled).where(Person.email == "pivot@r.example.org"))


def test_the_account_page_shows_the_choice(app: Flask, crew: Crew) -> None:
    page = signed_in_client(app, "pivot@r.example.org", PASSWORD).get("/account?lang=en").get_data(as_text=True)
    assert "Send me the weekly digest" in page and 'name="digests_enabled"' in page
