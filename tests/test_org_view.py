"""The organization view ``/org`` and its forms: a scripted organization whose figures equal the one coverage
computation's, its teams and pivots flagged, designation and withdrawal (the pivot track follows, the figures
count it the same day, history answers before and after), team management with its audit events and kept
history, exports, access for each role, refused inputs that change nothing, and the statement count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning import clock as clocks
from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Organization, PivotDesignation, Team, TeamMembership, Track, TrackAssignment
from elearning.services import history, revisions
from elearning.services.people.accounts import get_person
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import coverage, kept
from elearning.services.reports.organization_view import organization_view
from tests.conftest import RowCounter
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team
from tests.test_batch_reads import PLAIN_MODULE, QUIZ_MODULE, complete, ref_of
from tests.web import csrf_token, signed_in_client

COORDINATOR = "cora.coord@example.org"
OTHER_COORDINATOR = "otto.coord@example.org"
TABLE = "tina.table@example.org"
ADMIN = "adam.admin@example.org"
CERTIFIED, EXPIRED, NEVER = "paula@example.org", "eric@example.org", "nadia@example.org"
WORKER, MOVER = "will@example.org", "maya@example.org"


@pytest.fixture(autouse=True)
def _nothing_kept() -> Any:
    kept.clear()
    yield
    kept.clear()


@pytest.fixture
def scripted(app: Flask, content_root: Path, clock: FrozenClock) -> dict[str, int]:
    """Organization ORG (target 4): Paula, pivot of team Alpha, certified 100 days ago; Eric, pivot of Alpha,
    certified 25 months ago (the pivot certificate lasts 24: expired); Nadia, pivot never certified and in no
    team; Will (Alpha) and Maya (Beta) workers; team Beta has no pivot. Another organization OTH with its own
    coordinator and pivot."""
    with app.app_context():
        org = make_org("ORG", target=4)
        other = make_org("OTH", target=1)
        alpha, beta = make_team(org, "Alpha"), make_team(org, "Beta")
        clock.advance(days=-(25 * 31))
        eric = make_person(email=EXPIRED, name="Eric Expiré", org=org, roles=("pivot",), start_on=clocks.today())
        complete(eric, [ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)])
        clock.advance(days=25 * 31 - 100)
        paula = make_person(email=CERTIFIED, name="Paula Pivot", org=org, roles=("pivot",), start_on=clocks.today())
        complete(paula, [ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)])
        clock.advance(days=90)
        nadia = make_person(email=NEVER, name="Nadia Nouvelle", org=org, roles=("pivot",), start_on=clocks.today())
        will = make_person(email=WORKER, name="Will Worker", org=org, start_on=clocks.today())
        maya = make_person(email=MOVER, name="Maya Mobile", org=org, start_on=clocks.today())
        make_person(email=COORDINATOR, name="Cora Coord", org=org, roles=("coordinator",))
        make_person(email=OTHER_COORDINATOR, name="Otto Coord", org=other, roles=("coordinator",))
        make_person(email="oscar@example.org", name="Oscar Autre", org=other, roles=("pivot",))
        make_person(email=TABLE, name="Tina Table", roles=("table",))
        make_person(email=ADMIN, name="Adam Admin", roles=("admin",))
        for person, team, role in ((paula, alpha, "pivot"), (eric, alpha, "pivot"), (will, alpha, "member")):
            add_member(team, person, role, start_on=clocks.today())
        add_member(beta, maya, start_on=clocks.today())
        db.session.commit()
        ids = {"org": org.id, "alpha": alpha.id, "beta": beta.id, "nadia": nadia.id, "will": will.id, "maya": maya.id}
        ids.update(paula=paula.id, eric=eric.id)
    clock.advance(days=10)
    return ids


def _client(app: Flask, email: str = COORDINATOR) -> FlaskClient:
    return signed_in_client(app, email, PASSWORD)


def _post(client: FlaskClient, path: str, **data: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf_token(client, "/org"), **data})


def _view(app: Flask, email: str = COORDINATOR, code: str | None = None) -> Any:
    with app.test_request_context():
        viewer = load_viewer(get_person(email).id, clocks.today())
        return organization_view(viewer, code, "fr")


def _audit(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_figures_are_the_coverage_computations(app: Flask, scripted: dict[str, int]) -> None:
    view = _view(app)
    with app.app_context():
        today = clocks.today()
        expected = coverage.compute([coverage.moment_of(today, today)], scripted["org"])[today][0]
    assert view.figures == expected
    assert (expected.designated, expected.certified, expected.expired, expected.target) == (3, 1, 1, 4)
    assert expected.not_certified == 1
    statuses = {pivot.standing.full_name: pivot.standing.status for pivot in view.pivots}
    assert statuses == {"Eric Expiré": "expired", "Nadia Nouvelle": "not_certified", "Paula Pivot": "certified"}
    html = _client(app).get("/org").get_data(as_text=True)
    assert "1 / 4" in html and "25\u00a0%" in html


def test_teams_without_pivot_and_pivots_without_team_are_flagged(
    app: Flask, scripted: dict[str, int], clock: FrozenClock
) -> None:
    view = _view(app)
    assert [team.name for team in view.teams_without_pivot] == ["Beta"]
    assert [pivot.standing.full_name for pivot in view.pivots_without_team] == ["Nadia Nouvelle"]
    alpha = next(team for team in view.teams if team.name == "Alpha")
    assert [p.full_name for p in alpha.pivots] == ["Eric Expiré", "Paula Pivot"]
    assert [p.full_name for p in alpha.members] == ["Will Worker"]
    paula = next(pivot for pivot in view.pivots if pivot.standing.full_name == "Paula Pivot")
    assert paula.designated_on == clock.today() - dt.timedelta(days=100)
    html = _client(app).get("/org").get_data(as_text=True)
    attention = html[html.index('id="attention-title"') : html.index('id="pivots"')]
    assert "Beta" in attention and "Nadia Nouvelle" in attention


def test_members_show_core_training_and_what_is_overdue(
    app: Flask, scripted: dict[str, int], clock: FrozenClock
) -> None:
    clock.advance(days=60)  # the core track is due 60 days after Will and Maya joined (10 days ago)
    view = _view(app)
    will = next(member for member in view.members if member.standing.full_name == "Will Worker")
    assert (will.core_done, will.core_total) == (0, 2)
    assert [item.track.slug for item in will.overdue] == ["formation-de-base"]
    paula = next(member for member in view.members if member.standing.full_name == "Paula Pivot")
    assert paula.core_certified and not paula.overdue
    assert {member.standing.full_name for member in view.overdue_members} >= {"Will Worker", "Maya Mobile"}


def _pivot_track(app: Flask) -> int:
    with app.app_context():
        track_id = db.session.scalar(sa.select(Track.id).where(Track.slug == "certification-pivot"))
        assert track_id is not None
        return track_id


def test_a_designation_assigns_the_pivot_track_and_counts_the_same_day(app: Flask, scripted: dict[str, int]) -> None:
    client = _client(app)
    response = _post(client, "/org/pivots", org="ORG", person=str(scripted["will"]))
    assert response.status_code == 303
    assert "Will Worker" in client.get(response.location).get_data(as_text=True)
    view = _view(app)
    assert view.figures.designated == 4 and view.figures.not_certified == 2
    with app.app_context():
        assignment = db.session.scalar(
            sa.select(TrackAssignment).where(
                TrackAssignment.person_id == scripted["will"], TrackAssignment.track_id == _pivot_track(app)
            )
        )
        assert assignment is not None and assignment.assigned_on == clocks.today() and assignment.ended_on is None
    (event,) = _audit(app, "pivot.designated")
    assert event.subject_person_id == scripted["will"] and event.object_id == "ORG"


def test_a_withdrawal_ends_the_designation_and_its_track_and_history_answers_both_days(
    app: Flask, scripted: dict[str, int], clock: FrozenClock
) -> None:
    with app.app_context():
        before = clocks.today()
    clock.advance(days=1)
    client = _client(app)
    confirm = client.get(f"/org/pivots/{scripted['paula']}/withdraw")
    assert confirm.status_code == 200 and "Paula Pivot" in confirm.get_data(as_text=True)
    response = _post(client, f"/org/pivots/{scripted['paula']}/withdraw", org="ORG", confirmed="yes")
    assert response.status_code == 303
    view = _view(app)
    assert view.figures.designated == 2 and view.figures.certified == 0
    with app.app_context():
        today = clocks.today()
        assert scripted["paula"] in history.designated_pivots_of(scripted["org"], before)
        assert scripted["paula"] not in history.designated_pivots_of(scripted["org"], today)
        assignment = db.session.scalar(
            sa.select(TrackAssignment).where(
                TrackAssignment.person_id == scripted["paula"], TrackAssignment.track_id == _pivot_track(app)
            )
        )
        assert assignment is not None and assignment.ended_on == today
        # Her pivot role in Alpha became a plain membership today.
        rows = db.session.execute(
            sa.select(TeamMembership.role, TeamMembership.start_on, TeamMembership.end_on)
            .where(TeamMembership.person_id == scripted["paula"], TeamMembership.team_id == scripted["alpha"])
            .order_by(TeamMembership.id)
        ).all()
        assert [(role, end) for role, _start, end in rows] == [("pivot", today), ("member", None)]
    (event,) = _audit(app, "pivot.withdrawn")
    assert event.subject_person_id == scripted["paula"]


def test_team_moves_keep_history(app: Flask, scripted: dict[str, int], clock: FrozenClock) -> None:
    with app.app_context():
        before = clocks.today()
    clock.advance(days=1)
    client = _client(app)
    response = _post(client, f"/org/teams/{scripted['alpha']}/members", person=str(scripted["maya"]))
    assert response.status_code == 303
    with app.app_context():
        today = clocks.today()
        assert [team.name for team, _role in history.teams_of(scripted["maya"], before)] == ["Beta"]
        assert [team.name for team, _role in history.teams_of(scripted["maya"], today)] == ["Alpha"]
    (event,) = _audit(app, "team.member_moved")
    assert event.details["from"] == [scripted["beta"]]
    view = _view(app)
    assert [p.full_name for p in next(t for t in view.teams if t.name == "Beta").members] == []


def test_each_team_action_is_audited(app: Flask, scripted: dict[str, int]) -> None:
    client = _client(app)
    created = _post(client, "/org/teams", org="ORG", name="  Gamma   nuit ")
    assert created.status_code == 303
    with app.app_context():
        gamma = db.session.scalar(sa.select(Team).where(Team.name == "Gamma nuit"))
        assert gamma is not None
        gamma_id = gamma.id
    assert client.get(f"/org/teams/{gamma_id}").status_code == 200
    assert _post(client, f"/org/teams/{gamma_id}/rename", name="Gamma").status_code == 303
    assert _post(client, f"/org/teams/{gamma_id}/pivots", person=str(scripted["nadia"])).status_code == 303
    assert _post(client, f"/org/teams/{gamma_id}/members", person=str(scripted["will"])).status_code == 303
    assert _post(client, f"/org/teams/{gamma_id}/remove", person=str(scripted["will"])).status_code == 303
    assert client.get(f"/org/teams/{gamma_id}/archive").status_code == 200
    assert _post(client, f"/org/teams/{gamma_id}/archive", confirmed="yes").status_code == 303
    for action in (
        "team.created",
        "team.renamed",
        "team.pivot_named",
        "team.member_moved",
        "team.member_removed",
        "team.archived",
    ):
        events = [event for event in _audit(app, action) if event.object_id == str(gamma_id)]
        assert len(events) == 1, action
    with app.app_context():
        team = db.session.get(Team, gamma_id)
        assert team is not None and team.name == "Gamma" and team.archived_at is not None
        open_rows = db.session.scalar(
            sa.select(sa.func.count()).where(TeamMembership.team_id == gamma_id, TeamMembership.end_on.is_(None))
        )
        assert open_rows == 0
    # Nadia was the team's pivot until the archive: she has no team again.
    assert [p.standing.full_name for p in _view(app).pivots_without_team] == ["Nadia Nouvelle"]
    assert client.get(f"/org/teams/{gamma_id}").status_code == 404


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("path", "data", "status", "message"),
    [
        ("/org/pivots", {"org": "ORG", "person": "999999"}, 400, "Choose a member of ORG."),
        ("/org/pivots", {"org": "ORG", "person": "abc"}, 400, "Choose a member of ORG."),
        ("/org/pivots", {"org": "ORG", "person": "{paula}"}, 409, "Paula Pivot is already a pivot of ORG."),
        ("/org/teams", {"org": "ORG", "name": "   "}, 400, "A team name of 1 to 120 characters is required."),
        ("/org/teams", {"org": "ORG", "name": "Alpha"}, 409, "The team Alpha already exists in ORG."),
        ("/org/teams/{alpha}/rename", {"name": "Beta"}, 409, "The team Beta already exists in ORG."),
        ("/org/teams/{alpha}/pivots", {"person": "{will}"}, 400, "Will Worker is not a pivot of ORG"),
        ("/org/teams/{alpha}/members", {"person": "{will}"}, 409, "Will Worker already belongs to the team."),
        ("/org/teams/{beta}/remove", {"person": "{will}"}, 400, "This person does not belong to the team."),
        ("/org/pivots/{paula}/withdraw", {"org": "ORG"}, 400, "Confirm this action from its confirmation page."),
        ("/org/teams/{beta}/archive", {}, 400, "Confirm this action from its confirmation page."),
    ],
)
def test_a_refused_input_shows_its_message_and_changes_nothing(
    app: Flask, scripted: dict[str, int], path: str, data: dict[str, str], status: int, message: str
) -> None:
    client = _client(app)
    counts = [_count(app, model) for model in (PivotDesignation, Team, TeamMembership, AuditEvent, TrackAssignment)]
    client.get("/?lang=en")
    response = _post(client, path.format(**scripted), **{key: value.format(**scripted) for key, value in data.items()})
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:300]
    assert message in html.replace("&#39;", "'"), html
    after = [_count(app, model) for model in (PivotDesignation, Team, TeamMembership, AuditEvent, TrackAssignment)]
    assert after == counts


@pytest.mark.parametrize(
    ("email", "statuses"),
    [
        # GET /org?org=ORG, GET team page, POST designate
        (WORKER, (404, 404, 404)),
        (CERTIFIED, (404, 404, 404)),  # a pivot has no organization view
        (OTHER_COORDINATOR, (404, 404, 404)),
        (TABLE, (200, 200, 403)),  # the Table reads every organization, and manages none
        (ADMIN, (200, 200, 303)),
        (COORDINATOR, (200, 200, 303)),
    ],
)
def test_who_may_read_and_manage(app: Flask, scripted: dict[str, int], email: str, statuses: tuple[int, ...]) -> None:
    client = _client(app, email)
    got = (
        client.get("/org?org=ORG").status_code,
        client.get(f"/org/teams/{scripted['alpha']}").status_code,
        client.post(
            "/org/pivots",
            data={"csrf_token": csrf_token(client, "/"), "org": "ORG", "person": str(scripted["maya"])},
        ).status_code,
    )
    assert got == statuses


def test_the_table_picks_any_organization(app: Flask, scripted: dict[str, int]) -> None:
    client = _client(app, TABLE)
    html = client.get("/org?org=OTH").get_data(as_text=True)
    assert 'id="org-picker"' in html and "Oscar Autre" in html
    assert "Designate a pivot" not in html and "Désigner un pivot" not in html
    assert client.get("/org?org=NOPE").status_code == 404


ROW = re.compile(r'<th scope="row">([^<]+?)(?: <span class="meta">|</th>)')


def test_the_exports_hold_the_pages_members_and_are_audited(app: Flask, scripted: dict[str, int]) -> None:
    client = _client(app)
    page = ROW.findall(client.get("/org?lang=en").get_data(as_text=True))
    data = client.get("/org.csv").data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [name.strip() for name in page]
    paula = next(row for row in rows if row[0] == "Paula Pivot")
    assert paula[1:4] == [CERTIFIED, "Alpha", "yes"] and paula[5] == "Certified"
    nadia = next(row for row in rows if row[0] == "Nadia Nouvelle")
    assert nadia[2:4] == ["", "yes"] and nadia[5] == "Not certified"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/org.xlsx").data))
    sheet_rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert [row[0] for row in sheet_rows[1:]] == [row[0] for row in rows[1:]]
    events = _audit(app, "organization.exported")
    assert [event.details["format"] for event in events] == ["csv", "xlsx"]
    assert all(event.object_id == "ORG" and event.details["people"] for event in events)


def _grow(app: Flask, org_id: int, team_id: int, count: int) -> None:
    with app.app_context():
        org = db.session.get(Organization, org_id)
        team = db.session.get(Team, team_id)
        for n in range(count):
            person = make_person(email=f"grow{count}-{n}@example.org", name=f"Grow {n:03}", org=org)
            add_member(team, person)
        db.session.commit()


def test_the_page_costs_the_same_whatever_the_size(app: Flask, scripted: dict[str, int]) -> None:
    client = _client(app)
    client.get("/org")  # warm the session's and the catalog's caches

    def measure() -> tuple[int, int]:
        kept.clear()
        revisions.clear()
        counter = RowCounter()
        sa.event.listen(sa.Engine, "before_cursor_execute", counter)
        try:
            assert client.get("/org").status_code == 200
        finally:
            sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        return len(counter.sent), counter.most_rows(app)

    small, _rows = measure()
    _grow(app, scripted["org"], scripted["beta"], 40)
    large, most = measure()
    assert small == large
    assert most <= 2 * 48  # the organization's 48 members (each with a row per track at most), never more


def test_the_members_standings_are_kept_between_readings(app: Flask, scripted: dict[str, int]) -> None:
    """The members' standings (the team matrix's) are kept under the revisions read along: a second reading asks
    the figures and the people again, not their progress."""
    client = _client(app)
    kept.clear()
    revisions.clear()

    def statements() -> list[str]:
        counter = RowCounter()
        sa.event.listen(sa.Engine, "before_cursor_execute", counter)
        try:
            assert client.get("/org").status_code == 200
        finally:
            sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        return [statement for statement, _parameters in counter.sent]

    first, second = statements(), statements()
    assert any("track_assignments" in statement for statement in first)
    assert not any("track_assignments" in statement for statement in second)
    assert len(second) < len(first)
