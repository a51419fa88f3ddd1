"""The team matrix: a team's members × the modules of their assigned tracks, with statuses, overdue marks,
per-member and per-team summaries, filters and sorting.

One reading serves the page and its exports (:func:`team_view`), so an export holds exactly the rows the page
shows for the same filters. Access: the teams shown are those the viewer may open (``permissions.can_view_team``,
``scopes.teams_visible_to``) and their members are read through ``scopes.people_visible_to``, in SQL. A fixed
number of grouped queries whatever the number of members (the tracks, the teams, the members, the track cycles,
and the three progress queries of :func:`batch.progress_for`), none returning more rows than members × modules.

The filters narrow the rows shown, not what is read: the team's summary counts every member, so every member's
progress is read; the status and overdue filters apply to statuses computed from several tables, after the
batch read (a status is not a column).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization, Person, Team, TeamMembership
from elearning.models.types import in_language
from elearning.permissions import TeamRef, Viewer, scopes
from elearning.services import revisions, transactions
from elearning.services.audit import record
from elearning.services.catalog import cache, lookup
from elearning.services.catalog.entries import TrackEntry
from elearning.services.errors import Invalid, NotFound
from elearning.services.learning import batch, cycles
from elearning.services.learning.states import ModuleState, ModuleStatus

NOT_FOUND = _l("This team does not exist, or it is not available to you.")


class Sort(enum.StrEnum):
    NAME = "name"
    PROGRESS = "progress"
    DUE = "due"


#: The matrix's query parameters, in the order a URL names them.
FILTER_KEYS = ("org", "team", "track", "module", "status", "overdue", "expiring", "sort")


@dataclass(frozen=True)
class Filters:
    """What the viewer asked to see (all kept in the URL)."""

    org: str | None = None
    team: int | None = None
    track: str | None = None
    module: str | None = None
    status: ModuleStatus | None = None
    overdue: bool = False
    expiring: bool = False
    sort: Sort = Sort.NAME

    def as_args(self) -> dict[str, str]:
        """The filters as query parameters (only those set; the default sort left out)."""
        args: dict[str, str] = {}
        if self.org:
            args["org"] = self.org
        if self.team is not None:
            args["team"] = str(self.team)
        if self.track:
            args["track"] = self.track
        if self.module:
            args["module"] = self.module
        if self.status is not None:
            args["status"] = self.status.value
        if self.overdue:
            args["overdue"] = "1"
        if self.expiring:
            args["expiring"] = "1"
        if self.sort != Sort.NAME:
            args["sort"] = self.sort.value
        return args

    @property
    def narrowing(self) -> bool:
        """Whether a filter leaves members out."""
        return bool(self.track or self.module or self.status or self.overdue or self.expiring)


def _flag(args: Mapping[str, str], key: str) -> bool:
    value = args.get(key, "")
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise Invalid(_l("The filter %(name)s takes 1 or 0.", name=key), field=key)


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The filters of a query string; :class:`Invalid` naming the parameter for a malformed value (an unknown
    module or track is refused later, by :func:`team_view`, which knows them)."""
    team: int | None = None
    raw_team = args.get("team", "")
    if raw_team:
        if not raw_team.isdigit() or len(raw_team) > 12:
            raise Invalid(_l("The team must be given by its number."), field="team")
        team = int(raw_team)
    raw_status = args.get("status", "")
    try:
        status = ModuleStatus(raw_status) if raw_status else None
    except ValueError:
        raise Invalid(_l("Unknown status: %(value)s.", value=raw_status[:40]), field="status") from None
    raw_sort = args.get("sort", "") or Sort.NAME.value
    try:
        sort = Sort(raw_sort)
    except ValueError:
        raise Invalid(_l("Unknown sort order: %(value)s.", value=raw_sort[:40]), field="sort") from None
    return Filters(
        org=(args.get("org") or None),
        team=team,
        track=(args.get("track") or None),
        module=(args.get("module") or None),
        status=status,
        overdue=_flag(args, "overdue"),
        expiring=_flag(args, "expiring"),
        sort=sort,
    )


