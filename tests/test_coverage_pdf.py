"""The coverage report as a PDF (:func:`elearning.web.reports.pdf.coverage_pdf`): a scripted world read back with
pypdf in French and in English (title, date line, each organization's figures, totals, the trend's months, page
numbers), the charts drawn as vectors, the table's header on every page of a long report, the same bytes for
the same report, and the route a Table member downloads it from.

Messages are compared with what the catalog gives for them (the French catalog is filled after the code), the
formatters' output (dates, « 75 % ») literally."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from elearning.extensions import db
from elearning.models import GlobalGrant, Organization, Person
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import coverage
from elearning.services.reports.coverage import CoverageReport
from elearning.web.reports.pdf import coverage_pdf, typeset
from tests.conftest import TODAY
from tests.coverage_world import (
    add_certificate,
    add_designation,
    add_membership,
    add_organization,
    add_person,
    make_tracks,
)
from tests.factories import PASSWORD, make_person
from tests.web import signed_in_client

NBSP = "\u00a0"
SINCE = dt.date(2020, 1, 1)
ISSUED = dt.date(2025, 1, 1)
VALID_UNTIL = dt.date(2027, 1, 1)
#: Within the default 60-day renewal window of TODAY (16 March 2026), and before PROJECTION.
SOON = dt.date(2026, 4, 30)
PROJECTION = dt.date(2026, 8, 1)
LONG_NAME = "Regroupement intersectoriel des organismes communautaires " * 3


@dataclass(frozen=True)
class Printed:
    """A PDF read back: each page's text as extracted and with each run of spaces and line ends made one space
    (non-breaking spaces kept), its content streams, and the document's title and language."""

    raw: list[str]
    pages: list[str]
    streams: list[str]
    title: str
    language: str

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    @property
    def plain(self) -> str:
        """The text with non-breaking spaces as spaces: fpdf2 keeps them from breaking a wrapped line (table
        cells, paragraphs) but draws them as spaces there."""
        return self.text.replace(NBSP, " ")


def read(data: bytes) -> Printed:
    reader = PdfReader(BytesIO(data))
    raw = [page.extract_text() for page in reader.pages]
    streams = [page.get_contents().get_data().decode("latin-1") for page in reader.pages]  # type: ignore[union-attr]
    metadata = reader.metadata
    return Printed(
        raw=raw,
        pages=[re.sub(r"[ \t\r\n]+", " ", text) for text in raw],
        streams=streams,
        title=str(metadata.title if metadata else ""),
        language=str(reader.root_object.get("/Lang")),
    )


def table_member() -> int:
    person = add_person("Table")
    db.session.add(GlobalGrant(person_id=person.id, role="table", start_on=SINCE))
    db.session.flush()
    return person.id


def pivot(organization: Organization, pivot_track: int, *, expires_on: dt.date | None = VALID_UNTIL) -> Person:
    """A member of ``organization`` designated its pivot, holding a pivot certificate until ``expires_on``
    (none when None)."""
    person = add_person("Pivot")
    add_membership(person, organization, SINCE)
    add_designation(person, organization, SINCE)
    if expires_on is not None:
        add_certificate(person, pivot_track, cycle=1, issued_on=ISSUED, expires_on=expires_on)
    return person


def small_world() -> int:
    """ORG-A: target 4, three certified pivots and one not certified, five members of whom three hold the core
    track; ORG-B: target 2, two certified, one of whom expires on 30 April (soon; gone by the projection);
    ORG-C: no target, one certified pivot. The Table member's id."""
    tracks = make_tracks()
    pivot_track, core_track = tracks["pivot"], tracks["worker"]
    a = add_organization("ORG-A", SINCE, targets=[(SINCE, 4)])
    b = add_organization("ORG-B", SINCE, targets=[(SINCE, 2)])
    c = add_organization("ORG-C", SINCE)
    a_pivots = [pivot(a, pivot_track) for _ in range(3)] + [pivot(a, pivot_track, expires_on=None)]
    worker = add_person("Worker")
    add_membership(worker, a, SINCE)
    for person in (a_pivots[0], a_pivots[1], worker):
        add_certificate(person, core_track, cycle=1, issued_on=ISSUED, expires_on=VALID_UNTIL)
    b_first = pivot(b, pivot_track)
    pivot(b, pivot_track, expires_on=SOON)
    add_certificate(b_first, core_track, cycle=1, issued_on=ISSUED, expires_on=VALID_UNTIL)
    pivot(c, pivot_track)
    return table_member()


