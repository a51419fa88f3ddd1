"""Fixtures: one migrated database per xdist worker, each test inside a transaction rolled back at its end.

- ``TEST_DATABASE_URL`` picks the database (SQLite in a temporary folder by default). On PostgreSQL each worker
  gets its own database, created and migrated once.
- ``app`` is a fresh application per test whose engine is replaced by one connection holding an outer
  transaction; sessions run in savepoints inside it, so commits in views and services work and the whole test
  is rolled back at its end. Tests marked ``commits`` get real commits and the tables are emptied afterwards.
- Make requests outside ``with app.app_context():`` blocks, so each request gets its own session as in
  production.
- The clock is frozen at :data:`NOW`; move it with ``clock.advance(days=...)``.
- Browser tests (``tests/browser/``) get a live server of their own; see ``tests/browser/conftest.py``.
- Tests marked ``postgres``, ``redis`` or ``browser`` skip with one line when the service is absent;
  ``--fail-on-skip`` (used by ``.ci/run``) turns any skip into a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from elearning import create_app
from elearning.clock import FrozenClock
from elearning.extensions import db
from tests.browser.summary import AxeSummary
from tests.content.helpers import VALID
from tests.factories import load_content

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TIMEZONE = "America/Toronto"
#: The tests' "now": Monday 16 March 2026, noon in Québec.
NOW = dt.datetime(2026, 3, 16, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 16)
SECRET = "test-secret-key-that-is-long-enough-0123456789"

# Sessions bound to a connection already in a transaction work inside savepoints (tests only: in
# production sessions are bound to the engine and this option has no effect).
db.session.session_factory.configure(join_transaction_mode="create_savepoint")


# -- skipping tests whose service is missing ----------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fail-on-skip",
        action="store_true",
        help="fail the run when any test was skipped (CI: the pass that provides every service)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(AxeSummary(), "elearning-axe-summary")


def _is_postgres() -> bool:
    return bool(TEST_DATABASE_URL) and make_url(_normalized(TEST_DATABASE_URL)).get_backend_name() == "postgresql"


def _redis_reachable() -> bool:
    parts = urlsplit(TEST_REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


SKIP_REASONS: dict[str, Callable[[], str | None]] = {
    "postgres": lambda: (
        None
        if _is_postgres()
        else "needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test (.ci/run does)"
    ),
    "redis": lambda: (
        None if _redis_reachable() else f"needs Redis at {TEST_REDIS_URL}: start redis-server (.ci/run does)"
    ),
    "browser": lambda: (
        None
        if os.path.exists(CHROMIUM_PATH)
        else f"needs Chromium at {CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does)"
    ),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reasons: dict[str, str | None] = {}
    for item in items:
        for marker, reason_of in SKIP_REASONS.items():
            if item.get_closest_marker(marker) is not None:  # not item.keywords: it holds folder names
                if marker not in reasons:
                    reasons[marker] = reason_of()
                if reasons[marker]:
                    item.add_marker(pytest.mark.skip(reason=reasons[marker]))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.getoption("--fail-on-skip") or hasattr(session.config, "workerinput"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"--fail-on-skip: {skipped} test(s) skipped; every service must be present here", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# -- databases ----------------------------------------------------------------------------------------


def _normalized(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class DatabaseFactory:
    """Creates empty databases of the configured kind: files on SQLite, databases on PostgreSQL."""

    def __init__(self, worker: str, folder: Path) -> None:
        self.worker = worker
        self.folder = folder
        self.created: list[str] = []
        self.count = 0
        self.postgres = _is_postgres()
        self.base = make_url(_normalized(TEST_DATABASE_URL)) if self.postgres else None

    def _admin(self) -> psycopg.Connection:
        assert self.base is not None
        return psycopg.connect(
            host=self.base.host or "127.0.0.1",
            port=self.base.port or 5432,
            user=self.base.username or "postgres",
            password=self.base.password,
            dbname="postgres",
            autocommit=True,
        )

    def create(self, label: str) -> str:
        self.count += 1
        name = f"elearning_{self.worker}_{label}_{self.count}"
        if not self.postgres:
            return f"sqlite:///{self.folder / (name + '.sqlite')}"
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        assert self.base is not None
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.postgres:
            return
        with self._admin() as admin:
            for name in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def command_in_another_process(database_url: str, instance: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``elearning <arguments>`` run in a second Python process on the test's database (what another server
    process, or an operator's command, does while this process serves)."""
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("ELEARNING", "DATABASE"))},
        "ELEARNING_ENV": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": "http://elearning.test",
        "INSTANCE_PATH": str(instance),
        "ELEARNING_ROOT": str(PROJECT_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-c", "from elearning.console import main; main()", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


def settings(database_url: str, **extra: Any) -> dict[str, Any]:
    """The configuration every test application starts from."""
    return {
        "ELEARNING_ENV": "test",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": "http://elearning.test",
        "TIMEZONE": TIMEZONE,
        "PASSWORD_HASH_PROFILE": "cheapest",
        "ELEARNING_ROOT": str(PROJECT_ROOT),
        **extra,
    }


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    factory = DatabaseFactory(worker, tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


def migrate_to_head(database_url: str, instance: Path) -> None:
    app = create_app(settings(database_url, INSTANCE_PATH=str(instance)))
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> str:
    """This worker's database, migrated to head once."""
    url = databases.create("main")
    migrate_to_head(url, tmp_path_factory.mktemp("instance"))
    return url


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(TIMEZONE, NOW)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra settings for this test's application (override the fixture to change them)."""
    return {}


def truncate_all(connection: sa.Connection) -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            connection.exec_driver_sql(f"DELETE FROM {table}")


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    database_url: str,
    instance_path: Path,
    clock: FrozenClock,
    app_config: dict[str, Any],
) -> Iterator[Flask]:
    application = create_app(settings(database_url, INSTANCE_PATH=str(instance_path), **app_config))
    application.extensions["elearning.clock"] = clock
    with application.app_context():
        engine = db.engine
    if "commits" in request.keywords:
        yield application
        with engine.begin() as connection:
            truncate_all(connection)
        engine.dispose()
        return
    connection = engine.connect()
    outer = connection.begin()
    db._app_engines[application][None] = connection  # type: ignore[assignment]
    try:
        yield application
    finally:
        db._app_engines[application][None] = engine
        outer.rollback()
        connection.close()
        engine.dispose()


_connected_engines: set[sa.Engine] = set()


@sa.event.listens_for(sa.Engine, "engine_connect")
def _remember_engine(connection: sa.Connection) -> None:
    _connected_engines.add(connection.engine)


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """Close the pooled connections of every engine a test used (no connection outlives its test, even when
    the application that made it is already gone)."""
    yield
    while _connected_engines:
        _connected_engines.pop().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def dump(app: Flask) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """A function returning every row of every table (and the migration stamp), for before/after checks."""

    def take() -> dict[str, list[tuple[Any, ...]]]:
        with app.app_context():
            result: dict[str, list[tuple[Any, ...]]] = {}
            for table in [*db.metadata.sorted_tables, sa.table("alembic_version", sa.column("version_num"))]:
                rows = db.session.execute(sa.select(table)).all()
                result[table.name] = sorted((tuple(row) for row in rows), key=repr)
            return result

    return take


@pytest.fixture
def empty_database(databases: DatabaseFactory) -> str:
    """A URL to a new, empty database of the configured kind."""
    return databases.create("empty")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture
def isolated_root(tmp_path: Path) -> Path:
    """A copy of the project's migrations in a temporary root (for tests that change the instance folder)."""
    shutil.copytree(PROJECT_ROOT / "migrations", tmp_path / "migrations")
    return tmp_path


class QueryCounter:
    """SQL statements sent while counting (transaction control and savepoints excluded)."""

    IGNORED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(self.IGNORED):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


class RowCounter:
    """Each SELECT sent while counting, run again on its own to count the rows it returns."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.sent.append((statement, parameters))

    def most_rows(self, app: Flask) -> int:
        with app.app_context():
            connection = db.session.connection().connection.dbapi_connection
            assert connection is not None
            most = 0
            for statement, parameters in self.sent:
                cursor = connection.cursor()
                cursor.execute(statement, parameters)
                most = max(most, len(cursor.fetchall()))
                cursor.close()
            return most


@pytest.fixture
def count_queries() -> Callable[[], Any]:
    """``with count_queries() as counter: ...`` then ``counter.count``."""
    import contextlib

    @contextlib.contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(sa.Engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(sa.Engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def content_root(app: Flask, tmp_path: Path) -> Path:
    """A copy of the valid fixture content (``tests/content/fixtures/valid``), loaded; edit it and load again to
    make new versions."""
    root = tmp_path / "content"
    shutil.copytree(VALID, root)
    with app.app_context():
        load_content(root)
        db.session.commit()
    return root


@pytest.fixture
def mailbox() -> Iterator[Any]:
    """A real SMTP server on loopback (:class:`tests.smtp.Mailbox`: what arrived); a test module sends to it with
    ``app_config`` returning ``tests.smtp.smtp_settings(mailbox)``."""
    from tests.smtp import running_mailbox

    with running_mailbox() as box:
        yield box


@pytest.fixture
def crew(app: Flask, clock: FrozenClock) -> Any:
    """The people of the reminder and digest tests (:func:`tests.notices_world.build_crew`)."""
    from tests.notices_world import build_crew

    return build_crew(app, clock)
