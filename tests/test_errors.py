"""Error pages in the layout, in both languages; problem details for the API; never a traceback."""

from __future__ import annotations

import pytest
from flask import Flask, abort

from tests.web import inline_code


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail that must not leak")

    @app.get("/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.get("/api/v1/boom")
    def api_boom() -> str:
        raise RuntimeError("secret detail that must not leak")

    return app


@pytest.mark.parametrize(
    ("path", "status", "french", "english"),
    [
        ("/nowhere", 404, "Page introuvable", "Page not found"),
        ("/forbidden", 403, "Accès refusé", "Access refused"),
        ("/boom", 500, "Une erreur est survenue", "Something went wrong"),
    ],
)
def test_error_pages(failing_app: Flask, path: str, status: int, french: str, english: str) -> None:
    client = failing_app.test_client()
    response = client.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert french in html
    assert '<main id="main"' in html and "Aller au contenu principal" in html
    assert "Traceback" not in html and "secret detail" not in html
    assert not inline_code(html)
    assert english in client.get(path + "?lang=en").get_data(as_text=True)


def test_405_page(client) -> None:
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Action non permise ici" in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "status"), [("/api/v1/nowhere", 404), ("/api/v1/boom", 500)])
def test_api_paths_answer_problem_details(failing_app: Flask, path: str, status: int) -> None:
    response = failing_app.test_client().get(path)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "secret detail" not in response.get_data(as_text=True)