@pytest.fixture
def report_of(app: Flask) -> Iterator[dict[dt.date, CoverageReport]]:
    """The small world's reports today and on PROJECTION, inside a French request."""
    with app.test_request_context("/?lang=fr"):
        table = small_world()
        db.session.commit()
        viewer = load_viewer(table, TODAY)
        yield {day: coverage.coverage_report(viewer, day) for day in (TODAY, PROJECTION)}


def printed(app: Flask, report: CoverageReport, language: str) -> Printed:
    with app.test_request_context("/?lang=fr"):
        return read(coverage_pdf(report, language))


def message(language: str, text: str, **variables: object) -> str:
    """``text`` as the catalog gives it in ``language``, with the PDF's typography."""
    with force_locale(language):
        return typeset(_(text, **variables), language)


@pytest.mark.parametrize(
    ("language", "day", "space", "trend_months"),
    [
        ("fr", "16 mars 2026", NBSP, ("30 avril 2024", "28 février 2026", "16 mars 2026")),
        ("en", "March 16, 2026", "", ("April 30, 2024", "February 28, 2026", "March 16, 2026")),
    ],
)
def test_the_report_in_both_languages(
    app: Flask,
    report_of: dict[dt.date, CoverageReport],
    language: str,
    day: str,
    space: str,
    trend_months: tuple[str, ...],
) -> None:
    """``space``: what stands before the percent sign (a non-breaking space in French, nothing in English)."""
    with app.test_request_context("/?lang=fr"):
        title = message(language, "Certified pivot coverage")
        date_line = message(language, "As of %(day)s", day=day)
        projection_line = message(language, "Projection to %(day)s.", day=day)
        generated = message(language, "Generated on %(day)s", day=day)
        no_target = message(language, "%(certified)d (no target)", certified=1)
        total = message(language, "Total")
        result = printed(app, report_of[TODAY], language)
        pages = len(result.pages)
        page_lines = [
            message(language, "Page %(page)d of %(pages)s", page=number, pages=pages) for number in range(1, pages + 1)
        ]

    assert pages >= 2, "the trend's table continues on a second page"
    assert result.pages[0].startswith(title)
    assert date_line in result.pages[0] and generated in result.pages[0]
    assert projection_line not in result.text
    name = "Organisation" if language == "fr" else "Organization"
    plain_space = space.replace(NBSP, " ")
    for code, figure in (("ORG-A", "3 / 4 (75{}%)"), ("ORG-B", "2 / 2 (100{}%)"), ("ORG-C", no_target)):
        assert f"{name} {code} ({code})" in result.pages[0]
        assert figure.format(space) in result.pages[0], f"{figure}: beside the bar, the sign held to its number"
        assert result.plain.count(figure.format(plain_space)) >= 2, f"{figure}: beside the bar and in the table"
    assert f"3 / 5 (60{plain_space}%)" in result.plain, "ORG-A's core-track completion"
    # Target 6, 7 designated, 6 certified, 1 expiring soon, 0 expired, 1 not certified; coverage counts the
    # organizations with a target (5 / 6); 4 of the 8 members hold the core track.
    assert f"{total} 6 7 6 1 0 1 5 / 6 (83{plain_space}%) 4 / 8 (50{plain_space}%)" in result.plain
    for month in trend_months:
        assert month in result.text
    assert f"{trend_months[-1]} 5 6 83{plain_space}%" in result.plain, "the trend table's last month"
    for page_line, text in zip(page_lines, result.pages, strict=True):
        assert page_line in text
    assert result.title.startswith(title) and result.language == language
    if language == "fr":
        assert f"50{NBSP}%" in result.text, "the trend's axis"
        assert not any(line.startswith(("%", ":")) for text in result.raw for line in text.splitlines())


def test_an_empty_report(app: Flask) -> None:
    moment = coverage.moment_of(TODAY, TODAY)
    report = CoverageReport(
        moment=moment,
        rows=(),
        totals=coverage.totals_of([]),
        trend=(),
        renewal_window_days=60,
        sort=coverage.Sort.COVERAGE,
    )
    with app.test_request_context("/?lang=fr"):
        expected = message("en", "No organization was a member of the Table on this date.")
        result = read(coverage_pdf(report, "en"))
    assert expected in result.text and "Page 1 of 1" in result.text


