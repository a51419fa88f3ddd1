"""The audit log for an Admin, ``/admin/audit``: every event newest first, filtered by who acted (or the system),
whom it is about, the action and a period; keyset pages that cost the same whichever page; exports through the
export writer, themselves audited; no route changes an event; refused filters are 400s naming the field."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent
from elearning.services.audit import record
from tests.factories import PASSWORD, make_org, make_person
from tests.web import signed_in_client, visible_texts

ADMIN = "admin@audit.example.org"


@pytest.fixture
def events(app: Flask, clock: FrozenClock) -> dict[str, int]:
    """An Admin, two people, and 120 events over three days (the people's creation events among them)."""
    with app.app_context():
        org = make_org("AUD")
        admin = make_person(email=ADMIN, name="Ada Admin", roles=("admin",), org=None)
        alice = make_person(email="alice@audit.example.org", name="Alice Audit", org=org)
        bob = make_person(email="bob@audit.example.org", name="Bob Audit", org=org)
        db.session.commit()
        start = clock.now()
        for day in range(3):
            clock.set(start - dt.timedelta(days=2 - day))
            for n in range(40):
                subject = alice if n % 2 else bob
                record("team.member_viewed", actor=admin, subject=subject, details={"n": n, "day": day})
        clock.set(start)
        db.session.commit()
        return {"admin": admin.id, "alice": alice.id, "bob": bob.id}


def _texts(response: Any) -> str:
    return " ".join(visible_texts(response.get_data(as_text=True)))


def test_the_admin_reads_the_newest_events_first_and_pages_by_keyset(
    app: Flask, events: dict[str, int], count_queries: Callable[[], Any]
) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    first = client.get("/admin/audit?lang=en")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert page.count("<tr>") == 51  # the header row and 50 events
    assert "auth.signed_in" in page  # the newest: the Admin's own sign-in
    link = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "after=" in link
    counts = []
    for path in ("/admin/audit", link):
        client.get(path)  # warm (the session's own bookkeeping)
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
    with app.app_context():
        oldest_shown = int(link.split("after=")[1].split("&")[0])
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.id >= oldest_shown)) == 50


def test_filters_narrow_by_actor_subject_action_and_period(
    app: Flask, events: dict[str, int], clock: FrozenClock
) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    today = clock.today()
    about_alice = _texts(client.get("/admin/audit?lang=en&subject=ALICE@audit.example.org&action=team.member_viewed"))
    assert about_alice.count("Alice Audit") == 50 and "Bob Audit" not in about_alice
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    response = client.get(f"/admin/audit.csv?action=team.member_viewed&from={yesterday}&to={yesterday}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 41 and all("day: 1" in row[7] for row in rows[1:])
    system = _texts(client.get("/admin/audit?lang=en&actor=system"))
    assert "person.created" in system and "Ada Admin" not in system.split("Events")[1]
    with app.app_context():
        exported = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.exported"))
        assert exported is not None and exported.details["rows"] == 40 and exported.details["format"] == "csv"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("actor=not-an-address", "Who acted"),
        ("subject=system", "About whom"),
        ("action=DROP%20TABLE", "Action"),
        ("from=2026-13-01", "From"),
        ("from=2026-03-10&to=2026-03-01", "Until"),
        ("after=abc", "Page"),
    ],
)
def test_a_refused_filter_is_a_400_naming_its_field(app: Flask, events: dict[str, int], query: str, field: str) -> None:
    response = signed_in_client(app, ADMIN, PASSWORD).get(f"/admin/audit?lang=en&{query}")
    assert response.status_code == 400
    assert f"{field}:" in _texts(response)


def test_nothing_changes_an_event(app: Flask, events: dict[str, int]) -> None:
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert rules and all(rule.methods is not None and rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)
    client = signed_in_client(app, ADMIN, PASSWORD)
    assert client.post("/admin/audit").status_code == 405
    assert client.delete("/admin/audit").status_code == 405


def test_the_xlsx_export_holds_the_rows(app: Flask, events: dict[str, int]) -> None:
    response = signed_in_client(app, ADMIN, PASSWORD).get("/admin/audit.xlsx?action=team.member_viewed")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert response.headers["Cache-Control"] == "no-store"
