"""The team matrix (``/team``) and its exports (``/team.csv``, ``/team.xlsx``): a scripted team whose statuses,
figures, filters and sorts are checked on the service and on the page, the exports equal to the page's rows,
the audit events of exports, and the query counts for 5 and 500 members."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask

from elearning import clock as clocks
from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Organization, Team
from elearning.permissions import SYSTEM
from elearning.services import revisions
from elearning.services.learning.states import ModuleStatus as S
from elearning.services.people import teams
from elearning.services.people.accounts import get_person
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import team as matrix
from tests.conftest import RowCounter
from tests.factories import PASSWORD, add_member, load_content, make_org, make_person, make_team
from tests.test_batch_reads import PLAIN_MODULE, QUIZ_MODULE, complete, content_tree, edit, read, ref_of, take_quiz
from tests.web import signed_in_client

PIVOT = "paul.pivot@example.org"
#: Members of the scripted team, by e-mail: (name, what they did).
ANNE, BRUNO, CARLA, DORA, EVE, FRED, GINA, HUGO = (
    f"{name}@example.org" for name in ("anne", "bruno", "carla", "dora", "eve", "fred", "gina", "hugo")
)
ROW = re.compile(r'<th scope="row" class="matrix-member"><a href="[^"]*">([^<]+)</a>')
CELL = re.compile(r'<a class="cell cell-(\w+)"')


@pytest.fixture
def scripted(app: Flask, content_root: Path, clock: FrozenClock) -> int:
    """A team (returns its id) scripted over time; today is the fixture's NOW.

    - Gina certified 35 months ago (core track: 36 months): her certificate expires within the renewal window;
      Hugo certified 40 months ago: expired.
    - 70 days ago (the core track is due in 60 days): Anne, Bruno, Carla, Dora, Eve and the pivot Paul join.
      Dora completes the module without a quiz; a new version of it requiring review lands the day after.
      Then Anne completes both modules (the new version) and is certified; Bruno fails the quiz three times.
    - Eve leaves the team 7 days ago; Fred joins today.
    """
    with app.app_context():
        org = make_org("EQ", name="Organisation Équipe")
        group = make_team(org, "Équipe des tests")
        clock.advance(days=-(35 * 30 + 10))
        gina = make_person(email=GINA, name="Gina Gagné", org=org, start_on=clocks.today())
        complete(gina, [ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)])
        clock.advance(days=35 * 30 + 10)
        clock.advance(days=-(40 * 30))
        hugo = make_person(email=HUGO, name="Hugo Hébert", org=org)
        complete(hugo, [ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)])
        clock.advance(days=40 * 30)
        clock.advance(days=-70)
        people = {
            email: make_person(email=email, name=name, org=org)
            for email, name in (
                (ANNE, "Anne Arsenault"),
                (BRUNO, "Bruno Bélanger"),
                (CARLA, "Carla Côté"),
                (DORA, "Dora Dion"),
                (EVE, "Ève Émond"),
            )
        }
        pivot = make_person(email=PIVOT, name="Paul Pivot", org=org, roles=("pivot",))
        for person in (*people.values(), gina, hugo):
            add_member(group, person)
        add_member(group, pivot, "pivot")
        complete(people[DORA], [ref_of(PLAIN_MODULE)])
        db.session.commit()
        team_id = group.id
    plain = content_root / "modules" / PLAIN_MODULE
    edit(plain / "membres.fr.md", "Table", "Table régionale")
    edit(plain / "module.yml", 'version: "2.1"', 'version: "2.2"')
    clock.advance(days=1)
    with app.app_context():
        load_content(content_root)
        anne, bruno = get_person(ANNE), get_person(BRUNO)
        complete(anne, [ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)])
        read(bruno, ref_of(QUIZ_MODULE))
        for _ in range(3):
            take_quiz(bruno, ref_of(QUIZ_MODULE), right=False)
        db.session.commit()
    clock.advance(days=62)
    with app.app_context():
        teams.remove_from_team(SYSTEM, db.session.get(Team, team_id), get_person(EVE))
        db.session.commit()
    clock.advance(days=7)
    with app.app_context():
        group = db.session.get(Team, team_id)
        add_member(
            group, make_person(email=FRED, name="Fred Fortin", org=db.session.get(Organization, group.organization_id))
        )
        db.session.commit()
    return team_id


def _view(app: Flask, email: str = PIVOT, **args: str) -> matrix.TeamView:
    with app.app_context():
        viewer = load_viewer(get_person(email).id, clocks.today())
        return matrix.team_view(viewer, matrix.parse_filters(args), clocks.today())


def _statuses(view: matrix.TeamView) -> dict[str, tuple[S | None, ...]]:
    (only,) = view.matrices
    return {row.full_name: tuple(cell.status for cell in row.cells) for row in only.rows}


def test_the_matrix_shows_each_members_status_and_marks(app: Flask, scripted: int) -> None:
    view = _view(app)
    (team,) = view.matrices
    assert [info.slug for info in team.columns] == [QUIZ_MODULE, PLAIN_MODULE]  # the core track's order
    # Eve left last week: not shown; Fred joined today: shown.
    assert [row.full_name for row in team.rows] == [
        "Anne Arsenault",
        "Bruno Bélanger",
        "Carla Côté",
        "Dora Dion",
        "Fred Fortin",
        "Gina Gagné",
        "Hugo Hébert",
        "Paul Pivot",
    ]
    rows = {row.full_name: row for row in team.rows}
    assert _statuses(view)["Anne Arsenault"] == (S.COMPLETED, S.COMPLETED)
    assert _statuses(view)["Bruno Bélanger"] == (S.FAILED, S.NOT_STARTED)
    assert _statuses(view)["Carla Côté"] == (S.NOT_STARTED, S.NOT_STARTED)
    assert _statuses(view)["Dora Dion"] == (S.NOT_STARTED, S.TO_REVIEW)
    assert _statuses(view)["Fred Fortin"] == (S.NOT_STARTED, S.NOT_STARTED)
    anne = rows["Anne Arsenault"]
    assert anne.cells[0].best_score == 100 and anne.cells[0].on is not None
    assert anne.tracks[0].certified_until is not None and not anne.overdue and anne.due_on is None
    bruno = rows["Bruno Bélanger"]
    assert bruno.cells[0].best_score is not None and bruno.cells[0].best_score < 100
    assert [cell.overdue for cell in bruno.cells] == [True, True] and bruno.overdue
    assert all(cell.overdue for cell in rows["Carla Côté"].cells)
    assert [cell.overdue for cell in rows["Dora Dion"].cells] == [True, True]
    assert not rows["Fred Fortin"].overdue and rows["Fred Fortin"].due_on is not None
    assert rows["Gina Gagné"].expiring and rows["Gina Gagné"].tracks[0].certified_until is not None
    assert (
        rows["Hugo Hébert"].tracks[0].expired_on is not None and rows["Hugo Hébert"].tracks[0].certified_until is None
    )
    assert rows["Paul Pivot"].role == "pivot" and {item.track.slug for item in rows["Paul Pivot"].tracks} == {
        "formation-de-base",
        "certification-pivot",
    }
    # A pivot takes the core track too (60 days) and the pivot track (90 days); Paul joined 70 days ago.
    assert [item.overdue for item in rows["Paul Pivot"].tracks] == [True, False]
    assert rows["Hugo Hébert"].overdue  # his expired certificate's renewal was due on its expiry
    # Summary: 8 members; core track complete for Anne and Gina (certified) of 7; overdue members counted.
    assert team.member_count == 8
    core = next(share for share in team.shares if share.track.slug == "formation-de-base")
    assert (core.complete, core.assigned) == (2, 8)
    assert team.overdue_count == sum(1 for row in team.rows if row.overdue)
    assert team.expiring_count == 1


@pytest.mark.parametrize(
    ("args", "names"),
    [
        ({"status": "failed"}, ["Bruno Bélanger"]),
        ({"status": "to_review"}, ["Dora Dion"]),
        ({"status": "completed"}, ["Anne Arsenault"]),
        ({"overdue": "1"}, ["Bruno Bélanger", "Carla Côté", "Dora Dion", "Hugo Hébert", "Paul Pivot"]),
        ({"expiring": "1"}, ["Gina Gagné"]),
        ({"track": "certification-pivot"}, ["Paul Pivot"]),
        ({"module": PLAIN_MODULE, "status": "to_review"}, ["Dora Dion"]),
        ({"module": QUIZ_MODULE, "status": "to_review"}, []),
        ({"overdue": "1", "status": "failed"}, ["Bruno Bélanger"]),
    ],
)
def test_each_filter_keeps_the_members_it_names(
    app: Flask, scripted: int, args: dict[str, str], names: list[str]
) -> None:
    view = _view(app, **args)
    assert [row.full_name for row in view.matrices[0].rows] == names
    assert view.matrices[0].member_count == 8  # the summary counts the whole team


def test_module_and_track_filters_narrow_the_columns(app: Flask, scripted: int) -> None:
    assert [info.slug for info in _view(app, module=PLAIN_MODULE).matrices[0].columns] == [PLAIN_MODULE]
    # The pivot track takes the same modules in its own order; the columns stay in track order.
    view = _view(app, track="certification-pivot")
    assert {info.slug for info in view.matrices[0].columns} == {QUIZ_MODULE, PLAIN_MODULE}


def test_sorting_by_progress_and_by_due_date(app: Flask, scripted: int) -> None:
    by_progress = [row.full_name for row in _view(app, sort="progress").matrices[0].rows]
    assert by_progress[-1] == "Anne Arsenault"  # everything done
    shares = [row.share for row in _view(app, sort="progress").matrices[0].rows]
    assert shares == sorted(shares)
    rows = _view(app, sort="due").matrices[0].rows
    dues = [row.due_on for row in rows if row.due_on is not None]
    assert dues == sorted(dues) and len(dues) >= 6
    assert rows[-1].due_on is None and rows[0].due_on is not None  # nothing due: last
    assert _view(app).matrices[0].rows[0].full_name == "Anne Arsenault"  # by name


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status": "nope"}, "status"),
        ({"sort": "age"}, "sort"),
        ({"overdue": "yes"}, "overdue"),
        ({"team": "abc"}, "team"),
        ({"track": "nope"}, "track"),
        ({"module": "nope"}, "module"),
    ],
)
def test_a_bad_filter_is_refused_with_a_message_naming_it(
    app: Flask, scripted: int, args: dict[str, str], field: str
) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    # Someone without a team page learns nothing from a malformed filter: the same 404 as without one.
    member = signed_in_client(app, ANNE, PASSWORD)
    for path in ("/team", "/team.csv", "/team.xlsx"):
        response = client.get(path, query_string=args)
        assert response.status_code == 400, (path, args)
        assert member.get(path, query_string=args).status_code == 404, (path, args)
    with app.app_context():
        bruno = get_person(BRUNO).id
    assert member.get(f"/team/members/{bruno}", query_string=args).status_code == 404, args
    page = client.get("/team", query_string=args).get_data(as_text=True)
    assert args[field][:4] in page or field in page or "team" in page
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "team.exported")
            )
            == 0
        )


def _page_rows(html: str) -> list[tuple[str, list[str]]]:
    """(name, cell statuses) of each matrix row of a page."""
    rows = []
    for chunk in html.split("<tr>")[2:]:
        name = ROW.search(chunk)
        if name:
            rows.append((name.group(1), CELL.findall(chunk)))
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    "args", [{}, {"overdue": "1"}, {"status": "to_review"}, {"sort": "due", "track": "formation-de-base"}]
)
def test_the_exports_hold_the_rows_the_page_shows(app: Flask, scripted: int, args: dict[str, str]) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    page = client.get("/team", query_string=args)
    assert page.status_code == 200
    shown = _page_rows(page.get_data(as_text=True))
    assert shown, "the page shows rows"
    csv_response = client.get("/team.csv", query_string=args)
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    rows = _csv_rows(csv_response.data)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Nom", "Courriel", "Équipe"]
    assert [row[0] for row in body] == [name for name, _cells in shown]
    assert all(row[2] == "Équipe des tests" for row in body)
    assert {row[1] for row in body} <= {ANNE, BRUNO, CARLA, DORA, FRED, GINA, HUGO, PIVOT}
    xlsx_response = client.get("/team.xlsx", query_string=args)
    assert xlsx_response.status_code == 200
    sheet_rows = _xlsx_rows(xlsx_response.data)
    assert [row[0] for row in sheet_rows[1:]] == [name for name, _cells in shown]
    assert sheet_rows[0][:3] == header[:3]
    # Per module shown: status, score and date.
    assert len(header) == 7 + 3 * len(_view(app, **args).matrices[0].columns)


def test_the_export_matches_the_page_cell_by_cell(app: Flask, scripted: int) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    with app.app_context():
        view = _view(app)
    body = _csv_rows(client.get("/team.csv").data)[1:]
    for row, line in zip(view.matrices[0].rows, body, strict=True):
        assert line[0] == row.full_name and line[1] == row.email
        for index, cell in enumerate(row.cells):
            status, score, day = line[7 + 3 * index : 10 + 3 * index]
            assert (score or None) == (str(cell.best_score) if cell.best_score is not None else None)
            assert (day or None) == (cell.on.isoformat() if cell.on else None)
            assert ("en retard" in status) == cell.overdue


def test_exports_are_audited_with_format_filters_and_rows(app: Flask, scripted: int) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    assert client.get("/team.csv", query_string={"overdue": "1"}).status_code == 200
    assert client.get("/team.xlsx").status_code == 200
    assert client.get("/team").status_code == 200  # viewing the matrix is not an export
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "team.exported").order_by(AuditEvent.id)
        ).all()
        pivot_id = get_person(PIVOT).id
        assert [(event.actor_id, event.details["format"], event.details["rows"]) for event in events] == [
            (pivot_id, "csv", 5),
            (pivot_id, "xlsx", 8),
        ]
        assert events[0].details["filters"] == "overdue=1" and events[0].details["teams"] == [scripted]


def test_a_formula_in_a_name_is_exported_neutralized(app: Flask, scripted: int) -> None:
    with app.app_context():
        group = db.session.get(Team, scripted)
        add_member(
            group,
            make_person(
                email="formula@example.org",
                name='=HYPERLINK("http://x")',
                org=db.session.get(Organization, group.organization_id),
            ),
        )
        db.session.commit()
    client = signed_in_client(app, PIVOT, PASSWORD)
    names = [row[0] for row in _csv_rows(client.get("/team.csv").data)[1:]]
    assert '\'=HYPERLINK("http://x")' in names and '=HYPERLINK("http://x")' not in names
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/team.xlsx").data)).active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    assert formula.value == '\'=HYPERLINK("http://x")' and formula.data_type == "s"


def test_the_page_shows_statuses_as_text_links_and_the_legend(app: Flask, scripted: int) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    html = client.get("/team", query_string={"overdue": "1"}).get_data(as_text=True)
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Légende" in html and "Aucune tentative restante" in html
    rows = dict(_page_rows(html))
    assert rows["Bruno Bélanger"] == ["failed", "not_started"]
    with app.app_context():
        bruno = get_person(BRUNO).id
    assert f'href="/team/members/{bruno}?overdue=1"' in html
    assert 'href="/team.csv?overdue=1"' in html and 'href="/team.xlsx?overdue=1"' in html
    english = client.get("/team", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Legend" in english and "No attempts left" in english and "To review" in english


# -- access ------------------------------------------------------------------------------------------------


def test_people_outside_the_team_get_404_on_every_team_url(app: Flask, scripted: int) -> None:
    with app.app_context():
        group = db.session.get(Team, scripted)
        org = db.session.get(Organization, group.organization_id)
        other_team = make_team(org, "Autre équipe")
        add_member(other_team, make_person(email="other.pivot@example.org", org=org, roles=("pivot",)), "pivot")
        other_org = make_org("AUTRE")
        make_person(email="other.coord@example.org", org=other_org, roles=("coordinator",))
        member = get_person(BRUNO).id
        db.session.commit()
    urls = [
        f"/team?team={scripted}",
        f"/team.csv?team={scripted}",
        f"/team.xlsx?team={scripted}",
        f"/team/members/{member}",
    ]
    for email in ("other.pivot@example.org", CARLA, "other.coord@example.org"):
        client = signed_in_client(app, email, PASSWORD)
        for url in urls:
            assert client.get(url).status_code == 404, (email, url)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "team.exported")
            )
            == 0
        )


# -- query counts ------------------------------------------------------------------------------------------


def _grow_team(app: Flask, team_id: int, count: int) -> None:
    """``count`` members in the team, every third with some progress."""
    with app.app_context():
        group = db.session.get(Team, team_id)
        org = db.session.get(Organization, group.organization_id)
        refs = [ref_of(QUIZ_MODULE)]
        for number in range(count):
            person = make_person(org=org, password=None, name=f"Membre {number:03d}")
            add_member(group, person)
            if number % 3 == 0:
                read(person, refs[0], 1)
        db.session.commit()


@pytest.fixture
def four_modules(app: Flask, content_root: Path, tmp_path: Path) -> None:
    with app.app_context():
        load_content(content_tree(tmp_path, 4))
        db.session.commit()


@pytest.mark.parametrize("kept", [True, False], ids=["members kept", "members read"])
@pytest.mark.parametrize("path", ["/team", "/team.csv", "/team.xlsx"])
def test_the_page_and_exports_cost_the_same_for_5_and_500_members(
    app: Flask, four_modules: None, count_queries: Callable[[], Any], path: str, kept: bool
) -> None:
    """Whether the members' standings are kept from an earlier request (:func:`revisions.memo_many`) or read
    (a new process, or every member changed), the same number of queries for 5 and for 500 members."""
    with app.app_context():
        org = make_org("GRAND")
        group = make_team(org, "Grande équipe")
        add_member(group, make_person(email=PIVOT, org=org, roles=("pivot",)), "pivot")
        db.session.commit()
        team_id = group.id
    counts, rows = {}, {}
    members = 1
    for size in (5, 500):
        _grow_team(app, team_id, size - members)
        members = size
        client = signed_in_client(app, PIVOT, PASSWORD)
        assert client.get(path).status_code == 200  # warm
        if not kept:
            revisions.clear()
        counter = RowCounter()
        with count_queries() as counted:
            sa.event.listen(sa.Engine, "before_cursor_execute", counter)
            try:
                response = client.get(path)
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        assert response.status_code == 200
        counts[size] = counted.count
        rows[size] = counter.most_rows(app)
        assert rows[size] <= size * 4, (size, rows[size])
    assert counts[5] == counts[500], counts


# -- the member detail -------------------------------------------------------------------------------------

FILTERED = {"overdue": "1", "sort": "due"}


def _member_page(client: Any, email: str, app: Flask, **args: str) -> tuple[int, str]:
    with app.app_context():
        person_id = get_person(email).id
    response = client.get(f"/team/members/{person_id}", query_string=args)
    return response.status_code, response.get_data(as_text=True)


def test_the_member_detail_shows_attempts_views_certificates_and_what_is_overdue(app: Flask, scripted: int) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    status, bruno = _member_page(client, BRUNO, app)
    assert status == 200
    # Every attempt: three failed ones, with date, score and result.
    assert bruno.count("Non réussie") == 3 and "Réussie<" not in bruno
    assert len(re.findall(r"<td>0\s%</td>", bruno)) == 4  # the best score, then each attempt
    assert "Grant one more attempt" not in bruno and "Accorder une tentative de plus" in bruno
    # Overdue: the core track was due 10 days ago (joined 70 days ago, 60 days to finish).
    assert 'id="overdue-title"' in bruno and "en retard" in bruno
    # Section views by version: Bruno read a section of the quiz module's current version.
    assert "(actuelle)" in bruno
    status, dora = _member_page(client, DORA, app)
    # Dora read the earlier version of the plain module (2.1), which the current one (2.2) asks to review.
    assert status == 200 and "<td>2.1</td>" in dora and "À revoir" in dora
    status, anne = _member_page(client, ANNE, app)
    assert "Réussie<" in anne and "Valide<" in anne and 'id="overdue-title"' not in anne
    _status, gina = _member_page(client, GINA, app)
    assert "Valide<" in gina and "expire bientôt" in gina  # within the renewal window
    _status, hugo = _member_page(client, HUGO, app)
    assert "Expirée<" in hugo
    _status, fred = _member_page(client, FRED, app)
    assert "Aucune tentative pour l’instant." in fred and "Aucune attestation pour l’instant." in fred
    assert 'id="overdue-title"' not in fred  # joined today: not due yet


def test_the_member_detail_links_back_to_the_matrix_with_its_filters(app: Flask, scripted: int) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    matrix_page = client.get("/team", query_string={"team": str(scripted), **FILTERED}).get_data(as_text=True)
    with app.app_context():
        bruno_id = get_person(BRUNO).id
    member_url = f"/team/members/{bruno_id}?team={scripted}&amp;overdue=1&amp;sort=due"
    assert f'href="{member_url}"' in matrix_page  # the cells carry the filters
    status, page = _member_page(client, BRUNO, app, team=str(scripted), **FILTERED)
    assert status == 200
    assert f'<a href="/team?team={scripted}&amp;overdue=1&amp;sort=due">Retour à la matrice de l’équipe</a>' in page
    # A bad filter on the way back is refused like on the matrix.
    assert _member_page(client, BRUNO, app, sort="sideways")[0] == 400


def test_an_extra_attempt_granted_from_the_detail_page_is_audited(app: Flask, scripted: int) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    status, page = _member_page(client, BRUNO, app, team=str(scripted), **FILTERED)
    action = re.search(r'<form method="post" action="([^"]+/extra-attempt[^"]*)"', page)
    assert status == 200 and action is not None
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    url = action.group(1).replace("&amp;", "&")
    response = client.post(url, data={"csrf_token": token.group(1), "module": QUIZ_MODULE})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?team={scripted}&overdue=1&sort=due")  # back with the filters
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Une tentative de plus a été accordée à Bruno Bélanger." in after
    assert "Accorder une tentative de plus" not in after  # the limit is no longer reached
    with app.app_context():
        bruno, pivot = get_person(BRUNO), get_person(PIVOT)
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "quiz.extra_attempt_granted")
        ).all()
        assert [(event.actor_id, event.subject_person_id) for event in events] == [(pivot.id, bruno.id)]
        allowance = matrix.team_view(load_viewer(pivot.id, clocks.today()), matrix.Filters(), clocks.today())
        (row,) = [row for row in allowance.matrices[0].rows if row.full_name == "Bruno Bélanger"]
        assert row.cells[0].status == S.IN_PROGRESS  # one attempt left again


def test_each_view_of_a_member_detail_is_audited(app: Flask, scripted: int) -> None:
    pivot_client = signed_in_client(app, PIVOT, PASSWORD)
    for _ in range(2):
        assert _member_page(pivot_client, CARLA, app)[0] == 200
    with app.app_context():
        carla, pivot = get_person(CARLA), get_person(PIVOT)
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "team.member_viewed").order_by(AuditEvent.id)
        ).all()
        assert [(event.actor_id, event.subject_person_id, event.object_id) for event in events] == [
            (pivot.id, carla.id, str(carla.id))
        ] * 2
    # A refused view records nothing.
    with app.app_context():
        org = db.session.get(Organization, db.session.get(Team, scripted).organization_id)
        make_person(email="colleague@example.org", org=org)
        db.session.commit()
    assert _member_page(signed_in_client(app, "colleague@example.org", PASSWORD), CARLA, app)[0] == 404
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "team.member_viewed")
            )
            == 2
        )


def test_the_member_detail_costs_the_same_whatever_the_member_did(
    app: Flask, scripted: int, count_queries: Callable[[], Any]
) -> None:
    """Fred (nothing yet), Bruno (three attempts), Anne (attempts, views of two versions, a certificate):
    the same number of queries."""
    client = signed_in_client(app, PIVOT, PASSWORD)
    with app.app_context():
        ids = {email: get_person(email).id for email in (FRED, BRUNO, ANNE)}
    counts = {}
    for email, person_id in ids.items():
        assert client.get(f"/team/members/{person_id}").status_code == 200  # warm
        with count_queries() as counted:
            response = client.get(f"/team/members/{person_id}")
        assert response.status_code == 200
        counts[email] = counted.count
    assert len(set(counts.values())) == 1, counts


# -- what is kept between requests -------------------------------------------------------------------------


def test_a_members_change_shows_on_the_next_page_though_rows_are_kept(app: Flask, scripted: int) -> None:
    """Standings and rendered rows are kept per process under each member's revision: a change of a member's
    progress or name shows on the very next page, and only that member's row changes."""
    client = signed_in_client(app, PIVOT, PASSWORD)
    before = client.get("/team").get_data(as_text=True)
    assert dict(_page_rows(before))["Carla Côté"][0] == "not_started"
    with app.app_context():
        carla = get_person(CARLA)
        read(carla, ref_of(QUIZ_MODULE))
        db.session.commit()
    after = client.get("/team").get_data(as_text=True)
    assert dict(_page_rows(after))["Carla Côté"][0] == "in_progress"
    unchanged = {name: cells for name, cells in _page_rows(before) if name != "Carla Côté"}
    assert {name: cells for name, cells in _page_rows(after) if name != "Carla Côté"} == unchanged
    with app.app_context():
        get_person(CARLA).full_name = "Carla Côté-Roy"
        db.session.commit()
    renamed = client.get("/team").get_data(as_text=True)
    assert "Carla Côté-Roy" in [name for name, _cells in _page_rows(renamed)]
    # The pivot's own teams are kept too: a renamed team shows renamed.
    with app.app_context():
        db.session.get(Team, scripted).name = "Équipe renommée"
        db.session.commit()
    assert "Équipe renommée" in client.get("/team").get_data(as_text=True)
    # Another language: the same kept standings, rows rendered in English.
    english = client.get("/team?lang=en").get_data(as_text=True)
    assert "In progress" in english and "En cours" not in english
