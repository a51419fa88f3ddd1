"""The processes the benchmark drives: a fresh database prepared with the real commands, two gunicorn servers
(the application and the floor), wrk, and the CPU time of the server processes read from ``/proc``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench import client
from bench.stats import ProcessKey, ProcStat, WrkResult, is_other_database_backend, parse_proc_stat, parse_wrk_output
from elearning.config import ENVIRONMENT_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA_SCRIPT = Path(__file__).resolve().parent / "report.lua"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SECRET_KEY = "bench-secret-key-long-enough-for-production-0123456789"  # noqa: S105 (a throwaway database)
STARTUP_S = 30
STOP_S = 15


class BenchError(RuntimeError):
    """The harness itself failed (a command, a server, a page that does not answer as expected)."""


# -- the database --------------------------------------------------------------------------------------


def admin_url(postgres_url: str) -> str:
    """The server's maintenance database (``postgres``) at ``postgres_url``."""
    return sa.make_url(postgres_url).set(database="postgres").render_as_string(hide_password=False)


def postgres_version(postgres_url: str) -> str:
    engine = sa.create_engine(admin_url(postgres_url))
    try:
        with engine.connect() as connection:
            return str(connection.execute(sa.text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


@dataclass
class Database:
    """A database made for one benchmark run: ``url`` for the application, ``name`` of the PostgreSQL database."""

    kind: str
    url: str
    name: str = ""


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path, postgres_url: str = DEFAULT_POSTGRES_URL) -> Iterator[Database]:
    """An empty database: a SQLite file in ``folder``, or ``elearning_bench_<pid>`` created on the PostgreSQL
    server of ``postgres_url`` and dropped on the way out, whatever happens."""
    if kind == "sqlite":
        yield Database(kind, f"sqlite:///{folder / 'bench.sqlite'}")
        return
    name = f"elearning_bench_{os.getpid()}"
    engine = sa.create_engine(admin_url(postgres_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
            yield Database(kind, url, name)
        finally:
            with engine.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def server_environment(database_url: str, folder: Path, base_url: str) -> dict[str, str]:
    """The environment of the commands and servers: production settings, rate limits off, nothing inherited."""
    env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT_SETTINGS}
    env.update(app_settings(database_url, folder, base_url))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def app_settings(database_url: str, folder: Path, base_url: str) -> dict[str, str]:
    """The application's settings for the benchmark (the same for the servers and the in-process query count)."""
    return {
        "ELEARNING_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": base_url,
        "TIMEZONE": "America/Toronto",
        "ELEARNING_ROOT": str(ROOT),
        "INSTANCE_PATH": str(folder / "instance"),
        "COOKIE_SECURE": "false",
        # Sign-in, verification and quiz posts have application limits; a benchmark would only measure them.
        "RATELIMIT_ENABLED": "false",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Production requires SMTP; nothing the benchmark does sends mail (no flush runs).
        "SMTP_HOST": "127.0.0.1",
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "Formation TRPJ <no-reply@localhost>",
    }


def run_command(command: list[str], env: Mapping[str, str], log: Path, timeout_s: float = 300) -> str:
    """Run a command from the project folder, its output appended to ``log``; BenchError when it fails."""
    result = subprocess.run(  # noqa: S603 (our own commands)
        command, env=dict(env), cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_database(env: Mapping[str, str], log: Path) -> None:
    """What an operator does: migrate, load the content, load the demo (forced: this is production); then the
    demo's first team grown to 40 members (:mod:`bench.team`)."""
    elearning = str(BIN / "elearning")
    run_command([elearning, "db", "upgrade"], env, log)
    run_command([elearning, "content", "sync"], env, log)
    run_command([elearning, "demo", "--force"], env, log)
    # The team matrix is measured on a 40-member team.
    run_command([str(BIN / "python"), "-m", "bench.team"], env, log)


def read_facts(database_url: str, queries: Mapping[str, str], known: Mapping[str, str]) -> dict[str, str]:
    """The facts the pages' paths name, each query given ``known`` and the facts read before it."""
    engine = sa.create_engine(database_url)
    facts: dict[str, str] = dict(known)
    try:
        with engine.connect() as connection:
            for name, query in queries.items():
                statement = sa.text(query)
                wanted = {key: value for key, value in facts.items() if f":{key}" in query}
                value = connection.execute(statement, wanted).scalar()
                if value is None:
                    raise BenchError(f"no demo data for {name}: {query}")
                facts[name] = str(value)
    finally:
        engine.dispose()
    return facts


# -- servers -------------------------------------------------------------------------------------------


def listen() -> socket.socket:
    """A listening socket on a free port of 127.0.0.1 (port 0: parallel runs never collide)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    return listener


@dataclass
class Gunicorn:
    """A gunicorn master started by the benchmark, in its own process group."""

    name: str
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def start(
        cls, name: str, app: str, listener: socket.socket, env: Mapping[str, str], log_path: Path, workers: int = 2
    ) -> Gunicorn:
        """``gunicorn --workers N wsgi:app`` from the project folder (so ``gunicorn.conf.py`` is read), on
        ``listener`` (handed over as a file descriptor)."""
        port = listener.getsockname()[1]
        server = cls(name, f"http://127.0.0.1:{port}", log_path)
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"fd://{listener.fileno()}",
            "--no-control-socket",  # two masters at once: no shared control socket path
            app,
        ]
        with log_path.open("ab") as log:
            server.process = subprocess.Popen(  # noqa: S603 (our own command)
                command,
                env=dict(env),
                cwd=ROOT,
                pass_fds=[listener.fileno()],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped by us (in a finally), not by the terminal's Ctrl-C
            )
        return server

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        kept = [line for line in text.splitlines() if not line.startswith("127.0.0.1 - ")]  # not the access log
        return "\n".join(kept[-lines:])

    def wait_until_up(self, path: str, workers: int = 2) -> None:
        """Until ``path`` answers 200 and every worker is up; BenchError when the server stops or never answers."""
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} stopped at start-up ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if client.request(self.base_url, "GET", path).status == 200 and len(self.workers()) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"{self.name} did not answer {path} within {STARTUP_S} s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        return [stat.pid for stat in all_processes().values() if stat.ppid == self.pid]

    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.pid, *self.workers()]

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL to the whole process group when it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


# -- CPU time from /proc -------------------------------------------------------------------------------


def all_processes() -> dict[int, ProcStat]:
    """Every process of the machine by pid, parsed from ``/proc/<pid>/stat`` (vanished ones skipped)."""
    found: dict[int, ProcStat] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                found[int(entry.name)] = parse_proc_stat(Path(entry.path, "stat").read_text())
    return found


def cpu_ticks(pids: list[int]) -> dict[ProcessKey, int]:
    """utime + stime of each process, keyed by (pid, start time)."""
    ticks: dict[ProcessKey, int] = {}
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = parse_proc_stat(Path(f"/proc/{pid}/stat").read_text())
            ticks[(stat.pid, stat.starttime)] = stat.ticks
    return ticks


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL server's processes working for ``database``: every ``postgres`` process except the client
    backends of other databases (someone else's tests on the same server are not ours)."""
    pids = []
    for pid, stat in all_processes().items():
        if stat.comm != "postgres":
            continue
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
            if not is_other_database_backend(cmdline, database):
                pids.append(pid)
    return pids


TICKS_PER_S = os.sysconf("SC_CLK_TCK")


# -- wrk -----------------------------------------------------------------------------------------------


def run_wrk(
    url: str, cookie: str, duration_s: float, connections: int = 4, threads: int = 2, timeout_s: float = 10
) -> WrkResult:
    """wrk on ``url`` for ``duration_s`` with ``bench/report.lua``; the ``Cookie`` header when signed in."""
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration_s:g}s",
        f"--timeout={timeout_s:g}s",
        f"--script={LUA_SCRIPT}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    command.append(url)
    result = subprocess.run(  # noqa: S603 (wrk, our arguments)
        command, capture_output=True, text=True, timeout=duration_s + 60, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}) on {url}:\n{result.stdout}{result.stderr}")
    try:
        return parse_wrk_output(result.stdout)
    except ValueError as exc:
        raise BenchError(str(exc)) from None
