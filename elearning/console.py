"""The ``elearning`` console script: a Flask command group over :func:`elearning.create_app` (the one entry
point above both the application and its commands)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from flask.cli import FlaskGroup, run_command

from elearning.app import create_app
from elearning.config import CONFIG_ERROR_EXIT, ConfigError, load_settings

cli = FlaskGroup(
    name="elearning",
    create_app=create_app,
    help="The Table's training platform. Every command has --help.",
)


def _serve(**options: Any) -> Any:
    """Flask's ``run``, after putting the host and port it serves into the environment as ``FLASK_RUN_HOST``
    and ``FLASK_RUN_PORT``: the application, created right after, takes its default ``PUBLIC_BASE_URL`` (the
    certificates' link and QR code) from them (the reloader's child process inherits them)."""
    os.environ["FLASK_RUN_HOST"] = str(options["host"])
    os.environ["FLASK_RUN_PORT"] = str(options["port"])
    return click.get_current_context().invoke(run_command.callback, **options)  # type: ignore[arg-type]


cli.add_command(
    click.Command(
        name="run", params=run_command.params, callback=_serve, help=run_command.help, short_help=run_command.short_help
    )
)


def main() -> None:
    """Check the settings first, so that a bad one prints one line and exits 3, then run the command."""
    try:
        load_settings(os.environ)
    except ConfigError as exc:
        click.echo(f"elearning: configuration error: {exc}", err=True)
        sys.exit(CONFIG_ERROR_EXIT)
    cli.main(prog_name="elearning")
