"""Server-side sign-in sessions: created at sign-in, checked on every request, revoked at sign-out.

The browser's cookie holds a random reference of 256 bits; only its SHA-256 is stored, so a copy of the
database cannot be turned into working cookies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from elearning import clock
from elearning.extensions import db
from elearning.models import Person, WebSession
from elearning.services import revisions, transactions

#: ``last seen`` is written at most this often.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    idle: dt.timedelta
    absolute: dt.timedelta


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(person: Person) -> tuple[str, WebSession]:
    """A new session for ``person``; returns the cookie value (shown once) and the row."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = WebSession(token_hash=_hash(token), person_id=person.id, created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.flush()
    return token, row


_statements: dict[int, sa.Select[WebSession, Person, Any]] = {}


def _session_statement(also: sa.ColumnElement[Any] | None) -> sa.Select[WebSession, Person, Any]:
    """The session lookup, built once per process for each ``also`` column (parameter ``token_hash``); the
    callers pass the same column object every time (see :func:`elearning.services.catalog.cache.token_column`)."""
    key = id(also)
    statement = _statements.get(key)
    if statement is None:
        statement = (
            sa.select(WebSession, Person, also if also is not None else sa.null())
            .join(Person, Person.id == WebSession.person_id)
            .where(WebSession.token_hash == sa.bindparam("token_hash", type_=sa.String))
        )
        _statements[key] = statement
    return statement


def resume_session(
    token: str, lifetimes: Lifetimes, *, also: sa.ColumnElement[Any] | None = None
) -> tuple[WebSession, Person, Any] | None:
    """The live session and person behind a cookie value, or None (unknown, revoked, expired, deactivated).

    Touches ``last_seen_at`` when it is older than :data:`TOUCH_INTERVAL` (at most once a minute, so most
    requests only read); the request commits it. ``also`` is a column read in the same statement (the web
    layer reads the content revision this way), returned third.
    """
    if not token or len(token) > 100:
        return None
    query = _session_statement(also)
    parameters = {"token_hash": _hash(token)}
    found = db.session.execute(query, parameters).first()
    if found is None:
        return None
    row, person, extra = found
    now = clock.now()
    if (
        row.revoked_at is not None
        or person.deactivated_at is not None
        or now - row.last_seen_at > lifetimes.idle
        or now - row.created_at > lifetimes.absolute
    ):
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        transactions.begin_writing()  # what was read is read again under the write lock
        found = db.session.execute(query, parameters).first()
        if found is None:
            return None
        row, person, extra = found
        row.last_seen_at = now
    revisions.remember(person.id, person.facts_revision)
    return row, person, extra


def revoke(row: WebSession) -> None:
    if row.revoked_at is None:
        row.revoked_at = clock.now()


def revoke_all(person: Person, *, keep: WebSession | None = None) -> int:
    """Revoke every live session of ``person`` except ``keep``; returns how many were revoked."""
    query = sa.update(WebSession).where(WebSession.person_id == person.id, WebSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id != keep.id)
    statement = query.values(revoked_at=clock.now()).execution_options(synchronize_session="fetch")
    result = cast("sa.CursorResult[Any]", db.session.execute(statement))
    return result.rowcount or 0
