"""``/directory``: the organizations of the Table, their mandates and their current pivots' work contacts, for
everyone signed in (:mod:`elearning.services.people.directory`), searched and filtered by GET.

A refused search (too long) or an unknown organization gives the form again as typed, the message beside the
field it names, no result, and a 400."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from elearning import clock
from elearning.i18n import page_language
from elearning.roles import OrganizationKind
from elearning.services.errors import Invalid
from elearning.services.people import directory
from elearning.web.labels import ORGANIZATION_KIND_LABELS
from elearning.web.visitors import current_viewer

blueprint = Blueprint("directory", __name__)

#: The extension of a phone number as written (« poste 12 », "ext. 12").
_EXTENSION = re.compile(r"(?:poste|ext\.?)\s*([0-9]+)\s*$", re.IGNORECASE)


def tel_href(phone: str) -> str:
    """A ``tel:`` link to a phone number as shown: its digits (``+`` kept in front), the extension after ``;ext=``."""
    extension = _EXTENSION.search(phone)
    number = phone[: extension.start()] if extension else phone
    digits = ("+" if number.strip().startswith("+") else "") + "".join(char for char in number if char.isdigit())
    return f"tel:{digits}" + (f";ext={extension.group(1)}" if extension else "")


def kind_label(kind: str) -> str:
    return str(ORGANIZATION_KIND_LABELS[OrganizationKind(kind)])


def _render(status: int = 200, **context: Any) -> tuple[str, int]:
    page = render_template(
        "directory/index.html",
        field_names=directory.FIELD_NAMES,
        query_max=directory.QUERY_MAX,
        kind_label=kind_label,
        tel_href=tel_href,
        **context,
    )
    return page, status


@blueprint.get("/directory")
@login_required
def index() -> tuple[str, int]:
    viewer, day, language = current_viewer(), clock.today(), page_language()
    typed = {"q": request.args.get("q", ""), "org": request.args.get("org", "")}
    try:
        found = directory.directory(viewer, day, typed["q"], typed["org"] or None, language=language)
    except Invalid as error:
        choices = directory.choices(viewer, day, language)
        return _render(400, found=None, choices=choices, typed=typed, error=error)
    typed = {"q": found.query, "org": found.organization_code or ""}
    return _render(found=found, choices=found.choices, typed=typed, error=None)
