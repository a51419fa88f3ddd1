"""``elearning demo``: the demo organizations and accounts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from elearning.cli.base import Command, echo_table
from elearning.demo.build import load_demo
from elearning.demo.data import DEMO_PASSWORD, SIGN_IN_ACCOUNTS
from elearning.permissions import SYSTEM
from elearning.services.certification.everyone import reconcile_everyone


@click.command("demo", cls=Command)
@click.option("--force", is_flag=True, help="Allow it when ELEARNING_ENV=production.")
@with_appcontext
def demo_command(force: bool) -> None:
    """Create the demo data that is missing (never modifies what exists) and print the demo accounts."""
    if current_app.config["ELEARNING_ENV"] == "production" and not force:
        raise click.ClickException("refusing to load demo data in production (ELEARNING_ENV=production); use --force")
    report = load_demo()
    if report.created:
        reconcile_everyone(SYSTEM)
    if report.created:
        kinds: dict[str, int] = {}
        for item in report.created:
            kind = item.split(" ", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        plural = {"person": "people"}
        summary = ", ".join(
            f"{count} {kind if count == 1 else plural.get(kind, kind + 's')}" for kind, count in kinds.items()
        )
        click.echo(f"demo: created {summary}")
    else:
        click.echo("demo: nothing to create, the demo data is already there")
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"Sign in at {base}/login with the password {DEMO_PASSWORD}:")
    echo_table(
        ["account", "role"],
        [[p.email, ", ".join(p.roles) + (f" ({p.org})" if p.org else "")] for p in SIGN_IN_ACCOUNTS],
    )
