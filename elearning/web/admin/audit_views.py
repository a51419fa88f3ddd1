"""The audit log ``/admin/audit`` and its exports ``.csv``, ``.xlsx`` (:mod:`elearning.services.reports.audit_log`).
A refused filter gives the page again as typed, the message beside the field, and a 400; an export with one
gets the error page (400)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock
from elearning.exports import Sheet
from elearning.services.errors import Invalid
from elearning.services.reports import audit_log
from elearning.web.admin.views import blueprint
from elearning.web.exports import export_response
from elearning.web.layout import format_moment
from elearning.web.visitors import current_viewer


def _render(status: int = 200, **context: object) -> tuple[str, int]:
    page = render_template(
        "admin/audit.html", field_names=audit_log.FIELD_NAMES, export_max=audit_log.EXPORT_MAX, **context
    )
    return page, status


@blueprint.get("/audit")
@login_required
def audit() -> tuple[str, int]:
    viewer = current_viewer()
    audit_log.check_access(viewer)
    try:
        page = audit_log.audit_page(viewer, audit_log.parse_filters(request.args))
    except Invalid as error:
        typed = {key: request.args.get(key, "") for key in audit_log.FILTER_KEYS}
        return _render(400, page=None, typed=typed, error=error, actions=())
    return _render(page=page, typed=page.filters.as_args(), error=None, actions=page.actions)


def _sheet(rows: tuple[audit_log.EventRow, ...]) -> Sheet:
    headers = (
        _("When"),
        _("Who acted"),
        _("Their e-mail address"),
        _("Action"),
        _("About whom"),
        _("Their e-mail address"),
        _("Object"),
        _("Details"),
    )
    return Sheet(
        title=_("Audit log"),
        headers=headers,
        rows=tuple(
            (
                format_moment(row.at),
                row.actor_name or _("System"),
                row.actor_email or "",
                row.action,
                row.subject_name or "",
                row.subject_email or "",
                row.object_text,
                row.details_text,
            )
            for row in rows
        ),
    )


def _export(file_format: str) -> Response:
    viewer = current_viewer()
    audit_log.check_access(viewer)
    rows = audit_log.audit_export(viewer, audit_log.parse_filters(request.args), file_format)
    return export_response(_sheet(rows), file_format, f"{_('audit')}-{clock.today().isoformat()}")


@blueprint.get("/audit.csv")
@login_required
def audit_csv() -> Response:
    return _export("csv")


@blueprint.get("/audit.xlsx")
@login_required
def audit_xlsx() -> Response:
    return _export("xlsx")
