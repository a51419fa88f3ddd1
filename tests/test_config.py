"""Settings: defaults, URL rewriting, production checks, the instance secret key, start-up failures."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from elearning import create_app
from elearning.config import CONFIG_ERROR_EXIT, ConfigError, load_settings, local_secret_key
from tests.conftest import PROJECT_ROOT

PRODUCTION = {
    "ELEARNING_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://app@db.example.org/elearning",
    "PUBLIC_BASE_URL": "https://formation.example.org",
    "SMTP_HOST": "smtp.example.org",
    "MAIL_FROM": "Formation TRPJ <no-reply@formation.example.org>",
}


def test_local_defaults(tmp_path: Path) -> None:
    config = load_settings({}, {"INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'elearning.sqlite'}"
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert config["TIMEZONE"] == "America/Toronto"
    assert config["TRUSTED_PROXY_COUNT"] == 0
    assert config["PROJECT_ROOT"] == str(PROJECT_ROOT)
    assert config["MIGRATIONS_DIR"] == str(PROJECT_ROOT / "migrations")
    assert config["CONTENT_DIR"] == str(PROJECT_ROOT)
    assert len(config["SECRET_KEY"]) >= 32


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5433/db", "postgresql+psycopg://u:p@h:5433/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_database_urls_are_rewritten_for_psycopg(given: str, expected: str, tmp_path: Path) -> None:
    config = load_settings({"DATABASE_URL": given, "INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "SMTP_HOST", "MAIL_FROM"])
def test_production_requires_each_setting(missing: str) -> None:
    environ = {key: value for key, value in PRODUCTION.items() if key != missing}
    with pytest.raises(ConfigError, match=f"{missing} is required when ELEARNING_ENV=production"):
        load_settings(environ)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://h/db", "use sqlite:/// or postgresql://"),
        ("DATABASE_URL", "not a url", "not a database URL"),
        ("DATABASE_URL", "postgresql+psycopg2://h/db", "psycopg driver"),
        ("PUBLIC_BASE_URL", "formation.example.org", "absolute http"),
        ("PUBLIC_BASE_URL", "https://formation.example.org/?a=1", "query"),
        ("PUBLIC_BASE_URL", "https://formation.example.org:99999", "port"),
        ("SECRET_KEY", "short", "at least 32"),
        ("TIMEZONE", "Mars/Olympus", "not a known time zone"),
        ("TRUSTED_PROXY_COUNT", "two", "whole number"),
        ("ELEARNING_ENV", "staging", "ELEARNING_ENV must be one of"),
        ("SMTP_SECURITY", "ssl", "SMTP_SECURITY must be one of starttls, tls, none"),
        ("SMTP_PORT", "smtp", "whole number"),
        ("SMTP_PORT", "70000", "port number"),
        ("MAIL_FROM", "no-reply", "MAIL_FROM must be an e-mail address"),
        ("MAIL_FROM", "a@b.org\nBcc: c@d.org", "MAIL_FROM must be an e-mail address"),
        ("SMTP_USER", "robot", "SMTP_USER and SMTP_PASSWORD go together"),
        ("MAIL_FLUSH_AFTER_REQUEST", "sometimes", "true or false"),
    ],
)
def test_malformed_settings_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings({**PRODUCTION, name: value})
    assert name in str(caught.value) or name == "DATABASE_URL"


def test_mail_defaults(tmp_path: Path) -> None:
    config = load_settings({}, {"INSTANCE_PATH": str(tmp_path)})
    assert {key: config[key] for key in config if key.startswith(("SMTP_", "MAIL_"))} == {
        "SMTP_HOST": "",
        "SMTP_PORT": 587,
        "SMTP_SECURITY": "starttls",
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "MAIL_FROM": "Formation TRPJ <no-reply@localhost>",
        "MAIL_FLUSH_AFTER_REQUEST": True,  # local use: delivered (to the log) right after the request
    }
    assert (
        load_settings({"ELEARNING_ENV": "test"}, {"INSTANCE_PATH": str(tmp_path)})["MAIL_FLUSH_AFTER_REQUEST"] is False
    )
    assert load_settings(PRODUCTION)["MAIL_FLUSH_AFTER_REQUEST"] is False
    assert load_settings({**PRODUCTION, "SMTP_SECURITY": "tls"})["SMTP_PORT"] == 465
    assert load_settings({**PRODUCTION, "SMTP_SECURITY": "tls", "SMTP_PORT": "2465"})["SMTP_PORT"] == 2465


def test_a_smtp_password_is_never_sent_unencrypted_to_another_machine() -> None:
    login = {"SMTP_USER": "robot", "SMTP_PASSWORD": "pw", "SMTP_SECURITY": "none"}
    with pytest.raises(ConfigError, match="SMTP_SECURITY=none would send SMTP_PASSWORD unencrypted"):
        load_settings({**PRODUCTION, **login})
    assert load_settings({**PRODUCTION, **login, "SMTP_HOST": "127.0.0.1"})["SMTP_USER"] == "robot"


def test_production_settings_pass() -> None:
    config = load_settings(PRODUCTION)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.example.org/elearning"
    assert config["PUBLIC_BASE_URL"] == "https://formation.example.org"


def test_project_root_from_environment(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    config = load_settings({"ELEARNING_ROOT": str(tmp_path)})
    assert config["MIGRATIONS_DIR"] == str(tmp_path / "migrations")
    assert config["INSTANCE_PATH"] == str(tmp_path / "instance")
    with pytest.raises(ConfigError, match="no migrations/ folder"):
        load_settings({"ELEARNING_ROOT": str(tmp_path / "missing")})


def test_root_never_comes_from_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_settings({}, {"INSTANCE_PATH": str(tmp_path / "instance")})
    assert config["PROJECT_ROOT"] == str(PROJECT_ROOT)


def test_secret_key_is_created_once_and_kept(tmp_path: Path) -> None:
    first = local_secret_key(tmp_path)
    assert local_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def _read_key(args: tuple[str, multiprocessing.synchronize.Barrier]) -> str:
    folder, barrier = args
    barrier.wait()
    return local_secret_key(Path(folder))


def test_processes_starting_at_once_share_one_secret_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    processes = 8
    with context.Manager() as manager:
        barrier = manager.Barrier(processes)
        with context.Pool(processes) as pool:
            keys = pool.map(_read_key, [(str(tmp_path), barrier)] * processes)
    assert len(set(keys)) == 1
    assert (tmp_path / "secret_key").read_text().strip() == keys[0]


def _environment(**changes: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key != "ELEARNING_ROOT"}
    environ.update(changes)
    return environ


def test_command_line_stops_with_one_line_and_status_3() -> None:
    environ = _environment(**{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    result = subprocess.run(
        [sys.executable, "-c", "from elearning.console import main; main()", "orgs", "list"],
        env=environ,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == CONFIG_ERROR_EXIT
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "elearning: configuration error: SECRET_KEY is required when ELEARNING_ENV=production"
    ]


@pytest.mark.parametrize("missing", ["SMTP_HOST", "MAIL_FROM"])
def test_production_without_smtp_stops_mail_flush_with_one_line_and_status_3(missing: str) -> None:
    environ = _environment(**{k: v for k, v in PRODUCTION.items() if k != missing})
    result = subprocess.run(
        [sys.executable, "-c", "from elearning.console import main; main()", "mail", "flush"],
        env=environ,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (CONFIG_ERROR_EXIT, "")
    assert result.stderr.strip().splitlines() == [
        f"elearning: configuration error: {missing} is required when ELEARNING_ENV=production"
    ]


@pytest.mark.parametrize("preload", [False, True], ids=["gunicorn", "gunicorn --preload"])
def test_gunicorn_stops_with_one_line_and_status_3(preload: bool) -> None:
    environ = _environment(**{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "wsgi:app"]
    if preload:
        command.insert(3, "--preload")
    result = subprocess.run(
        command, env=environ, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60, check=False
    )
    assert result.returncode == CONFIG_ERROR_EXIT
    lines = result.stderr.strip().splitlines()
    assert lines == ["elearning: configuration error: SECRET_KEY is required when ELEARNING_ENV=production"]
    assert "Traceback" not in result.stdout + result.stderr


def test_wsgi_module_builds_the_app_with_valid_settings(tmp_path: Path) -> None:
    environ = _environment(INSTANCE_PATH=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}")
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi; print(type(wsgi.app).__name__)"],
        env=environ,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Flask"


def test_trusted_proxy_count_wraps_the_app(tmp_path: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "TRUSTED_PROXY_COUNT": "1",
        }
    )
    seen: dict[str, str] = {}

    @app.get("/probe")
    def probe() -> str:
        from flask import request

        seen["remote"] = request.remote_addr or ""
        seen["scheme"] = request.scheme
        return ""

    app.test_client().get("/probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"remote": "203.0.113.9", "scheme": "https"}


def test_wsgi_module_stops_with_one_line_and_status_3() -> None:
    environ = _environment(**{k: v for k, v in PRODUCTION.items() if k != "PUBLIC_BASE_URL"})
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        env=environ,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == CONFIG_ERROR_EXIT
    assert result.stderr.strip().splitlines() == [
        "elearning: configuration error: PUBLIC_BASE_URL is required when ELEARNING_ENV=production"
    ]
