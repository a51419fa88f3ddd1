"""Who is asking: the sign-in cookie resolved to a server-side session, and the viewer's roles for today.

The cookie ``elearning_session`` holds only a random reference; Flask-Login loads the person through
:func:`elearning.services.people.sessions.resume_session`. Flask's own cookie (``elearning_prefs``) holds the CSRF
token, flashed messages and a visitor's language, never an identity.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, g, request, session
from flask_login import current_user

from elearning import clock
from elearning.extensions import login_manager
from elearning.i18n import requested_language
from elearning.models import Person, WebSession
from elearning.permissions import ANONYMOUS, Viewer
from elearning.services import transactions
from elearning.services.catalog import cache
from elearning.services.people import sessions
from elearning.services.people.viewers import load_viewer

AUTH_COOKIE = "elearning_session"


def lifetimes() -> sessions.Lifetimes:
    config = current_app.config
    return sessions.Lifetimes(
        idle=dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=dt.timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


@login_manager.request_loader
def _load_from_cookie(req) -> Person | None:
    token = req.cookies.get(AUTH_COOKIE, "")
    found = sessions.resume_session(token, lifetimes(), also=cache.token_column()) if token else None
    if found is None:
        return None
    cache.remember_token(found.also)
    g.web_session_id = found.session_id
    return found.person


def current_web_session() -> WebSession:
    """The signed-in person's session row, in a view behind ``login_required`` (loaded when asked)."""
    row = sessions.session_row(g.web_session_id)
    assert row is not None, "current_web_session() outside login_required"
    return row


def current_viewer() -> Viewer:
    """The viewer of this request (anonymous when nobody is signed in)."""
    return g.get("viewer", ANONYMOUS)


def current_person() -> Person | None:
    return current_user if current_user.is_authenticated else None


def signed_in_person() -> Person:
    """The signed-in person, in a view behind ``login_required``."""
    person = current_person()
    assert person is not None, "signed_in_person() outside login_required"
    return person


def start_session_cookie(token: str) -> None:
    """Ask for the sign-in cookie to be set on this response (after sign-in)."""
    g.set_auth_cookie = token
    session.pop("csrf_token", None)  # a new CSRF token after sign-in


def end_session_cookie() -> None:
    g.set_auth_cookie = ""


def _before_request() -> None:
    if request.endpoint == "static":
        return
    person = current_person()
    language = requested_language()
    if language:
        session["lang"] = language
        g.language = language
    if person is not None:
        if language and person.preferred_language != language:
            transactions.begin_writing()
            person.preferred_language = language  # committed with the request
        g.language = g.get("language") or person.preferred_language
        g.viewer = load_viewer(person.id, clock.today())


def _after_request(response):
    token = g.get("set_auth_cookie")
    if token is None:
        return response
    config = current_app.config
    if token:
        response.set_cookie(
            AUTH_COOKIE,
            token,
            httponly=True,
            secure=config["COOKIE_SECURE"],
            samesite="Lax",
            path="/",
        )
    else:
        response.delete_cookie(AUTH_COOKIE, path="/", httponly=True, secure=config["COOKIE_SECURE"], samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # sessions are server-side; Flask's cookie holds no identity
    app.before_request(_before_request)
    app.after_request(_after_request)
