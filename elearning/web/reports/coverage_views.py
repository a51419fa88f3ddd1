"""The coverage report ``/reports/coverage`` (+ ``.csv``, ``.xlsx``, ``.pdf``) and one organization's drill-down
``/reports/coverage/<org_code>`` (+ ``.csv``, ``.xlsx``): every output reads the one coverage computation.

``?as_of=YYYY-MM-DD`` asks a past day or, up to 12 months ahead, a projection; a date the report cannot answer
gives the page again with the message and a 400 (the exports: the error page)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Response, render_template, request
from flask_login import login_required
from markupsafe import Markup

from elearning import clock
from elearning.i18n import page_language
from elearning.services.errors import Invalid
from elearning.services.reports import coverage, drilldown
from elearning.services.reports.kept import remembered
from elearning.web.exports import attachment, export_response
from elearning.web.reports import charts, pdf, sheets
from elearning.web.reports.views import blueprint
from elearning.web.visitors import current_viewer


def _as_of() -> str | None:
    return request.args.get("as_of")


def _sort() -> str:
    sort = request.args.get("sort", coverage.Sort.COVERAGE)
    return sort if sort in coverage.Sort.ALL else coverage.Sort.COVERAGE


def _report() -> coverage.CoverageReport:
    return coverage.coverage_report(current_viewer(), _as_of(), sort=_sort(), language=page_language())


def _stem(moment: coverage.Moment, *parts: str) -> str:
    kind = "projection" if moment.projection else "couverture"
    return "-".join((kind, *parts, moment.day.isoformat()))


@blueprint.get("/reports/coverage", endpoint="coverage")
@login_required
def coverage_page() -> tuple[str, int] | str:
    language = page_language()
    try:
        report = _report()
    except Invalid as error:
        page = render_template(
            "reports/coverage.html", report=None, error=str(error), as_of=_as_of() or "", sort=_sort()
        )
        return page, 400
    as_of = report.moment.day.isoformat()
    return render_template(
        "reports/coverage.html", report=report, error=None, as_of=as_of, sort=report.sort, body=_body(report, language)
    )


#: The report's rendered body, by (the kept report itself, language): while the figures stay the same, a page
#: costs its layout and date form only. The report is held with its body, so its identity is never reused.
_bodies: OrderedDict[Hashable, tuple[coverage.CoverageReport, Markup]] = OrderedDict()
KEPT_BODIES = 32


def _body(report: coverage.CoverageReport, language: str) -> Markup:
    def render() -> tuple[coverage.CoverageReport, Markup]:
        today = clock.today()
        body = render_template(
            "reports/_coverage_body.html",
            report=report,
            as_of=report.moment.day.isoformat(),
            sort=report.sort,
            bars=charts.bar_chart(report.rows, language),
            trend=charts.trend_chart(report.trend),
            coverage_text=charts.coverage_text,
            today=today,
        )
        return report, Markup(body)  # noqa: S704 (rendered by our template, escaped there)

    return remembered(_bodies, (id(report), language, clock.today()), render, KEPT_BODIES)[1]


def _coverage_export(file_format: str) -> Response:
    report = _report()
    sheet = sheets.coverage_sheet(report, page_language())
    return export_response(sheet, file_format, _stem(report.moment))


@blueprint.get("/reports/coverage.csv")
@login_required
def coverage_csv() -> Response:
    return _coverage_export("csv")


@blueprint.get("/reports/coverage.xlsx")
@login_required
def coverage_xlsx() -> Response:
    return _coverage_export("xlsx")


@blueprint.get("/reports/coverage.pdf")
@login_required
def coverage_pdf() -> Response:
    report = _report()
    response = Response(pdf.coverage_pdf(report, page_language()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(f"{_stem(report.moment)}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


def _detail(org_code: str, export_format: str | None = None) -> drilldown.OrganizationDetail:
    return drilldown.organization_detail(current_viewer(), org_code, _as_of(), export_format=export_format)


@blueprint.get("/reports/coverage/<org_code>")
@login_required
def organization(org_code: str) -> tuple[str, int] | str:
    try:
        detail = _detail(org_code)
    except Invalid as error:
        page = render_template(
            "reports/organization.html", detail=None, error=str(error), as_of=_as_of() or "", args={}
        )
        return page, 400
    context: dict[str, Any] = {
        "detail": detail,
        "error": None,
        "as_of": detail.moment.day.isoformat(),
        "args": {"as_of": detail.moment.day.isoformat()} if detail.moment.day != clock.today() else {},
        "trend": charts.trend_chart(detail.trend, detail.organization_id),
        "coverage_text": charts.coverage_text,
        "pivot_status_label": sheets.status_label,
    }
    return render_template("reports/organization.html", **context)


def _detail_export(org_code: str, file_format: str) -> Response:
    detail = _detail(org_code, file_format)
    return export_response(sheets.detail_sheet(detail), file_format, _stem(detail.moment, detail.code))


@blueprint.get("/reports/coverage/<org_code>.csv")
@login_required
def organization_csv(org_code: str) -> Response:
    return _detail_export(org_code, "csv")


@blueprint.get("/reports/coverage/<org_code>.xlsx")
@login_required
def organization_xlsx(org_code: str) -> Response:
    return _detail_export(org_code, "xlsx")
