"""What the base layout needs: navigation by role, the language switch, the current viewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import flask_babel
from flask import Flask, current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from elearning import permissions
from elearning.i18n import page_language
from elearning.permissions import Viewer
from elearning.roles import Role
from elearning.services.certification.codes import display_code
from elearning.services.learning.states import ModuleStatus
from elearning.web import cookies
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
    # A coordinator's reports: their organization's certificates (and from there its coverage).
    NavItem(
        "reports.certificates",
        _l("Certificates of my organization"),
        lambda v: bool(v.coordinated_organization_ids) and not permissions.can_view_reports(v),
    ),
    NavItem("directory.index", _l("Directory"), permissions.can_view_directory),
    NavItem("admin.index", _l("Administration"), permissions.can_open_administration),
    NavItem("auth.account", _l("My account"), permissions.can_use_learning),
)

ROLE_LABELS = {
    Role.WORKER: _l("Worker"),
    Role.PIVOT: _l("Pivot"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.TABLE: _l("Table"),
    Role.ADMIN: _l("Admin"),
}


def _navigation_urls() -> dict[str, str]:
    """The URL of every navigation item whose page exists, by endpoint (built once per script root: they take
    no arguments)."""
    key = ("navigation", request.script_root)
    parts = _parts()
    urls = parts.get(key)
    if urls is None:
        views = current_app.view_functions
        urls = parts[key] = {item.endpoint: url_of(item.endpoint) for item in NAVIGATION if item.endpoint in views}
    return urls


def _allowed_endpoints(urls: dict[str, str]) -> tuple[str, ...]:
    viewer = current_viewer()
    return tuple(item.endpoint for item in NAVIGATION if item.endpoint in urls and item.allowed(viewer))


def _navigation_items(allowed: tuple[str, ...], path: str, urls: dict[str, str]) -> list[dict[str, object]]:
    """The items the viewer may open, with their URL and whether it is this page's."""
    labels = {item.endpoint: item.label for item in NAVIGATION}
    return [
        {"url": urls[endpoint], "label": labels[endpoint], "current": path == urls[endpoint]} for endpoint in allowed
    ]


# -- the parts of the layout that are the same for many requests -------------------------------------------
#
# The header, the footer and the links of <head> are rendered from their templates once per what they show
# (language, signed in or not, the navigation items the viewer may open and the current one) and kept in the
# application's extensions. What differs from one request to the next (the language switch's URL, which keeps
# the query string, and the CSRF token of the sign-out form) replaces a mark in the kept text.

#: Marks replaced per request: they cannot occur in a rendered template (a NUL byte is never in our text).
_SWITCH_MARK = "\x00switch-url\x00"
_CSRF_MARK = "\x00csrf-token\x00"
#: How many variants of a part are kept before the oldest are dropped (they are rendered again when asked).
_PARTS_KEPT = 2048


def _parts() -> dict[tuple[object, ...], Any]:
    return current_app.extensions["elearning.layout"]


def _kept(key: tuple[object, ...], render: Callable[[], str]) -> str:
    parts = _parts()
    text = parts.get(key)
    if text is None:
        if len(parts) >= _PARTS_KEPT:
            parts.clear()
        text = parts[key] = render()
    return text


def site_header(switch_form: str | None = None) -> Markup:
    """The site header: brand, language switch, sign-out form (signed in), and the main navigation.

    With ``switch_form`` (the id of a form of the page, POST to this page's URL), the language switch is a
    button submitting that form to this URL in the other language, so that what was typed in it is sent along
    (the quiz: its view keeps the answers, then shows the form again)."""
    path = request.path
    script_root = request.script_root
    locale = str(get_locale() or "fr")
    signed_in = current_person() is not None
    urls = _navigation_urls()
    allowed = _allowed_endpoints(urls)
    current = next((endpoint for endpoint in allowed if urls[endpoint] == path), None)

    def render() -> str:
        return render_template(
            "layout/header.html",
            switch={**language_switch(), "url": _SWITCH_MARK, "form": switch_form},
            signed_in=signed_in,
            csrf_mark=_CSRF_MARK,
            nav=_navigation_items(allowed, path, urls),
        )

    text = _kept(("header", script_root, locale, signed_in, allowed, current, switch_form), render)
    if g.get(_KEEPING_PAGE):
        return Markup(text)  # noqa: S704 (a whole page being kept: kept_page() replaces the marks)
    return Markup(_per_request(text))  # noqa: S704 (rendered by our template; the values escaped)


