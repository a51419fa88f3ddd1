"""Migrations: they agree with the models, and go down to nothing and up again over real data."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from elearning import create_app
from elearning.demo.build import load_demo
from elearning.extensions import db
from elearning.services.schema import script_heads
from tests.conftest import PROJECT_ROOT, settings
from tests.factories import load_content


def _app(url: str, tmp_path: Path, clock) -> Flask:
    app = create_app(settings(url, INSTANCE_PATH=str(tmp_path)))
    app.extensions["elearning.clock"] = clock
    return app


def test_models_and_migrations_agree(database_url: str, tmp_path: Path, clock) -> None:
    app = _app(database_url, tmp_path, clock)
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_file_names_are_dated(project_root: Path) -> None:
    names = [p.name for p in (project_root / "migrations" / "versions").glob("*.py")]
    assert names
    for name in names:
        assert name[:4].isdigit() and name[4] == "_" and name[7] == "_" and name[10] == "_", name


def test_downgrade_to_base_and_upgrade_again_with_demo_data(empty_database: str, tmp_path: Path, clock) -> None:
    app = _app(empty_database, tmp_path, clock)
    with app.app_context():
        directory = app.config["MIGRATIONS_DIR"]
        upgrade(directory=directory)
        load_content(PROJECT_ROOT)  # the demo's history (attempts, completions, certificates) needs the content
        load_demo()
        db.session.commit()
        people = db.session.scalar(sa.text("SELECT count(*) FROM people"))
        assert people and people > 20
        for table in ("certificates", "quiz_attempts", "completions", "track_assignments", "section_views"):
            assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")), table
        db.session.remove()

        downgrade(directory=directory, revision="base")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert tables <= {"alembic_version"}

        upgrade(directory=directory)
        assert set(sa.inspect(db.engine).get_table_names()) >= {t.name for t in db.metadata.sorted_tables}
        with db.engine.connect() as connection:
            assert set(MigrationContext.configure(connection).get_current_heads()) == script_heads()
        load_demo()
        db.session.commit()
        assert db.session.scalar(sa.text("SELECT count(*) FROM people")) == people
