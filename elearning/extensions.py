"""The Flask extensions, created once and initialised by :func:`elearning.create_app`."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

#: Constraint names every migration relies on (SQLite batch mode needs named constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models' base class: Flask-SQLAlchemy builds ``db.Model`` from :class:`Base` at run time; type checkers
# see :class:`Base` itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are application limits checked by the views themselves (see elearning.security.ratelimit), so that
# requests CSRF refuses still count; RATELIMIT_ENABLED is set explicitly by every create_app().
limiter = Limiter(get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection.

    pysqlite's own transaction handling is switched off so that SQLAlchemy emits BEGIN itself (see
    :func:`_begin_sqlite`): savepoints and transactional DDL then behave as on PostgreSQL.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


#: On SQLite, whether the transactions begun on this thread (this request, this command) are write transactions.
#: SQLite cannot turn a read transaction into a write one once another connection committed after its snapshot
#: (SQLITE_BUSY_SNAPSHOT, "database is locked", which the busy timeout does not cover): a unit of work that
#: writes takes the write lock when its transaction begins (``BEGIN IMMEDIATE``) and waits for it instead.
#: Set through :mod:`elearning.services.transactions`; PostgreSQL ignores it.
sqlite_writes: ContextVar[bool] = ContextVar("sqlite_writes", default=False)
#: Whether the transactions begun on this thread belong to a page (a GET) that only reads until it calls
#: ``begin_writing()``: they run without a transaction of the database's (SQLite: no ``BEGIN``; PostgreSQL: the
#: driver's autocommit), every statement on its own snapshot, as every statement of PostgreSQL's ``READ
#: COMMITTED`` has anyway; two round trips fewer for a page of one statement. A write in such a transaction is
#: refused (:mod:`elearning.services.transactions`): ``begin_writing()`` ends it and begins a write transaction
#: first. Set by :mod:`elearning.web.unit_of_work`.
page_reads: ContextVar[bool] = ContextVar("page_reads", default=False)
#: The keys of :attr:`sqlalchemy.engine.Connection.info` saying the current transaction began IMMEDIATE (SQLite),
#: or runs without a transaction of the database's (a page's reads).
IMMEDIATE = "elearning.immediate"
READS_ONLY = "elearning.reads_only"
#: ... and that :func:`_begin` switched the PostgreSQL driver to autocommit (switched back when it ends).
AUTOCOMMIT_SET = "elearning.autocommit_set"


@event.listens_for(Engine, "begin")
def _begin(connection: Any) -> None:
    immediate = sqlite_writes.get()
    reads = not immediate and page_reads.get()
    connection.info[READS_ONLY] = reads
    if connection.dialect.name == "postgresql":
        driver = connection.connection.dbapi_connection
        if reads and not driver.autocommit:  # (already on for SQLAlchemy's AUTOCOMMIT isolation level)
            driver.autocommit = True  # the driver sends BEGIN before the first statement unless in autocommit
            connection.info[AUTOCOMMIT_SET] = True
        return
    if connection.dialect.name != "sqlite":
        return
    connection.info[IMMEDIATE] = immediate
    if reads:
        return  # a page's reads: no BEGIN
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end(connection: Any) -> None:
    connection.info.pop(IMMEDIATE, None)
    connection.info.pop(READS_ONLY, None)
    if connection.info.pop(AUTOCOMMIT_SET, False) and not connection.invalidated:
        connection.connection.dbapi_connection.autocommit = False
