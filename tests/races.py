"""Requests released at once against a live server: one person's cookies, many separate HTTP connections.

``Visitor`` is a minimal browser over :mod:`http.client` (a cookie jar, form posts, no redirects followed);
``Visitor.burst`` opens one connection per request, makes every thread meet at a :class:`threading.Barrier`
with its connection already open, then sends all the requests at once. Used by ``tests/test_races_gunicorn.py``
with a server from :func:`tests.browser.live.start_live_server`.
"""

from __future__ import annotations

import functools
import http.client
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.quiz_helpers import QuizForm, content_answers, read_quiz_form
from tests.web import CSRF_META

TIMEOUT_SECONDS = 30
#: Log lines that say why a request failed (Flask's "Exception on ..." and the database error beneath it).
ERROR_LINE = re.compile(r"unhandled error on |Exception on |OperationalError|IntegrityError|\[SQL: |\[ERROR\]")

Form = Sequence[tuple[str, str]]


@functools.cache
def right_answers_of(module: str) -> dict[str, list[str]]:
    """Question key -> the values answering it right, from the project's content files (read once)."""
    return content_answers(module, right=True)


@dataclass(frozen=True)
class Reply:
    status: int
    location: str | None
    body: str


@dataclass
class Visitor:
    """One person in one browser: the cookies the server set, sent back with every request."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        assert parts.hostname and parts.port, self.base_url
        self.host, self.port = parts.hostname, parts.port

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)

    def _headers(self, body: bytes | None) -> dict[str, str]:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    @staticmethod
    def _read(response: http.client.HTTPResponse) -> Reply:
        body = response.read().decode("utf-8", errors="replace")
        return Reply(response.status, response.getheader("Location"), body)

    def request(self, method: str, path: str, form: Form | None = None) -> Reply:
        """One request on a new connection; the cookies it sets are kept."""
        body = urlencode(list(form)).encode() if form is not None else None
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=self._headers(body))
            response = connection.getresponse()
            reply = self._read(response)
            self._remember(response)
            return reply
        finally:
            connection.close()

    def get(self, path: str, expect: int = 200) -> Reply:
        reply = self.request("GET", path)
        assert reply.status == expect, f"GET {path}: {reply.status} (expected {expect})"
        return reply

    def post(self, path: str, form: Form, expect: int = 302) -> Reply:
        reply = self.request("POST", path, form)
        assert reply.status == expect, f"POST {path}: {reply.status} (expected {expect})"
        return reply

    def sign_in(self, email: str, password: str) -> None:
        """Through the real form: GET for the CSRF token, POST the credentials."""
        page = self.get("/login")
        match = CSRF_META.search(page.body)
        assert match, "no csrf-token meta on /login"
        self.post("/login", [("email", email), ("password", password), ("csrf_token", match.group(1))])

    def burst(self, method: str, path: str, form: Form | None = None, count: int = 20) -> list[Reply]:
        """``count`` identical requests with this visitor's cookies, each on its own connection, released
        together: every thread connects, waits at a barrier, then sends. The cookies replies set are not kept
        (every request leaves with the same ones, as resent forms from one browser would)."""
        body = urlencode(list(form)).encode() if form is not None else None
        headers = self._headers(body)
        barrier = threading.Barrier(count, timeout=TIMEOUT_SECONDS)
        replies: list[Reply | BaseException | None] = [None] * count

        def send(index: int, connection: http.client.HTTPConnection) -> None:
            try:
                connection.connect()
                barrier.wait()
                connection.request(method, path, body=body, headers=headers)
                replies[index] = self._read(connection.getresponse())
            except BaseException as exc:  # reported below, in the test's thread
                barrier.abort()
                replies[index] = exc
            finally:
                connection.close()

        connections = [self._connection() for _ in range(count)]
        threads = [threading.Thread(target=send, args=(i, c), daemon=True) for i, c in enumerate(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT_SECONDS * 2)
        failures = [reply for reply in replies if not isinstance(reply, Reply)]
        if failures:
            raise RuntimeError(f"{len(failures)} of {count} requests got no reply: {failures[:3]!r}")
        return [reply for reply in replies if isinstance(reply, Reply)]

    # -- reading and answering -----------------------------------------------------------------------------

    def quiz_form(self, module: str) -> QuizForm:
        return read_quiz_form(self.get(f"/modules/{module}/quiz").body)

    def right_answers(self, module: str, form: QuizForm) -> list[tuple[str, str]]:
        """The submission of ``form`` answering every question right (answers from the content files)."""
        data = [("csrf_token", form.hidden["csrf_token"]), ("attempt", str(form.attempt)), ("action", "submit")]
        for key, values in right_answers_of(module).items():
            assert key in form.questions, f"{module}: question {key} is not on the form"
            data.extend((f"q-{key}", value) for value in values)
        return data

    def pass_quiz(self, module: str) -> None:
        form = self.quiz_form(module)
        reply = self.post(form.action, self.right_answers(module, form))
        assert reply.location and "/quiz/attempts/" in reply.location, reply.location


def statuses(replies: Sequence[Reply]) -> Counter[int]:
    return Counter(reply.status for reply in replies)


def error_lines(log: str, limit: int = 12) -> list[str]:
    """The lines of a server log that say why requests failed, each once, in order of first appearance."""
    seen: dict[str, None] = {}
    for line in log.splitlines():
        if ERROR_LINE.search(line):
            seen.setdefault(line.strip(), None)
    return list(seen)[:limit]
