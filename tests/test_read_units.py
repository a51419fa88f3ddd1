"""On SQLite a page (GET) reads without BEGIN, each statement on its own snapshot, until it calls
``begin_writing()``; on every database, a page's write before that is refused and leaves nothing
(:data:`elearning.extensions.page_reads`). With real commits: the suite's outer transaction would hide it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning import clock, create_app
from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import Organization
from elearning.services import transactions
from tests.conftest import migrate_to_head, settings
from tests.factories import PASSWORD, make_org, make_person
from tests.web import csrf_token, signed_in_client

pytestmark = [pytest.mark.commits]


def _with_a_worker(app: Flask) -> Flask:
    with app.app_context():
        make_person(email="worker@example.org", org=make_org("CJQ"))
        db.session.commit()
    return app


@pytest.fixture
def sqlite_app(tmp_path: Path, clock: FrozenClock) -> Iterator[Flask]:
    """An application on a SQLite database of its own, whatever the suite's database is (the transactions
    without BEGIN are SQLite's; PostgreSQL reads in READ COMMITTED anyway)."""
    url = f"sqlite:///{tmp_path / 'reads.sqlite'}"
    migrate_to_head(url, tmp_path / "instance")
    application = create_app(settings(url, INSTANCE_PATH=str(tmp_path / "instance")))
    application.extensions["elearning.clock"] = clock
    yield _with_a_worker(application)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(params=["own SQLite database", "the suite's database"])
def any_app(request: pytest.FixtureRequest) -> Flask:
    """The refusal holds on every database: the SQLite application above, and the suite's (PostgreSQL in CI's
    second pass)."""
    if request.param == "own SQLite database":
        return request.getfixturevalue("sqlite_app")  # type: ignore[no-any-return]
    return _with_a_worker(request.getfixturevalue("app"))


class Sent:
    """Every statement the engine sends, transaction control included."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement.split()[0].upper())


@pytest.fixture
def sent() -> Iterator[Sent]:
    listener = Sent()
    sa.event.listen(sa.Engine, "before_cursor_execute", listener)
    yield listener
    sa.event.remove(sa.Engine, "before_cursor_execute", listener)


def _organizations(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Organization.code).order_by(Organization.code)))


def test_a_page_reads_without_begin(sqlite_app: Flask, sent: Sent) -> None:
    client = signed_in_client(sqlite_app, "worker@example.org", PASSWORD)
    client.get("/")  # warm: what is kept per person is kept
    sent.statements.clear()
    assert client.get("/").status_code == 200
    assert sent.statements and "BEGIN" not in sent.statements and "COMMIT" not in sent.statements
    token = csrf_token(client, "/")
    sent.statements.clear()
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert sent.statements[0] == "BEGIN"  # a form: BEGIN IMMEDIATE from its first statement


def _new_organization() -> Organization:
    now = clock.now()
    return Organization(code="NEW", name_fr="Nouvel", name_en="New", joined_on=now.date(), created_at=now)


def test_a_page_that_writes_without_begin_writing_is_refused_and_leaves_nothing(any_app: Flask) -> None:
    sqlite_app = any_app

    def careless() -> str:
        db.session.execute(sa.select(Organization.id)).all()  # a read, then a write without begin_writing()
        db.session.add(_new_organization())
        db.session.flush()
        return "written"

    def careful() -> str:
        db.session.execute(sa.select(Organization.id)).all()
        transactions.begin_writing()
        db.session.add(_new_organization())
        db.session.flush()
        return "written"

    sqlite_app.add_url_rule("/careless", view_func=careless)
    sqlite_app.add_url_rule("/careful", view_func=careful)
    client = sqlite_app.test_client()
    assert client.get("/careless").status_code == 500
    assert _organizations(sqlite_app) == ["CJQ"]
    assert client.get("/careful").status_code == 200
    assert _organizations(sqlite_app) == ["CJQ", "NEW"]


@pytest.mark.postgres
def test_on_postgresql_a_page_reads_in_autocommit_until_it_begins_writing(app: Flask) -> None:
    def driver_autocommit() -> bool:
        return bool(db.session.connection().connection.dbapi_connection.autocommit)  # type: ignore[union-attr]

    def reading() -> str:
        db.session.execute(sa.select(Organization.id)).all()
        return f"{driver_autocommit()}"

    def writing() -> str:
        db.session.execute(sa.select(Organization.id)).all()
        before = driver_autocommit()
        transactions.begin_writing()
        db.session.add(_new_organization())
        db.session.flush()
        return f"{before} {driver_autocommit()}"

    app.add_url_rule("/reading", view_func=reading)
    app.add_url_rule("/writing", view_func=writing)
    client = _with_a_worker(app).test_client()
    assert client.get("/reading").get_data(as_text=True) == "True"
    assert client.get("/writing").get_data(as_text=True) == "True False"
    assert _organizations(app) == ["CJQ", "NEW"]
    with app.app_context():  # a command's transactions are real ones
        assert driver_autocommit() is False


@pytest.mark.postgres
@pytest.mark.parametrize("page", [False, True], ids=["command", "page"])
def test_sqlalchemys_autocommit_isolation_level_is_left_alone(app: Flask, page: bool) -> None:
    """What the benchmark and the test databases use to create and drop databases."""
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if page:
            transactions.start_reading()
        try:
            connection.execute(sa.text("SELECT 1"))
            assert connection.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
            connection.commit()
            connection.execute(sa.text("SELECT 1"))
            assert connection.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
        finally:
            transactions.stop_writing()


class Commits:
    """The sessions' commits (``after_commit``)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _session: Any) -> None:
        self.count += 1


def test_a_page_that_only_read_does_not_commit_and_one_that_wrote_does(any_app: Flask) -> None:
    def writing() -> str:
        transactions.begin_writing()
        db.session.add(_new_organization())
        return "written"

    any_app.add_url_rule("/reading", view_func=lambda: str(len(_organizations(any_app))))
    any_app.add_url_rule("/writing", view_func=writing)
    client = signed_in_client(any_app, "worker@example.org", PASSWORD)
    commits = Commits()
    sa.event.listen(sa.orm.Session, "after_commit", commits)
    try:
        client.get("/")  # warm: what is kept per person is kept, the session's last seen is recent
        commits.count = 0
        assert client.get("/").status_code == 200
        assert client.get("/reading").status_code == 200
        assert commits.count == 0
        assert client.get("/writing").status_code == 200
        assert commits.count >= 1  # (begin_writing() ends the reads first)
    finally:
        sa.event.remove(sa.orm.Session, "after_commit", commits)
    assert _organizations(any_app) == ["CJQ", "NEW"]
