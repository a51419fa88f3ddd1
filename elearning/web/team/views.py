"""A team member's page (tracks, modules, every quiz attempt, section views by version, certificates) and the
extra attempt a pivot grants; both keep the matrix's filters for the way back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock
from elearning.services.learning import quizzes
from elearning.services.reports import members, team
from elearning.web.visitors import current_viewer

blueprint = Blueprint("team", __name__)


@blueprint.get("/team/members/<int:person_id>")
@login_required
def member(person_id: int) -> str:
    viewer = current_viewer()
    team.require_team_page(viewer)  # before the filters: someone without a team page learns nothing from them
    filters = team.parse_filters(request.args)  # the matrix's, for the way back
    detail = members.member_detail(viewer, person_id, clock.today())
    args: dict[str, Any] = filters.as_args()
    return render_template("team/member.html", detail=detail, args=args, back_url=url_for("team.matrix", **args))


@blueprint.post("/team/members/<int:person_id>/extra-attempt")
@login_required
def grant_extra_attempt(person_id: int) -> Response:
    args: dict[str, Any] = team.parse_filters(request.args).as_args()
    granted = quizzes.grant_extra_attempt(current_viewer(), person_id, request.form.get("module", ""))
    flash(_("One more attempt was granted to %(name)s.", name=granted.learner_name), "success")
    return redirect(url_for("team.member", person_id=person_id, **args))
