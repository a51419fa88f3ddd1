"""Alembic environment, run by Flask-Migrate inside the application context.

Migrations are never run from ``create_app``: ``elearning db upgrade`` runs them. On SQLite, batch mode
recreates tables, so foreign keys are switched off for the run and checked at its end.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import text

from elearning.models.types import UTCDateTime

config = context.config
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

extension = current_app.extensions["migrate"]
target_metadata = extension.db.metadata


def process_revision_directives(context, revision, directives):
    """Do not write an empty revision from `db migrate`."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logging.getLogger("alembic").info("No changes in schema detected.")


def render_item(type_, obj, autogen_context):
    """Write the project's column types as the plain SQLAlchemy types they store."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=current_app.config["SQLALCHEMY_DATABASE_URI"],
        target_metadata=target_metadata,
        literal_binds=True,
        **extension.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = extension.db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Outside any transaction (a PRAGMA inside one is ignored), on the driver's connection.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=process_revision_directives,
            render_item=render_item,
            # SQLite runs DDL inside transactions too (the engine emits BEGIN itself): a failed
            # migration leaves nothing half done.
            transactional_ddl=True,
            **extension.configure_args,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if problems:
                        raise RuntimeError(f"foreign key check failed after migration: {problems[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
