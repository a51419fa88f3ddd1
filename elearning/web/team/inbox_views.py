"""The questions inbox ``/team/inbox``: the questions of the pivot's teams (the coordinator's organization, every
organization for the Table), unanswered first, the answer forms and the Table's hide forms; the module changes
pivots are shown beside them (:mod:`elearning.services.reports.module_changes`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock
from elearning.extensions import db
from elearning.permissions import Viewer
from elearning.services.errors import Invalid
from elearning.services.learning import question_inbox, questions
from elearning.services.reports import module_changes
from elearning.web.team.views import blueprint
from elearning.web.visitors import current_viewer


def _after() -> int | None:
    value = request.args.get("after", "")
    return int(value) if value.isdigit() else None


def _changes(viewer: Viewer) -> module_changes.ModuleChanges | None:
    return module_changes.changes_for(viewer, clock.today())


def _page(
    *, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    viewer = current_viewer()
    box = question_inbox.inbox(viewer, clock.today(), after=_after())
    page = render_template(
        "team/inbox.html",
        inbox=box,
        changes=_changes(viewer),
        errors=errors or {},
        typed=typed or {},
        max_length=questions.MAX_QUESTION_LENGTH,
        max_reason=questions.MAX_HIDE_REASON_LENGTH,
    )
    return page, status


@blueprint.get("/team/inbox")
@login_required
def inbox() -> tuple[str, int]:
    return _page()


def _back(anchor: str) -> Response:
    return redirect(url_for("team.inbox", after=_after(), _anchor=anchor), 303)


def _refused(key: str, exc: Invalid, typed: str) -> tuple[str, int]:
    db.session.rollback()
    return _page(errors={key: str(exc.message)}, typed={key: typed}, status=400)


@blueprint.post("/team/inbox/<int:question_id>/answer")
@login_required
def answer(question_id: int) -> Response | tuple[str, int]:
    typed = request.form.get("body", "")
    try:
        questions.answer(current_viewer(), question_id, typed)
    except Invalid as exc:
        return _refused(f"answer-{question_id}", exc, typed)
    flash(_("Your answer was sent: the person who asked will see it under the section."), "success")
    return _back(f"question-{question_id}")


@blueprint.post("/team/inbox/<int:question_id>/hide")
@login_required
def hide_question(question_id: int) -> Response | tuple[str, int]:
    reason = request.form.get("reason", "")
    try:
        questions.hide_question(current_viewer(), question_id, reason, confirmed=request.form.get("confirm") == "yes")
    except Invalid as exc:
        return _refused(f"hide-question-{question_id}", exc, reason)
    flash(_("The question is hidden."), "success")
    return _back(f"question-{question_id}")


@blueprint.post("/team/inbox/answers/<int:answer_id>/hide")
@login_required
def hide_answer(answer_id: int) -> Response | tuple[str, int]:
    reason = request.form.get("reason", "")
    try:
        hidden = questions.hide_answer(
            current_viewer(), answer_id, reason, confirmed=request.form.get("confirm") == "yes"
        )
    except Invalid as exc:
        return _refused(f"hide-answer-{answer_id}", exc, reason)
    flash(_("The answer is hidden."), "success")
    return _back(f"question-{hidden.question_id}")
