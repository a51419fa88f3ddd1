"""Reminders from the team page, ``/team/reminders?team=<id>``: every member with what they have due and what the
7-day rule holds back; the form sends to the members chosen, or to everyone overdue, and the answer says who was
reminded of what and who was skipped and why."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from elearning.services.errors import Invalid
from elearning.services.notices import reminders
from elearning.services.reports import team
from elearning.web.team.views import blueprint
from elearning.web.visitors import current_viewer

#: The most member ids one form may name (a team is far smaller).
MAX_CHOSEN = 1000


def _team_id() -> int:
    team.require_team_page(current_viewer())  # before the team is read: without a team page, a 404, never a 400
    value = request.args.get("team", "")
    if not value.isdigit() or len(value) > 12:
        raise Invalid(reminders.TEAM_REQUIRED, field="team")
    return int(value)


def _chosen(values: list[str]) -> list[int]:
    if len(values) > MAX_CHOSEN or not all(value.isdigit() and len(value) <= 12 for value in values):
        raise Invalid(reminders.BAD_CHOICE, field="person")
    return [int(value) for value in values]


def _page(
    outcome: reminders.Outcome | None = None, *, chosen: set[int] | None = None, error: str | None = None
) -> tuple[str, int]:
    view = reminders.team_reminders(current_viewer(), _team_id())
    if chosen is None:
        chosen = set(_chosen(request.args.getlist("person")))
        if request.args.get("overdue") == "1":
            chosen |= {item.person_id for item in view.overdue}
    page = render_template(
        "team/reminders.html", view=view, outcome=outcome, chosen=chosen, error=error, wait_days=reminders.WAIT_DAYS
    )
    return page, 400 if error else 200


@blueprint.get("/team/reminders")
@login_required
def reminders_page() -> tuple[str, int]:
    return _page()


@blueprint.post("/team/reminders")
@login_required
def send_reminders() -> tuple[str, int]:
    team_id = _team_id()
    everyone_overdue = request.form.get("action") == "overdue"
    chosen = [] if everyone_overdue else _chosen(request.form.getlist("person"))
    try:
        outcome = reminders.send_team_reminders(current_viewer(), team_id, chosen, everyone_overdue=everyone_overdue)
    except Invalid as exc:
        return _page(chosen=set(chosen), error=str(exc))
    return _page(outcome, chosen=set())
