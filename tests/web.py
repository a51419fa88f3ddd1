"""Helpers for tests that use the site as a person would: sign in through the form, read CSRF tokens."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
AUTH_COOKIE = "elearning_session"


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of ``client``'s session, read from a page's meta tag as a browser script would."""
    response = client.get(path)
    match = CSRF_META.search(response.get_data(as_text=True))
    assert match, f"no csrf-token meta on {path} ({response.status_code})"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str, next_path: str | None = None) -> TestResponse:
    """Sign in through the real form (GET for the token, then POST)."""
    token = csrf_token(client, "/login")
    data = {"email": email, "password": password, "csrf_token": token}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/login", data=data)


def signed_in_client(app, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def auth_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie(AUTH_COOKIE)
    return cookie.value if cookie else None


class TextCollector(HTMLParser):
    """Visible text of a page (script and style excluded), one entry per text node."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    collector = TextCollector()
    collector.feed(html)
    return collector.texts


class InlineCodeFinder(HTMLParser):
    """Finds what a strict CSP would block: inline event handlers, ``style`` attributes, ``<style>`` elements,
    scripts without a nonce and ``javascript:`` URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
            if name in ("href", "src", "action") and value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script" and "src" not in names and "nonce" not in names:
            self.problems.append("<script> without nonce")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems
