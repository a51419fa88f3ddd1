"""``/org``: one organization's coverage, pivots, teams and members; its exports; and the coordinator's forms
(designate or withdraw a pivot, create, rename and archive teams, move members, name a team's pivots).

Every form posts to the services, which check access themselves; a refused input shows the page again with the
service's message next to the form (a 4xx, nothing written), an accepted one redirects (303) with a notice.
Withdrawals and archives go through a confirmation page first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning.extensions import db
from elearning.i18n import page_language
from elearning.services.access import FORBIDDEN, NOT_FOUND
from elearning.services.errors import Forbidden, Invalid, NotFound, ServiceError
from elearning.services.people import designations, organizations, teams
from elearning.services.reports import organization_view
from elearning.services.reports.organization_view import OrganizationView
from elearning.web.errors import status_of
from elearning.web.exports import export_response
from elearning.web.org import sheets
from elearning.web.reports.charts import coverage_text
from elearning.web.reports.sheets import status_label
from elearning.web.visitors import current_viewer

blueprint = Blueprint("org", __name__)


def _view(code: str | None = None) -> OrganizationView:
    return organization_view.organization_view(current_viewer(), code, page_language())


def _page(view: OrganizationView, *, status: int = 200, **forms: Any) -> tuple[str, int]:
    return (
        render_template(
            "org/overview.html",
            view=view,
            forms=forms,
            coverage_text=coverage_text,
            pivot_status_label=status_label,
        ),
        status,
    )


def _team_page(view: OrganizationView, team_id: int, *, status: int = 200, **forms: Any) -> tuple[str, int]:
    team = next(item for item in view.teams if item.team_id == team_id)
    in_team = {person.person_id for person in (*team.pivots, *team.members)}
    return (
        render_template(
            "org/team.html",
            view=view,
            team=team,
            movable=[member for member in view.members if member.person_id not in in_team],
            namable=[pivot for pivot in view.pivots if pivot.person_id not in {p.person_id for p in team.pivots}],
            forms=forms,
        ),
        status,
    )


def _person_id(field: str = "person") -> int | None:
    value = request.form.get(field, "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _refused(exc: ServiceError) -> str:
    db.session.rollback()  # nothing the refused form began is kept
    return str(exc.message)


@blueprint.get("/org")
@login_required
def overview() -> tuple[str, int]:
    return _page(_view(request.args.get("org")))


def _export(file_format: str) -> Response:
    view = _view(request.args.get("org"))
    sheet = sheets.organization_sheet(view, page_language())
    organization_view.record_export(current_viewer(), view, file_format)
    return export_response(sheet, file_format, sheets.file_stem(view))


@blueprint.get("/org.csv")
@login_required
def export_csv() -> Response:
    return _export("csv")


@blueprint.get("/org.xlsx")
@login_required
def export_xlsx() -> Response:
    return _export("xlsx")


# -- pivots --------------------------------------------------------------------------------------------


def _organization_of_form() -> Any:
    """The organization a form names (``org``): the viewer's own view of it (404 when they may not see it)."""
    view = _view(request.form.get("org") or request.args.get("org"))
    return view, organizations.get_organization(view.organization.code)


@blueprint.post("/org/pivots")
@login_required
def designate() -> Response | tuple[str, int]:
    view, organization = _organization_of_form()
    try:
        designation = designations.designate(current_viewer(), organization, _person_id())
    except ServiceError as exc:
        message = _refused(exc)
        return _page(view, status=status_of(exc), designate=message)
    name = next((m.standing.full_name for m in view.members if m.person_id == designation.person_id), "")
    flash(_("%(name)s is now a pivot of %(code)s.", name=name, code=organization.code), "success")
    return redirect(url_for("org.overview", org=organization.code, _anchor="pivots"), 303)


def _managed(view: OrganizationView) -> None:
    """A confirmation page or a confirmed action is for whoever manages the organization (403 for the Table,
    which reads it)."""
    if not view.can_manage:
        raise Forbidden(FORBIDDEN)


def _confirmed() -> None:
    """Withdrawals and archives are sent from their confirmation page (``confirmed=yes``); 400 otherwise."""
    if request.form.get("confirmed") != "yes":
        raise Invalid(_l("Confirm this action from its confirmation page."), field="confirmed")


def _pivot_or_404(view: OrganizationView, person_id: int) -> Any:
    pivot = next((pivot for pivot in view.pivots if pivot.person_id == person_id), None)
    if pivot is None:
        raise NotFound(NOT_FOUND)
    return pivot


@blueprint.get("/org/pivots/<int:person_id>/withdraw")
@login_required
def confirm_withdrawal(person_id: int) -> tuple[str, int]:
    view = _view(request.args.get("org"))
    _managed(view)
    pivot = _pivot_or_404(view, person_id)
    return (
        render_template(
            "org/confirm.html",
            view=view,
            title=_("Withdraw the designation of %(name)s?", name=pivot.standing.full_name),
            lead=_(
                "From today, %(name)s is no longer a pivot of %(code)s: their pivot track is no longer assigned and "
                "their teams keep them as a member. Their history and certificates stay.",
                name=pivot.standing.full_name,
                code=view.organization.code,
            ),
            action=url_for("org.withdraw", person_id=person_id),
            confirm=_("Withdraw the designation"),
            back=url_for("org.overview", org=view.organization.code, _anchor="pivots"),
        ),
        200,
    )


