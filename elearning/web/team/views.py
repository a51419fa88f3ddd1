"""A team member's page (progress and quiz attempts per module) and the extra attempt a pivot grants."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock, permissions
from elearning.services.learning import quizzes
from elearning.services.people import viewers
from elearning.services.reports import members
from elearning.web.visitors import current_viewer

blueprint = Blueprint("team", __name__)


@blueprint.get("/team/members/<int:person_id>")
@login_required
def member(person_id: int) -> str:
    member = viewers.member_for(current_viewer(), person_id, clock.today())
    detail = members.member_detail(person_id, clock.today())
    return render_template(
        "team/member.html",
        detail=detail,
        can_grant=permissions.can_grant_extra_attempt(current_viewer(), member),
    )


@blueprint.post("/team/members/<int:person_id>/extra-attempt")
@login_required
def grant_extra_attempt(person_id: int) -> Response:
    granted = quizzes.grant_extra_attempt(current_viewer(), person_id, request.form.get("module", ""))
    flash(_("One more attempt was granted to %(name)s.", name=granted.learner_name), "success")
    return redirect(url_for("team.member", person_id=person_id))
