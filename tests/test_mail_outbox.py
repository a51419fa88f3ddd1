"""The e-mail outbox against a real SMTP server on loopback (aiosmtpd): what arrives (recipients, language,
both parts, absolute links), retries after a refusal, each message delivered once, the outbox row committed or
rolled back with the action, delivery after the request, the log transport, and the commands."""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, request
from flask.testing import FlaskCliRunner

from elearning.extensions import db
from elearning.models import AuditEvent, OutboxMessage
from elearning.services import audit, transactions
from elearning.services.errors import Invalid
from elearning.services.mail import delivery, transports
from elearning.services.mail.messages import render_message
from elearning.services.mail.outbox import enqueue, enqueue_message
from tests.conftest import NOW
from tests.factories import make_org, make_person
from tests.smtp import Mailbox, smtp_settings


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)  # the application sends to the loopback server (tests/conftest.py)


def _rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def _flush(app: Flask, limit: int | None = None) -> delivery.FlushReport:
    with app.app_context():
        return delivery.flush(limit)


def _queue_test_messages(app: Flask) -> tuple[str, str]:
    with app.app_context():
        org = make_org()
        french = make_person(email="lea@example.org", org=org, language="fr")
        english = make_person(email="sam@example.org", org=org, language="en")
        enqueue_message("test", kind="mail.test", to_person=french)
        enqueue_message("test", kind="mail.test", to_person=english)
        db.session.commit()
    return "lea@example.org", "sam@example.org"


def test_each_recipient_gets_one_message_in_their_language_with_both_parts_and_absolute_links(
    app: Flask, mailbox: Mailbox
) -> None:
    french, english = _queue_test_messages(app)
    report = _flush(app)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert sorted(r for d in mailbox.delivered for r in d.recipients) == [french, english]
    for address, language, footer, subject in (
        (
            french,
            "fr",
            "Plateforme de formation de la Table régionale",
            "Message d’essai de la plateforme de formation",
        ),
        (english, "en", "Training platform of the Table régionale", "Test message from the training platform"),
    ):
        [delivered] = mailbox.to(address)
        message = delivered.message
        assert message["To"] == address
        assert message["From"] == "Formation TRPJ <no-reply@localhost>"
        assert message["Content-Language"] == language
        assert message["Subject"] == subject
        assert message.get_content_type() == "multipart/alternative"
        text, html = delivered.part("plain"), delivered.part("html")
        assert footer in text and footer in html
        assert f'<html lang="{language}">' in html
        links = set(re.findall(r"https?://[^\s\"<]+", text)) | set(re.findall(r'href="([^"]+)"', html))
        assert links == {f"http://elearning.test/login?lang={language}", f"http://elearning.test/?lang={language}"}
        assert "src=" not in html and "<link" not in html  # nothing loaded from anywhere
    rows = _rows(app)
    assert [(r.status, r.attempts, r.sent_at) for r in rows] == [("sent", 1, NOW), ("sent", 1, NOW)]
    assert [r.claim_token for r in rows] == [None, None]
    assert _flush(app).sent == 0  # nothing is sent twice
    assert len(mailbox.delivered) == 2


@pytest.mark.parametrize(
    ("answer", "stage"),
    [("451 4.3.0 Try again later", "DATA"), ("554 5.7.1 Refused", "RCPT")],
    ids=["451-at-data", "554-at-rcpt"],
)
def test_a_refusing_server_leaves_the_message_queued_and_a_later_flush_delivers_it_once(
    app: Flask, mailbox: Mailbox, clock: Any, answer: str, stage: str
) -> None:
    _queue_test_messages(app)
    mailbox.refuse, mailbox.refuse_at = answer, stage
    report = _flush(app)
    assert (report.sent, report.retrying, report.failed) == (0, 2, 0)
    rows = _rows(app)
    assert {(r.status, r.attempts) for r in rows} == {("queued", 1)}
    assert all(r.next_attempt_at == NOW + dt.timedelta(minutes=1) for r in rows)
    assert all(answer.split()[0] in (r.last_error or "") for r in rows)
    assert mailbox.delivered == []

    mailbox.refuse = None
    assert _flush(app).sent == 0  # not due yet
    clock.advance(minutes=1)
    assert _flush(app).sent == 2
    assert _flush(app).sent == 0
    assert sorted(r for d in mailbox.delivered for r in d.recipients) == ["lea@example.org", "sam@example.org"]
    assert {(r.status, r.attempts) for r in _rows(app)} == {("sent", 2)}


