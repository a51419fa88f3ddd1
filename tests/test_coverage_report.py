"""The coverage report's outputs carry the one computation's figures: the page's table and its chart, the CSV,
the XLSX, the PDF, the command line's JSON and CSV, on the scripted story's two dates and a projection; the
drill-down and its exports are audited; a date the report cannot answer is refused with its message and changes
nothing; the page asks the same statements whatever the size, and keeps its figures until a fact changes."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from pypdf import PdfReader

from elearning import clock
from elearning.extensions import db
from elearning.models import AuditEvent, Certificate, GlobalGrant, Person
from elearning.security.passwords import hash_password
from elearning.services.reports import coverage, kept
from tests.conftest import TODAY, RowCounter
from tests.coverage_world import Figures, bulk_world, make_tracks
from tests.test_coverage import D1, D2, PROJECTION, STORY, Story, tell_the_story, tracks  # noqa: F401  (a fixture)
from tests.web import inline_code, signed_in_client

PASSWORD = "couverture-du-rapport"
#: The story's organizations have no English name of their own: "Organization ORG-A".
ROW = re.compile(r'<th scope="row" class="organization-name"><a href="[^"]*">([^<]*)</a> <span class="meta">([^<]*)')
CELL = re.compile(r'<td class="number">([^<]*)</td>')
BAR_FIGURE = re.compile(r'<text class="chart-figure"[^>]*>([^<]*)</text>')
BAR_LABEL = re.compile(r'<text class="chart-label"[^>]*>([^<]*)</text>')


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    kept.clear()
    yield
    kept.clear()


@pytest.fixture
def story(app: Flask, tracks: dict[str, int]) -> Story:  # noqa: F811
    """The scripted story (tests/test_coverage.py), told and committed; the Table's person may sign in."""
    with app.app_context():
        told = tell_the_story(tracks)
        person = db.session.get(Person, told.table)
        assert person is not None
        person.password_hash = hash_password(PASSWORD)
        db.session.commit()
    return told


@pytest.fixture
def table(app: Flask, story: Story) -> FlaskClient:
    with app.app_context():
        person = db.session.get(Person, story.table)
        assert person is not None
        email = person.email
    return signed_in_client(app, email, PASSWORD)


def _text(coverage_row: Figures) -> str:
    """What every output writes for an organization's coverage, in English."""
    if coverage_row.target is None:
        return f"{coverage_row.certified} (no target)"
    percent = int(coverage_row.certified / coverage_row.target * 100 + 0.5)
    return f"{coverage_row.certified} / {coverage_row.target} ({percent}%)"


