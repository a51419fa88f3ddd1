"""``elearning content check|sync [ROOT]``: validate the content files and load them."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from elearning.cli.base import Group
from elearning.content import CheckResult, check_content
from elearning.permissions import SYSTEM
from elearning.services.catalog.sync import SyncRefused, sync_content
from elearning.services.certification.everyone import reconcile_everyone

content = Group("content", help="Check and load the training content (modules/, quizzes/).")

ROOT_ARGUMENT = click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
STRICT_OPTION = click.option("--strict", is_flag=True, help="Treat warnings (e.g. a missing English text) as errors.")


def _root(root: Path | None) -> Path:
    chosen = root or Path(current_app.config["CONTENT_DIR"])
    if not chosen.is_dir():
        raise click.ClickException(f"{chosen} is not a folder")
    return chosen.resolve()


def _report(result: CheckResult, strict: bool) -> bool:
    """Print every problem, then the summary; True when the content may be used."""
    for problem in result.problems:
        click.echo(str(problem), err=problem.is_error or strict)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    return not failed


@content.command("check")
@ROOT_ARGUMENT
@STRICT_OPTION
def check(root: Path | None, strict: bool) -> None:
    """Report every problem of the content as path:line: message; exit 1 when there is any error."""
    folder = _root(root)
    result = check_content(folder, strict=strict)
    ok = _report(result, strict)
    click.echo(f"content check: {result.summary()}")
    if not ok:
        raise SystemExit(1)


@content.command("sync")
@ROOT_ARGUMENT
@STRICT_OPTION
def sync(root: Path | None, strict: bool) -> None:
    """Check the content, then load it in one transaction (nothing changes when there is an error)."""
    folder = _root(root)
    result = check_content(folder, strict=strict)
    if not _report(result, strict) or result.tree is None:
        raise click.ClickException(f"content sync refused, nothing changed: {result.summary()}")
    try:
        report = sync_content(SYSTEM, folder, result.tree)
        reconciled = reconcile_everyone(SYSTEM)
    except SyncRefused as refused:
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException("content sync refused, nothing changed") from None
    for line in report.lines:
        click.echo(str(line))
    if report.changed:
        changes = sum(1 for line in report.lines if line.change != "unchanged")
        click.echo(f"content sync: {changes} change{'s' if changes != 1 else ''} loaded")
    else:
        click.echo("content sync: no change")
    if reconciled.assigned or reconciled.ended or reconciled.certificates:
        click.echo(
            f"tracks reconcile: {reconciled.assigned} assigned, {reconciled.ended} ended, "
            f"{reconciled.certificates} certificates issued"
        )