def test_retries_back_off_then_the_message_fails_and_shows_in_the_status(
    app: Flask, mailbox: Mailbox, clock: Any, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        enqueue(address="nobody@example.org", language="fr", kind="mail.test", subject="S", text="t", html="<p>h</p>")
        db.session.commit()
    mailbox.refuse = "451 4.3.0 Mailbox busy"
    waits = []
    for _attempt in range(delivery.MAX_ATTEMPTS - 1):
        assert _flush(app).retrying == 1
        [row] = _rows(app)
        waits.append(row.next_attempt_at - clock.now())
        clock.set(row.next_attempt_at)
    assert waits == [delivery.backoff(n) for n in range(1, delivery.MAX_ATTEMPTS)]
    assert waits[:5] == [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
    assert _flush(app).failed == 1
    [row] = _rows(app)
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    clock.advance(days=30)
    assert _flush(app).failed == 0  # a failed message stays failed
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "mail: 0 queued, 0 sending, 0 sent, 1 failed"
    assert lines[1].split() == ["id", "status", "recipient", "kind", "attempts", "last", "error"]
    assert lines[2].split()[:5] == [str(row.id), "failed", "nobody@example.org", "mail.test", "8"]
    assert "451 4.3.0 Mailbox busy" in lines[2]


def test_a_password_never_reaches_the_error_kept(app: Flask, mailbox: Mailbox) -> None:
    app.config.update(SMTP_USER="robot", SMTP_PASSWORD="s3cret-pw")  # the server offers no AUTH: login fails
    with app.app_context():
        enqueue(address="a@example.org", language="fr", kind="mail.test", subject="S", text="t", html="<p>h</p>")
        db.session.commit()
    assert _flush(app).retrying == 1
    [row] = _rows(app)
    assert row.last_error and "s3cret-pw" not in row.last_error
    assert mailbox.delivered == []
    # A server that repeats what it was sent has its answer kept without the password.
    echoed = smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials robot s3cret-pw")
    assert transports._reason(echoed, "s3cret-pw") == "SMTPAuthenticationError: 535 5.7.8 bad credentials robot ***"


def test_a_stopped_flusher_s_claim_is_released_after_its_window(app: Flask, mailbox: Mailbox, clock: Any) -> None:
    _queue_test_messages(app)
    with app.app_context(), transactions.writing():
        db.session.execute(sa.update(OutboxMessage).values(status="sending", claim_token="x" * 32, claimed_at=NOW))
        db.session.commit()
    clock.advance(minutes=14)
    assert _flush(app).sent == 0  # another flusher may still be delivering them
    clock.advance(minutes=1)
    report = _flush(app)
    assert (report.reclaimed, report.sent) == (2, 2)
    assert len(mailbox.delivered) == 2


def test_limit_delivers_at_most_that_many(app: Flask, mailbox: Mailbox, runner: FlaskCliRunner) -> None:
    _queue_test_messages(app)
    result = runner.invoke(args=["mail", "flush", "--limit", "1"])
    assert (result.exit_code, result.output) == (0, "mail: 1 sent, 0 retrying, 0 failed\n")
    result = runner.invoke(args=["mail", "flush"])
    assert (result.exit_code, result.output) == (0, "mail: 1 sent, 0 retrying, 0 failed\n")
    assert len(mailbox.delivered) == 2


def test_mail_test_command_queues_a_message_for_the_operator(
    app: Flask, mailbox: Mailbox, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["mail", "test", "ops@example.org", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert result.output == "mail: test message queued for ops@example.org (delivered through SMTP 127.0.0.1)\n"
    assert runner.invoke(args=["mail", "flush"]).output == "mail: 1 sent, 0 retrying, 0 failed\n"
    [delivered] = mailbox.to("ops@example.org")
    assert "Sign in" in delivered.part("plain")
    result = runner.invoke(args=["mail", "test", "not-an-address"])
    assert (result.exit_code, result.output) == (1, "Error: a message needs one recipient address\n")


def test_flush_refuses_to_run_inside_a_unit_of_work(app: Flask) -> None:
    with app.app_context(), transactions.writing():
        enqueue(address="a@example.org", language="fr", kind="mail.test", subject="S", text="t", html="<p>h</p>")
        with pytest.raises(RuntimeError, match="after the commit"):
            delivery.flush()


def test_log_transport_without_smtp_logs_and_marks_sent(
    app: Flask, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["SMTP_HOST"] = ""
    _queue_test_messages(app)
    with caplog.at_level(logging.INFO):
        report = _flush(app)
    assert report.sent == 2
    logged = [r for r in caplog.records if r.name.endswith(".mail") and r.levelno == logging.INFO]
    assert len(logged) == 2
    assert "lea@example.org" in logged[0].getMessage()
    assert "Message d’essai de la plateforme de formation" in logged[0].getMessage()  # Léa reads French
    assert "http://elearning.test/login?lang=fr" in logged[0].getMessage()  # the text body, links included
    assert {r.status for r in _rows(app)} == {"sent"}
    assert mailbox.delivered == []


def test_rendering_refuses_an_unknown_language(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="unknown language"):
        render_message("test", "de")


# -- the action and its message commit or roll back together, through real requests ------------------------


@pytest.fixture
def acting_app(app: Flask) -> Flask:
    """The test application with one test-only form: an audited action that queues a message, then (``?fail=``)
    fails unexpectedly or is refused."""
    app.config["WTF_CSRF_ENABLED"] = False

    def act() -> str:
        audit.record("test.acted", actor=None, details={"n": 1})
        enqueue_message("test", kind="mail.test", address="lea@example.org", language="fr")
        db.session.flush()  # the rows are written, as a service's would be
        failure = request_failure()
        if failure == "error":
            raise RuntimeError("injected after the action")
        if failure == "refusal":
            raise Invalid("refused after the action")
        return "done"

    app.add_url_rule("/__test__/act", view_func=act, methods=["POST"])
    return app


def request_failure() -> str:
    return request.args.get("fail", "")


def _audited(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "test.acted")) or 0


@pytest.mark.parametrize(("failure", "status"), [("error", 500), ("refusal", 400)])
def test_an_error_after_the_action_leaves_neither_the_action_nor_its_message(
    acting_app: Flask, mailbox: Mailbox, failure: str, status: int
) -> None:
    client = acting_app.test_client()
    response = client.post(f"/__test__/act?fail={failure}")
    assert response.status_code == status
    assert _audited(acting_app) == 0
    assert _rows(acting_app) == []
    assert _flush(acting_app).sent == 0


def test_the_action_and_its_message_commit_together(acting_app: Flask, mailbox: Mailbox) -> None:
    response = acting_app.test_client().post("/__test__/act")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")
    assert _audited(acting_app) == 1
    assert [(r.status, r.address) for r in _rows(acting_app)] == [("queued", "lea@example.org")]
    assert mailbox.delivered == []  # MAIL_FLUSH_AFTER_REQUEST is off in tests: cron delivers


def test_after_the_request_in_local_use_the_message_is_delivered_once_the_response_is_sent(
    acting_app: Flask, mailbox: Mailbox
) -> None:
    acting_app.config["MAIL_FLUSH_AFTER_REQUEST"] = True
    response = acting_app.test_client().post("/__test__/act")
    assert response.status_code == 200
    response.close()
    assert [r.recipients for r in mailbox.delivered] == [["lea@example.org"]]
    assert [r.status for r in _rows(acting_app)] == ["sent"]


def test_a_delivery_error_after_the_request_never_reaches_the_person(
    acting_app: Flask, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    acting_app.config["MAIL_FLUSH_AFTER_REQUEST"] = True

    def broken(_limit: int | None = None) -> delivery.FlushReport:
        raise sa.exc.OperationalError("SELECT", {}, Exception("database gone"))

    monkeypatch.setattr(delivery, "flush", broken)
    response = acting_app.test_client().post("/__test__/act")
    response.close()
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")
    assert "delivery after the request failed" in caplog.text
    assert [r.status for r in _rows(acting_app)] == ["queued"]
