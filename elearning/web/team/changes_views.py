"""The inbox's module changes: ``POST /team/inbox/changes-seen`` marks those listed so far as seen (the list
itself is the partial ``team/_changes.html``, which the inbox page includes)."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from elearning.services.reports import module_changes
from elearning.web.team.views import blueprint
from elearning.web.visitors import current_viewer

INBOX_PATH = "/team/inbox"


def _inbox_url() -> str:
    try:
        return url_for("team.inbox")
    except BuildError:  # the inbox page is not registered (yet): its path
        return INBOX_PATH


@blueprint.post("/team/inbox/changes-seen")
@login_required
def changes_seen() -> Response:
    module_changes.mark_changes_seen(current_viewer())  # 404 without a team page
    return redirect(_inbox_url())
