"""The floor: a bare Flask application answering ``/floor/<size>`` with a text/html body of exactly ``size`` bytes.

Served by the same gunicorn command and settings as the application (``gunicorn ... bench.floor_app:app``), it
is what a page would cost if the application did nothing but answer; the benchmark compares every page with it.
"""

from __future__ import annotations

from flask import Flask, Response, abort

app = Flask(__name__)

#: Larger bodies are refused (no page of the application comes near).
MAX_SIZE = 16 * 1024 * 1024

#: Bodies already built, by size (the floor should cost nothing but the answer itself).
_BODIES: dict[int, bytes] = {}


def body_of(size: int) -> bytes:
    """``size`` bytes of HTML-ish text (an HTML comment padded with ``x``)."""
    if size not in _BODIES:
        head, tail = b"<!doctype html><!--", b"-->\n"
        if size < len(head) + len(tail):
            _BODIES[size] = b"x" * size
        else:
            _BODIES[size] = head + b"x" * (size - len(head) - len(tail)) + tail
    return _BODIES[size]


@app.get("/floor/<int:size>")
def floor(size: int) -> Response:
    if size > MAX_SIZE:
        abort(404)
    return Response(body_of(size), mimetype="text/html")
