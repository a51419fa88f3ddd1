"""The signed-in person's dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from elearning import clock
from elearning.services.learning import questions
from elearning.services.reports.dashboard import learner_dashboard
from elearning.web.visitors import current_viewer, signed_in_person

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
@login_required
def dashboard() -> str:
    person = signed_in_person()
    return render_template(
        "main/dashboard.html",
        person=person,
        viewer=current_viewer(),
        board=learner_dashboard(person.id, clock.today()),
        answered=questions.unseen_answers(current_viewer(), person.questions_revision),
    )
