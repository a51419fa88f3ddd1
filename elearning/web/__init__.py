"""Cross-cutting web plumbing: who is asking, language, security headers, errors, the layout's helpers."""

from __future__ import annotations

from flask import Flask

from elearning.web import cookies, errors, layout, security, unit_of_work, visitors


def init_web(app: Flask) -> None:
    unit_of_work.init_app(app)
    cookies.init_app(app)
    visitors.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    layout.init_app(app)