# -- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One member on one module. ``status`` None: the module is in none of the member's assigned tracks."""

    module_id: int
    status: ModuleStatus | None
    best_score: int | None = None
    #: The completion's day when completed (or completed earlier, to review), else the last attempt's day.
    on: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class MemberTrack:
    """A member's standing on one assigned track."""

    track: TrackEntry
    done: int
    total: int
    #: The expiry of the certificate valid today, if any.
    certified_until: dt.date | None
    #: The latest certificate's expiry when it has expired and none is valid (revoked ones left out).
    expired_on: dt.date | None
    #: When the current work is due (None: nothing due, certified and outside the renewal window).
    due_on: dt.date | None
    overdue: bool
    expiring: bool

    @property
    def complete(self) -> bool:
        return self.certified_until is not None or (self.total > 0 and self.done == self.total)


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    full_name: str
    email: str
    role: str  # "member" or "pivot"
    cells: tuple[Cell, ...]
    tracks: tuple[MemberTrack, ...]
    #: What the cells and tracks were made from (the member's kept standing and the columns), compared by
    #: identity: a cheap key under which a rendering of the row can be kept while that standing is.
    source: Hashable = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def done(self) -> int:
        return sum(track.done for track in self.tracks)

    @property
    def total(self) -> int:
        return sum(track.total for track in self.tracks)

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def due_on(self) -> dt.date | None:
        """The earliest due date of the work still to do."""
        dates = [track.due_on for track in self.tracks if track.due_on is not None and not track.complete]
        return min(dates) if dates else None

    @property
    def overdue(self) -> bool:
        return any(track.overdue for track in self.tracks)

    @property
    def expiring(self) -> bool:
        return any(track.expiring for track in self.tracks)


@dataclass(frozen=True)
class TrackShare:
    track: TrackEntry
    complete: int
    assigned: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.assigned) if self.assigned else 0


@dataclass(frozen=True)
class TeamMatrix:
    team_id: int
    name: str
    organization_id: int
    organization_code: str
    organization_fr: str
    organization_en: str
    #: The modules shown, in track order.
    columns: tuple[lookup.ModuleInfo, ...]
    #: The members shown (after the filters), in the order asked.
    rows: tuple[MemberRow, ...]
    #: The whole team, whatever the filters.
    member_count: int
    shares: tuple[TrackShare, ...]
    overdue_count: int
    expiring_count: int

    def organization(self, language: str) -> str:
        return in_language(language, self.organization_fr, self.organization_en)


@dataclass(frozen=True)
class TeamChoice:
    team_id: int
    name: str
    organization_code: str


@dataclass(frozen=True)
class OrganizationChoice:
    code: str
    name_fr: str
    name_en: str

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)


@dataclass(frozen=True)
class TeamView:
    filters: Filters
    #: The organizations whose teams the viewer may pick (the Table and Admin pick one first), and that
    #: organization's (or, for others, every visible) team.
    organizations: tuple[OrganizationChoice, ...]
    teams: tuple[TeamChoice, ...]
    #: Whether the viewer picks an organization before a team (the Table and Admin).
    organization_first: bool
    tracks: tuple[TrackEntry, ...]
    #: Every module of a track, in track order (the module filter's choices).
    modules: tuple[lookup.ModuleInfo, ...]
    matrices: tuple[TeamMatrix, ...]
    renewal_days: int

    @property
    def row_count(self) -> int:
        return sum(len(matrix.rows) for matrix in self.matrices)


# -- reading -------------------------------------------------------------------------------------------


class TeamRow(NamedTuple):
    id: int
    name: str
    organization_id: int


#: The columns a team is read with (plain rows: cheaper than ORM objects on a page read on every request).
_TEAM_COLUMNS = (
    Team.id,
    Team.name,
    Team.organization_id,
    Organization.code,
    Organization.name_fr,
    Organization.name_en,
)
_Shown = tuple[TeamRow, OrganizationChoice]


def _teams(statement: sa.Select[int, str, int, str, str, str]) -> list[_Shown]:
    return [
        (TeamRow(row[0], row[1], row[2]), OrganizationChoice(row[3], row[4], row[5]))
        for row in db.session.execute(statement)
    ]


