"""The ``elearning`` console script: a Flask command group over :func:`elearning.create_app` (the one entry
point above both the application and its commands)."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import FlaskGroup

from elearning.app import create_app
from elearning.config import CONFIG_ERROR_EXIT, ConfigError, load_settings

cli = FlaskGroup(
    name="elearning",
    create_app=create_app,
    help="The Table's training platform. Every command has --help.",
)


def main() -> None:
    """Check the settings first, so that a bad one prints one line and exits 3, then run the command."""
    try:
        load_settings(os.environ)
    except ConfigError as exc:
        click.echo(f"elearning: configuration error: {exc}", err=True)
        sys.exit(CONFIG_ERROR_EXIT)
    cli.main(prog_name="elearning")
