"""The coverage report as an A4 portrait PDF for the Table's meetings: the same figures as the page, in the
reader's language, drawn with fpdf2's own vector operations (bars, ticks and lines; no image).

What it prints, in order: the title, the date line (a projection says so and that it assumes no renewal), the
generation date and the key figures; one bar per organization (certified pivots, the target marked by a
vertical tick, the figure written beside the bar); the table of figures with its totals row (its header
repeated on each page); the 24-month trend as a line chart and a table. Every page has its number in the
footer (« Page 1 sur 3 »).

Dates and percentages go through the one formatters of :mod:`elearning.web.layout`; in French, a space before
``:``, ``;``, ``!``, ``?``, ``%`` or ``»`` (and after ``«``) becomes a non-breaking one, whatever the catalog
holds. The fonts are the static DejaVu Serif files of ``elearning/fonts`` (fpdf2's core fonts are Latin-1
only). The same report on the same day gives the same bytes: the creation date is the start of that day.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from elearning import clock
from elearning.services.reports.coverage import CoverageReport, OrganizationCoverage, Totals, TrendPoint
from elearning.web.layout import format_day, format_percent
from elearning.web.reports.charts import coverage_text

FONTS = Path(__file__).resolve().parents[2] / "fonts"
FAMILY = "DejaVuSerif"
Colour = tuple[int, int, int]
INK: Colour = (27, 31, 36)
MUTED: Colour = (74, 85, 98)
BRAND: Colour = (29, 79, 145)
WHITE: Colour = (255, 255, 255)
#: Bars: target reached (dark blue), below it (dark orange), no target (grey); each at least 4.5:1 on white.
MET: Colour = (29, 79, 145)
SHORT: Colour = (176, 70, 0)
NO_TARGET: Colour = (96, 104, 115)
TRACK: Colour = (229, 233, 238)
GRID: Colour = (200, 205, 212)
STRIPE: Colour = (243, 245, 248)
TOTALS: Colour = (222, 230, 242)
WARNING: Colour = (176, 70, 0)

#: Page geometry, in millimetres.
MARGIN = 15
TOP_MARGIN = 16
BOTTOM_MARGIN = 16
#: The bar chart: label column, bar rows, the space kept for the figure after the longest bar.
LABEL_WIDTH = 58
FIGURE_WIDTH = 34
ROW_HEIGHT = 6.5
BAR_HEIGHT = 4.0
#: The trend chart.
TREND_HEIGHT = 48
TREND_AXIS_WIDTH = 14
#: The table of figures: font sizes, the padding left and right of a cell, the organization column's least width.
TABLE_SIZE = 7.5
HEADING_SIZE = 7.0
CELL_PADDING = 1.2
FIRST_COLUMN_MIN = 40
#: What fpdf2 replaces with the number of pages when the document is closed.
PAGES_ALIAS = "{nb}"
DASH = "–"

_SPACE_BEFORE = re.compile(r" ([:;!?%»])")
_SPACE_AFTER = re.compile(r"« ")


def typeset(text: str, language: str) -> str:
    """``text`` with French typography in French: the space before ``: ; ! ? % »`` and after ``«`` made
    non-breaking (so that a sign never starts a line); unchanged in English."""
    if not language.startswith("fr"):
        return text
    return _SPACE_AFTER.sub("«\u00a0", _SPACE_BEFORE.sub("\u00a0\\1", text))


def fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut to ``width`` in the current font, an ellipsis marking the cut."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


class CoverageDocument(FPDF):
    """A4 portrait pages with a running title from the second page on and the page number in the footer."""

    def __init__(self, running_title: str, page_line: Callable[[int], str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.page_line = page_line

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*MUTED)
            self.set_xy(MARGIN, 8)
            self.cell(self.epw, 4, self.running_title, align="L")
            self.set_y(TOP_MARGIN)

    def footer(self) -> None:
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.set_draw_color(*GRID)
        self.set_line_width(0.2)
        self.line(MARGIN, self.h - 12, self.w - MARGIN, self.h - 12)
        # The page number on the left: the alias is wider than the number it becomes, which only leaves a
        # gap after the text there.
        self.set_xy(MARGIN, self.h - 11)
        self.cell(self.epw / 3, 5, self.page_line(self.page_no()), align="L")
        self.set_xy(MARGIN + self.epw / 3, self.h - 11)
        self.cell(self.epw * 2 / 3, 5, fit(self, self.running_title, self.epw * 2 / 3), align="R")


def coverage_pdf(report: CoverageReport, language: str) -> bytes:
    """The report as a PDF in ``language`` (the reader's; the locale of the request is used for it)."""
    with force_locale(language):
        return _draw(report, language)


def _draw(report: CoverageReport, language: str) -> bytes:
    def t(text: str) -> str:
        return typeset(text, language)

    moment = report.moment
    today = clock.today()
    title = t(_("Certified pivot coverage"))
    if moment.projection:
        date_line = t(_("Projection to %(day)s.", day=format_day(moment.day)))
    else:
        date_line = t(_("As of %(day)s", day=format_day(moment.day)))

    def page_line(number: int) -> str:
        return t(_("Page %(page)d of %(pages)s", page=number, pages=PAGES_ALIAS))

    pdf = CoverageDocument(f"{title} {DASH} {date_line.rstrip('.')}", page_line)
    pdf.set_title(f"{title} {DASH} {date_line.rstrip('.')}")
    pdf.set_subject(date_line)
    pdf.set_lang(language)
    pdf.set_creation_date(clock.get_clock().start_of_day(today))
    pdf.alias_nb_pages(PAGES_ALIAS)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSerif.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.set_margins(MARGIN, TOP_MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM_MARGIN)
    pdf.add_page()

    _paragraph(pdf, title, 18, bold=True, colour=BRAND)
    pdf.ln(1)
    if moment.projection:
        _projection_notice(
            pdf,
            date_line,
            t(_("Today's designations and certificates with their known expiries, assuming no renewal.")),
        )
    else:
        _paragraph(pdf, date_line, 12)
    _paragraph(pdf, t(_("Generated on %(day)s", day=format_day(today))), 9, colour=MUTED)
    pdf.ln(3)
    _key_figures(pdf, report, t)

    if report.rows:
        pdf.ln(5)
        _heading(pdf, t(_("Coverage by organization")), keep=4 * ROW_HEIGHT + 14)
        _paragraph(
            pdf,
            t(_("Each bar is an organization's certified pivots; the vertical mark is its target.")),
            8.5,
            colour=MUTED,
        )
        _legend(pdf, t)
        _bars(pdf, report.rows, language, t)
        pdf.ln(5)
        _heading(pdf, t(_("Figures by organization")), keep=30)
        _figures_table(pdf, report.rows, report.totals, language, t)
        pdf.ln(1)
        _paragraph(
            pdf,
            t(
                _(
                    "The total coverage counts the organizations that have a target. A certificate counts for the "
                    "organization its holder belongs to on the date."
                )
            ),
            8,
            colour=MUTED,
        )
    else:
        pdf.ln(4)
        _paragraph(pdf, t(_("No organization was a member of the Table on this date.")), 11)

    if report.trend:
        pdf.ln(5)
        _heading(pdf, t(_("Trend over 24 months")), keep=TREND_HEIGHT + 40)
        _paragraph(pdf, t(_("Total coverage at each month end")), 8.5, colour=MUTED)
        _trend_chart(pdf, report.trend)
        pdf.ln(4)
        _trend_table(pdf, report.trend, t)
    return bytes(pdf.output())


# -- text ----------------------------------------------------------------------------------------------------


def _paragraph(pdf: FPDF, text: str, size: float, *, bold: bool = False, colour: Colour = INK) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.45, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str, *, keep: float) -> None:
    """A section heading, on a new page unless ``keep`` millimetres of what follows fit after it."""
    if pdf.will_page_break(keep + 8):
        pdf.add_page()
    _paragraph(pdf, text, 13, bold=True, colour=BRAND)
    pdf.ln(1.5)