def _team_choices(viewer: Viewer, day: dt.date, organization_first: bool, org: str | None) -> list[_Shown]:
    statement = (
        sa.select(*_TEAM_COLUMNS)
        .join(Organization, Organization.id == Team.organization_id)
        .where(scopes.teams_visible_to(viewer, day), Team.archived_at.is_(None))
        .order_by(Organization.code, Team.name, Team.id)
    )
    if organization_first:
        if not org:
            return []
        statement = statement.where(Organization.code == org)
    return _teams(statement)


def _own_team_choices(viewer: Viewer, day: dt.date) -> list[_Shown]:
    """The teams a pivot or a coordinator may pick. A viewer who is only a pivot picks among their own teams:
    kept under their revision, which any change of those teams (a name, an archive, a membership) or of their
    organization replaces. A coordinator's choices (every team of the organization, a new one included) are
    read on each request."""
    if viewer.coordinated_organization_ids or viewer.person_id is None:
        return _team_choices(viewer, day, False, None)
    kept = revisions.memo(
        "team choices",
        viewer.person_id,
        lambda: (day, tuple(sorted(viewer.pivot_team_ids))),
        lambda: tuple(_team_choices(viewer, day, False, None)),
    )
    return list(kept)


def _organization_choices(viewer: Viewer, day: dt.date) -> list[OrganizationChoice]:
    teams = sa.select(Team.organization_id).where(scopes.teams_visible_to(viewer, day), Team.archived_at.is_(None))
    statement = (
        sa.select(Organization.code, Organization.name_fr, Organization.name_en)
        .where(Organization.id.in_(teams))
        .order_by(Organization.code)
    )
    return [OrganizationChoice(row[0], row[1], row[2]) for row in db.session.execute(statement)]


def _shown_teams(viewer: Viewer, filters: Filters, day: dt.date) -> list[_Shown]:
    """The teams whose matrix is shown: the one asked (if the viewer may open it), else a pivot's own teams."""
    if filters.team is not None:
        found = _teams(
            sa.select(*_TEAM_COLUMNS)
            .join(Organization, Organization.id == Team.organization_id)
            .where(Team.id == filters.team)
        )
        if not found:
            raise NotFound(NOT_FOUND)
        team, _organization = found[0]
        if not permissions.can_view_team(viewer, TeamRef(team.id, team.organization_id)):
            raise NotFound(NOT_FOUND)  # a team's members are private, even within the organization
        return found
    if not viewer.pivot_team_ids:
        return []
    return _teams(
        sa.select(*_TEAM_COLUMNS)
        .join(Organization, Organization.id == Team.organization_id)
        .where(Team.id.in_(sorted(viewer.pivot_team_ids)))
        .order_by(Team.name, Team.id)
    )


def _members(viewer: Viewer, team_ids: list[int], day: dt.date) -> list[tuple[int, int, str, str, str]]:
    """(team id, person id, name, e-mail, role) of the teams' members on ``day`` that the viewer may see. Their
    revisions come along, so that their standings can be kept (see :func:`_standing`)."""
    if not team_ids:
        return []
    statement = _members_statement(viewer, tuple(team_ids), day, clock.get_clock().start_of_day(day))
    rows = db.session.execute(statement).all()
    if not db.session().info.get(transactions.WROTE):  # what a unit of work reads after writing is not kept
        revisions.remember_read((row[1], row[5]) for row in rows)
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def members_of(viewer: Viewer, team_ids: Sequence[int], day: dt.date) -> list[tuple[int, int, str, str, str]]:
    """The matrix's members of these teams on ``day`` that the viewer may see, as :func:`_members` reads them:
    what other reports count the matrix's people by (the inbox's module changes)."""
    return _members(viewer, list(team_ids), day)


