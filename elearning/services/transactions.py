"""Write transactions that wait instead of failing, and the per-learner lock that serializes progress writes.

Rules (README, "Transactions"):

- A request commits once, after its view returns; a command once, after it ran (the web and CLI layers do it).
  Services flush, never commit.
- On SQLite, a unit of work that writes must hold the write lock from the first statement of its transaction
  (``BEGIN IMMEDIATE``): a read transaction that later writes fails with "database is locked" when another
  connection committed in between. Forms (POST) and commands start that way; a page that writes only sometimes
  (a section view, the quiz form opening an attempt) calls :func:`begin_writing` just before its first write.
- A write that completes a module or issues a certificate depends on rows other requests of the same learner
  write (the last section view racing the passing quiz). :func:`lock_learner` serializes them per learner:
  the database lock on SQLite, ``SELECT ... FOR UPDATE`` on the person's row on PostgreSQL. Whoever comes
  second reads what the first committed, so no completion is missed and none is recorded twice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from elearning.extensions import IMMEDIATE, READS_ONLY, db, page_reads, sqlite_writes
from elearning.models import Person
from elearning.services import revisions

#: :attr:`Session.info` keys: the session's transaction wrote / holds the write lock / may write (a page called
#: :func:`begin_writing` or :func:`lock_learner`).
WROTE = "elearning.wrote"
LOCKED = "elearning.locked"
MAY_WRITE = "elearning.may_write"


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: sa.orm.ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _refuse_unlocked_write(state.session)
        state.session.info[WROTE] = True


@event.listens_for(Session, "before_flush")
def _check_flush(session: Session, _context: object, _instances: object) -> None:
    _refuse_unlocked_write(session)


def _refuse_unlocked_write(session: Session) -> None:
    """A page (GET) writes only after :func:`begin_writing` (or :func:`lock_learner`), on every database: on
    SQLite its transaction runs without BEGIN until then (see :data:`elearning.extensions.page_reads`), so
    each statement would commit on its own."""
    if page_reads.get() and not session.info.get(MAY_WRITE):
        raise RuntimeError("a page writes without begin_writing(): call it before the first write")


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)
        session.info.pop(LOCKED, None)
        session.info.pop(MAY_WRITE, None)


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Within the block, transactions begun on this thread are write transactions (SQLite: IMMEDIATE)."""
    token = sqlite_writes.set(True)
    try:
        yield
    finally:
        sqlite_writes.reset(token)


def start_writing() -> None:
    """Make every transaction begun from now on in this request or command a write transaction; the web layer
    calls it for forms, the command line for commands. Undone by :func:`stop_writing`."""
    sqlite_writes.set(True)


def start_reading() -> None:
    """A page (GET): on SQLite its transactions run without BEGIN until :func:`begin_writing` (see
    :data:`elearning.extensions.page_reads`). Undone by :func:`stop_writing`."""
    page_reads.set(True)


def stop_writing() -> None:
    sqlite_writes.set(False)
    page_reads.set(False)


def may_write() -> bool:
    """Whether this unit of work may have written: a form or a command, or a page after :func:`begin_writing`
    (a page before it reads only)."""
    return not page_reads.get() or bool(db.session().info.get(MAY_WRITE))


def begin_writing() -> None:
    """Begin a write transaction before writing (SQLite: hold the write lock).

    A page (GET) calls it before its first write, on every database: until then its writes are refused, and
    its reads ran without a transaction of the database's (see :data:`elearning.extensions.page_reads`). A
    transaction that began IMMEDIATE (SQLite), or that already wrote, or any write transaction on PostgreSQL,
    goes on. One that only read so far ends (nothing to commit; what it read may be stale anyway) and a write
    transaction begins: objects loaded before are expired and read again when used. Raises ``RuntimeError``
    when objects were changed in the session but not written yet: call it before changing them.
    """
    session = db.session()
    if session.info.get(LOCKED):
        return
    if session.in_transaction():
        connection = session.connection()
        reads_only = connection.info.get(READS_ONLY)
        if not reads_only and (not _is_sqlite() or connection.info.get(IMMEDIATE) or session.info.get(WROTE)):
            session.info[LOCKED] = session.info[MAY_WRITE] = True
            return
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_writing() must come before the changes it protects")
        session.commit()
    with writing():
        session.connection()  # SQLite: BEGIN IMMEDIATE now, to wait for the lock here, before reading
    session.info[LOCKED] = session.info[MAY_WRITE] = True


def lock_people(person_ids: Iterable[int]) -> None:
    """Serialize writes about these people (reminders sent to them) until the unit of work commits: the write
    lock on SQLite, their ``people`` rows ``FOR UPDATE`` in id order on PostgreSQL (so two lockers never wait on
    each other crosswise). Whoever comes second reads what the first committed."""
    begin_writing()
    ids = sorted(set(person_ids))
    if ids and not _is_sqlite():
        db.session.execute(sa.select(Person.id).where(Person.id.in_(ids)).order_by(Person.id).with_for_update())


def lock_learner(person_id: int) -> None:
    """Serialize the progress writes of one learner (views, submissions, completions, certificates) until the
    unit of work commits; then read again what the write depends on (what this process keeps about the learner
    is not used any more in this unit of work: it may predate a write another one committed meanwhile)."""
    revisions.forget(person_id)
    begin_writing()
    if _is_sqlite():
        return
    db.session.execute(sa.select(Person.id).where(Person.id == person_id).with_for_update())
