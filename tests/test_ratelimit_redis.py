"""With Redis storage, two application processes share one failed sign-in count."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from flask import Flask

from elearning import create_app
from elearning.extensions import db
from tests.conftest import TEST_REDIS_URL, settings
from tests.factories import PASSWORD, make_person
from tests.web import sign_in

pytestmark = pytest.mark.redis


def test_limit_is_shared_between_processes(app: Flask, database_url: str, tmp_path: Path, clock) -> None:
    with app.app_context():
        make_person(email="shared@example.org", org=None, roles=("table",))
        db.session.commit()
    storage = TEST_REDIS_URL
    # A unique key prefix per run, so that parallel runs never share counts.
    prefix = f"test-{uuid.uuid4().hex}"
    instances = []
    for _ in range(2):
        other = create_app(
            settings(
                database_url, INSTANCE_PATH=str(tmp_path), RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix
            )
        )
        other.extensions["elearning.clock"] = clock
        instances.append(other)
    # The two "processes" share the test's database connection, as two gunicorn workers share one database.
    from elearning.extensions import db as database

    for other in instances:
        database._app_engines[other][None] = database._app_engines[app][None]
    clients = [other.test_client() for other in instances]
    for attempt in range(10):
        assert sign_in(clients[attempt % 2], "shared@example.org", "wrong password!").status_code == 400
    assert sign_in(clients[0], "shared@example.org", PASSWORD).status_code == 429
    assert sign_in(clients[1], "shared@example.org", PASSWORD).status_code == 429
