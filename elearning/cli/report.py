"""``elearning report``: the Table's reports on the command line (the same figures as the pages and exports)."""

from __future__ import annotations

import json
from typing import Any

import click
from flask_babel import force_locale

from elearning.cli.base import Group
from elearning.exports import to_csv
from elearning.permissions import SYSTEM
from elearning.services.reports import coverage
from elearning.web.reports import sheets

report = Group("report", help="The Table's reports.")


def _figures(figures: coverage.OrganizationCoverage | coverage.Totals) -> dict[str, Any]:
    return {
        "target": figures.target,
        "designated": figures.designated,
        "certified": figures.certified,
        "expiring": figures.expiring,
        "expired": figures.expired,
        "not_certified": figures.not_certified,
        "coverage": None if figures.coverage is None else round(figures.coverage, 4),
        "members": figures.members,
        "core_certified": figures.core_certified,
        "core_completion": None if figures.core_completion is None else round(figures.core_completion, 4),
    }


def as_json(result: coverage.CoverageReport) -> dict[str, Any]:
    return {
        "as_of": result.moment.day.isoformat(),
        "projection": result.moment.projection,
        "facts_on": result.moment.facts_day.isoformat(),
        "renewal_window_days": result.renewal_window_days,
        "organizations": [
            {"code": row.code, "name_fr": row.name_fr, "name_en": row.name_en, **_figures(row)} for row in result.rows
        ],
        "totals": {
            "organizations": result.totals.organizations,
            "certified_with_target": result.totals.certified_with_target,
            **_figures(result.totals),
        },
        "trend": [
            {"day": point.moment.day.isoformat(), "projection": point.moment.projection, **_figures(point.totals)}
            for point in result.trend
        ],
    }


@report.command("coverage")
@click.option("--format", "file_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="A past day, or up to 12 months ahead.")
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--sort", type=click.Choice(list(coverage.Sort.ALL)), default=coverage.Sort.COVERAGE, show_default=True)
def coverage_command(file_format: str, as_of: str | None, language: str, sort: str) -> None:
    """Print the coverage report: each organization's certified pivots against its target (CSV as the export
    writes it, or JSON with the trend)."""
    with force_locale(language):
        result = coverage.coverage_report(SYSTEM, as_of, sort=sort, language=language)
        if file_format == "json":
            click.echo(json.dumps(as_json(result), ensure_ascii=False, indent=2))
        else:
            click.echo(to_csv(sheets.coverage_sheet(result, language)), nl=False)
