"""What the matrix's cells say, looked up once per page rather than once per cell (a 40-member team's matrix has
hundreds of cells): the status labels and icons, the column titles, the formatted days, the member links."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import get_template_attribute, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from elearning.i18n import page_language
from elearning.services.catalog import cache
from elearning.services.catalog.lookup import ModuleInfo
from elearning.services.learning.states import ModuleStatus
from elearning.services.reports.kept import remembered
from elearning.services.reports.team import Cell, MemberRow, TeamView
from elearning.web.labels import MODULE_STATUS_LABELS
from elearning.web.layout import format_day

#: Each status's icon, in the legend's order; always shown beside the status's text, hidden from screen readers.
ICONS: dict[ModuleStatus, str] = {
    ModuleStatus.NOT_STARTED: "○",
    ModuleStatus.IN_PROGRESS: "◐",
    ModuleStatus.COMPLETED: "✓",
    ModuleStatus.TO_REVIEW: "↻",
    ModuleStatus.FAILED: "✕",
}
assert set(ICONS) == set(ModuleStatus)


class Days(dict[dt.date, str]):
    """Each day formatted once per page (``days[day]``)."""

    def __missing__(self, day: dt.date) -> str:
        text = self[day] = format_day(day)
        return text


#: Rendered rows kept per process (a row is a few kilobytes).
KEPT_ROWS = 4096
_rows: OrderedDict[Hashable, Markup] = OrderedDict()
#: Pages' words kept per process (per language, content, columns and filters).
KEPT_TEXTS = 256
_texts: OrderedDict[Hashable, CellText] = OrderedDict()


def _member_row() -> Callable[..., Markup]:
    macro: Callable[..., Markup] = get_template_attribute("team/_matrix.html", "member_row")
    return macro


@dataclass(frozen=True)
class CellText:
    language: str
    #: The content's token: titles come from it.
    token: str
    labels: Mapping[ModuleStatus, str]
    icons: Mapping[ModuleStatus, str]
    #: The matrix's column titles, in column order.
    titles: tuple[str, ...]
    percent: str
    overdue: str
    not_assigned: str
    pivot: str
    member_url_start: str
    member_url_end: str
    days: Days = field(default_factory=Days)
    #: Each distinct cell's text, rendered once per page (most cells of a team say the same few things).
    fragments: dict[tuple[ModuleStatus, int | None, dt.date | None, bool], Markup] = field(default_factory=dict)

    def cell(self, cell: Cell) -> Markup:
        """A cell's icon, status, best score, date and overdue mark (its link and its member's name aside)."""
        assert cell.status is not None
        key = (cell.status, cell.best_score, cell.on, cell.overdue)
        fragment = self.fragments.get(key)
        if fragment is None:
            parts = [
                Markup('<span class="cell-icon" aria-hidden="true">%s</span> <span>%s</span>')
                % (self.icons[cell.status], self.labels[cell.status])
            ]
            if cell.best_score is not None:
                parts.append(Markup('<span class="cell-line">%s</span>') % (self.percent % {"score": cell.best_score}))
            if cell.on is not None:
                parts.append(Markup('<span class="cell-line">%s</span>') % self.days[cell.on])
            if cell.overdue:
                parts.append(
                    Markup('<span class="cell-line cell-overdue"><span aria-hidden="true">⚠</span> %s</span>')
                    % self.overdue
                )
            fragment = self.fragments[key] = Markup("").join(parts)
        return fragment

    def row(self, row: MemberRow) -> Markup:
        """A member's row of the matrix (``team/_matrix.html``, ``member_row``), rendered once and kept per
        process under everything it shows: the row itself (a frozen value: name, role, tracks, cells) and
        this page's words, column titles and links."""
        # The row's source (its standing, kept under the member's revision, and the columns) stands for its
        # cells and tracks; what else the row shows is named beside it.
        source = row.source if row.source is not None else (row.cells, row.tracks)
        key = (
            source,
            row.person_id,
            row.full_name,
            row.role,
            self.language,
            self.titles,
            self.member_url_start,
            self.member_url_end,
        )
        return remembered(_rows, key, lambda: _member_row()(row, self, self.language), KEPT_ROWS)

    def kept(self, key: Hashable, macro: Callable[..., Markup], *args: Any) -> Markup:
        """``macro(*args)``, rendered once and kept per process under ``key`` (which, with the page's language
        and content, must name everything the macro shows)."""
        full = ("fragment", key, self.language, self.token)
        return remembered(_rows, full, lambda: macro(*args), KEPT_ROWS)

    def member_url(self, person_id: int) -> str:
        """The member's detail, with the matrix's filters (one ``url_for`` per page, not per member)."""
        return f"{self.member_url_start}{person_id}{self.member_url_end}"


def cell_text(view: TeamView, args: Mapping[str, Any]) -> CellText:
    """The page's words and links, made once per language, content, columns and filters and kept (with the days
    and cells they formatted since)."""
    language = page_language()
    columns = view.matrices[0].columns if view.matrices else ()
    key = (
        language,
        cache.current_token(),
        tuple(info.module_id for info in columns),
        tuple(sorted(args.items())),
        request.script_root,
    )
    return remembered(_texts, key, lambda: _cell_text(language, key[1], columns, args), KEPT_TEXTS)


def _cell_text(language: str, token: str, columns: tuple[ModuleInfo, ...], args: Mapping[str, Any]) -> CellText:
    # The rule's only parameter is the person's id, at the end of the path: "/team/members/0?team=…".
    path, mark, query = url_for("team.member", person_id=0, **args).partition("?")
    assert path.endswith("/0"), path
    return CellText(
        language=language,
        token=token,
        labels={status: str(label) for status, label in MODULE_STATUS_LABELS.items()},
        icons=ICONS,
        titles=tuple(info.title(language) for info in columns),
        percent=_("%(score)d %%"),
        overdue=_("overdue"),
        not_assigned=_("not assigned"),
        pivot=_("pivot"),
        member_url_start=path[:-1],
        member_url_end=mark + query,
    )
