"""``elearning tracks reconcile``: assignments in line with roles, certificates issued where earned."""

from __future__ import annotations

import click

from elearning.cli.base import Group
from elearning.permissions import SYSTEM
from elearning.services.certification.everyone import reconcile_everyone

tracks = Group("tracks", help="Track assignments and certificates.")


@tracks.command("reconcile")
def reconcile() -> None:
    """Assign tracks per roles (ending those whose role went) and issue the certificates earned."""
    report = reconcile_everyone(SYSTEM)
    click.echo(
        f"tracks reconcile: {report.assigned} assigned, {report.ended} ended, "
        f"{report.certificates} certificate{'s' if report.certificates != 1 else ''} issued"
    )
