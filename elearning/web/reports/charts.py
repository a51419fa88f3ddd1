"""The coverage report's charts as plain geometry for the SVG templates (``reports/_charts.html``): the same
figures as the tables they illustrate, laid out in a fixed view box so that a template only writes attributes
(no inline style, no script; the CSS colours them by class)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from elearning.services.reports.coverage import OrganizationCoverage, TrendPoint
from elearning.web.layout import format_day, format_percent

#: The bar chart's view box width and its parts, in user units (the SVG scales to its container).
BAR_WIDTH = 400
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
BAR_SPACE = 250  # the longest bar; the figure is written after it
#: The trend chart's view box.
TREND_WIDTH = 400
TREND_HEIGHT = 180
TREND_LEFT = 44
TREND_RIGHT = 12
TREND_TOP = 12
TREND_BOTTOM = 30


def coverage_text(certified: int, target: int | None, coverage: float | None) -> str:
    """« 3 / 4 (75 %) », or « 2 (aucune cible) » when there is no target: the figure written on each bar, in each
    table and export."""
    if target is None or coverage is None:
        return _("%(certified)d (no target)", certified=certified)
    return f"{certified} / {target} ({format_percent(coverage)})"


#: The longest label written above a bar (the view box is 400 units wide; the table has the full names).
LABEL_CHARACTERS = 46


def chart_label(row: OrganizationCoverage, language: str) -> str:
    """« SPVQ – Service de police de la Ville de… »: the code, then the name cut to fit."""
    text = f"{row.code} – {row.name(language)}"
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    label_y: float
    y: float
    width: float
    #: Where the target is marked (None: no target).
    target_x: float | None
    text: str
    text_x: float
    #: "met" (certified >= target), "short" (below it) or "none" (no target): the bar's class.
    kind: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    bar_height: int


def bar_chart(rows: Sequence[OrganizationCoverage], language: str) -> BarChart:
    """One bar per organization: its certified pivots, the target marked, on one scale for all."""
    scale_max = max([1] + [max(row.certified, row.target or 0) for row in rows])
    unit = BAR_SPACE / scale_max
    bars = []
    y = 0.0
    for row in rows:
        label_y = y + LABEL_HEIGHT - 4
        bar_y = y + LABEL_HEIGHT
        width = row.certified * unit
        kind = "none" if not row.target else ("met" if row.certified >= row.target else "short")
        bars.append(
            Bar(
                label=chart_label(row, language),
                label_y=label_y,
                y=bar_y,
                width=max(width, 2.0),
                target_x=row.target * unit if row.target else None,
                text=coverage_text(row.certified, row.target, row.coverage),
                text_x=max(width, (row.target or 0) * unit) + 8,
                kind=kind,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return BarChart(width=BAR_WIDTH, height=max(int(y), 1), bars=tuple(bars), bar_height=BAR_HEIGHT)


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    #: "x,y x,y ..." of the points that have a coverage (a polyline).
    points: str
    dots: tuple[tuple[float, float, str], ...]
    #: Horizontal grid lines: (y, label).
    grid: tuple[tuple[float, str], ...]
    #: Labels under the axis: (x, label) for the first and last month.
    months: tuple[tuple[float, str], ...]
    left: int
    right: int
    bottom: float


def trend_chart(points: Sequence[TrendPoint], organization_id: int | None = None) -> TrendChart:
    """Coverage at each month end: the total's, or one organization's."""
    values: list[float | None] = []
    for point in points:
        if organization_id is None:
            values.append(point.totals.coverage)
        else:
            row = point.organizations.get(organization_id)
            values.append(row.coverage if row is not None else None)
    top = max([1.0] + [value for value in values if value is not None])
    top = float(int(top * 4 + 0.999)) / 4  # a quarter above the highest value
    inner_width = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    inner_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    step = inner_width / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return TREND_TOP + inner_height * (1 - value / top)

    dots = []
    for index, (point, value) in enumerate(zip(points, values, strict=True)):
        if value is not None:
            dots.append((round(TREND_LEFT + index * step, 1), round(y_of(value), 1), point.moment.day.isoformat()))
    grid = tuple((round(y_of(level), 1), format_percent(level)) for level in (0.0, top / 2, top))
    months: tuple[tuple[float, str], ...] = ()
    if points:
        months = (
            (TREND_LEFT, format_day(points[0].moment.day)),
            (TREND_WIDTH - TREND_RIGHT, format_day(points[-1].moment.day)),
        )
    return TrendChart(
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        points=" ".join(f"{x},{y}" for x, y, _day in dots),
        dots=tuple(dots),
        grid=grid,
        months=months,
        left=TREND_LEFT,
        right=TREND_WIDTH - TREND_RIGHT,
        bottom=TREND_TOP + inner_height,
    )