@functools.lru_cache(maxsize=256)
def _members_statement(
    viewer: Viewer, team_ids: tuple[int, ...], day: dt.date, _day_starts: dt.datetime
) -> sa.Select[int, int, str, str, str, int]:
    """:func:`_members`'s statement, built once per viewer, teams and day (building it costs more than running
    it); ``_day_starts`` names the time zone the day's bounds were computed in."""
    return (
        sa.select(
            TeamMembership.team_id,
            Person.id,
            Person.full_name,
            Person.email,
            TeamMembership.role,
            Person.facts_revision,
        )
        .join(Person, Person.id == TeamMembership.person_id)
        .where(
            TeamMembership.team_id.in_(team_ids),
            TeamMembership.holds_on(day),
            scopes.people_visible_to(viewer, day),
        )
        .order_by(TeamMembership.team_id, Person.full_name, Person.id)
    )


def member_tracks(
    own: Sequence[cycles.TrackCycle],
    states: Mapping[tuple[int, int], ModuleState],
    person_id: int,
    tracks: Mapping[int, TrackEntry],
    day: dt.date,
    window: dt.timedelta,
) -> list[tuple[cycles.TrackCycle, MemberTrack]]:
    result = []
    for cycle in own:
        info = tracks.get(cycle.track.id)
        if info is None:
            continue
        module_ids = [module_id for module_id in cycle.module_ids if (person_id, module_id) in states]
        done = sum(1 for module_id in module_ids if states[(person_id, module_id)].status == ModuleStatus.COMPLETED)
        current, latest = cycle.current, cycle.latest
        expired_on = None
        if current is None and latest is not None and latest.revoked_at is None and day >= latest.expires_on:
            expired_on = latest.expires_on
        finished = bool(module_ids) and done == len(module_ids)
        item = MemberTrack(
            track=info,
            done=done,
            total=len(module_ids),
            certified_until=current.expires_on if current is not None else None,
            expired_on=expired_on,
            due_on=cycle.due_on if cycle.open else None,
            overdue=cycle.open and not finished and day > cycle.due_on,
            expiring=current is not None and day < current.expires_on <= day + window,
        )
        result.append((cycle, item))
    return result


def cell_of(state: ModuleState | None, module_id: int, overdue_tracks: Sequence[cycles.TrackCycle]) -> Cell:
    if state is None:
        return Cell(module_id, None)
    completion = state.completion or state.earlier_completion
    on: dt.date | None = None
    if completion is not None and state.status in (ModuleStatus.COMPLETED, ModuleStatus.TO_REVIEW):
        on = completion.completed_on
    elif state.last_attempt_at is not None:
        on = clock.get_clock().local_date(state.last_attempt_at)
    overdue = state.status != ModuleStatus.COMPLETED and any(module_id in cycle.module_ids for cycle in overdue_tracks)
    return Cell(module_id, state.status, state.best_score, on, overdue)


def _keep(row: MemberRow, filters: Filters, track: TrackEntry | None, module_id: int | None) -> bool:
    """Whether a member stays in the matrix under the filters (on the cells shown)."""
    if track is not None and all(item.track.id != track.id for item in row.tracks):
        return False
    assigned = [cell for cell in row.cells if cell.status is not None]
    if module_id is not None and not assigned:
        return False
    if filters.status is not None and all(cell.status != filters.status for cell in assigned):
        return False
    if filters.overdue and not any(cell.overdue for cell in assigned):
        return False
    return not (filters.expiring and not row.expiring)


def _sorted(rows: list[MemberRow], sort: Sort) -> list[MemberRow]:
    """The rows in the order asked; ties (and the name order) as the query gave them, by name."""
    if sort == Sort.PROGRESS:
        return sorted(rows, key=lambda row: (row.share, row.done))
    if sort == Sort.DUE:
        return sorted(rows, key=lambda row: (row.due_on is None, row.due_on or dt.date.max))
    return rows


def _shares(rows: Sequence[MemberRow], tracks: Mapping[int, TrackEntry]) -> tuple[TrackShare, ...]:
    """Per track, how many of the members it is assigned to have completed it (or hold its certificate)."""
    shares = []
    for info in tracks.values():
        standing = [item for row in rows for item in row.tracks if item.track.id == info.id]
        if standing:
            shares.append(TrackShare(info, sum(1 for item in standing if item.complete), len(standing)))
    return tuple(shares)


