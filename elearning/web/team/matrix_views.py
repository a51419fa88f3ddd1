"""The team matrix ``/team`` and its exports ``/team.csv``, ``/team.xlsx`` (one reading: the page's rows)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock, permissions
from elearning.exports import Sheet
from elearning.i18n import page_language
from elearning.services.learning import question_inbox
from elearning.services.learning.states import ModuleStatus
from elearning.services.reports import team
from elearning.web.exports import export_response
from elearning.web.team import cells, sheets
from elearning.web.team.views import blueprint
from elearning.web.visitors import current_viewer


def _view() -> team.TeamView:
    viewer = current_viewer()
    team.require_team_page(viewer)
    return team.team_view(viewer, team.parse_filters(request.args), clock.today())


@blueprint.get("/team")
@login_required
def matrix() -> str:
    view = _view()
    args = view.filters.as_args()
    viewer = current_viewer()
    return render_template(
        "team/matrix.html",
        view=view,
        args=args,
        text=cells.cell_text(view, args),
        statuses=[status.value for status in ModuleStatus],
        sorts=[(team.Sort.NAME, _("Name")), (team.Sort.PROGRESS, _("Progress")), (team.Sort.DUE, _("Due date"))],
        unanswered=question_inbox.unanswered_count(viewer, clock.today()),
        has_inbox=question_inbox.has_inbox(viewer),
        remindable={
            matrix.team_id
            for matrix in view.matrices
            if permissions.can_send_reminders(viewer, permissions.TeamRef(matrix.team_id, matrix.organization_id))
        },
    )


def _export(file_format: str) -> Response:
    view = _view()
    sheet: Sheet = sheets.team_sheet(view, page_language())
    team.record_export(current_viewer(), view, file_format)
    return export_response(sheet, file_format, sheets.file_stem(view))


@blueprint.get("/team.csv")
@login_required
def export_csv() -> Response:
    return _export("csv")


@blueprint.get("/team.xlsx")
@login_required
def export_xlsx() -> Response:
    return _export("xlsx")
