"""Flask's signed cookie and the CSRF token, kept instead of being verified and signed again on every request
(:mod:`elearning.web.cookies`): what is kept still expires, is still checked, and no request sees another's."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask, flash, get_flashed_messages, render_template_string

from elearning.extensions import db
from tests.factories import PASSWORD, make_org, make_person
from tests.web import CSRF_META, sign_in

PREFS = "elearning_prefs"


def _form_token(html: str) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    assert match, "no csrf_token field"
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value
    return value.group(1)


def _prefs(client) -> str:
    cookie = client.get_cookie(PREFS)
    assert cookie is not None
    return cookie.value


def test_the_same_session_keeps_its_token_and_signing_in_gives_a_new_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        make_person(email="worker@example.org", org=make_org("CJQ"))
        db.session.commit()
    client = app.test_client()
    first = _form_token(client.get("/login").get_data(as_text=True))
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)  # signed again, the token would hold another time
    second = _form_token(client.get("/login").get_data(as_text=True))
    assert first == second  # the second from what was kept
    other = _form_token(app.test_client().get("/login").get_data(as_text=True))
    assert other != first
    response = client.post("/login", data={"email": "worker@example.org", "password": PASSWORD, "csrf_token": second})
    assert response.status_code == 302
    signed_in = CSRF_META.search(client.get("/").get_data(as_text=True))
    assert signed_in and signed_in.group(1) != first  # a new token after sign-in
    refused = app.test_client()
    refused.get("/login")
    answer = refused.post("/login", data={"email": "worker@example.org", "password": PASSWORD, "csrf_token": first})
    assert answer.status_code == 400  # another session's token, kept or not, is refused


def test_a_kept_cookie_still_expires(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    token = _form_token(client.get("/login").get_data(as_text=True))
    assert _form_token(client.get("/login").get_data(as_text=True)) == token  # kept
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert _form_token(client.get("/login").get_data(as_text=True)) != token  # expired: a new session


def test_a_changed_cookie_is_refused_even_after_the_real_one_was_kept(app: Flask) -> None:
    client = app.test_client()
    token = _form_token(client.get("/login").get_data(as_text=True))
    value = _prefs(client)
    assert _form_token(client.get("/login").get_data(as_text=True)) == token  # kept
    payload, _, signature = value.rpartition(".")
    forged = f"{payload}.{signature[::-1]}"
    stranger = app.test_client()
    stranger.set_cookie(PREFS, forged)
    assert _form_token(stranger.get("/login").get_data(as_text=True)) != token


def test_a_request_changes_its_own_copy_of_a_kept_cookie(app: Flask) -> None:
    client = app.test_client()
    client.get("/login")
    value = _prefs(client)
    client.get("/login")  # kept now
    english = app.test_client()
    english.set_cookie(PREFS, value)
    assert 'lang="en"' in english.get("/login?lang=en").get_data(as_text=True)  # stores "en" in its session
    assert 'lang="en"' in english.get("/login").get_data(as_text=True)
    again = app.test_client()
    again.set_cookie(PREFS, value)  # the cookie as it was: still French
    assert '<html lang="fr">' in again.get("/login").get_data(as_text=True)


def test_the_policy_names_a_nonce_only_for_a_page_that_asked_for_one(app: Flask, client) -> None:
    app.add_url_rule("/with-nonce", view_func=lambda: render_template_string("{{ csp_nonce() }}"))
    nonce = client.get("/with-nonce")
    assert f"'nonce-{nonce.get_data(as_text=True)}'" in nonce.headers["Content-Security-Policy"]
    assert "nonce-" not in client.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self';" in client.get("/login").headers["Content-Security-Policy"]


def test_sign_in_still_works_through_the_kept_parts(app: Flask) -> None:
    with app.app_context():
        make_person(email="worker@example.org", org=make_org("CJQ"))
        db.session.commit()
    client = app.test_client()
    for _ in range(2):
        client.get("/login")
    assert sign_in(client, "worker@example.org", PASSWORD).status_code == 302


def test_what_a_request_adds_to_a_kept_cookies_messages_stays_its_own(app: Flask) -> None:
    """Flashed messages are a list: a cookie holding one is verified every time rather than kept."""

    def first() -> str:
        flash("one")
        return "ok"

    def more() -> str:
        flash("two")
        return "ok"

    app.add_url_rule("/first", view_func=first)
    app.add_url_rule("/more", view_func=more)
    app.add_url_rule("/show", view_func=lambda: " ".join(get_flashed_messages()))
    client = app.test_client()
    client.get("/first")
    value = _prefs(client)
    adding = app.test_client()
    adding.set_cookie(PREFS, value)
    adding.get("/more")
    reading = app.test_client()
    reading.set_cookie(PREFS, value)
    assert reading.get("/show").get_data(as_text=True) == "one"
