"""Module changes in the ``/team`` inbox (journey 5): the module versions synced since the viewer last looked,
with their change notes, whether they require review, and how many of the viewer's members each puts "to review".

Listed: versions that replaced an earlier version of their module (a module's first version is no change), of
active modules in an active track, synced (``ModuleVersion.created_at``) after the viewer's
``Person.changes_seen_at``, or in the last :data:`NEVER_SEEN_DAYS` days when they never marked them as seen;
newest first, at most :data:`SHOWN` of them (the others are counted).

"To review" is the team matrix's own status, read the same way: the members of the teams the matrix lets the
viewer open (:func:`team.members_of`, the matrix's member scope) and their progress on the changed modules from
the same batch reads (:func:`cycles.track_cycles_for`, :func:`batch.progress_for`), a module counting only where
one of the member's assigned tracks holds it (as the matrix shows a cell). A version puts a member to review when
their status on the module is "to review" and the completion it asks to review is of an earlier version; a
version that does not require review puts nobody to review. The members counted are those the viewer follows
as a pivot or a coordinator: the Table and Admin follow coverage, not members, so their counts are None (unless
they are also a pivot or a coordinator).

A fixed number of statements whatever the number of versions and members: the viewer's mark and the versions
(two), then, only when a listed version requires review and the viewer follows members, a
coordinator's teams (one), the members (one), their track cycles (one) and their progress (three). No statement
returns more than a row per member × listed module (or per member × track for the cycles).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import ModuleVersion, Person, Team
from elearning.models.types import UTCDateTime, in_language
from elearning.permissions import Viewer, scopes
from elearning.roles import Role
from elearning.services import transactions
from elearning.services.catalog import cache, lookup
from elearning.services.errors import NotFound
from elearning.services.learning import batch, cycles
from elearning.services.learning.states import ModuleStatus
from elearning.services.reports import team

#: When the viewer never marked the changes as seen: the versions synced in the last this many days.
NEVER_SEEN_DAYS = 90
#: The most versions listed, newest first; the others are only counted ("and N more").
SHOWN = 20


@dataclass(frozen=True)
class ModuleChange:
    """One module version synced since the viewer last looked, as plain values."""

    module_id: int
    slug: str
    version_id: int
    #: The authored version label ("2.2").
    version: str
    #: The module's title as this version has it.
    title_fr: str
    title_en: str | None
    #: The business day it was synced.
    synced_on: dt.date
    change_note_fr: str | None
    change_note_en: str | None
    requires_review: bool
    #: How many of the viewer's members this version puts "to review" now (0 when it requires no review);
    #: None when the viewer follows no members (the Table, Admin).
    to_review: int | None

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    def change_note(self, language: str) -> str | None:
        """The change note in the language (French when it has no English one); None without a note."""
        if self.change_note_fr is None:
            return None
        return in_language(language, self.change_note_fr, self.change_note_en)


@dataclass(frozen=True)
class ModuleChanges:
    #: Newest first, at most :data:`SHOWN`.
    changes: tuple[ModuleChange, ...]
    #: How many more versions were synced since, beyond those listed.
    more: int
    #: The day the viewer last marked the changes as seen (None: never; the list covers the last
    #: :data:`NEVER_SEEN_DAYS` days).
    seen_on: dt.date | None
    #: Whether the counts are of the viewer's members (False: the Table or Admin, who follow none).
    counts_members: bool

    @property
    def total(self) -> int:
        return len(self.changes) + self.more

    @property
    def never_seen_days(self) -> int:
        """How many days back the list goes when the viewer never marked the changes as seen."""
        return NEVER_SEEN_DAYS


# -- reading -------------------------------------------------------------------------------------------

_EARLIER = orm.aliased(ModuleVersion)
_SINCE = "since"
_MODULE_IDS = "module_ids"


_Versions = sa.Select[int, int, str, str, str | None, dt.datetime, str | None, str | None, bool, int]


@functools.cache
def _versions_statement() -> _Versions:
    """The versions of the given modules synced after the given instant that replaced an earlier version of
    their module; newest first, :data:`SHOWN` of them, each with the count of them all (built once: the values
    are parameters)."""
    replaced = (
        sa.select(_EARLIER.id)
        .where(_EARLIER.module_id == ModuleVersion.module_id, _EARLIER.id < ModuleVersion.id)
        .exists()
    )
    return (
        sa.select(
            ModuleVersion.id,
            ModuleVersion.module_id,
            ModuleVersion.version,
            ModuleVersion.title_fr,
            ModuleVersion.title_en,
            ModuleVersion.created_at,
            ModuleVersion.change_note_fr,
            ModuleVersion.change_note_en,
            ModuleVersion.requires_review,
            sa.func.count().over().label("total"),
        )
        .where(
            ModuleVersion.module_id.in_(sa.bindparam(_MODULE_IDS, expanding=True)),
            ModuleVersion.created_at > sa.bindparam(_SINCE, type_=UTCDateTime()),
            replaced,
        )
        .order_by(ModuleVersion.created_at.desc(), ModuleVersion.id.desc())
        .limit(SHOWN)
    )


def _listed_module_ids() -> list[int]:
    """The active modules of the active tracks (from the content catalog: no statement)."""
    catalog = cache.catalog()
    return sorted(
        {
            module_id
            for track in catalog.tracks
            for module_id in catalog.track_modules.get(track.id, ())
            if module_id in catalog.by_id
        }
    )


def _follower(viewer: Viewer) -> Viewer | None:
    """The viewer as the follower of members: without the Table's and Admin's global grants (they follow
    coverage, not members); None when nothing is left to follow."""
    if not viewer.pivot_team_ids and not viewer.coordinated_organization_ids:
        return None
    return dataclasses.replace(viewer, roles=viewer.roles - {Role.TABLE, Role.ADMIN})


def _followed_members(follower: Viewer, day: dt.date) -> list[int]:
    """The members of the teams whose matrix the follower may open (a pivot's teams, a coordinator's teams
    that are not archived, as the matrix offers them), through the matrix's own member scope."""
    if follower.coordinated_organization_ids:
        team_ids = list(
            db.session.scalars(
                sa.select(Team.id)
                .where(scopes.teams_visible_to(follower, day), Team.archived_at.is_(None))
                .order_by(Team.id)
            )
        )
    else:
        team_ids = sorted(follower.pivot_team_ids)
    return sorted({member[1] for member in team.members_of(follower, team_ids, day)})


