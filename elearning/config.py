"""Settings from the environment, with local defaults.

Every setting the application reads is described here, validated once, and turned into Flask config keys.
A bad value raises :class:`ConfigError` with one sentence naming the variable; the command line, gunicorn's
configuration file and ``wsgi.py`` turn it into one line on stderr and exit status 3.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

#: Exit status for a configuration error (gunicorn's "worker boot error").
CONFIG_ERROR_EXIT = 3

ENVIRONMENTS = ("development", "test", "production")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "SMTP_HOST", "MAIL_FROM")
MIN_SECRET_KEY_LENGTH = 32
#: Every environment variable the application reads (README, "Settings"): a server started for tests or a
#: benchmark gets exactly the ones it sets, never a value left in the environment of whoever runs it.
ENVIRONMENT_SETTINGS = (
    "ELEARNING_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "PUBLIC_BASE_URL",
    "TIMEZONE",
    "TRUSTED_PROXY_COUNT",
    "ELEARNING_ROOT",
    "CONTENT_DIR",
    "INSTANCE_PATH",
    "PASSWORD_HASH_PROFILE",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "COOKIE_SECURE",
    "RATELIMIT_ENABLED",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "RENEWAL_WINDOW_DAYS",
    "QUESTIONS_RETENTION_MONTHS",
    "PASSWORD_RESET_MINUTES",
    "PASSWORD_SET_DAYS",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_SECURITY",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "MAIL_FROM",
    "MAIL_FLUSH_AFTER_REQUEST",
    "TESTING",
    "FLASK_RUN_HOST",
    "FLASK_RUN_PORT",
)
#: Where ``elearning run`` serves unless told otherwise (Flask's own defaults).
DEFAULT_RUN_HOST = "127.0.0.1"
DEFAULT_RUN_PORT = 5000
#: How the SMTP connection is secured, and the port each one uses unless ``SMTP_PORT`` says otherwise.
SMTP_SECURITIES = {"starttls": 587, "tls": 465, "none": 587}
#: The sender outside production, where ``MAIL_FROM`` may be left out.
LOCAL_MAIL_FROM = "Formation TRPJ <no-reply@localhost>"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


def find_project_root(environ: Mapping[str, str]) -> Path:
    """Return the folder holding ``migrations/`` and the content, never the current directory.

    ``ELEARNING_ROOT`` wins; otherwise the parent of the package folder, when it is a checkout.
    """
    configured = environ.get("ELEARNING_ROOT", "").strip()
    if configured:
        root = Path(configured).expanduser().resolve()
        if not (root / "migrations").is_dir():
            raise ConfigError(f"ELEARNING_ROOT={configured} has no migrations/ folder")
        return root
    root = Path(__file__).resolve().parent.parent
    if not (root / "migrations").is_dir():
        raise ConfigError(
            "cannot find the project root (migrations/ and content): set ELEARNING_ROOT to the project folder"
        )
    return root


def normalize_database_url(url: str) -> str:
    """Validate a database URL and make PostgreSQL URLs use psycopg 3."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
            break
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is not a database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL uses {backend!r}; use sqlite:/// or postgresql://")
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise ConfigError("DATABASE_URL must use the psycopg driver (postgresql+psycopg://)")
    if backend == "postgresql" and not parsed.database:
        raise ConfigError("DATABASE_URL names no database")
    return url


