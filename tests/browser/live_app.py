"""The application the browser tests serve: the production application plus test-only pages under ``/__test__/``.

Nothing here is part of the production application (``wsgi.py``); gunicorn loads ``tests.browser.live_app:app``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, send_from_directory
from werkzeug.wrappers import Response

from elearning import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
test_pages = Blueprint("test_pages", __name__, url_prefix="/__test__")


@test_pages.get("/fixtures/<path:name>")
def fixture(name: str) -> Response:
    """Static fixture pages (e.g. the page with known accessibility faults that proves the scan can fail)."""
    return send_from_directory(FIXTURES, name)


def create_live_app() -> Flask:
    application = create_app()
    application.register_blueprint(test_pages)
    return application


app = create_live_app()