def _to_review(follower: Viewer, day: dt.date, versions: list[tuple[int, int]]) -> dict[int, int]:
    """For each (version id, module id) that requires review: how many of the follower's members it puts to
    review now, by version id."""
    counts = dict.fromkeys((version_id for version_id, _module_id in versions), 0)
    if not versions:
        return counts
    person_ids = _followed_members(follower, day)
    if not person_ids:
        return counts
    catalog = cache.catalog()
    refs = [catalog.by_id[module_id] for module_id in sorted({module_id for _version_id, module_id in versions})]
    infos = list(lookup.module_infos(refs).values())
    track_cycles = cycles.track_cycles_for(person_ids, day)
    states = batch.progress_for(person_ids, infos, day, track_cycles=track_cycles)
    for person_id in person_ids:
        assigned = {module_id for cycle in track_cycles[person_id] for module_id in cycle.module_ids}
        for version_id, module_id in versions:
            state = states.get((person_id, module_id))
            if (
                module_id in assigned
                and state is not None
                and state.status == ModuleStatus.TO_REVIEW
                and state.earlier_completion is not None
                and state.earlier_completion.version_id < version_id
            ):
                counts[version_id] += 1
    return counts


def changes_for(viewer: Viewer, day: dt.date) -> ModuleChanges | None:
    """The module changes the viewer's inbox lists on ``day``; None when the viewer has no inbox (pivots,
    coordinators and the Table have one; Admin has none)."""
    if not permissions.can_open_question_inbox(viewer) or viewer.person_id is None:
        return None
    seen_at = db.session.scalar(sa.select(Person.changes_seen_at).where(Person.id == viewer.person_id))
    since = seen_at or clock.get_clock().start_of_day(day - dt.timedelta(days=NEVER_SEEN_DAYS))
    module_ids = _listed_module_ids()
    rows = (
        db.session.execute(_versions_statement(), {_SINCE: since, _MODULE_IDS: module_ids}).all() if module_ids else []
    )
    follower = _follower(viewer)
    counts: dict[int, int] = {}
    if follower is not None:
        counts = _to_review(follower, day, [(row.id, row.module_id) for row in rows if row.requires_review])
    catalog = cache.catalog()
    local_date = clock.get_clock().local_date
    changes = tuple(
        ModuleChange(
            module_id=row.module_id,
            slug=catalog.by_id[row.module_id].module.slug,
            version_id=row.id,
            version=row.version,
            title_fr=row.title_fr,
            title_en=row.title_en,
            synced_on=local_date(row.created_at),
            change_note_fr=row.change_note_fr,
            change_note_en=row.change_note_en,
            requires_review=bool(row.requires_review),
            to_review=None if follower is None else counts.get(row.id, 0),
        )
        for row in rows
    )
    return ModuleChanges(
        changes=changes,
        more=(rows[0].total if rows else 0) - len(changes),
        seen_on=local_date(seen_at) if seen_at is not None else None,
        counts_members=follower is not None,
    )


# -- writing -------------------------------------------------------------------------------------------


def mark_changes_seen(actor: Viewer) -> None:
    """The actor has seen the module changes listed so far: their inbox lists only versions synced from now on.

    :class:`NotFound` for someone without an inbox (the page and its form do not exist for them). The
    person's own reading mark, not a fact about them: no audit event, and their revision stays (nothing kept
    under it reads the mark). One UPDATE; the caller commits."""
    if not permissions.can_open_question_inbox(actor) or actor.person_id is None:
        raise NotFound(team.NOT_FOUND)
    transactions.begin_writing()
    db.session.execute(sa.update(Person).where(Person.id == actor.person_id).values(changes_seen_at=clock.now()))
