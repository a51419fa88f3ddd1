"""A few HTTP requests with the standard library: sign in through the real form, fetch a page once."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TIMEOUT_S = 30


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def request(base_url: str, method: str, path: str, cookie: str = "", form: dict[str, str] | None = None) -> Answer:
    """One request on a fresh connection; redirects are not followed."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


class _Inputs(HTMLParser):
    """The ``name`` -> ``value`` of every ``<input>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            named = dict(attrs)
            if named.get("name"):
                self.values[str(named["name"])] = named.get("value") or ""


def form_inputs(html: str) -> dict[str, str]:
    """Every input of ``html`` by name (the sign-in form's ``csrf_token`` among them)."""
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def merge_cookies(jar: dict[str, str], answer: Answer) -> dict[str, str]:
    """``jar`` updated with the answer's ``Set-Cookie`` headers (a cookie set to expire is dropped)."""
    updated = dict(jar)
    for key, value in answer.headers:
        if key.lower() != "set-cookie":
            continue
        cookie = SimpleCookie()
        cookie.load(value)
        for name, morsel in cookie.items():
            if morsel.value and morsel["max-age"] != "0":
                updated[name] = morsel.value
            else:
                updated.pop(name, None)
    return updated


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in sorted(jar.items()))


class SignInFailed(RuntimeError):
    """The sign-in form did not sign the account in."""


def sign_in(base_url: str, email: str, password: str) -> str:
    """Sign ``email`` in through ``/login`` as a browser would; the ``Cookie`` header of the signed-in session."""
    form_page = request(base_url, "GET", "/login")
    if form_page.status != 200:
        raise SignInFailed(f"GET /login answered {form_page.status}")
    jar = merge_cookies({}, form_page)
    token = form_inputs(form_page.body.decode("utf-8", "replace")).get("csrf_token")
    if not token:
        raise SignInFailed("GET /login has no csrf_token field")
    answer = request(
        base_url,
        "POST",
        "/login",
        cookie=cookie_header(jar),
        form={"email": email, "password": password, "csrf_token": token},
    )
    jar = merge_cookies(jar, answer)
    if answer.status != 302 or "elearning_session" not in jar:
        raise SignInFailed(f"POST /login for {email} answered {answer.status} without a session cookie")
    # The browser follows the redirect and keeps what that first page sets: sign-in renews the CSRF secret,
    # so the first signed-in page sets a new preferences cookie, which every later request then carries.
    target = urlsplit(answer.header("Location") or "/")
    landing = request(base_url, "GET", target.path + (f"?{target.query}" if target.query else ""), cookie_header(jar))
    if landing.status != 200:
        raise SignInFailed(f"the first page after signing {email} in answered {landing.status}")
    return cookie_header(merge_cookies(jar, landing))
