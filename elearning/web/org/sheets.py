"""The organization view as a sheet for the export writer: one row per member, pivots' designation alongside."""

from __future__ import annotations

from flask_babel import gettext as _

from elearning.exports import Cell, Sheet
from elearning.services.reports.organization_view import OrganizationView, OrgMember, OrgPivot
from elearning.web.reports.sheets import status_label


def _row(member: OrgMember, pivot: OrgPivot | None, language: str) -> tuple[Cell, ...]:
    pivot_cells: list[Cell] = [_("no"), None, None, None]
    if pivot is not None:
        pivot_cells = [
            _("yes"),
            pivot.designated_on,
            str(status_label(pivot.standing.status)),
            pivot.standing.expires_on,
        ]
    return (
        member.standing.full_name,
        member.standing.email,
        ", ".join(team.name for team in member.teams),
        *pivot_cells,
        f"{member.core_done}/{member.core_total}",
        str(status_label(member.standing.status)),
        member.standing.expires_on,
        " | ".join(
            _("%(track)s: due %(day)s", track=item.track.title(language), day=item.due_on.isoformat())
            for item in member.overdue
        ),
    )


def organization_sheet(view: OrganizationView, language: str) -> Sheet:
    """Every member the page shows, by name, with their pivot designation when they hold one."""
    pivots = {pivot.person_id: pivot for pivot in view.pivots}
    headers = (
        _("Name"),
        _("E-mail"),
        _("Teams"),
        _("Pivot"),
        _("Designated on"),
        _("Pivot certificate"),
        _("Pivot certificate expires on"),
        _("Core training modules"),
        _("Core training certificate"),
        _("Core training certificate expires on"),
        _("Overdue"),
    )
    rows = tuple(_row(member, pivots.get(member.person_id), language) for member in view.members)
    return Sheet(title=view.organization.code, headers=headers, rows=rows)


def file_stem(view: OrganizationView) -> str:
    return f"organization-{view.organization.code}-{view.day.isoformat()}"
