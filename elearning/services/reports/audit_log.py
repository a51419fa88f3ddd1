"""The audit log as an Admin reads it, ``/admin/audit`` and its exports: every event :func:`audit.record` wrote,
newest first, filtered by who acted (an e-mail address, or ``system`` for the command line and the platform's
own jobs), whom it is about, the action and a period of business days.

**Reading**: :data:`PAGE_SIZE` events a page by keyset on the id (``after=<id>``: the next page holds the events
older than the last one shown), so any page costs the same; each page is two statements (the actions to filter
by, the page's rows with the names of who acted and whom it is about). An export holds every matching event up
to :data:`EXPORT_MAX`, newest first, and is itself an audit event (``audit.exported``).

The log is append-only from the application's point of view: there is no route that changes or deletes an
event, and the ORM refuses to (:class:`elearning.models.audit.AuditLogIsAppendOnly`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import AuditEvent, Person
from elearning.permissions import Viewer
from elearning.services import transactions
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.dates import parse_day
from elearning.services.errors import Invalid
from elearning.services.people.accounts import normalize_email

PAGE_SIZE = 50
EXPORT_MAX = 20_000
SYSTEM_ACTOR = "system"
FILTER_KEYS = ("actor", "subject", "action", "from", "to")
FIELD_NAMES = {
    "actor": _l("Who acted"),
    "subject": _l("About whom"),
    "action": _l("Action"),
    "from": _l("From"),
    "to": _l("Until"),
    "after": _l("Page"),
}
_ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")

_ACTOR = orm.aliased(Person)
_SUBJECT = orm.aliased(Person)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    subject: str = ""
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    after: int | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query parameters (only those set; the page's key left out)."""
        args = {"actor": self.actor, "subject": self.subject, "action": self.action}
        if self.start:
            args["from"] = self.start.isoformat()
        if self.end:
            args["to"] = self.end.isoformat()
        return {key: value for key, value in args.items() if value}

    @property
    def narrowing(self) -> bool:
        return bool(self.as_args())


def _day(args: Mapping[str, str], key: str) -> dt.date | None:
    return parse_day(args.get(key), field=key, label=FIELD_NAMES[key])


def _person(args: Mapping[str, str], key: str, *, system: bool) -> str:
    text = (args.get(key) or "").strip()
    if not text or (system and text.lower() == SYSTEM_ACTOR):
        return text.lower()
    try:
        return normalize_email(text)
    except Invalid:
        message = (
            _l("%(field)s: give an e-mail address, or “system”.", field=FIELD_NAMES[key])
            if system
            else _l("%(field)s: give an e-mail address.", field=FIELD_NAMES[key])
        )
        raise Invalid(message, field=key) from None


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The filters of a query string; :class:`Invalid` naming the field for a malformed one."""
    action = (args.get("action") or "").strip()
    if action and (len(action) > 64 or not _ACTION.match(action)):
        raise Invalid(_l("%(field)s: unknown action.", field=FIELD_NAMES["action"]), field="action")
    start, end = _day(args, "from"), _day(args, "to")
    if start and end and end < start:
        raise Invalid(
            _l("%(field)s: the end of the period comes before its start.", field=FIELD_NAMES["to"]), field="to"
        )
    raw_after = (args.get("after") or "").strip()
    if raw_after and (not raw_after.isdigit() or len(raw_after) > 18):
        raise Invalid(
            _l("%(field)s: this page link is damaged; start again from the first page.", field=FIELD_NAMES["after"]),
            field="after",
        )
    return Filters(
        actor=_person(args, "actor", system=True),
        subject=_person(args, "subject", system=False),
        action=action,
        start=start,
        end=end,
        after=int(raw_after) if raw_after else None,
    )


@dataclass(frozen=True)
class EventRow:
    id: int
    at: dt.datetime
    actor_name: str | None
    actor_email: str | None
    subject_name: str | None
    subject_email: str | None
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any]

    @property
    def object_text(self) -> str:
        if self.object_type is None:
            return ""
        return f"{self.object_type} {self.object_id}" if self.object_id is not None else self.object_type

    @property
    def details_text(self) -> str:
        """The details as ``key: value`` pairs (lists joined), in the order they were recorded."""
        parts = []
        for key, value in self.details.items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{key}: {shown.strip(chr(34))}")
        return "; ".join(parts)


@dataclass(frozen=True)
class AuditPage:
    filters: Filters
    rows: tuple[EventRow, ...]
    #: The id the next page starts after (None: this is the last page).
    next_after: int | None
    #: Every action recorded so far (the action filter's choices).
    actions: tuple[str, ...]


def _statement(filters: Filters) -> sa.Select[Any]:
    statement = (
        sa.select(
            AuditEvent.id,
            AuditEvent.at,
            _ACTOR.full_name,
            _ACTOR.email,
            _SUBJECT.full_name,
            _SUBJECT.email,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.details,
        )
        .outerjoin(_ACTOR, _ACTOR.id == AuditEvent.actor_id)
        .outerjoin(_SUBJECT, _SUBJECT.id == AuditEvent.subject_person_id)
        .order_by(AuditEvent.id.desc())
    )
    if filters.actor == SYSTEM_ACTOR:
        statement = statement.where(AuditEvent.actor_id.is_(None))
    elif filters.actor:
        statement = statement.where(_ACTOR.email == filters.actor)
    if filters.subject:
        statement = statement.where(_SUBJECT.email == filters.subject)
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    the_clock = clock.get_clock()
    if filters.start:
        statement = statement.where(AuditEvent.at >= the_clock.start_of_day(filters.start))
    if filters.end:
        statement = statement.where(AuditEvent.at < the_clock.start_of_day(filters.end + dt.timedelta(days=1)))
    if filters.after is not None:
        statement = statement.where(AuditEvent.id < filters.after)
    return statement


def _rows(statement: sa.Select[Any]) -> list[EventRow]:
    return [
        EventRow(
            id=row[0],
            at=row[1],
            actor_name=row[2],
            actor_email=row[3],
            subject_name=row[4],
            subject_email=row[5],
            action=row[6],
            object_type=row[7],
            object_id=row[8],
            details=dict(row[9] or {}),
        )
        for row in db.session.execute(statement)
    ]


def check_access(viewer: Viewer) -> None:
    """:class:`NotFound` unless the viewer is an Admin (asked before the filters are read)."""
    check(permissions.can_administer(viewer), viewer)


def audit_page(viewer: Viewer, filters: Filters) -> AuditPage:
    check_access(viewer)
    actions = tuple(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    rows = _rows(_statement(filters).limit(PAGE_SIZE + 1))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return AuditPage(filters, tuple(rows), rows[-1].id if more and rows else None, actions)


def audit_export(viewer: Viewer, filters: Filters, file_format: str) -> tuple[EventRow, ...]:
    """Every matching event (at most :data:`EXPORT_MAX`, newest first), the export recorded."""
    check_access(viewer)
    rows = _rows(_statement(dataclasses.replace(filters, after=None)).limit(EXPORT_MAX))
    transactions.begin_writing()
    record(
        "audit.exported",
        actor=viewer,
        object_type="audit",
        details={"format": file_format, "rows": len(rows), "filters": sorted(filters.as_args())},
    )
    return tuple(rows)