def _per_request(text: str) -> str:
    """``text`` with this request's language switch URL and CSRF token in place of their marks."""
    text = text.replace(_SWITCH_MARK, str(escape(language_switch()["url"])))
    if _CSRF_MARK in text:
        text = text.replace(_CSRF_MARK, str(escape(generate_csrf())))
    return text


def csrf_token() -> str:
    """This session's CSRF token (``csrf_token()`` in templates); its mark while a page is being kept, so that
    each visitor gets their own in the kept text (never the token of whoever was served first)."""
    return _CSRF_MARK if g.get(_KEEPING_PAGE) else generate_csrf()


#: ``g`` attribute set while :func:`kept_page` renders a page to keep.
_KEEPING_PAGE = "elearning_keeping_page"


def kept_page(key: tuple[object, ...], render: Callable[[], str]) -> str:
    """A whole page for a visitor who is not signed in and has no message waiting, rendered once per ``key``
    (which must name everything the page's content depends on; the language and script root are added) and
    kept, the header's language switch and the CSRF token (``csrf_token()``) put in per request. Anyone else
    gets ``render()``."""
    if current_person() is not None or cookies.peek("_flashes"):
        return render()
    full = ("page", request.script_root, str(get_locale() or "fr"), *key)

    def render_with_marks() -> str:
        setattr(g, _KEEPING_PAGE, True)
        try:
            return render()
        finally:
            delattr(g, _KEEPING_PAGE)

    return _per_request(_kept(full, render_with_marks))


def site_footer() -> Markup:
    text = _kept(("footer", str(get_locale() or "fr")), lambda: render_template("layout/footer.html"))
    return Markup(text)  # noqa: S704 (rendered by our template)


def head_links() -> Markup:
    """The style sheets, icon and script of every page."""
    text = _kept(("head", request.script_root), lambda: render_template("layout/head.html"))
    return Markup(text)  # noqa: S704 (rendered by our template)


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
    """This request's translations, looked up once per locale (Flask-Babel looks them up again for every
    message); a block under ``force_locale`` gets its own locale's."""
    ctx = g._get_current_object()
    locale = getattr(getattr(ctx, "_flask_babel", None), "babel_locale", None)  # where Flask-Babel keeps it
    found = getattr(ctx, "_elearning_translations", None)
    if found is None or locale is None or found[0] is not locale:
        translations = flask_babel.get_translations()  # selects the locale when none is yet
        found = ctx._elearning_translations = (getattr(ctx._flask_babel, "babel_locale", None), translations)
    return found[1]


def translate(string: str, **variables: Any) -> Markup:
    """``gettext`` for markup built in Python: the message of our own catalogs as markup, its variables
    escaped (what ``_()`` gives in a template)."""
    return Markup(_translations().ugettext(string)) % variables  # noqa: S704 (our own catalogs, as Jinja does)


@pass_eval_context
def _gettext(eval_context: EvalContext, string: str, **variables: Any) -> str:
    """Jinja's new-style ``gettext`` (``_()`` in templates): translated, escaped, formatted with ``variables``."""
    if eval_context.autoescape:
        return translate(string, **variables)
    return _translations().ugettext(string) % variables


