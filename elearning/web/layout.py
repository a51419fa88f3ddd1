"""What the base layout needs: navigation by role, the language switch, the current viewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import flask_babel
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from elearning import permissions
from elearning.i18n import page_language
from elearning.permissions import Viewer
from elearning.roles import Role
from elearning.services.certification.codes import display_code
from elearning.services.learning.states import ModuleStatus
from elearning.web.fields import render_input, render_label
from elearning.web.labels import MODULE_STATUS_LABELS
from elearning.web.visitors import current_person, current_viewer


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    allowed: Callable[[Viewer], bool]


#: The main navigation, in order. An item shows when its page exists and the viewer may open it.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("main.dashboard", _l("Dashboard"), permissions.can_use_learning),
    NavItem("learn.catalog", _l("Modules"), permissions.can_use_learning),
    NavItem("certificates.mine", _l("Certificates"), permissions.can_use_learning),
    NavItem("team.matrix", _l("My team"), permissions.can_view_any_team),
    NavItem("org.overview", _l("My organization"), lambda v: bool(v.coordinated_organization_ids)),
    NavItem("reports.coverage", _l("Reports"), permissions.can_view_reports),
    NavItem("directory.index", _l("Directory"), permissions.can_view_directory),
    NavItem("admin.index", _l("Administration"), lambda v: permissions.can_govern(v) or permissions.can_administer(v)),
    NavItem("auth.account", _l("My account"), permissions.can_use_learning),
)

ROLE_LABELS = {
    Role.WORKER: _l("Worker"),
    Role.PIVOT: _l("Pivot"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.TABLE: _l("Table"),
    Role.ADMIN: _l("Admin"),
}


def navigation() -> list[dict[str, object]]:
    viewer = current_viewer()
    items = []
    for item in NAVIGATION:
        if item.endpoint in current_app.view_functions and item.allowed(viewer):
            url = url_of(item.endpoint)
            items.append({"url": url, "label": item.label, "current": request.path == url})
    return items


_urls: dict[tuple[int, str, str, str], str] = {}


def url_of(endpoint: str, filename: str = "") -> str:
    """``url_for(endpoint)`` (``url_for('static', filename=...)`` with ``filename``) for an endpoint without
    other arguments: the same for every request of the application under the same script root, so built once."""
    key = (id(current_app._get_current_object()), request.script_root, endpoint, filename)  # type: ignore[attr-defined]
    url = _urls.get(key)
    if url is None:
        url = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
        if len(_urls) > 4096:
            _urls.clear()
        _urls[key] = url
    return url


def static_url(filename: str) -> str:
    return url_of("static", filename)


def _translations() -> Any:
    """This request's translations, looked up once (Flask-Babel looks them up again for every message)."""
    found = g.get("_elearning_translations")
    if found is None:
        found = g._elearning_translations = flask_babel.get_translations()
    return found


@pass_eval_context
def _gettext(eval_context: EvalContext, string: str, **variables: Any) -> str:
    """Jinja's new-style ``gettext`` (``_()`` in templates): translated, escaped, formatted with ``variables``."""
    translated = _translations().ugettext(string)
    if eval_context.autoescape:
        translated = Markup(translated)  # noqa: S704 (our own catalogs, as Jinja does)
    return translated % variables


@pass_eval_context
def _ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    """Jinja's new-style ``ngettext``."""
    variables.setdefault("num", num)
    translated = _translations().ungettext(singular, plural, num)
    if eval_context.autoescape:
        translated = Markup(translated)  # noqa: S704 (our own catalogs, as Jinja does)
    return translated % variables


def language_switch() -> dict[str, str]:
    """The other language's code, name and the URL of this same page in it."""
    current = str(get_locale() or "fr")
    other = "en" if current == "fr" else "fr"
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", other))
    return {
        "code": other,
        "name": "English" if other == "en" else "Français",
        "url": f"{request.path}?{urlencode(args)}",
    }


def role_labels(viewer: Viewer) -> list[str]:
    order = [Role.WORKER, Role.PIVOT, Role.COORDINATOR, Role.TABLE, Role.ADMIN]
    return [str(ROLE_LABELS[role]) for role in order if role in viewer.roles]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"language": page_language()})
    # After Flask-Babel's own (same behaviour as Jinja's new-style callables, without a lookup per message).
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    app.jinja_env.globals.update(
        render_input=render_input,
        render_label=render_label,
        static_url=static_url,
        url_of=url_of,
        get_locale=get_locale,
        navigation=navigation,
        language_switch=language_switch,
        current_viewer=current_viewer,
        current_person=current_person,
        role_labels=role_labels,
        status_label=lambda status: MODULE_STATUS_LABELS[ModuleStatus(status)],
        format_date=format_day,
        certificate_code=display_code,
        format_datetime=format_moment,
    )


def format_day(day: dt.date | None) -> str:
    """A business date, e.g. « 29 novembre 2026 » / "November 29, 2026"."""
    return "" if day is None else flask_babel.format_date(day, "long")


def format_moment(moment: dt.datetime | None) -> str:
    """A timestamp in the configured time zone, e.g. « 29 novembre 2026, 14:05 »."""
    return "" if moment is None else flask_babel.format_datetime(moment, "d MMMM y, HH:mm")