def _page_rows(html: str) -> list[tuple[str, list[str]]]:
    """(code, the number cells) of each organization row of the report's table."""
    body = html.split('id="coverage-table"', 1)[1].split("<tfoot>", 1)[0]
    rows = []
    for chunk in body.split("<tr>")[2:]:
        found = ROW.search(chunk)
        assert found, chunk
        rows.append((unescape(found.group(2)), [unescape(cell).strip() for cell in CELL.findall(chunk)]))
    return rows


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(data: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _export_figures(row: list[Any]) -> tuple[Any, ...]:
    """(code, target, designated, certified, expiring, expired, not certified, members, core certified) of an export
    row, as numbers."""
    values = [None if value in ("", None) else int(float(value)) for value in (row[4:10] + row[11:13])]
    return (row[3], *values)


def _expected(figures: Figures) -> tuple[Any, ...]:
    return (
        figures.code,
        figures.target,
        figures.designated,
        figures.certified,
        figures.expiring,
        figures.expired,
        figures.not_certified,
        figures.members,
        figures.core_certified,
    )


@pytest.mark.parametrize("day", [D1, D2, PROJECTION])
def test_every_output_carries_the_same_figures(
    app: Flask, runner: FlaskCliRunner, table: FlaskClient, day: Any
) -> None:
    expected = {figures.code: figures for figures in STORY[day]}
    args = f"as_of={day.isoformat()}&lang=en"
    projection = day > TODAY

    page = table.get(f"/reports/coverage?{args}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not inline_code(html)
    rows = _page_rows(html)
    assert sorted(code for code, _cells in rows) == sorted(expected)
    for code, cells in rows:
        figures = expected[code]
        assert cells[0] == _text(figures)
        numbers = (figures.designated, figures.certified, figures.expiring, figures.expired, figures.not_certified)
        assert cells[1:6] == [str(value) for value in numbers]
    # The chart's bars are the table's rows, in its order, with the same figure written on each.
    assert [label.split(" – ")[0] for label in BAR_LABEL.findall(html)] == [code for code, _cells in rows]
    assert [unescape(text) for text in BAR_FIGURE.findall(html)] == [cells[0] for _code, cells in rows]
    assert ("Projection to" in html) == projection

    csv_rows = _csv(table.get(f"/reports/coverage.csv?{args}").data)
    xlsx_rows = _xlsx(table.get(f"/reports/coverage.xlsx?{args}").data)
    for sheet in (csv_rows, xlsx_rows):
        body = sheet[1:-1]
        assert {_export_figures(row)[0]: _export_figures(row) for row in body} == {
            code: _expected(figures) for code, figures in expected.items()
        }
        assert {row[1] for row in sheet[1:]} == {"Projection" if projection else "As of"}
        assert sheet[-1][2] == "Total"

    pdf = table.get(f"/reports/coverage.pdf?{args}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join(page_.extract_text().split()) for page_ in PdfReader(io.BytesIO(pdf.data)).pages)
    for figures in expected.values():
        assert figures.code in text
        assert _text(figures) in text
    assert ("Projection" in text) == projection

    result = runner.invoke(args=["report", "coverage", "--format", "json", "--as-of", day.isoformat()])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == day.isoformat() and data["projection"] == projection
    by_code = {row["code"]: row for row in data["organizations"]}
    assert set(by_code) == set(expected)
    for code, figures in expected.items():
        row = by_code[code]
        assert (row["target"], row["designated"], row["certified"], row["expiring"], row["expired"]) == (
            figures.target,
            figures.designated,
            figures.certified,
            figures.expiring,
            figures.expired,
        )
        assert (row["not_certified"], row["members"], row["core_certified"]) == (
            figures.not_certified,
            figures.members,
            figures.core_certified,
        )
    assert len(data["trend"]) == coverage.TREND_MONTHS

    cli_csv = runner.invoke(args=["report", "coverage", "--as-of", day.isoformat(), "--language", "en"])
    assert cli_csv.exit_code == 0
    assert cli_csv.stdout_bytes == table.get(f"/reports/coverage.csv?{args}").data


def test_the_drilldown_and_its_exports_are_audited(app: Flask, table: FlaskClient, story: Story) -> None:
    page = table.get(f"/reports/coverage/ORG-B?as_of={D2.isoformat()}&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not inline_code(html)
    for name in ("Bruno", "Denis", "Emma", "Félix", "Jules"):
        assert f'<th scope="row">{name}</th>' in html
    assert "certificate revoked" in html and "renewed until" in html
    exported = _csv(table.get(f"/reports/coverage/ORG-B.csv?as_of={D2.isoformat()}&lang=en").data)
    pivots = [row for row in exported[1:] if row[3] == "Pivot certification"]
    assert sorted(row[4] for row in pivots) == ["Bruno", "Denis", "Emma", "Félix", "Jules"]
    assert {row[4]: row[6] for row in pivots}["Félix"] == "Expired"
    xlsx = _xlsx(table.get(f"/reports/coverage/ORG-B.xlsx?as_of={D2.isoformat()}").data)
    assert len(xlsx) == len(exported)
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.details).order_by(AuditEvent.id)
        ).all()
    assert [(action, object_id) for action, object_id, _details in events[-3:]] == [
        ("coverage.organization_viewed", "ORG-B"),
        ("coverage.organization_exported", "ORG-B"),
        ("coverage.organization_exported", "ORG-B"),
    ]
    assert events[-2].details["format"] == "csv" and events[-2].details["as_of"] == D2.isoformat()
    assert events[-2].details["people"] == len(exported) - 1


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("1990-01-01", "There is no report before the first organization joined the Table."),
        ("2026-02-30", "The date must be written YYYY-MM-DD"),
        ("demain", "The date must be written YYYY-MM-DD"),
        ("2030-01-01", "A projection can look at most 12 months ahead."),
    ],
)
def test_a_date_the_report_cannot_answer_is_refused_with_its_message(
    app: Flask, runner: FlaskCliRunner, table: FlaskClient, as_of: str, message: str
) -> None:
    def audited() -> int | None:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    before = audited()
    page = table.get(f"/reports/coverage?as_of={as_of}&lang=en")
    assert page.status_code == 400
    assert message in unescape(page.get_data(as_text=True))
    assert f'value="{as_of}"' in page.get_data(as_text=True)  # the form keeps what was typed
    assert table.get(f"/reports/coverage.csv?as_of={as_of}").status_code == 400
    assert table.get(f"/reports/coverage.pdf?as_of={as_of}").status_code == 400
    drilldown = table.get(f"/reports/coverage/ORG-A?as_of={as_of}&lang=en")
    assert drilldown.status_code == 400 and message in unescape(drilldown.get_data(as_text=True))
    assert audited() == before
    result = runner.invoke(args=["report", "coverage", "--as-of", as_of])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1


