"""'Forgot password' against a real SMTP server on loopback: the same answer for known and unknown addresses,
no delivery during the request, a single-use link that expires, every session ended, the per-address limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, OutboxMessage, PasswordResetToken
from elearning.services.mail import delivery
from tests.conftest import NOW
from tests.factories import PASSWORD, make_org, make_person
from tests.smtp import Mailbox, smtp_settings
from tests.web import csrf_token, sign_in, signed_in_client


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)  # the application sends to the loopback server (tests/conftest.py)


NEW_PASSWORD = "a brand new passphrase here"
LINK = re.compile(r"http://elearning\.test/password/reset/[A-Za-z0-9_-]+\?lang=(?:fr|en)")
CSRF_VALUE = re.compile(r'(name="csrf-token" content="|name="csrf_token" type="hidden" value=")[^"]+"')


@pytest.fixture
def person_email(app: Flask) -> str:
    with app.app_context():
        make_person(email="sam.reset@example.org", org=make_org(), language="en")
        db.session.commit()
    return "sam.reset@example.org"


def _ask(client: FlaskClient, email: str) -> Any:
    token = csrf_token(client, "/password/forgot")
    return client.post("/password/forgot?lang=en", data={"email": email, "csrf_token": token})


def _outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def _flush(app: Flask) -> None:
    with app.app_context():
        delivery.flush()


def _link(app: Flask, mailbox: Mailbox, email: str) -> str:
    _flush(app)
    [delivered] = mailbox.to(email)
    [link] = set(LINK.findall(delivered.part("plain")))
    return link.removeprefix("http://elearning.test")


def _reset(client: FlaskClient, path: str, password: str, confirm: str | None = None) -> Any:
    token = csrf_token(client, path) if client.get(path).status_code == 200 else csrf_token(client, "/login")
    data = {"password": password, "confirm_password": password if confirm is None else confirm, "csrf_token": token}
    return client.post(path, data=data)


def test_known_and_unknown_addresses_get_the_same_answer_and_nothing_is_delivered_during_the_request(
    app: Flask, mailbox: Mailbox, person_email: str
) -> None:
    answers = []
    for email in (person_email, "nobody.here@example.org"):
        client = app.test_client()
        response = _ask(client, email)
        page = client.get(response.headers["Location"] + "?lang=en")
        answers.append(
            (response.status_code, response.headers["Location"], page.status_code, page.get_data(as_text=True))
        )
    assert answers[0][:3] == (303, "/password/forgot/sent", 200)
    assert answers[0] == answers[1]
    assert "If an account uses this address" in answers[0][3]
    form_pages = [CSRF_VALUE.sub("", app.test_client().get("/password/forgot").get_data(as_text=True)) for _ in "ab"]
    assert form_pages[0] == form_pages[1]
    assert mailbox.delivered == []  # nothing went through SMTP during the requests
    [queued] = _outbox(app)
    assert (queued.address, queued.kind, queued.status, queued.language) == (
        person_email,
        "password.reset",
        "queued",
        "en",
    )
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "password.reset_requested"))
        assert sorted((e.subject_person_id is not None, e.details) for e in events) == [
            (False, {"known_account": False}),
            (True, {"known_account": True}),
        ]
        assert "nobody.here" not in str(db.session.scalars(sa.select(AuditEvent.details)).all())


def test_the_link_arrives_in_the_persons_language_sets_the_password_once_and_ends_every_session(
    app: Flask, mailbox: Mailbox, person_email: str
) -> None:
    other = signed_in_client(app, person_email, PASSWORD)
    assert other.get("/account").status_code == 200
    _ask(app.test_client(), person_email)
    _flush(app)
    [delivered] = mailbox.to(person_email)
    assert delivered.message["Content-Language"] == "en"
    text = delivered.part("plain")
    assert "60 minutes" in text and "ignore this message" in text
    assert "Sam" not in text and "Personne" not in text  # no personal information beyond the address
    path = LINK.search(text).group(0).removeprefix("http://elearning.test")  # type: ignore[union-attr]
    assert path.split("?")[0].rsplit("/", 1)[1] in delivered.part("html")
    with app.app_context():
        stored = db.session.scalars(sa.select(PasswordResetToken.token_hash)).all()
        assert path.split("?")[0].rsplit("/", 1)[1] not in stored  # only the hash is kept

    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    response = _reset(visitor, path, NEW_PASSWORD)
    assert (response.status_code, response.headers["Location"]) == (303, "/login")
    assert "Your password was changed; sign in with it." in visitor.get("/login?lang=en").get_data(as_text=True)

    assert other.get("/account").status_code == 302  # the other session ended
    assert sign_in(app.test_client(), person_email, PASSWORD).status_code == 400
    assert sign_in(app.test_client(), person_email, NEW_PASSWORD).status_code == 302

    again = app.test_client()
    refused = again.get(path.replace("lang=fr", "lang=en"))
    assert refused.status_code == 404
    assert "This link has expired or was already used: ask for a new one." in refused.get_data(as_text=True)
    assert _reset(again, path, "yet another passphrase!").status_code == 404
    assert sign_in(app.test_client(), person_email, NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "password.reset")) == 1


def test_an_expired_link_is_refused(app: Flask, mailbox: Mailbox, person_email: str, clock: FrozenClock) -> None:
    _ask(app.test_client(), person_email)
    path = _link(app, mailbox, person_email)
    clock.advance(minutes=60)
    client = app.test_client()
    assert client.get(path).status_code == 404
    assert _reset(client, path, NEW_PASSWORD).status_code == 404
    assert sign_in(app.test_client(), person_email, PASSWORD).status_code == 302


def test_a_new_request_voids_the_older_link(app: Flask, mailbox: Mailbox, person_email: str) -> None:
    _ask(app.test_client(), person_email)
    _ask(app.test_client(), person_email)
    _flush(app)
    first, second = (LINK.search(d.part("plain")).group(0) for d in mailbox.to(person_email))  # type: ignore[union-attr]
    client = app.test_client()
    assert client.get(first.removeprefix("http://elearning.test")).status_code == 404
    assert client.get(second.removeprefix("http://elearning.test")).status_code == 200


def test_a_refused_password_changes_nothing_and_the_link_still_works(
    app: Flask, mailbox: Mailbox, person_email: str
) -> None:
    _ask(app.test_client(), person_email)
    path = _link(app, mailbox, person_email)
    client = app.test_client()
    short = _reset(client, path.replace("lang=fr", "lang=en"), "short")
    assert short.status_code == 400
    assert "at least 12 characters" in short.get_data(as_text=True)
    assert _reset(client, path, NEW_PASSWORD, confirm="something else entirely").status_code == 400
    assert sign_in(app.test_client(), person_email, PASSWORD).status_code == 302
    assert _reset(client, path, NEW_PASSWORD).status_code == 303


def test_a_malformed_address_is_answered_beside_the_field(app: Flask) -> None:
    response = _ask(app.test_client(), "not an address")
    assert response.status_code == 400
    assert "is not a valid e-mail address" in response.get_data(as_text=True)
    assert _outbox(app) == []


def test_the_fourth_request_in_an_hour_sends_nothing_but_looks_the_same(
    app: Flask, mailbox: Mailbox, person_email: str
) -> None:
    answers = []
    for _ in range(4):
        client = app.test_client()
        response = _ask(client, person_email.upper())
        answers.append((response.status_code, response.headers["Location"]))
    assert set(answers) == {(303, "/password/forgot/sent")}
    assert len(_outbox(app)) == 3


def test_beyond_ten_requests_an_hour_from_one_client_address_the_answer_is_429(app: Flask, person_email: str) -> None:
    client = app.test_client()
    for n in range(10):
        assert _ask(client, f"someone{n}@example.org").status_code == 303
    limited = _ask(client, person_email)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert _outbox(app) == []


def test_a_deactivated_account_gets_no_link(app: Flask) -> None:
    with app.app_context():
        person = make_person(email="gone@example.org", org=make_org())
        person.deactivated_at = NOW
        db.session.commit()
    assert _ask(app.test_client(), "gone@example.org").status_code == 303
    assert _outbox(app) == []
