"""Security headers on every rule's response; no-store where personal information shows; no inline code."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.test_matrix import MATRIX, world_values
from tests.web import inline_code, signed_in_client
from tests.world import build_world

#: Responses that show no personal information and may be cached (everything else is no-store).
CACHEABLE = {"/static/<path:filename>": "public, max-age=", "/modules/<slug>/images/<name>": "private, max-age="}
REQUIRED_CSP = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def _check_headers(response, row_id: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in REQUIRED_CSP:
        assert directive in csp, (row_id, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script_src.split()[1:][0] == "'self'"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", row_id
    assert response.headers.get("Referrer-Policy") == "same-origin", row_id


@pytest.mark.parametrize("row", [row for row in MATRIX if row.method == "GET"], ids=lambda row: row.id)
def test_headers_on_every_rule(app: Flask, row) -> None:
    world = build_world(app)
    path = row.path.format(**world_values(world))
    for client in (app.test_client(), signed_in_client(app, world.email("admin"), world.password)):
        response = client.get(path)
        _check_headers(response, row.id)
        if row.rule in CACHEABLE and response.status_code == 200:
            assert response.headers.get("Cache-Control", "").startswith(CACHEABLE[row.rule]), row.id
        else:
            assert response.headers.get("Cache-Control") == "no-store", row.id
        if response.mimetype == "text/html":
            problems = inline_code(response.get_data(as_text=True))
            assert not problems, (row.id, problems)
        response.close()


def test_headers_on_error_pages(app: Flask, client) -> None:
    for path in ("/nowhere", "/api/v1/nowhere"):
        response = client.get(path)
        assert response.status_code == 404
        _check_headers(response, path)
        assert response.headers["Cache-Control"] == "no-store"


def test_https_sites_ask_browsers_to_stay_on_https(app: Flask, client) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers  # http://elearning.test in tests
    app.config["PUBLIC_BASE_URL"] = "https://formation.example.org"
    assert client.get("/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")
