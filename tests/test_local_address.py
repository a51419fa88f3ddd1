"""Outside production the default PUBLIC_BASE_URL follows the host and port served (``make run PORT=5101``,
``elearning run --port 5101``): the demo's "Sign in at" line and the certificates' link, PDF text and QR code."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import flask.cli
import pytest
from click.testing import CliRunner
from flask import Flask

from elearning.config import ConfigError, load_settings
from elearning.console import cli
from elearning.web.certificates.pdf import qr_runs
from elearning.web.certificates.views import print_context, verify_url
from tests.conftest import PROJECT_ROOT
from tests.factories import unsaved_certificate
from tests.test_config import PRODUCTION

DAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        ({}, "http://127.0.0.1:5000"),
        ({"FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),
        ({"FLASK_RUN_HOST": "localhost", "FLASK_RUN_PORT": "8080"}, "http://localhost:8080"),
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),  # noqa: S104
        ({"FLASK_RUN_HOST": "::1", "FLASK_RUN_PORT": "5101"}, "http://[::1]:5101"),
        ({"FLASK_RUN_HOST": "::", "FLASK_RUN_PORT": "5101"}, "http://[::1]:5101"),
        # A set address wins.
        (
            {"FLASK_RUN_PORT": "5101", "PUBLIC_BASE_URL": "https://formation.example.org/"},
            "https://formation.example.org",
        ),
    ],
)
def test_the_default_address_follows_the_one_served(tmp_path: Path, served: dict[str, str], expected: str) -> None:
    assert load_settings(served, {"INSTANCE_PATH": str(tmp_path)})["PUBLIC_BASE_URL"] == expected


@pytest.mark.parametrize("port", ["http", "0", "70000", "-1"])
def test_a_malformed_port_is_a_configuration_error(tmp_path: Path, port: str) -> None:
    with pytest.raises(ConfigError, match="FLASK_RUN_PORT must be a port number"):
        load_settings({"FLASK_RUN_PORT": port}, {"INSTANCE_PATH": str(tmp_path)})


def test_production_still_requires_the_address(tmp_path: Path) -> None:
    environ = {key: value for key, value in PRODUCTION.items() if key != "PUBLIC_BASE_URL"}
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL is required when ELEARNING_ENV=production"):
        load_settings({**environ, "FLASK_RUN_PORT": "5101"}, {"INSTANCE_PATH": str(tmp_path)})


def test_elearning_run_serves_its_port_on_certificates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("FLASK_RUN_HOST", "FLASK_RUN_PORT"):  # recorded, so that the test restores them
        monkeypatch.setenv(name, "")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("ELEARNING_ENV", "development")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    served: dict[str, Any] = {}

    def run_simple(host: str, port: int, app: Flask, **_options: Any) -> None:
        served.update(host=host, port=port, app=app)

    monkeypatch.setattr(flask.cli, "run_simple", run_simple)
    result = CliRunner().invoke(cli, ["run", "--port", "5101"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    app = served["app"]
    assert (served["host"], served["port"]) == ("127.0.0.1", 5101)
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5101"
    with app.test_request_context():
        printed = print_context(unsaved_certificate(DAY), "fr")
        link = verify_url("ABCDEFGHJKMNPQRS")
    assert link == printed.verify_url == "http://127.0.0.1:5101/verify/ABCDEFGHJKMNPQRS"
    assert qr_runs(printed.verify_url) == qr_runs(link)


def test_make_run_gives_every_command_the_port_served(tmp_path: Path) -> None:
    """``make run PORT=5101`` runs each command with the address it serves (a stand-in ``elearning`` prints what
    it was given)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text("#!/bin/sh\n")
    script = bin_dir / "elearning"
    script.write_text('#!/bin/sh\necho "$FLASK_RUN_HOST:$FLASK_RUN_PORT $*"\n')
    for path in (script, bin_dir / "python"):
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    (tmp_path / ".installed").touch()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_RUN")}
    result = subprocess.run(
        ["make", "-s", "run", "PORT=5101", f"VENV={tmp_path}"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "127.0.0.1:5101 db upgrade",
        "127.0.0.1:5101 content sync",
        "127.0.0.1:5101 demo",
        "127.0.0.1:5101 run --host 127.0.0.1 --port 5101",
    ]


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"PUBLIC_BASE_URL": "", "FLASK_RUN_PORT": "5101"}


def test_the_demo_prints_the_address_served(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Sign in at http://127.0.0.1:5101/login with the password formation-demo:" in result.output