@pass_eval_context
def _pgettext(eval_context: EvalContext, context: str, string: str, **variables: Any) -> str:
    """Jinja's new-style ``pgettext``: a message whose translation depends on where it shows (one English
    "None" is « Aucune » for an organization and « Aucun » for a role)."""
    translated = _translations().upgettext(context, string)
    if eval_context.autoescape:
        return Markup(translated) % variables  # noqa: S704 (our own catalogs, as Jinja does)
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
    app.extensions["elearning.layout"] = {}
    # csrf_token: after Flask-WTF's own context processor (and global), which it replaces.
    app.context_processor(lambda: {"language": page_language(), "csrf_token": csrf_token})
    # After Flask-Babel's own (same behaviour as Jinja's new-style callables, without a lookup per message).
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        render_input=render_input,
        render_label=render_label,
        static_url=static_url,
        url_of=url_of,
        get_locale=get_locale,
        site_header=site_header,
        site_footer=site_footer,
        head_links=head_links,
        current_viewer=current_viewer,
        current_person=current_person,
        role_labels=role_labels,
        status_label=lambda status: MODULE_STATUS_LABELS[ModuleStatus(status)],
        format_date=format_day,
        certificate_code=display_code,
        format_datetime=format_moment,
        format_percent=format_percent,
        format_month=format_month,
    )


#: Business dates already formatted, by (locale, day): a page shows the same few dates on every request.
_days: dict[tuple[str, dt.date], str] = {}


def format_day(day: dt.date | None) -> str:
    """A business date: « 1er décembre 2026 », « 29 novembre 2026 » / "December 1, 2026" (formatted once per
    locale and day). The one date formatter of pages, PDFs and messages."""
    if day is None:
        return ""
    locale = str(get_locale() or "fr")
    key = (locale, day)
    text = _days.get(key)
    if text is None:
        if len(_days) > 8192:
            _days.clear()
        text = _days[key] = _long_date(day, locale)
    return text


def format_month(day: dt.date) -> str:
    """The month of a month-end date: « novembre 2026 » / "November 2026"; a day that is not its month's last
    is written in full (the trend's last point, the report's own day)."""
    if (day + dt.timedelta(days=1)).month == day.month:
        return format_day(day)
    return flask_babel.format_date(day, "MMMM y")


def format_percent(value: float | None) -> str:
    """A share as a whole percentage: « 75 % » (a non-breaking space before the sign, as French writes it) /
    "75%"; empty for None. The one percentage formatter of pages, exports and PDFs."""
    if value is None:
        return ""
    number = int(value * 100 + 0.5)
    return f"{number}\u00a0%" if str(get_locale() or "fr").startswith("fr") else f"{number}%"


def format_time(moment: dt.datetime) -> str:
    """A time of day in the configured time zone: « 15 h 02 » / "3:02 PM" (non-breaking spaces inside)."""
    return _clock_time(flask_babel.to_user_timezone(moment))


def format_moment(moment: dt.datetime | None) -> str:
    """A timestamp in the configured time zone: « 1er décembre 2026 à 15 h 02 » / "December 1, 2026, 3:02 PM".
    The one date-and-time formatter of pages, PDFs and messages."""
    if moment is None:
        return ""
    local = flask_babel.to_user_timezone(moment)
    separator = " à " if str(get_locale() or "fr").startswith("fr") else ", "
    return f"{format_day(local.date())}{separator}{_clock_time(local)}"


def _clock_time(local: dt.datetime) -> str:
    if str(get_locale() or "fr").startswith("fr"):
        return f"{local.hour}\u00a0h\u00a0{local.minute:02d}"
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}\u00a0{'AM' if local.hour < 12 else 'PM'}"


def _long_date(day: dt.date, locale: str) -> str:
    if locale.startswith("fr"):
        # French writes the first of the month as an ordinal: « 1er décembre 2026 », « 2 décembre 2026 ».
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {flask_babel.format_date(day, 'MMMM y')}"
    return flask_babel.format_date(day, "long")
