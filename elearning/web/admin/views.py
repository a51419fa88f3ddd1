"""``/admin/`` (the sections an Admin may open) and ``/admin/mail`` (the outbox: messages by status, those
retrying and those that failed, with the reason)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import login_required

from elearning import permissions
from elearning.services.access import check
from elearning.services.mail import delivery
from elearning.web.visitors import current_viewer

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/")
@login_required
def index() -> str:
    viewer = current_viewer()
    check(permissions.can_open_administration(viewer), viewer)
    status = delivery.outbox_status(viewer) if permissions.can_administer(viewer) else None
    return render_template("admin/index.html", status=status)


@blueprint.get("/mail")
@login_required
def mail() -> str:
    status = delivery.outbox_status(current_viewer())
    return render_template(
        "admin/mail.html",
        status=status,
        smtp_host=current_app.config["SMTP_HOST"],
        shown=delivery.SHOWN_FAILURES,
        max_attempts=delivery.MAX_ATTEMPTS,
    )
