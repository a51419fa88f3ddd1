"""Tracks as an Admin reads them (``/admin/tracks``): what the content defines (modules, roles, validity, days to
finish), who is assigned today with their due dates, and the one change an Admin makes there: a person's due
date extended, recorded (``track.due_date_extended``, the old and new dates and the reason). The tracks
themselves come from the content files (``elearning content sync``), never from a form.

The list and a track's page are a fixed number of statements: the tracks with their assigned counts (two), a
track's assignments a page at a time by keyset on the person's name (``after=<assignment id>``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Module, ModuleVersion, Person, Track, TrackAssignment, TrackModule
from elearning.models.types import in_language
from elearning.permissions import Viewer, scopes
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.errors import Invalid, NotFound

PAGE_SIZE = 50
MAX_EXTENSION_DAYS = 730
MAX_REASON = 300


@dataclass(frozen=True)
class TrackSummary:
    slug: str
    title_fr: str
    title_en: str | None
    roles: tuple[str, ...]
    validity_months: int
    days_to_finish: int
    retired: bool
    modules: tuple[tuple[str, str, str | None], ...]  # slug, title fr, title en
    assigned: int

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)


@dataclass(frozen=True)
class AssignmentRow:
    assignment_id: int
    person_id: int
    full_name: str
    email: str
    assigned_on: dt.date
    due_on: dt.date

    def overdue(self, day: dt.date) -> bool:
        return day > self.due_on


@dataclass(frozen=True)
class TrackPage:
    track: TrackSummary
    rows: tuple[AssignmentRow, ...]
    next_after: int | None
    day: dt.date


def check_access(viewer: Viewer) -> None:
    check(permissions.can_administer(viewer), viewer)


def _open_on(day: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(
        TrackAssignment.assigned_on <= day,
        sa.or_(TrackAssignment.ended_on.is_(None), TrackAssignment.ended_on > day),
    )


def tracks(viewer: Viewer) -> tuple[TrackSummary, ...]:
    """Every track, active first, with its modules and how many active people it is assigned to today."""
    check_access(viewer)
    day = clock.today()
    counts = dict(
        db.session.execute(
            sa.select(TrackAssignment.track_id, sa.func.count())
            .join(Person, Person.id == TrackAssignment.person_id)
            .where(_open_on(day), scopes.active_on(day))
            .group_by(TrackAssignment.track_id)
        ).all()
    )
    modules: dict[int, list[tuple[str, str, str | None]]] = {}
    rows = db.session.execute(
        sa.select(Track, TrackModule.position, Module.slug, Module.id)
        .outerjoin(TrackModule, TrackModule.track_id == Track.id)
        .outerjoin(Module, Module.id == TrackModule.module_id)
        .order_by(Track.retired_at.is_not(None), Track.slug, TrackModule.position)
    ).all()
    titles = _module_titles([row[3] for row in rows if row[3] is not None])
    ordered: dict[int, Track] = {}
    for track, _position, slug, module_id in rows:
        ordered.setdefault(track.id, track)
        if slug is not None and module_id is not None:
            modules.setdefault(track.id, []).append((slug, *titles.get(module_id, (slug, None))))
    return tuple(
        TrackSummary(
            slug=track.slug,
            title_fr=track.title_fr,
            title_en=track.title_en,
            roles=track.roles,
            validity_months=track.validity_months,
            days_to_finish=track.days_to_finish,
            retired=track.retired_at is not None,
            modules=tuple(modules.get(track.id, ())),
            assigned=int(counts.get(track.id, 0)),
        )
        for track in ordered.values()
    )


def _module_titles(module_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    if not module_ids:
        return {}
    latest = (
        sa.select(ModuleVersion.module_id, sa.func.max(ModuleVersion.id).label("version_id"))
        .where(ModuleVersion.module_id.in_(module_ids))
        .group_by(ModuleVersion.module_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ModuleVersion.module_id, ModuleVersion.title_fr, ModuleVersion.title_en).join(
            latest, latest.c.version_id == ModuleVersion.id
        )
    ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def track_page(viewer: Viewer, slug: str, after: int | None = None) -> TrackPage:
    """One track and its assignments today, by name, a page at a time."""
    found = next((item for item in tracks(viewer) if item.slug == slug), None)
    if found is None:
        raise NotFound(_l("This does not exist, or it is not available to you."))
    day = clock.today()
    statement = (
        sa.select(
            TrackAssignment.id,
            Person.id,
            Person.full_name,
            Person.email,
            TrackAssignment.assigned_on,
            TrackAssignment.due_on,
        )
        .join(Person, Person.id == TrackAssignment.person_id)
        .join(Track, Track.id == TrackAssignment.track_id)
        .where(Track.slug == slug, _open_on(day), scopes.active_on(day))
        .order_by(Person.full_name, TrackAssignment.id)
        .limit(PAGE_SIZE + 1)
    )
    if after is not None:
        anchor = (
            sa.select(Person.full_name)
            .join(TrackAssignment, TrackAssignment.person_id == Person.id)
            .where(TrackAssignment.id == after)
            .scalar_subquery()
        )
        statement = statement.where(
            sa.or_(Person.full_name > anchor, sa.and_(Person.full_name == anchor, TrackAssignment.id > after))
        )
    rows = [AssignmentRow(*row) for row in db.session.execute(statement)]
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return TrackPage(found, tuple(rows), rows[-1].assignment_id if more and rows else None, day)


def extend_due_date(viewer: Viewer, assignment_id: int, new_due: dt.date | None, reason: str) -> TrackAssignment:
    """Give one person more time on a track: a later due date for their open assignment, recorded with the
    reason. :class:`Invalid` naming the field for an earlier date, one more than two years ahead, or no reason."""
    check_access(viewer)
    assignment = db.session.get(TrackAssignment, assignment_id)
    if assignment is None or assignment.ended_on is not None:
        raise NotFound(_l("This does not exist, or it is not available to you."))
    if new_due is None:
        raise Invalid(_l("Write the date as YYYY-MM-DD, for example 2026-03-31."), field="due_on")
    if new_due <= assignment.due_on:
        raise Invalid(_l("The new due date must come after the current one."), field="due_on")
    if new_due > clock.today() + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise Invalid(_l("A due date can be at most two years ahead."), field="due_on")
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise Invalid(_l("Give a reason of 1 to %(max)d characters.", max=MAX_REASON), field="reason")
    old = assignment.due_on
    assignment.due_on = new_due
    db.session.flush()
    record(
        "track.due_date_extended",
        actor=viewer,
        subject=assignment.person_id,
        object_type="track_assignment",
        object_id=assignment.id,
        details={"from": old.isoformat(), "to": new_due.isoformat(), "reason": reason},
    )
    return assignment
