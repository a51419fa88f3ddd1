"""Each command: its success, and each bad input as one line, exit 1, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from elearning.extensions import db
from elearning.models import AuditEvent, GlobalGrant, Membership, Person, PivotDesignation
from elearning.security.passwords import verify_password
from elearning.services import history
from tests.conftest import TODAY
from tests.factories import make_org, make_person

PASSWORD_INPUT = "a long enough password\na long enough password\n"


@pytest.fixture
def spvq(app: Flask) -> None:
    with app.app_context():
        make_org("SPVQ", name="Service de police de la Ville de Québec", target=3)
        make_person(email="existing@example.org", org=None, roles=("admin",))
        db.session.commit()


def one_line_error(result: Any, message: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_help_everywhere(runner: FlaskCliRunner) -> None:
    for args in (
        [],
        ["orgs"],
        ["orgs", "create"],
        ["orgs", "list"],
        ["users"],
        ["users", "create"],
        ["users", "list"],
        ["users", "set-roles"],
        ["users", "deactivate"],
        ["demo"],
        ["db"],
        ["db", "upgrade"],
    ):
        result = runner.invoke(args=[*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage:" in result.output


def test_orgs_create_with_target(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "orgs",
            "create",
            "--code",
            "pipq",
            "--name",
            "Organisme communautaire PIPQ",
            "--kind",
            "community",
            "--target",
            "2",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created organization PIPQ"
    with app.app_context():
        from elearning.services.people.organizations import get_organization

        organization = get_organization("PIPQ")
        assert organization.kind == "community"
        assert history.target_of(organization.id, TODAY) == 2
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["organization.created", "organization.target_set"]


def test_orgs_list(runner: FlaskCliRunner, spvq: None) -> None:
    result = runner.invoke(args=["orgs", "list"])
    assert result.exit_code == 0
    header, row = result.output.strip().splitlines()
    assert header.split() == ["code", "name", "kind", "target", "members", "joined"]
    assert row.split()[0] == "SPVQ"
    assert row.split()[-3:] == ["3", "0", "2007-02-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "SPVQ", "--name", "Again"], "already exists"),
        (["--code", "bad code!", "--name", "X"], "is not valid"),
        (["--code", "NEW", "--name", "   "], "characters is required"),
    ],
)
def test_orgs_create_refusals(
    runner: FlaskCliRunner, spvq: None, dump: Callable[[], Any], args: list[str], message: str
) -> None:
    before = dump()
    one_line_error(runner.invoke(args=["orgs", "create", *args]), message)
    assert dump() == before


def test_users_create_reads_the_password_twice_from_stdin(app: Flask, runner: FlaskCliRunner, spvq: None) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Pivot@Example.org",
            "--name",
            "Patrice Pivot",
            "--org",
            "SPVQ",
            "--role",
            "pivot",
        ],
        input=PASSWORD_INPUT,
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created pivot@example.org (pivot)"
    with app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == "pivot@example.org"))
        assert person is not None
        assert verify_password(person.password_hash, "a long enough password")
        roles = history.roles_of(person.id, TODAY)
        assert set(roles) == {"worker", "pivot"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PivotDesignation)) == 1


def test_users_create_global_roles_need_no_organization(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "t@example.org",
            "--name",
            "T",
            "--role",
            "table",
            "--role",
            "admin",
        ],
        input=PASSWORD_INPUT,
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(GlobalGrant.role))) == ["admin", "table"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--email", "new@example.org", "--name", "N", "--org", "NOPE", "--role", "worker"],
            PASSWORD_INPUT,
            "No organization has the code NOPE",
        ),
        (
            ["--email", "EXISTING@example.org", "--name", "N", "--role", "table"],
            PASSWORD_INPUT,
            "already exists",
        ),
        (
            ["--email", "new@example.org", "--name", "N", "--org", "SPVQ", "--role", "boss"],
            PASSWORD_INPUT,
            "Unknown role boss",
        ),
        (
            ["--email", "new@example.org", "--name", "N", "--role", "worker"],
            PASSWORD_INPUT,
            "--org is required",
        ),
        (["--email", "not-an-email", "--name", "N", "--role", "table"], PASSWORD_INPUT, "not a valid e-mail"),
        (
            ["--email", "new@example.org", "--name", "N", "--role", "table"],
            "one password\nanother one\n",
            "differ",
        ),
        (["--email", "new@example.org", "--name", "N", "--role", "table"], "short\nshort\n", "at least 12"),
        (["--email", "new@example.org", "--name", "N", "--role", "table"], "", "no password"),
    ],
)
def test_users_create_refusals(
    runner: FlaskCliRunner, spvq: None, dump: Callable[[], Any], args: list[str], stdin: str, message: str
) -> None:
    before = dump()
    one_line_error(runner.invoke(args=["users", "create", *args], input=stdin), message)
    assert dump() == before


def test_password_is_never_an_argument(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "--help"])
    assert "--password" not in result.output


def test_users_list(runner: FlaskCliRunner, app: Flask, spvq: None) -> None:
    with app.app_context():
        from elearning.services.people.organizations import get_organization

        make_person(email="w@example.org", name="Wanda Worker", org=get_organization("SPVQ"))
        db.session.commit()
    result = runner.invoke(args=["users", "list", "--org", "SPVQ"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["email", "name", "org", "roles", "status"]
    assert lines[1].split() == ["w@example.org", "Wanda", "Worker", "SPVQ", "worker", "active"]
    one_line_error(runner.invoke(args=["users", "list", "--org", "NOPE"]), "No organization has the code NOPE")


def test_users_set_roles_and_move(app: Flask, runner: FlaskCliRunner, spvq: None, clock) -> None:
    with app.app_context():
        from elearning.services.people.organizations import get_organization

        make_org("CJQ")
        person = make_person(email="w@example.org", org=get_organization("SPVQ"))
        person_id = person.id
        db.session.commit()
    clock.advance(days=10)
    result = runner.invoke(args=["users", "set-roles", "--email", "w@example.org", "--role", "pivot"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "w@example.org: pivot"
    clock.advance(days=10)
    result = runner.invoke(args=["users", "set-roles", "--email", "w@example.org", "--role", "worker", "--org", "CJQ"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from datetime import timedelta

        assert set(history.roles_of(person_id, TODAY)) == {"worker"}
        assert set(history.roles_of(person_id, TODAY + timedelta(days=10))) == {"worker", "pivot"}
        assert set(history.roles_of(person_id, TODAY + timedelta(days=20))) == {"worker"}
        assert history.organization_of(person_id, TODAY + timedelta(days=19)).code == "SPVQ"
        assert history.organization_of(person_id, TODAY + timedelta(days=20)).code == "CJQ"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nobody@example.org", "--role", "worker"], "No account has the e-mail address"),
        (["--email", "existing@example.org", "--role", "wizard"], "Unknown role wizard"),
        (["--email", "existing@example.org", "--role", "worker"], "organization is required"),
        (
            ["--email", "existing@example.org", "--role", "worker", "--org", "NOPE"],
            "No organization has the code",
        ),
    ],
)
def test_users_set_roles_refusals(
    runner: FlaskCliRunner, spvq: None, dump: Callable[[], Any], args: list[str], message: str
) -> None:
    before = dump()
    one_line_error(runner.invoke(args=["users", "set-roles", *args]), message)
    assert dump() == before


def test_users_deactivate(app: Flask, runner: FlaskCliRunner, spvq: None, dump: Callable[[], Any]) -> None:
    result = runner.invoke(args=["users", "deactivate", "--email", "existing@example.org"])
    assert result.exit_code == 0
    assert result.output.strip() == "deactivated existing@example.org"
    before = dump()
    one_line_error(
        runner.invoke(args=["users", "deactivate", "--email", "existing@example.org"]), "already deactivated"
    )
    one_line_error(runner.invoke(args=["users", "deactivate", "--email", "ghost@example.org"]), "No account")
    assert dump() == before
    with app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == "existing@example.org"))
        assert history.roles_of(person.id, TODAY) == {}


def test_unmigrated_database_is_one_line(empty_database: str, tmp_path) -> None:
    from elearning import create_app
    from tests.conftest import settings

    app = create_app(settings(empty_database, INSTANCE_PATH=str(tmp_path)))
    result = app.test_cli_runner().invoke(args=["orgs", "list"])
    one_line_error(result, "run `elearning db upgrade` first")
