"""The coverage report and one organization's people as sheets for the export writer (CSV, XLSX): the page's
figures, in the reader's language, the date and whether it is a projection on every row."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from elearning.exports import Cell, Sheet
from elearning.services.reports.coverage import CoverageReport, Moment, OrganizationCoverage, PivotStatus, Totals
from elearning.services.reports.drilldown import OrganizationDetail, PersonStanding


def percent(value: float | None) -> float | None:
    """A share as a percentage with one decimal (a number a spreadsheet can sum), None when there is none."""
    return None if value is None else round(value * 100, 1)


def moment_label(moment: Moment) -> str:
    return _("Projection") if moment.projection else _("As of")


def status_label(status: str) -> str:
    return {
        PivotStatus.CERTIFIED: _("Certified"),
        PivotStatus.EXPIRING: _("Expiring soon"),
        PivotStatus.EXPIRED: _("Expired"),
        PivotStatus.NOT_CERTIFIED: _("Not certified"),
    }[status]


def _figures(figures: OrganizationCoverage | Totals) -> tuple[Cell, ...]:
    return (
        figures.target,
        figures.designated,
        figures.certified,
        figures.expiring,
        figures.expired,
        figures.not_certified,
        percent(figures.coverage),
        figures.members,
        figures.core_certified,
        percent(figures.core_completion),
    )


FIGURE_HEADERS = (
    _l("Target"),
    _l("Designated pivots"),
    lazy_pgettext("pivot count", "Certified"),
    lazy_pgettext("pivot count", "Expiring soon"),
    lazy_pgettext("pivot count", "Expired"),
    lazy_pgettext("pivot count", "Not certified"),
    _l("Coverage (%)"),
    _l("Active members"),
    _l("Core training certified"),
    _l("Core-track completion (%)"),
)


def coverage_sheet(report: CoverageReport, language: str) -> Sheet:
    day, kind = report.moment.day, moment_label(report.moment)
    headers = (_("Date"), _("Report"), _("Organization"), _("Code"), *(str(header) for header in FIGURE_HEADERS))
    rows: list[tuple[Cell, ...]] = [(day, kind, row.name(language), row.code, *_figures(row)) for row in report.rows]
    rows.append((day, kind, _("Total"), "", *_figures(report.totals)))
    return Sheet(title=_("Coverage"), headers=headers, rows=tuple(rows))


def _person(detail: OrganizationDetail, kind: str, person: PersonStanding) -> tuple[Cell, ...]:
    return (
        detail.moment.day,
        moment_label(detail.moment),
        detail.code,
        kind,
        person.full_name,
        person.email,
        status_label(person.status),
        person.valid_from,
        person.expires_on,
        person.renewed_until,
    )


def detail_sheet(detail: OrganizationDetail) -> Sheet:
    headers = (
        _("Date"),
        _("Report"),
        _("Organization"),
        _("Certificate"),
        _("Name"),
        _("E-mail"),
        _("Status"),
        _("Valid from"),
        _("Expires on"),
        _("Renewed until"),
    )
    pivot, core = _("Pivot certification"), _("Core training")
    rows = [_person(detail, pivot, person) for person in detail.pivots]
    rows += [_person(detail, core, person) for person in detail.members]
    return Sheet(title=detail.code, headers=headers, rows=tuple(rows))
