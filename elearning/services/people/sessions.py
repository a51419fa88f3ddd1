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


_statements: dict[int, sa.Select[Any]] = {}


def _session_statement(also: sa.ColumnElement[Any] | None) -> sa.Select[Any]:
    """The session lookup, built once per process for each ``also`` column (parameter ``token_hash``); the
    callers pass the same column object every time (see :func:`elearning.services.catalog.cache.token_column`).
    The person is loaded as a row object; of the session, only what the checks need."""
    key = id(also)
    statement = _statements.get(key)
    if statement is None:
        statement = (
            sa.select(
                Person,
                WebSession.id,
                WebSession.created_at,
                WebSession.last_seen_at,
                WebSession.revoked_at,
                also if also is not None else sa.null(),
            )
            .join(Person, Person.id == WebSession.person_id)
            .where(WebSession.token_hash == sa.bindparam("token_hash", type_=sa.String))
        )
        _statements[key] = statement
    return statement


@dataclass(frozen=True)
class Resumed:
    """A live sign-in session: its id (:func:`session_row` loads the row when a write needs it), the person, and
    the ``also`` column read along."""

    session_id: int
    person: Person
    also: Any


def resume_session(token: str, lifetimes: Lifetimes, *, also: sa.ColumnElement[Any] | None = None) -> Resumed | None:
    """The live session and person behind a cookie value, or None (unknown, revoked, expired, deactivated).

    Touches ``last_seen_at`` when it is older than :data:`TOUCH_INTERVAL` (at most once a minute, so most
    requests only read); the request commits it. ``also`` is a column read in the same statement (the web
    layer reads the content revision this way). One statement.
    """
    if not token or len(token) > 100:
        return None
    found = db.session.execute(_session_statement(also), {"token_hash": _hash(token)}).first()
    if found is None:
        return None
    person, session_id, created_at, last_seen_at, revoked_at, extra = found
    now = clock.now()
    if (
        revoked_at is not None
        or person.deactivated_at is not None
        or now - last_seen_at > lifetimes.idle
        or now - created_at > lifetimes.absolute
    ):
        return None
    if now - last_seen_at >= TOUCH_INTERVAL:
        transactions.begin_writing()  # what was read is read again under the write lock
        row = session_row(session_id)
        if row is None or row.revoked_at is not None:
            return None
        row.last_seen_at = now
    revisions.remember(person.id, person.facts_revision)
    return Resumed(session_id, person, extra)


def session_row(session_id: int) -> WebSession | None:
    """The session's row (one statement the first time in a unit of work)."""
    return db.session.get(WebSession, session_id)


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
