"""``/admin/tracks``: the tracks the content defines, who is assigned to each today with their due dates, and
a person's due date extended (:mod:`elearning.services.people.tracks_admin`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning.extensions import db
from elearning.services.dates import parse_day
from elearning.services.errors import Invalid, ServiceError
from elearning.services.people import tracks_admin
from elearning.web.admin.views import blueprint
from elearning.web.errors import status_of
from elearning.web.layout import ROLE_LABELS
from elearning.web.visitors import current_viewer


def _role_names() -> dict[str, str]:
    return {role.value: str(label) for role, label in ROLE_LABELS.items()}


@blueprint.get("/tracks")
@login_required
def tracks() -> str:
    return render_template("admin/tracks.html", tracks=tracks_admin.tracks(current_viewer()), role_names=_role_names())


def _after() -> int | None:
    value = request.args.get("after", "")
    if value and (not value.isdigit() or len(value) > 12):
        raise Invalid(_("This page link is damaged; start again from the first page."), field="after")
    return int(value) if value else None


def _page(
    slug: str, *, status: int = 200, error: ServiceError | None = None, typed: dict[str, str] | None = None
) -> tuple[str, int]:
    page = tracks_admin.track_page(current_viewer(), slug, None if error else _after())
    return render_template(
        "admin/track.html",
        page=page,
        role_names=_role_names(),
        error=error,
        typed=typed or {},
        max_reason=tracks_admin.MAX_REASON,
    ), status


@blueprint.get("/tracks/<slug>")
@login_required
def track(slug: str) -> tuple[str, int]:
    tracks_admin.check_access(current_viewer())
    return _page(slug)


@blueprint.post("/tracks/<slug>/extend")
@login_required
def track_extend(slug: str) -> Response | tuple[str, int]:
    viewer = current_viewer()
    tracks_admin.check_access(viewer)
    typed = {key: request.form.get(key, "") for key in ("assignment", "due_on", "reason")}
    try:
        if not typed["assignment"].isdigit() or len(typed["assignment"]) > 12:
            raise Invalid(_("Choose the person whose due date to extend."), field="assignment")
        new_due = parse_day(typed["due_on"], field="due_on", required=True)
        tracks_admin.extend_due_date(viewer, int(typed["assignment"]), new_due, typed["reason"])
    except ServiceError as exc:
        db.session.rollback()
        return _page(slug, status=status_of(exc), error=exc, typed=typed)
    flash(_("The due date was extended."), "success")
    return redirect(url_for("admin.track", slug=slug), code=303)