@dataclass(frozen=True, eq=False)
class Standing:
    """A member's cells (by module id, the modules of their assigned tracks) and tracks, whatever the filters:
    kept per process under their revision (:func:`revisions.memo_many`). Compared by identity: a new reading
    is a new standing."""

    cells: Mapping[int, Cell]
    tracks: tuple[MemberTrack, ...]


def _standing(
    person_ids: list[int],
    infos: list[lookup.ModuleInfo],
    tracks: Mapping[int, TrackEntry],
    day: dt.date,
    window: dt.timedelta,
) -> dict[int, Standing]:
    """The members' standings from one batch read: their track cycles, then their progress (4 queries)."""
    track_cycles = cycles.track_cycles_for(person_ids, day)
    states = batch.progress_for(person_ids, infos, day, track_cycles=track_cycles)
    result = {}
    for person_id in person_ids:
        pairs = member_tracks(track_cycles[person_id], states, person_id, tracks, day, window)
        overdue_tracks = [cycle for cycle, item in pairs if item.overdue]
        assigned = {module_id for cycle in track_cycles[person_id] for module_id in cycle.module_ids}
        cells = {
            info.module_id: cell_of(states.get((person_id, info.module_id)), info.module_id, overdue_tracks)
            for info in infos
            if info.module_id in assigned
        }
        result[person_id] = Standing(MappingProxyType(cells), tuple(item for _cycle, item in pairs))
    return result


def standings_of(
    person_ids: list[int],
    day: dt.date,
    infos: Mapping[int, lookup.ModuleInfo],
    tracks: Mapping[int, TrackEntry],
    window: dt.timedelta,
) -> Mapping[int, Standing]:
    """The people's standings on ``day`` (cells of the modules of their assigned tracks, and their tracks), kept
    per process under their revisions: the team matrix's and the organization view's one reading."""
    key = (day, window, cache.current_token(), tuple(tracks.values()))
    return revisions.memo_many(
        "team standing", person_ids, key, lambda ids: _standing(ids, list(infos.values()), tracks, day, window)
    )


def track_infos() -> tuple[dict[int, TrackEntry], dict[int, lookup.ModuleInfo]]:
    """The active tracks by id and the modules in them (track order), as the matrix shows them."""
    catalog = cache.catalog()
    tracks = {entry.id: entry for entry in catalog.tracks}
    in_tracks = {module_id for track_id in tracks for module_id in catalog.track_modules.get(track_id, ())}
    infos = lookup.module_infos(ref for ref in lookup.modules_in_track_order() if ref.module.id in in_tracks)
    return tracks, dict(infos)


def require_team_page(viewer: Viewer) -> None:
    """:class:`NotFound` unless the viewer has a team page at all: asked before the filters are read, so that
    someone without one learns nothing from a malformed filter (a 404, never a 400)."""
    if not permissions.can_view_any_team(viewer):
        raise NotFound(NOT_FOUND)


