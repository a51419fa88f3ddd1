"""Asking a question on a section: ``POST /modules/<slug>/<section_slug>/questions``."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning.extensions import db
from elearning.i18n import page_language
from elearning.services.catalog import lookup
from elearning.services.errors import Invalid
from elearning.services.learning import questions
from elearning.web.learn.views import blueprint, section_page
from elearning.web.visitors import current_viewer


@blueprint.post("/modules/<slug>/<section_slug>/questions")
@login_required
def ask(slug: str, section_slug: str) -> Response | tuple[str, int]:
    ref = lookup.find_module(slug)
    typed = request.form.get("body", "")
    try:
        questions.ask(current_viewer(), ref, section_slug, typed, language=page_language())
    except Invalid as exc:
        db.session.rollback()
        return section_page(slug, section_slug, question_error=str(exc.message), typed=typed), 400
    flash(_("Your question was sent. You will find the answer here, under the section."), "success")
    return redirect(url_for("learn.section", slug=slug, section_slug=section_slug, _anchor="questions"), 303)
