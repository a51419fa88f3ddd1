"""The people of the reminder and digest tests: organization ORG-R's team "Équipe Rappels" with its pivot Paule
Pivot, two members overdue on the core track (Lucie Retard, French; Larry Late, English) and one just assigned
(Frédéric Neuf); ORG-R's coordinator; ORG-S's team "Équipe Ailleurs" with its pivot Simon Pivot and one member
just assigned (nothing overdue there); a Table member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from tests.content.helpers import VALID
from tests.factories import add_member, load_content, make_org, make_person, make_team


@dataclass(frozen=True)
class Crew:
    team_id: int
    other_team_id: int
    pivot: str
    late: int  # overdue on the core track (assigned 70 days ago, 60 days to finish)
    late_en: int  # overdue too, reads English
    fresh: int  # assigned today: due in 60 days
    ids: dict[str, int]


def build_crew(app: Flask, clock: FrozenClock) -> Crew:
    today = clock.today()
    with app.app_context():
        load_content(VALID)
        org = make_org("ORG-R")
        other = make_org("ORG-S")
        team = make_team(org, "Équipe Rappels")
        other_team = make_team(other, "Équipe Ailleurs")
        pivot = make_person(email="pivot@r.example.org", name="Paule Pivot", org=org, roles=("pivot",))
        add_member(team, pivot, "pivot")
        people = {}
        for key, name, language, start in (
            ("late", "Lucie Retard", "fr", today - dt.timedelta(days=70)),
            ("late_en", "Larry Late", "en", today - dt.timedelta(days=70)),
            ("fresh", "Frédéric Neuf", "fr", today),
        ):
            person = make_person(email=f"{key}@r.example.org", name=name, org=org, language=language, start_on=start)
            add_member(team, person, start_on=start)
            people[key] = person.id
        stranger = make_person(email="stranger@s.example.org", org=other)
        add_member(other_team, stranger)
        people["stranger"] = stranger.id
        people["pivot"] = pivot.id
        make_person(email="table@r.example.org", org=None, roles=("table",))
        coordinator = make_person(
            email="coord@r.example.org", name="Claire Coordination", org=org, roles=("coordinator",), language="en"
        )
        people["coordinator"] = coordinator.id
        other_pivot = make_person(email="pivot@s.example.org", name="Simon Pivot", org=other, roles=("pivot",))
        add_member(other_team, other_pivot, "pivot")
        people["other_pivot"] = other_pivot.id
        db.session.commit()
        return Crew(
            team.id, other_team.id, "pivot@r.example.org", people["late"], people["late_en"], people["fresh"], people
        )
