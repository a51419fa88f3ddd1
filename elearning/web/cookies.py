"""Flask's signed cookie (``elearning_prefs``: CSRF token, flashed messages, a visitor's language) and the signed
CSRF token, without rebuilding and re-verifying the same things on every request.

- :class:`PrefsCookieSession` is Flask's own ``SecureCookieSessionInterface`` with its signing serializer built
  once per secret key (Flask builds one, and derives its key, twice a request), and the payload of a cookie value
  it already verified kept by that exact value: a browser sends the same cookie on request after request. The
  age limit is checked on every request all the same; only flat payloads (strings, numbers) are kept, and each
  request gets its own copy, so nothing a request changes reaches another.
- The CSRF token Flask-WTF signs for a session's raw token is kept by that raw token: with
  ``WTF_CSRF_TIME_LIMIT = None`` (our setting) the signature's timestamp is never checked, so the token signed
  once stays valid for the whole session, as Flask-WTF's own would. Flask-WTF finds it on ``g`` where it keeps
  the token it signed for the request.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

#: Kept entries per process, each store emptied when it reaches this size.
LIMIT = 4096
#: Flask-WTF's names: the session key of the raw token and ``g``'s attribute for the signed one.
CSRF_FIELD = "csrf_token"

_FLAT = (str, int, float, bool, type(None))


class PrefsCookieSession(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        #: Cookie value -> (payload, signing time in seconds).
        self._verified: dict[str, tuple[dict[str, Any], int]] = {}
        #: (secret key, raw CSRF token) -> the token Flask-WTF signed for it.
        self.signed_tokens: dict[tuple[Any, str], str] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) >= 8:
                self._serializers.clear()
            self._serializers[key] = serializer  # type: ignore[assignment]
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._verified.get(value)
        if kept is not None:
            payload, signed_at = kept
            if 0 <= int(time.time()) - signed_at <= max_age:
                return self.session_class(payload)  # (a copy: the session is a dict of its own)
            del self._verified[value]
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        try:
            payload, signed_at_time = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(payload, dict) and all(isinstance(item, _FLAT) for item in payload.values()):
            if len(self._verified) >= LIMIT:
                self._verified.clear()
            self._verified[value] = (dict(payload), int(signed_at_time.timestamp()))
        return self.session_class(payload)


def peek(key: str) -> object:
    """A value of this request's session, read from the dict itself: ``session.get()`` would mark the session
    accessed (and add "Vary: Cookie" to a response that does not depend on it)."""
    return dict.get(session._get_current_object(), key)  # type: ignore[attr-defined]


def _token_key() -> tuple[Any, str] | None:
    """Where this session's signed CSRF token is kept, or None when it cannot be kept."""
    config = current_app.config
    raw = peek(CSRF_FIELD)
    if not isinstance(raw, str) or config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return None
    if config.get("WTF_CSRF_FIELD_NAME", CSRF_FIELD) != CSRF_FIELD:
        return None
    return (current_app.secret_key, raw)


def _signed_tokens() -> dict[tuple[Any, str], str]:
    interface = current_app.session_interface
    assert isinstance(interface, PrefsCookieSession)
    return interface.signed_tokens


def _signed_token() -> None:
    """Before the view: the signed token already made for this session's raw token, where Flask-WTF looks."""
    key = _token_key()
    if key is not None:
        signed = _signed_tokens().get(key)
        if signed is not None:
            setattr(g, CSRF_FIELD, signed)


def _keep_signed_token(response: Response) -> Response:
    signed = g.get(CSRF_FIELD)
    key = _token_key() if isinstance(signed, str) else None
    if key is not None:
        kept = _signed_tokens()
        if key not in kept:
            if len(kept) >= LIMIT:
                kept.clear()
            kept[key] = signed
    return response


def init_app(app: Flask) -> None:
    app.session_interface = PrefsCookieSession()
    app.before_request(_signed_token)
    app.after_request(_keep_signed_token)
