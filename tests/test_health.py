"""/healthz answers whether the database is reachable and at the head revision."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade

from elearning import create_app
from tests.conftest import settings


def test_healthy_at_head(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "head"
    assert body["revision"] == body["head"]


def test_unmigrated_database_is_503(empty_database: str, tmp_path: Path) -> None:
    app = create_app(settings(empty_database, INSTANCE_PATH=str(tmp_path)))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "behind"
    assert response.get_json()["revision"] == []


def test_database_behind_head_is_503(empty_database: str, tmp_path: Path) -> None:
    app = create_app(settings(empty_database, INSTANCE_PATH=str(tmp_path)))
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        downgrade(directory=app.config["MIGRATIONS_DIR"], revision="base")
    assert app.test_client().get("/healthz").status_code == 503


def test_unreachable_database_is_503(tmp_path: Path) -> None:
    app = create_app(settings("postgresql+psycopg://nobody@127.0.0.1:1/none", INSTANCE_PATH=str(tmp_path)))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