@blueprint.post("/org/pivots/<int:person_id>/withdraw")
@login_required
def withdraw(person_id: int) -> Response:
    view, organization = _organization_of_form()
    _managed(view)
    _confirmed()
    designations.withdraw(current_viewer(), organization, person_id)
    name = next((p.standing.full_name for p in view.pivots if p.person_id == person_id), "")
    flash(_("The designation of %(name)s is withdrawn.", name=name), "success")
    return redirect(url_for("org.overview", org=organization.code, _anchor="pivots"), 303)


# -- teams ---------------------------------------------------------------------------------------------


@blueprint.post("/org/teams")
@login_required
def create_team() -> Response | tuple[str, int]:
    view, organization = _organization_of_form()
    try:
        team = teams.create_team(current_viewer(), organization, request.form.get("name", ""))
    except ServiceError as exc:
        message = _refused(exc)
        return _page(view, status=status_of(exc), create_team=message)
    flash(_("The team %(name)s is created.", name=team.name), "success")
    return redirect(url_for("org.team", team_id=team.id), 303)


def _team_view(team_id: int) -> tuple[OrganizationView, Any]:
    """The organization view of a team's organization and the team (404: a team the viewer may not manage or
    read, or archived)."""
    team = teams.team_for(current_viewer(), team_id)
    view = _view(team.organization.code)
    if all(item.team_id != team_id for item in view.teams):
        raise NotFound(NOT_FOUND)  # archived, or not a team of an organization the viewer sees
    return view, team


@blueprint.get("/org/teams/<int:team_id>")
@login_required
def team(team_id: int) -> tuple[str, int]:
    view, _team = _team_view(team_id)
    return _team_page(view, team_id)


def _team_action(
    team_id: int, form: str, action: Callable[[Any], Any], done: Callable[[str], str]
) -> Response | tuple[str, int]:
    view, team = _team_view(team_id)
    try:
        result = action(team)
    except ServiceError as exc:
        message = _refused(exc)
        return _team_page(view, team_id, status=status_of(exc), **{form: message})
    flash(done(getattr(result, "full_name", team.name)), "success")
    return redirect(url_for("org.team", team_id=team_id), 303)


@blueprint.post("/org/teams/<int:team_id>/rename")
@login_required
def rename_team(team_id: int) -> Response | tuple[str, int]:
    name = request.form.get("name", "")
    return _team_action(
        team_id,
        "rename",
        lambda team: teams.rename_team(current_viewer(), team, name),
        lambda _name: _("The team is renamed."),
    )


@blueprint.post("/org/teams/<int:team_id>/pivots")
@login_required
def name_pivot(team_id: int) -> Response | tuple[str, int]:
    person_id = _person_id()
    return _team_action(
        team_id,
        "pivot",
        lambda team: teams.name_team_pivot(current_viewer(), team, person_id),
        lambda name: _("%(name)s is now a pivot of the team.", name=name),
    )


@blueprint.post("/org/teams/<int:team_id>/members")
@login_required
def move_member(team_id: int) -> Response | tuple[str, int]:
    person_id = _person_id()
    return _team_action(
        team_id,
        "move",
        lambda team: teams.move_to_team(current_viewer(), team, person_id),
        lambda name: _("%(name)s is now a member of the team.", name=name),
    )


@blueprint.post("/org/teams/<int:team_id>/remove")
@login_required
def remove_from_team(team_id: int) -> Response | tuple[str, int]:
    person_id = _person_id()
    return _team_action(
        team_id,
        "remove",
        lambda team: teams.leave_team(current_viewer(), team, person_id),
        lambda name: _("%(name)s no longer belongs to the team.", name=name),
    )


@blueprint.get("/org/teams/<int:team_id>/archive")
@login_required
def confirm_archive(team_id: int) -> tuple[str, int]:
    view, team = _team_view(team_id)
    _managed(view)
    return (
        render_template(
            "org/confirm.html",
            view=view,
            title=_("Archive the team %(name)s?", name=team.name),
            lead=_(
                "From today, the team is no longer offered and its members and pivots no longer belong to it. "
                "Its history stays."
            ),
            action=url_for("org.archive_team", team_id=team_id),
            confirm=_("Archive the team"),
            back=url_for("org.team", team_id=team_id),
        ),
        200,
    )


@blueprint.post("/org/teams/<int:team_id>/archive")
@login_required
def archive_team(team_id: int) -> Response:
    view, team = _team_view(team_id)
    _managed(view)
    _confirmed()
    teams.archive_team(current_viewer(), team)
    flash(_("The team %(name)s is archived.", name=team.name), "success")
    return redirect(url_for("org.overview", org=view.organization.code, _anchor="teams"), 303)