def normalize_public_base_url(url: str) -> str:
    """An absolute http(s) URL without query or fragment; no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"PUBLIC_BASE_URL must be an absolute http(s) URL, not {url!r}")
    if parts.query or parts.fragment:
        raise ConfigError("PUBLIC_BASE_URL must not have a query or a fragment")
    try:
        _ = parts.port
    except ValueError:
        raise ConfigError(f"PUBLIC_BASE_URL has a malformed port: {url!r}") from None
    return url.strip().rstrip("/")


def served_base_url(values: Mapping[str, Any]) -> str:
    """The address of the local server: ``http://HOST:PORT`` from ``FLASK_RUN_HOST`` and ``FLASK_RUN_PORT``
    (what ``elearning run`` serves; it sets them from ``--host`` and ``--port``). A server listening on every
    interface is reached through the loopback address. Never a request's ``Host`` header, which a client
    chooses: the address printed on a certificate comes from the settings alone."""
    host = str(values.get("FLASK_RUN_HOST") or DEFAULT_RUN_HOST).strip()
    if host == "0.0.0.0":  # noqa: S104 (the name of every interface, not a bind)
        host = DEFAULT_RUN_HOST
    elif host in ("::", "[::]"):
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    raw_port = str(values.get("FLASK_RUN_PORT") or DEFAULT_RUN_PORT).strip()
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"FLASK_RUN_PORT must be a port number (1 to 65535), not {raw_port!r}")
    return f"http://{host}:{int(raw_port)}"


def _int_setting(values: Mapping[str, Any], name: str, default: int, minimum: int = 0) -> int:
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _bool_setting(values: Mapping[str, Any], name: str, default: bool) -> bool:
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _choice(values: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = str(values.get(name) or default).strip()
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def mail_settings(values: Mapping[str, Any], env: str) -> dict[str, Any]:
    """The outbox's settings. Without ``SMTP_HOST`` (allowed outside production only) messages are written to
    the log. A password is never sent over an unencrypted connection to another machine."""
    host = str(values.get("SMTP_HOST") or "").strip()
    security = _choice(values, "SMTP_SECURITY", tuple(SMTP_SECURITIES), "starttls")
    port = _int_setting(values, "SMTP_PORT", SMTP_SECURITIES[security], minimum=1)
    if port > 65535:
        raise ConfigError(f"SMTP_PORT must be a port number (1 to 65535), not {port}")
    user = str(values.get("SMTP_USER") or "").strip()
    password = str(values.get("SMTP_PASSWORD") or "")
    if bool(user) != bool(password):
        raise ConfigError("SMTP_USER and SMTP_PASSWORD go together: set both or neither")
    if user and security == "none" and host not in LOOPBACK_HOSTS:
        raise ConfigError("SMTP_SECURITY=none would send SMTP_PASSWORD unencrypted: use starttls or tls")
    sender = str(values.get("MAIL_FROM") or ("" if env == "production" else LOCAL_MAIL_FROM)).strip()
    _name, address = parseaddr(sender)
    if "@" not in address or any(char in sender for char in "\r\n"):
        raise ConfigError(
            f"MAIL_FROM must be an e-mail address, e.g. 'Formation TRPJ <no-reply@example.org>', not {sender!r}"
        )
    return {
        "SMTP_HOST": host,
        "SMTP_PORT": port,
        "SMTP_SECURITY": security,
        "SMTP_USER": user,
        "SMTP_PASSWORD": password,
        "MAIL_FROM": sender,
        # Local use (``elearning run``) delivers right after the request; elsewhere ``elearning mail flush``.
        "MAIL_FLUSH_AFTER_REQUEST": _bool_setting(values, "MAIL_FLUSH_AFTER_REQUEST", env == "development"),
    }


def local_secret_key(instance_path: Path) -> str:
    """Read the instance folder's secret key, creating it once.

    Two processes starting at once both end up with the same key: each writes a complete temporary file and
    tries to hard-link it into place; exactly one link succeeds and the loser reads the winner's file.
    """
    path = instance_path / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    instance_path.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        os.chmod(tmp_name, 0o600)
        with contextlib.suppress(FileExistsError):  # another process won: read its key
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)
    return path.read_text(encoding="ascii").strip()


def load_settings(environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask configuration from ``environ`` and explicit ``overrides`` (overrides win).

    Raises :class:`ConfigError` for the first missing or malformed setting.
    """
    values: dict[str, Any] = dict(environ)
    if overrides:
        values.update(overrides)

    env = str(values.get("ELEARNING_ENV") or "development").strip()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ELEARNING_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    production = env == "production"
    if production:
        for name in REQUIRED_IN_PRODUCTION:
            if not str(values.get(name) or "").strip():
                raise ConfigError(f"{name} is required when ELEARNING_ENV=production")

    if production and str(values.get("PASSWORD_HASH_PROFILE") or "owasp") != "owasp":
        raise ConfigError("PASSWORD_HASH_PROFILE must be owasp when ELEARNING_ENV=production")
    storage = str(values.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not storage.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
        raise ConfigError(f"RATELIMIT_STORAGE_URI must be memory:// or a redis:// URL, not {storage!r}")

    root = find_project_root(values)
    instance_path = Path(values.get("INSTANCE_PATH") or root / "instance").resolve()

    secret_key = str(values.get("SECRET_KEY") or "").strip()
    if secret_key and len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long")
    if not secret_key:
        secret_key = local_secret_key(instance_path)

    database_url = str(values.get("DATABASE_URL") or "").strip()
    if database_url:
        database_url = normalize_database_url(database_url)
    else:
        instance_path.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance_path / 'elearning.sqlite'}"

    # Outside production (where it is required) the default follows the address served.
    public_base_url = normalize_public_base_url(str(values.get("PUBLIC_BASE_URL") or served_base_url(values)))

    timezone = str(values.get("TIMEZONE") or "America/Toronto").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {timezone!r} is not a known time zone (e.g. America/Toronto)") from None

    content_dir = Path(values.get("CONTENT_DIR") or root).expanduser().resolve()
    public = urlsplit(public_base_url)

    settings = {
        "ELEARNING_ENV": env,
        "PROJECT_ROOT": str(root),
        "INSTANCE_PATH": str(instance_path),
        "MIGRATIONS_DIR": str(root / "migrations"),
        "CONTENT_DIR": str(content_dir),
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": public_base_url,
        "PREFERRED_URL_SCHEME": public.scheme,
        "TIMEZONE": timezone,
        "TRUSTED_PROXY_COUNT": _int_setting(values, "TRUSTED_PROXY_COUNT", 0),
        "TESTING": env == "test" or bool(values.get("TESTING")),
        "PASSWORD_HASH_PROFILE": _choice(values, "PASSWORD_HASH_PROFILE", ("owasp", "cheapest"), "owasp"),
        "SESSION_IDLE_MINUTES": _int_setting(values, "SESSION_IDLE_MINUTES", 8 * 60, minimum=1),
        "SESSION_ABSOLUTE_HOURS": _int_setting(values, "SESSION_ABSOLUTE_HOURS", 7 * 24, minimum=1),
        "COOKIE_SECURE": _bool_setting(values, "COOKIE_SECURE", production),
        "SESSION_COOKIE_SECURE": _bool_setting(values, "COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "elearning_prefs",
        "RATELIMIT_ENABLED": _bool_setting(values, "RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": str(values.get("RATELIMIT_STORAGE_URI") or "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_KEY_PREFIX": str(values.get("RATELIMIT_KEY_PREFIX") or "elearning"),
        "RENEWAL_WINDOW_DAYS": _int_setting(values, "RENEWAL_WINDOW_DAYS", 60, minimum=1),
        "QUESTIONS_RETENTION_MONTHS": _int_setting(values, "QUESTIONS_RETENTION_MONTHS", 24, minimum=1),
        "PASSWORD_RESET_MINUTES": _int_setting(values, "PASSWORD_RESET_MINUTES", 60, minimum=5),
        "PASSWORD_SET_DAYS": _int_setting(values, "PASSWORD_SET_DAYS", 7, minimum=1),
        **mail_settings(values, env),
    }
    # Explicit overrides of other Flask settings (tests) pass through unchanged.
    for key, value in (overrides or {}).items():
        if key.isupper() and key not in settings:
            settings[key] = value
    return settings
