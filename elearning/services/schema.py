"""Where the database stands against the migration scripts."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from elearning.extensions import db


def script_heads() -> set[str]:
    """Head revisions of ``migrations/``, read once per application."""
    heads = current_app.extensions.get("elearning.migration_heads")
    if heads is None:
        heads = set(ScriptDirectory(current_app.config["MIGRATIONS_DIR"]).get_heads())
        current_app.extensions["elearning.migration_heads"] = heads
    return heads


def database_revisions() -> set[str]:
    """Revisions the database is stamped with (empty when never migrated)."""
    return set(MigrationContext.configure(db.session.connection()).get_current_heads())
