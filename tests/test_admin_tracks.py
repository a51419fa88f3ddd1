"""Tracks under ``/admin/tracks``: what the content defines and who is assigned today, and one person's due date
extended by an Admin, recorded with its reason; refused extensions change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Track, TrackAssignment
from tests.content.helpers import VALID
from tests.factories import PASSWORD, load_content, make_org, make_person
from tests.web import csrf_token, signed_in_client, visible_texts

ADMIN = "admin@tracks.example.org"


@pytest.fixture
def assigned(app: Flask) -> int:
    with app.app_context():
        load_content(VALID)
        org = make_org("TRK")
        make_person(email=ADMIN, roles=("admin",), org=None)
        person = make_person(email="lea@trk.example.org", name="Léa Lapointe", org=org)
        db.session.commit()
        assignment = db.session.scalar(
            sa.select(TrackAssignment.id)
            .join(Track, Track.id == TrackAssignment.track_id)
            .where(TrackAssignment.person_id == person.id, Track.slug == "formation-de-base")
        )
        assert assignment is not None
        return int(assignment)


def _texts(response: Any) -> str:
    return " ".join(visible_texts(response.get_data(as_text=True)))


def test_the_tracks_and_who_is_assigned(app: Flask, assigned: int) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    listing = _texts(client.get("/admin/tracks?lang=en"))
    assert "Core training" in listing and "Pivot certification" in listing and "People assigned today 1" in listing
    page = _texts(client.get("/admin/tracks/formation-de-base?lang=en"))
    assert "Léa Lapointe" in page and "lea@trk.example.org" in page
    assert client.get("/admin/tracks/nope").status_code == 404


def test_an_admin_extends_a_due_date_and_it_is_recorded(app: Flask, assigned: int, clock: FrozenClock) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    token = csrf_token(client, "/admin/tracks/formation-de-base")
    with app.app_context():
        before = db.session.get(TrackAssignment, assigned).due_on  # type: ignore[union-attr]
    later = before + dt.timedelta(days=30)
    for form, field in (
        ({"due_on": (before - dt.timedelta(days=1)).isoformat(), "reason": "Congé"}, "must come after"),
        ({"due_on": "demain", "reason": "Congé"}, "YYYY-MM-DD"),
        ({"due_on": later.isoformat(), "reason": "  "}, "Give a reason"),
        ({"due_on": (clock.today() + dt.timedelta(days=900)).isoformat(), "reason": "Congé"}, "two years"),
    ):
        refused = client.post(
            "/admin/tracks/formation-de-base/extend?lang=en",
            data={"csrf_token": token, "assignment": str(assigned), **form},
        )
        assert refused.status_code == 400 and field in refused.get_data(as_text=True)
    accepted = client.post(
        "/admin/tracks/formation-de-base/extend",
        data={
            "csrf_token": token,
            "assignment": str(assigned),
            "due_on": later.isoformat(),
            "reason": "Congé de maladie",
        },
    )
    assert accepted.status_code == 303
    with app.app_context():
        assert db.session.get(TrackAssignment, assigned).due_on == later  # type: ignore[union-attr]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "track.due_date_extended"))
        assert event is not None and event.details == {
            "from": before.isoformat(),
            "to": later.isoformat(),
            "reason": "Congé de maladie",
        }