def _projection_notice(pdf: FPDF, date_line: str, assumption: str) -> None:
    """The date line of a projection, with what it assumes, beside a stripe of the warning colour."""
    top = pdf.get_y()
    pdf.set_x(MARGIN + 4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_text_color(*INK)
    pdf.multi_cell(pdf.epw - 4, 5.5, date_line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN + 4)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.multi_cell(pdf.epw - 4, 4.5, assumption, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(*WARNING)
    pdf.rect(MARGIN, top, 1.5, pdf.get_y() - top, style="F")
    pdf.ln(1)


def _key_figures(pdf: FPDF, report: CoverageReport, t: Callable[[str], str]) -> None:
    totals = report.totals
    rows = (
        (_("Total coverage"), coverage_text(totals.certified_with_target, totals.target, totals.coverage)),
        (_("Organizations"), str(totals.organizations)),
        (_("Certificates expiring within %(days)d days", days=report.renewal_window_days), str(totals.expiring)),
        (pgettext("pivot count", "Expired"), str(totals.expired)),
    )
    _table_style(pdf, 9.5)
    with pdf.table(
        width=120,
        col_widths=(80, 40),
        align="LEFT",
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        text_align=("LEFT", "RIGHT"),
        line_height=5,
        padding=(0.8, 1.5),
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(t(label))
            row.cell(t(value), style=FontFace(emphasis="BOLD"))


# -- the bar chart -------------------------------------------------------------------------------------------


def _legend(pdf: FPDF, t: Callable[[str], str]) -> None:
    pdf.ln(1)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*INK)
    x: float = MARGIN
    y = pdf.get_y()
    for colour, label in ((MET, _("Target reached")), (SHORT, _("Below target")), (NO_TARGET, _("No target"))):
        pdf.set_fill_color(*colour)
        pdf.rect(x, y + 1, 5, 3, style="F")
        pdf.set_xy(x + 6.5, y)
        text = t(label)
        pdf.cell(pdf.get_string_width(text) + 1, 5, text)
        x += 6.5 + pdf.get_string_width(text) + 6
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.6)
    pdf.line(x + 2, y + 0.3, x + 2, y + 4.7)
    pdf.set_xy(x + 4.5, y)
    pdf.cell(text=t(_("Target")), h=5)
    pdf.set_xy(MARGIN, y + 7)


def _bar_colour(row: OrganizationCoverage) -> Colour:
    if not row.target:
        return NO_TARGET
    return MET if row.certified >= row.target else SHORT


def _bars(pdf: FPDF, rows: Sequence[OrganizationCoverage], language: str, t: Callable[[str], str]) -> None:
    """One row per organization: its name and code, a bar of its certified pivots on a scale shared by all,
    its target as a vertical tick across the bar, and its figure after whichever ends later."""
    space = pdf.epw - LABEL_WIDTH - FIGURE_WIDTH
    scale_max = max([1] + [max(row.certified, row.target or 0) for row in rows])
    unit = space / scale_max
    left = MARGIN + LABEL_WIDTH
    for row in rows:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*INK)
        code = f" ({row.code})"
        name = fit(pdf, row.name(language), LABEL_WIDTH - 2 - pdf.get_string_width(code))
        pdf.set_xy(MARGIN, y)
        pdf.cell(LABEL_WIDTH - 2, ROW_HEIGHT, name + code, align="L")

        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        pdf.set_fill_color(*TRACK)
        pdf.rect(left, bar_y, space, BAR_HEIGHT, style="F")
        width = row.certified * unit
        pdf.set_fill_color(*_bar_colour(row))
        pdf.rect(left, bar_y, max(width, 0.6), BAR_HEIGHT, style="F")
        end = width
        if row.target:
            target_x = left + row.target * unit
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.6)
            pdf.line(target_x, bar_y - 1, target_x, bar_y + BAR_HEIGHT + 1)
            end = max(end, row.target * unit)
        pdf.set_xy(left + end + 1.5, y)
        pdf.cell(FIGURE_WIDTH - 1.5, ROW_HEIGHT, t(coverage_text(row.certified, row.target, row.coverage)))
        pdf.set_xy(MARGIN, y + ROW_HEIGHT)


