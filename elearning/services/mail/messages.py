"""Messages rendered from ``templates/mail/``, in the recipient's language, with absolute links.

A message ``NAME`` is two templates: ``mail/NAME.txt`` (extends ``mail/base.txt``) and ``mail/NAME.html``
(extends ``mail/base.html``). The text template's ``subject`` block is the subject. Both see ``language``,
``base_url`` and ``link(endpoint, **values)`` (an absolute link from ``PUBLIC_BASE_URL`` that opens the page in
the recipient's language) besides the caller's context. A message carries nothing the recipient could not
already see on the site.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from jinja2 import Template

from elearning.roles import LANGUAGES


class RenderedMessage(NamedTuple):
    subject: str
    text: str
    html: str


def absolute_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` on the public site (``PUBLIC_BASE_URL``, with its path prefix if
    any), never from a request's ``Host`` header; works outside a request (the command line)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _block(template: Template, name: str, context: dict[str, Any]) -> str:
    return "".join(template.blocks[name](template.new_context(context))).strip()


def render_message(template_name: str, language: str, **context: Any) -> RenderedMessage:
    """Render ``mail/<template_name>.txt`` and ``.html`` in ``language``: the subject, the text and the HTML."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    env = current_app.jinja_env
    text_template = env.get_template(f"mail/{template_name}.txt")
    html_template = env.get_template(f"mail/{template_name}.html")
    with force_locale(language):

        def link(endpoint: str, **values: Any) -> str:
            return absolute_url(endpoint, lang=language, **values)

        values = {
            **context,
            "language": language,
            "base_url": current_app.config["PUBLIC_BASE_URL"],
            "link": link,
        }
        subject = " ".join(_block(text_template, "subject", values).split())
        text = text_template.render(values | {"subject": subject}).strip() + "\n"
        html = html_template.render(values | {"subject": subject}).strip() + "\n"
    return RenderedMessage(subject, text, html)
