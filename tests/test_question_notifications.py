"""Question notifications through the outbox, read from a real SMTP server on loopback: a new question notifies
the pivots of the asker's teams (or, with none, the coordinators of the asker's organization), an answer
notifies the asker; each in the recipient's language with an absolute link, never the question's text; the
message commits with the question (a refused question queues nothing)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.extensions import db
from elearning.models import Organization, OutboxMessage, Person
from elearning.services.mail import delivery
from tests.factories import PASSWORD, make_person
from tests.smtp import Mailbox, smtp_settings
from tests.web import csrf_token, signed_in_client
from tests.world import World, build_world


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)  # the application sends to the loopback server (tests/conftest.py)


SECTION = "/modules/mise-en-contexte/constats"
SECRET = "Une situation délicate au centre-ville"


@pytest.fixture
def world(app: Flask) -> World:
    built = build_world(app)
    with app.app_context():  # the world's own questions were asked and answered before: start with an empty outbox
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
    return built


def _ask(app: Flask, email: str, password: str, body: str) -> int:
    client = signed_in_client(app, email, password)
    token = csrf_token(client, SECTION)
    return client.post(f"{SECTION}/questions", data={"csrf_token": token, "body": body}).status_code


def _flush(app: Flask) -> None:
    with app.app_context():
        delivery.flush()


def _set_language(app: Flask, email: str, language: str) -> None:
    with app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == email))
        assert person is not None
        person.preferred_language = language
        db.session.commit()


def test_a_question_notifies_the_askers_pivot_in_their_language_without_its_text(
    app: Flask, world: World, mailbox: Mailbox
) -> None:
    _set_language(app, world.email("pivot"), "en")
    assert _ask(app, world.email("worker"), world.password, SECRET) in (302, 303)
    assert mailbox.delivered == []  # queued with the question, delivered by the flush
    _flush(app)
    (message,) = mailbox.to(world.email("pivot"))
    assert [d.recipients for d in mailbox.delivered] == [[world.email("pivot")]]  # not the other team's pivot
    assert message.message["Subject"] == "A question waits for your answer"
    text, html = message.part("plain"), message.part("html")
    assert "http://elearning.test/team/inbox?lang=en" in text and "Worker" in text
    assert SECRET not in text and SECRET not in html


def test_an_answer_notifies_the_asker_with_a_link_to_the_section(app: Flask, world: World, mailbox: Mailbox) -> None:
    pivot = signed_in_client(app, world.email("pivot"), world.password)
    token = csrf_token(pivot, "/team/inbox")
    answered = pivot.post(
        f"/team/inbox/{world.worker_question}/answer", data={"csrf_token": token, "body": "Appelez le pivot."}
    )
    assert answered.status_code in (302, 303)
    _flush(app)
    (message,) = mailbox.delivered
    assert message.recipients == [world.email("worker")]
    assert message.message["Subject"] == "Votre question a une réponse"
    assert f"http://elearning.test{SECTION}?lang=fr" in message.part("plain")
    assert "Appelez le pivot." not in message.part("plain")


def test_a_question_without_a_pivot_notifies_the_coordinator(app: Flask, world: World, mailbox: Mailbox) -> None:
    with app.app_context():  # a member of organization A in no team: the question goes to A's coordinator
        make_person(email="noteam@world.example.org", org=db.session.get(Organization, world.org_a))
        db.session.commit()
    assert _ask(app, "noteam@world.example.org", PASSWORD, "Qui appeler ?") in (302, 303)
    _flush(app)
    assert [d.recipients for d in mailbox.delivered] == [[world.email("coordinator")]]
    assert "coordination de son organisation" in mailbox.delivered[0].part("plain")


def test_a_refused_question_queues_nothing(app: Flask, world: World) -> None:
    assert _ask(app, world.email("worker"), world.password, "   ") == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