# -- the table -----------------------------------------------------------------------------------------------


def _number(value: int | None) -> str:
    return DASH if value is None else str(value)


def _core(figures: OrganizationCoverage | Totals) -> str:
    """« 12 / 20 (60 %) »: active members holding a core-track certificate; a dash without members."""
    if not figures.members:
        return DASH
    return f"{figures.core_certified} / {figures.members} ({format_percent(figures.core_completion)})"


def _column_widths(pdf: FPDF, headings: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Widths for a table whose first column takes what the others leave: each other column as wide as its
    longest heading word or its longest value (in bold: the totals row), so that no word or figure is cut;
    the first column keeps at least :data:`FIRST_COLUMN_MIN` (the others shrink in proportion past that)."""
    needs = []
    for column in range(1, len(headings)):
        pdf.set_font(FAMILY, "B", HEADING_SIZE)
        heading = max(pdf.get_string_width(word) for word in headings[column].split())
        pdf.set_font(FAMILY, "B", TABLE_SIZE)
        value = max(pdf.get_string_width(row[column]) for row in rows)
        needs.append(max(heading, value) + 2 * CELL_PADDING + 0.8)
    room = pdf.epw - FIRST_COLUMN_MIN
    if sum(needs) > room:
        needs = [width * room / sum(needs) for width in needs]
    return [pdf.epw - sum(needs), *needs]


def _table_style(pdf: FPDF, size: float) -> None:
    """The font, colours and line of a table. fpdf2 fills the rows its fill mode leaves out with the current
    fill colour: white, then."""
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*WHITE)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)


def _figures_table(
    pdf: FPDF,
    rows: Sequence[OrganizationCoverage],
    totals: Totals,
    language: str,
    t: Callable[[str], str],
) -> None:
    headings = [
        t(heading)
        for heading in (
            _("Organization"),
            _("Target"),
            _("Designated pivots"),
            pgettext("pivot count", "Certified"),
            pgettext("pivot count", "Expiring soon"),
            pgettext("pivot count", "Expired"),
            pgettext("pivot count", "Not certified"),
            _("Coverage"),
            _("Core-track completion"),
        )
    ]
    body = [
        [
            f"{t(row.name(language))} ({row.code})",
            _number(row.target),
            str(row.designated),
            str(row.certified),
            str(row.expiring),
            str(row.expired),
            str(row.not_certified),
            t(coverage_text(row.certified, row.target, row.coverage)),
            t(_core(row)),
        ]
        for row in rows
    ]
    total_row = [
        t(_("Total")),
        _number(totals.target),
        str(totals.designated),
        str(totals.certified),
        str(totals.expiring),
        str(totals.expired),
        str(totals.not_certified),
        t(coverage_text(totals.certified_with_target, totals.target, totals.coverage)),
        t(_core(totals)),
    ]
    widths = _column_widths(pdf, headings, [*body, total_row])
    _table_style(pdf, TABLE_SIZE)
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *("RIGHT",) * 8),
        headings_style=FontFace(emphasis="BOLD", color=WHITE, fill_color=BRAND, size_pt=HEADING_SIZE),
        cell_fill_color=STRIPE,
        cell_fill_mode="ROWS",
        borders_layout="HORIZONTAL_LINES",
        line_height=3.6,
        padding=(1, CELL_PADDING),
        v_align="TOP",
    ) as table:
        table.row(headings)
        for cells in body:
            table.row(cells)
        table.row(total_row, style=FontFace(emphasis="BOLD", fill_color=TOTALS))


# -- the trend -----------------------------------------------------------------------------------------------


def _trend_levels(top: float) -> list[float]:
    step = 0.25 if top <= 1.25 else 0.5
    levels = [index * step for index in range(int(top / step + 1e-9) + 1)]
    return levels if levels[-1] >= top - 1e-9 else [*levels, top]


def _trend_chart(pdf: FPDF, points: Sequence[TrendPoint]) -> None:
    """The total coverage at each month end as a line (dashed into a projection's months), a square at each
    point, horizontal lines at regular levels labelled with their percentage, the first and last month under
    the axis."""
    values = [point.totals.coverage for point in points]
    top = max([1.0] + [value for value in values if value is not None])
    top = float(int(top * 4 + 0.999)) / 4
    y0 = pdf.get_y() + 2
    left, right = MARGIN + TREND_AXIS_WIDTH, MARGIN + pdf.epw - 4
    bottom = y0 + TREND_HEIGHT
    step = (right - left) / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return bottom - TREND_HEIGHT * value / top

    pdf.set_font(FAMILY, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.set_line_width(0.2)
    for level in _trend_levels(top):
        pdf.set_draw_color(*(INK if level == 0 else GRID))
        pdf.line(left, y_of(level), right, y_of(level))
        pdf.set_xy(MARGIN, y_of(level) - 2)
        pdf.cell(TREND_AXIS_WIDTH - 1.5, 4, format_percent(level), align="R")
    pdf.set_draw_color(*INK)
    for index in range(len(points)):
        x = left + index * step
        pdf.line(x, bottom, x, bottom + 1)
    pdf.set_xy(left - 10, bottom + 1.5)
    pdf.cell(40, 4, format_day(points[0].moment.day), align="L")
    pdf.set_xy(right - 40, bottom + 1.5)
    pdf.cell(40, 4, format_day(points[-1].moment.day), align="R")

    placed = [
        (left + index * step, y_of(value), point.moment.projection)
        for index, (point, value) in enumerate(zip(points, values, strict=True))
        if value is not None
    ]
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(0.6)
    previous: tuple[float, float, bool] | None = None
    for index, (point, value) in enumerate(zip(points, values, strict=True)):
        if value is None:
            previous = None
            continue
        current = (left + index * step, y_of(value), point.moment.projection)
        if previous is not None:
            if current[2]:
                pdf.set_dash_pattern(dash=1.2, gap=0.8)
            else:
                pdf.set_dash_pattern()
            pdf.line(previous[0], previous[1], current[0], current[1])
        previous = current
    pdf.set_dash_pattern()
    pdf.set_fill_color(*BRAND)
    for x, y, _projection in placed:
        pdf.rect(x - 0.7, y - 0.7, 1.4, 1.4, style="F")
    pdf.set_xy(MARGIN, bottom + 6)


def _trend_table(pdf: FPDF, points: Sequence[TrendPoint], t: Callable[[str], str]) -> None:
    """Month end, certified pivots of the organizations with a target, the sum of their targets, coverage."""
    _table_style(pdf, 8)
    with pdf.table(
        width=130,
        col_widths=(55, 25, 25, 25),
        align="LEFT",
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", color=WHITE, fill_color=BRAND),
        cell_fill_color=STRIPE,
        cell_fill_mode="ROWS",
        borders_layout="HORIZONTAL_LINES",
        line_height=3.8,
        padding=(0.8, CELL_PADDING),
    ) as table:
        table.row([t(_("Month end")), t(pgettext("pivot count", "Certified")), t(_("Target")), t(_("Coverage"))])
        for point in points:
            day = format_day(point.moment.day)
            if point.moment.projection:
                day = f"{day} ({_('projection')})"
            totals = point.totals
            table.row(
                [
                    t(day),
                    str(totals.certified_with_target),
                    _number(totals.target),
                    t(format_percent(totals.coverage)) if totals.coverage is not None else DASH,
                ]
            )
