"""The application as a real server for browsers: a fresh database prepared with the real commands, gunicorn
on a free loopback port, and Debian's Chromium.

Used by the browser tests' fixtures and by ``tools/screenshots.py``, so both see the same site. The database
is prepared as an operator would: ``elearning db upgrade``, ``elearning content sync`` (when the command
exists), ``elearning demo``. The server runs :mod:`tests.browser.live_app` (the production application plus
test-only pages under ``/__test__/``) with the real clock, the production Content-Security-Policy and the
cheapest password hashing.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from playwright.sync_api import Browser, Playwright

from elearning.config import ENVIRONMENT_SETTINGS

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
SECRET = "browser-test-secret-key-that-is-long-enough-0123456789"
STARTUP_SECONDS = 30


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; never a downloaded browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS))


def with_language(url: str, language: str | None) -> str:
    """``url`` with ``lang=language`` added to its query (unchanged when ``language`` is None)."""
    if language is None:
        return url
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode({"lang": language})]))
    return urlunsplit(parts._replace(query=query))


@dataclass
class LiveServer:
    """A running server; ``url("/account", "en")`` is the address of a page in a language."""

    base_url: str
    folder: Path
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    #: Ids and codes of demo objects the page list names (read from the database once, after the demo).
    facts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.log_path = self.folder / "server.log"

    def url(self, path: str, language: str | None = None) -> str:
        return with_language(self.base_url + path, language)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no server log)"

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def server_environment(database_url: str, folder: Path, base_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT_SETTINGS}
    env.update(
        ELEARNING_ENV="development",
        SECRET_KEY=SECRET,
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=base_url,
        TIMEZONE="America/Toronto",
        ELEARNING_ROOT=str(PROJECT_ROOT),
        INSTANCE_PATH=str(folder / "instance"),
        PASSWORD_HASH_PROFILE="cheapest",
        RATELIMIT_STORAGE_URI="memory://",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _run(command: list[str], env: dict[str, str], log: Path) -> str:
    result = subprocess.run(
        command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_database(env: dict[str, str], log: Path) -> None:
    """Migrate, sync the content, load the demo: what ``make run`` does."""
    elearning = str(BIN / "elearning")
    _run([elearning, "db", "upgrade"], env, log)
    _run([elearning, "content", "sync"], env, log)
    _run([elearning, "demo"], env, log)


FACTS_SQL = {
    # worker.cjq completed the core track: a certificate, attempts.
    "certificate": "SELECT c.id FROM certificates c JOIN people p ON p.id = c.person_id "
    "WHERE p.email = 'worker.cjq@example.org' ORDER BY c.id LIMIT 1",
    "certificate_code": "SELECT c.code FROM certificates c JOIN people p ON p.id = c.person_id "
    "WHERE p.email = 'worker.cjq@example.org' ORDER BY c.id LIMIT 1",
    # worker.pipq's core certificate was revoked; nadia.cote's is revoked by a journey (no page shows it).
    "revoked_certificate": "SELECT c.id FROM certificates c JOIN people p ON p.id = c.person_id "
    "WHERE p.email = 'worker.pipq@example.org' AND c.revoked_at IS NOT NULL ORDER BY c.id LIMIT 1",
    "revoked_certificate_code": "SELECT c.code FROM certificates c JOIN people p ON p.id = c.person_id "
    "WHERE p.email = 'worker.pipq@example.org' AND c.revoked_at IS NOT NULL ORDER BY c.id LIMIT 1",
    "certificate_to_revoke": "SELECT c.id FROM certificates c JOIN people p ON p.id = c.person_id "
    "WHERE p.email = 'nadia.cote@example.org' ORDER BY c.id LIMIT 1",
    "attempt": "SELECT a.id FROM quiz_attempts a JOIN people p ON p.id = a.person_id "
    "JOIN modules m ON m.id = a.module_id "
    "WHERE p.email = 'worker.cjq@example.org' AND m.slug = 'mise-en-contexte' ORDER BY a.id LIMIT 1",
    # SPVQ's team without a pivot, and its pivot in no team (the organization view's flags).
    "team_without_pivot": "SELECT t.id FROM teams t JOIN organizations o ON o.id = t.organization_id "
    "WHERE o.code = 'SPVQ' AND t.name = 'Patrouille Est'",
    "pivot_without_team": "SELECT id FROM people WHERE email = 'stephane.menard@example.org'",
    # pivot.spvq's team (the reminders page).
    "pivot_team": "SELECT tm.team_id FROM team_memberships tm JOIN people p ON p.id = tm.person_id "
    "WHERE p.email = 'pivot.spvq@example.org' AND tm.role = 'pivot' AND tm.end_on IS NULL ORDER BY tm.team_id LIMIT 1",
    # marc.gagnon has no attempts left (pivot.spvq can grant one).
    "member_locked": "SELECT id FROM people WHERE email = 'marc.gagnon@example.org'",
    # worker.cjq (pivot.cjq's team): attempts, sections read, a certificate.
    "member_certified": "SELECT id FROM people WHERE email = 'worker.cjq@example.org'",
}


def read_facts(database_url: str) -> dict[str, str]:
    """Read-only look-ups of the demo objects that pages are opened on (no write: the tests only read)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            facts = {}
            for name, query in FACTS_SQL.items():
                value = connection.execute(sa.text(query)).scalar()
                assert value is not None, f"no demo data for {name}: {query}"
                facts[name] = str(value)
            # Days the coverage report is asked on: a past date worth asking, and a projection that drops.
            today = dt.date.today()
            facts["year_ago"] = (today - dt.timedelta(days=365)).isoformat()
            facts["months_ahead"] = (today + dt.timedelta(days=270)).isoformat()
            return facts
    finally:
        engine.dispose()


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up ({server.process.returncode}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"the server did not answer /healthz within {STARTUP_SECONDS} s:\n{server.log_tail()}")


def start_live_server(
    database_url: str,
    folder: Path,
    *,
    workers: int = 1,
    threads: int = 8,
    settings: dict[str, str] | None = None,
) -> LiveServer:
    """Prepare ``database_url`` (empty) and serve it with gunicorn on a free port of 127.0.0.1.

    The socket is bound here (port 0, so parallel runs never collide) and handed to gunicorn as a file
    descriptor. By default one worker process with threads: the sign-in rate limits live in that process's
    memory, as they would in a one-worker deployment. ``workers`` and ``threads`` change that (several
    processes, each thread with its own database connection); ``settings`` are added to the server's
    environment (e.g. ``RATELIMIT_ENABLED``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        server = LiveServer(base_url, folder)
        env = server_environment(database_url, folder, base_url)
        env.update(settings or {})
        prepare_database(env, server.log_path)
        server.facts = read_facts(env["DATABASE_URL"])
        with server.log_path.open("ab") as log:
            server.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--config",
                    str(PROJECT_ROOT / "gunicorn.conf.py"),
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--no-control-socket",
                    "--access-logfile",
                    "-",
                    "tests.browser.live_app:app",
                ],
                env=env,
                cwd=PROJECT_ROOT,
                pass_fds=[listener.fileno()],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    finally:
        listener.close()  # gunicorn holds its own copy
    _wait_until_up(server)
    return server