def test_the_report_keeps_its_figures_until_a_fact_changes(
    app: Flask, table: FlaskClient, story: Story, count_queries: Any
) -> None:
    path = f"/reports/coverage?as_of={D2.isoformat()}&lang=en"
    first = table.get(path).get_data(as_text=True)
    with count_queries() as again:
        assert table.get(path).get_data(as_text=True) == first
    with count_queries() as export:
        table.get(f"/reports/coverage.csv?as_of={D2.isoformat()}")
    for counter in (again, export):
        assert not [sql for sql in counter.statements if "certificates" in sql], "kept: nothing computed again"
        assert len([sql for sql in counter.statements if "organization_targets" in sql]) == 1, "the facts' state"

    today_path = "/reports/coverage?lang=en"
    assert dict(_page_rows(table.get(today_path).get_data(as_text=True)))["ORG-B"][2] == "3"
    # Revoking Jules's renewed certificate (certified on D2) changes today's figures at once.
    with app.app_context():
        first_certificate = db.session.scalar(
            sa.select(Certificate).where(Certificate.person_id == story.people["Jules"], Certificate.cycle == 1)
        )
        assert first_certificate is not None
        first_certificate.revoked_at = clock.now()
        first_certificate.revocation_reason = "test"
        db.session.commit()
    kept_before = dict(_page_rows(first))
    later = dict(_page_rows(table.get(path).get_data(as_text=True)))
    assert kept_before["ORG-B"][2] == "3" and later["ORG-B"][2] == "3", "revoked today: D2 is in the past"
    today_rows = dict(_page_rows(table.get(today_path).get_data(as_text=True)))
    assert today_rows["ORG-B"][2] == "2"


def _report_statements(client: FlaskClient, count_queries: Any) -> dict[str, int]:
    counts = {}
    for name, path in (
        ("page", "/reports/coverage"),
        ("csv", "/reports/coverage.csv"),
        ("xlsx", "/reports/coverage.xlsx"),
        ("pdf", "/reports/coverage.pdf"),
        ("drill-down", "/reports/coverage/BULK1"),
        ("drill-down csv", "/reports/coverage/BULK1.csv"),
    ):
        kept.clear()
        with count_queries() as counter:
            assert client.get(path).status_code == 200, path
        counts[name] = counter.count
    return counts


#: Statements per request with nothing kept, the same at both sizes: the session's lookup, the facts' state,
#: the three statements of the computation for the report's 25 days (and the earliest day when ``as_of`` is
#: given); the drill-down adds its organization, its pivots, its members and its audit event.
EXPECTED_STATEMENTS = {"page": 5, "csv": 5, "xlsx": 5, "pdf": 5, "drill-down": 9, "drill-down csv": 9}


@pytest.mark.parametrize(("organizations", "people"), [(2, 5), (20, 500)])
def test_the_report_asks_the_same_statements_whatever_the_size(
    app: Flask, count_queries: Any, organizations: int, people: int
) -> None:
    with app.app_context():
        bulk_world(organizations, people, make_tracks())
        admin = Person(email="admin.bulk@example.org", full_name="Admin", created_at=clock.now())
        admin.password_hash = hash_password(PASSWORD)
        db.session.add(admin)
        db.session.flush()
        db.session.add(GlobalGrant(person_id=admin.id, role="admin", start_on=TODAY))
        db.session.commit()
    client = signed_in_client(app, "admin.bulk@example.org", PASSWORD)
    client.get("/reports/coverage")  # the session's first request reads the viewer
    counts = _report_statements(client, count_queries)
    assert counts == EXPECTED_STATEMENTS, counts
    # No statement returns more than a row per organization and day (the report's and its trend's 25 days).
    kept.clear()
    rows = RowCounter()
    sa.event.listen(sa.Engine, "before_cursor_execute", rows)
    try:
        assert client.get("/reports/coverage.csv").status_code == 200
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", rows)
    assert 0 < rows.most_rows(app) <= organizations * (coverage.TREND_MONTHS + 1)
