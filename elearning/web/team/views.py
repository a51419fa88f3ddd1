"""A team member's page (progress and quiz attempts per module) and the extra attempt a pivot grants."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Person
from elearning.permissions import MemberRef
from elearning.services.catalog import lookup
from elearning.services.errors import ServiceError
from elearning.services.learning import quizzes
from elearning.services.reports import members
from elearning.web.errors import refuse
from elearning.web.visitors import current_viewer, signed_in_person

blueprint = Blueprint("team", __name__)


def _member_or_refuse(person_id: int, allowed) -> MemberRef:
    viewer = current_viewer()
    member = members.member_ref(person_id, clock.today())
    if member is None:
        abort(404)
    if not allowed(viewer, member):
        may_see = permissions.can_view_member(viewer, member)
        abort(permissions.refusal_status(viewer, member.organization_id, may_see=may_see))
    return member


@blueprint.get("/team/members/<int:person_id>")
@login_required
def member(person_id: int) -> str:
    member = _member_or_refuse(person_id, permissions.can_view_member)
    detail = members.member_detail(person_id, clock.today())
    return render_template(
        "team/member.html",
        detail=detail,
        can_grant=permissions.can_grant_extra_attempt(current_viewer(), member),
    )


@blueprint.post("/team/members/<int:person_id>/extra-attempt")
@login_required
def grant_extra_attempt(person_id: int) -> Response:
    _member_or_refuse(person_id, permissions.can_grant_extra_attempt)
    slug = request.form.get("module", "")
    if not slug:
        abort(400, description=_("The form names no module."))
    try:
        ref = lookup.find_module(slug)
    except ServiceError:
        abort(404)
    actor = signed_in_person()
    learner = db.session.get(Person, person_id)
    assert learner is not None  # member_ref found the person
    try:
        quizzes.grant_extra_attempt(actor, learner, ref)
    except ServiceError as exc:
        refuse(exc)
    db.session.commit()
    flash(_("One more attempt was granted to %(name)s.", name=learner.full_name), "success")
    return redirect(url_for("team.member", person_id=person_id))