def team_view(viewer: Viewer, filters: Filters, day: dt.date) -> TeamView:
    """The teams the viewer asked for, each as a filtered, sorted matrix: the team named by ``filters.team``;
    without one, a pivot's own teams, or for others the first team they may pick.

    :class:`NotFound` when the viewer has no team page at all, or asks for a team they may not open (its
    existence is private); :class:`Invalid` for an unknown organization, track or module."""
    require_team_page(viewer)
    organization_first = viewer.is_table or viewer.is_admin
    organizations = _organization_choices(viewer, day) if organization_first else []
    org = filters.org
    team_id = filters.team
    if organization_first:
        shown = _shown_teams(viewer, filters, day)
        if org and shown and shown[0][1].code != org:
            shown, team_id = [], None  # another organization was picked: its first team, below
        if shown:
            org = shown[0][1].code
        elif org is None and organizations:
            org = organizations[0].code
        if org is not None and all(item.code != org for item in organizations):
            raise Invalid(_l("Unknown organization: %(value)s.", value=org[:40]), field="org")
        choices = _team_choices(viewer, day, organization_first, org)
    else:
        # Pivots and coordinators pick among every team they may see: the teams shown are among them (one
        # query less), except a team asked for outside them (archived, or not theirs: refused there).
        choices = _own_team_choices(viewer, day)
        if team_id is not None:
            shown = [item for item in choices if item[0].id == team_id] or _shown_teams(viewer, filters, day)
        else:
            shown = sorted(
                (item for item in choices if item[0].id in viewer.pivot_team_ids),
                key=lambda item: (item[0].name, item[0].id),
            )
    if not shown and choices:
        shown = [choices[0]]
        team_id = choices[0][0].id

    catalog = cache.catalog()
    tracks = {entry.id: entry for entry in catalog.tracks}
    track_modules = catalog.track_modules
    in_tracks = {module_id for track_id in tracks for module_id in track_modules.get(track_id, ())}
    all_infos = lookup.module_infos(ref for ref in lookup.modules_in_track_order() if ref.module.id in in_tracks)
    track = next((item for item in tracks.values() if item.slug == filters.track), None)
    if filters.track and track is None:
        raise Invalid(_l("Unknown track: %(value)s.", value=filters.track[:40]), field="track")
    module = next((info for info in all_infos.values() if info.slug == filters.module), None)
    if filters.module and module is None:
        raise Invalid(_l("Unknown module: %(value)s.", value=filters.module[:40]), field="module")

    members = _members(viewer, [team.id for team, _organization in shown], day)
    window = cycles.renewal_window()
    standing = standings_of(sorted({member[1] for member in members}), day, all_infos, tracks, window)
    used = {module_id for item in standing.values() for module_id in item.cells}
    columns = tuple(
        info
        for info in all_infos.values()
        if info.module_id in used
        and (module is None or info.module_id == module.module_id)
        and (track is None or info.module_id in track_modules.get(track.id, ()))
    )
    column_ids = tuple(info.module_id for info in columns)
    rows_of = {
        person_id: (
            tuple(item.cells.get(module_id, Cell(module_id, None)) for module_id in column_ids),
            item.tracks,
            (item, column_ids),
        )
        for person_id, item in standing.items()
    }

    matrices = []
    for team, organization in shown:
        team_rows = [
            MemberRow(person_id, name, email, role, *rows_of[person_id])
            for member_team_id, person_id, name, email, role in members
            if member_team_id == team.id
        ]
        kept = [row for row in team_rows if _keep(row, filters, track, module.module_id if module else None)]
        matrices.append(
            TeamMatrix(
                team_id=team.id,
                name=team.name,
                organization_id=team.organization_id,
                organization_code=organization.code,
                organization_fr=organization.name_fr,
                organization_en=organization.name_en,
                columns=columns,
                rows=tuple(_sorted(kept, filters.sort)),
                member_count=len(team_rows),
                shares=_shares(team_rows, tracks),
                overdue_count=sum(1 for row in team_rows if row.overdue),
                expiring_count=sum(1 for row in team_rows for item in row.tracks if item.expiring),
            )
        )
    return TeamView(
        filters=dataclasses.replace(filters, org=org if organization_first else None, team=team_id),
        organizations=tuple(organizations),
        teams=tuple(TeamChoice(team.id, team.name, organization.code) for team, organization in choices),
        organization_first=organization_first,
        tracks=tuple(tracks.values()),
        modules=tuple(all_infos.values()),
        matrices=tuple(matrices),
        renewal_days=window.days,
    )


def record_export(viewer: Viewer, view: TeamView, file_format: str) -> None:
    """Record an export of the matrix (personal information): who, which format, teams and filters, how many
    rows. The view was read for this viewer by :func:`team_view`, which checked access."""
    transactions.begin_writing()
    record(
        "team.exported",
        actor=viewer,
        object_type="team",
        object_id=view.filters.team,
        details={
            "format": file_format,
            "teams": [matrix.team_id for matrix in view.matrices],
            "filters": urlencode(view.filters.as_args()),
            "rows": view.row_count,
        },
    )
