"""The certificate register ``/reports/certificates`` and its exports ``.csv``, ``.xlsx``: one reading of the
register (:mod:`elearning.services.reports.certificate_register`), a page at a time for the page, every matching
row for an export.

A refused filter (a malformed date, an unknown status...) gives the page again with the filters as typed, the
message next to the field it names, and a 400; an export with one gets the error page with the message (400)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock, permissions
from elearning.exports import Cell, Sheet
from elearning.i18n import page_language
from elearning.services.certification.codes import display_code
from elearning.services.errors import Invalid
from elearning.services.reports import certificate_register as register
from elearning.services.reports.certificate_register import RegisterRow, RegisterStatus
from elearning.web.exports import export_response
from elearning.web.reports.views import blueprint
from elearning.web.visitors import current_viewer

STATUS_LABELS = {
    RegisterStatus.VALID: _l("Valid"),
    RegisterStatus.EXPIRING: _l("Expiring soon"),
    RegisterStatus.UPCOMING: _l("Valid from a later date"),
    RegisterStatus.EXPIRED: _l("Expired"),
    RegisterStatus.RENEWED: _l("Renewed"),
    RegisterStatus.REVOKED: _l("Revoked"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


def _certificate_url(row: RegisterRow) -> str:
    """The certificate's page for those who may open it (the Table, where it is revoked; Admin; the holder);
    for a coordinator, its public verification page (status, name, track, dates)."""
    if permissions.can_download_certificate(current_viewer(), row.person_id):
        return url_for("certificates.detail", certificate_id=row.certificate_id)
    return url_for("certificates.verify", code=row.code)


def _render(status: int = 200, **context: Any) -> tuple[str, int]:
    page = render_template(
        "reports/certificates.html",
        status_label=status_label,
        certificate_url=_certificate_url,
        field_names=register.FIELD_NAMES,
        **context,
    )
    return page, status


@blueprint.get("/reports/certificates")
@login_required
def certificates() -> tuple[str, int]:
    viewer, day = current_viewer(), clock.today()
    register.check_register(viewer)
    try:
        result = register.register_page(viewer, register.parse_filters(request.args), day)
    except Invalid as error:
        typed = {key: request.args.get(key, "") for key in register.FILTER_KEYS}
        choices = register.choices_for(viewer, day)
        return _render(400, page=None, choices=choices, typed=typed, error=error, today=day)
    return _render(page=result, choices=result.choices, typed=result.filters.as_args(), error=None, today=day)


def _row(row: RegisterRow, language: str) -> tuple[Cell, ...]:
    return (
        row.holder_name,
        row.printed_organization(language),
        row.organization(language),
        row.organization_code,
        row.track_title(language),
        row.issued_on,
        row.valid_from,
        row.expires_on,
        status_label(row.status),
        display_code(row.code),
    )


def register_sheet(rows: tuple[RegisterRow, ...], language: str) -> Sheet:
    headers = (
        _("Holder"),
        _("Organization on the certificate"),
        _("Organization today"),
        _("Code of the organization today"),
        _("Track"),
        _("Issued on"),
        _("Valid from"),
        _("Expires on"),
        _("Status"),
        _("Certificate code"),
    )
    return Sheet(title=_("Certificates"), headers=headers, rows=tuple(_row(row, language) for row in rows))


def _export(file_format: str) -> Response:
    viewer, day = current_viewer(), clock.today()
    register.check_register(viewer)
    exported = register.register_export(viewer, register.parse_filters(request.args), day, file_format)
    sheet = register_sheet(exported.rows, page_language())
    return export_response(sheet, file_format, f"{_('certificates')}-{day.isoformat()}")


@blueprint.get("/reports/certificates.csv")
@login_required
def certificates_csv() -> Response:
    return _export("csv")


@blueprint.get("/reports/certificates.xlsx")
@login_required
def certificates_xlsx() -> Response:
    return _export("xlsx")
