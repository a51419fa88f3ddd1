"""The team matrix as a sheet for the export writer: one row per member shown, the page's rows and columns."""

from __future__ import annotations

from flask_babel import gettext as _

from elearning.exports import Cell, Sheet
from elearning.services.reports.team import MemberRow, MemberTrack, TeamView
from elearning.web.labels import MODULE_STATUS_LABELS


def _track_progress(tracks: tuple[MemberTrack, ...], language: str) -> str:
    return " | ".join(f"{item.track.title(language)} {item.done}/{item.total}" for item in tracks)


def _certificates(tracks: tuple[MemberTrack, ...], language: str) -> str:
    parts = []
    for item in tracks:
        if item.certified_until is not None:
            parts.append(
                _(
                    "%(track)s: valid until %(day)s",
                    track=item.track.title(language),
                    day=item.certified_until.isoformat(),
                )
            )
        elif item.expired_on is not None:
            parts.append(
                _("%(track)s: expired on %(day)s", track=item.track.title(language), day=item.expired_on.isoformat())
            )
    return " | ".join(parts)


def _row(team_name: str, row: MemberRow, language: str) -> tuple[Cell, ...]:
    cells: list[Cell] = [
        row.full_name,
        row.email,
        team_name,
        _track_progress(row.tracks, language),
        row.due_on,
        _("yes") if row.overdue else _("no"),
        _certificates(row.tracks, language),
    ]
    for cell in row.cells:
        if cell.status is None:
            cells.extend([_("not assigned"), None, None])
            continue
        status = str(MODULE_STATUS_LABELS[cell.status])
        if cell.overdue:
            status = _("%(status)s (overdue)", status=status)
        cells.extend([status, cell.best_score, cell.on])
    return tuple(cells)


def team_sheet(view: TeamView, language: str) -> Sheet:
    """Every member row the page shows for the same filters, team after team."""
    columns = view.matrices[0].columns if view.matrices else ()
    headers = [_("Name"), _("E-mail"), _("Team"), _("Track progress"), _("Due date"), _("Overdue"), _("Certificates")]
    for info in columns:
        title = info.title(language)
        headers.extend(
            [
                _("%(module)s: status", module=title),
                _("%(module)s: best score (%%)", module=title),
                _("%(module)s: date", module=title),
            ]
        )
    rows = tuple(_row(matrix.name, row, language) for matrix in view.matrices for row in matrix.rows)
    return Sheet(title=_("Team"), headers=tuple(headers), rows=rows)


def file_stem(view: TeamView) -> str:
    """The export's file name without extension: the team (or teams) and the day's filters are in the URL."""
    if len(view.matrices) == 1:
        return f"{_('team')}-{view.matrices[0].name}"
    return _("teams")