def test_a_projection_says_so(app: Flask, report_of: dict[dt.date, CoverageReport]) -> None:
    for language, day in (("fr", "1er août 2026"), ("en", "August 1, 2026")):
        with app.test_request_context("/?lang=fr"):
            line = message(language, "Projection to %(day)s.", day=day)
            assumption = message(
                language, "Today's designations and certificates with their known expiries, assuming no renewal."
            )
            projection = message(language, "projection")
        result = printed(app, report_of[PROJECTION], language)
        assert line in result.pages[0] and assumption in result.pages[0]
        # ORG-B's second pivot expires on 30 April: nothing renews it (the bar's figure follows its label).
        name = "Organisation" if language == "fr" else "Organization"
        assert f"{name} ORG-B (ORG-B) 1 / 2 (50" in result.plain
        assert f"{name} ORG-A (ORG-A) 3 / 4 (75" in result.plain
        # The trend's last point is the projection's day, marked as such.
        assert f"{day} ({projection})" in result.text


def test_the_charts_are_vector_drawings(app: Flask, report_of: dict[dt.date, CoverageReport]) -> None:
    result = printed(app, report_of[TODAY], "en")
    first = result.streams[0]
    rectangles = re.findall(r"[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re\b", first)
    # Per organization a track and a bar, beside the legend's swatches and the tables' cell backgrounds.
    assert len(rectangles) >= 2 * len(report_of[TODAY].rows) + 3
    assert re.search(r"\bl\b", first), "target ticks are lines"
    assert "/Image" not in "".join(result.streams) and "Do\n" not in "".join(result.streams)
    trend = next(stream for stream, text in zip(result.streams, result.pages, strict=True) if "Month end" in text)
    assert len(re.findall(r"\bl\b", trend)) >= 23, "the trend is drawn with lines"


def test_the_same_report_gives_the_same_bytes(app: Flask, report_of: dict[dt.date, CoverageReport]) -> None:
    with app.test_request_context("/?lang=fr"):
        first = coverage_pdf(report_of[TODAY], "fr")
        second = coverage_pdf(report_of[TODAY], "fr")
        english = coverage_pdf(report_of[TODAY], "en")
    assert first == second
    assert first != english
    creation = PdfReader(BytesIO(first)).metadata
    assert creation is not None and creation.creation_date is not None
    assert creation.creation_date.date() == TODAY


def test_thirty_organizations_span_pages_with_the_header_repeated(app: Flask) -> None:
    with app.test_request_context("/?lang=fr"):
        tracks = make_tracks()
        for number in range(1, 31):
            organization = add_organization(f"ORG-{number:02d}", SINCE, targets=[(SINCE, 3)])
            if number % 7 == 0:
                organization.name_fr = organization.name_en = f"{LONG_NAME}{number}"
            for _ in range(number % 4):
                pivot(organization, tracks["pivot"])
        viewer = load_viewer(table_member(), TODAY)
        report = coverage.coverage_report(viewer, TODAY)
        heading = message("en", "Core-track completion")
        data = coverage_pdf(report, "en")
    result = read(data)

    assert len(result.pages) >= 3
    for number in range(1, 31):
        assert f"(ORG-{number:02d})" in result.text
    table_pages = [text for text in result.pages if heading in text]
    assert len(table_pages) >= 2, "the table's header is printed again on its next page"
    codes_per_page = [len(re.findall(r"\(ORG-\d\d\)", text)) for text in table_pages]
    assert all(count > 0 for count in codes_per_page)
    pages = len(result.pages)
    for number, text in enumerate(result.pages, 1):
        assert f"Page {number} of {pages}" in text
    # A long name wraps in the table (every word printed) and is cut with an ellipsis beside its bar.
    assert "Regroupement intersectoriel des organismes communautaires Regroupement" in result.text
    assert "… (ORG-07)" in result.text, "the code is kept whole"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Couverture : 75 %", f"Couverture{NBSP}: 75{NBSP}%"),
        ("« Pivot » ; oui ! non ?", f"«{NBSP}Pivot{NBSP}»{NBSP}; oui{NBSP}! non{NBSP}?"),
        ("Déjà 75\u00a0%", "Déjà 75\u00a0%"),
    ],
)
def test_french_typography(text: str, expected: str) -> None:
    assert typeset(text, "fr") == expected
    assert typeset(text, "en") == text


def test_a_table_member_downloads_it(app: Flask) -> None:
    with app.app_context():
        make_person(email="table@example.org", org=None, roles=("table",))
        add_organization("ORG-A", SINCE, targets=[(SINCE, 2)])
        db.session.commit()
    client = signed_in_client(app, "table@example.org", PASSWORD)
    response = client.get("/reports/coverage.pdf?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    result = read(response.data)
    assert result.pages[0].startswith("Certified pivot coverage")
    assert "0 / 2 (0%)" in result.text and "Page 1 of" in result.text
