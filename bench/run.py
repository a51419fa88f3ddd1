"""The benchmark: ``make bench`` (both databases, budgets enforced) and ``make bench-smoke`` (short, report only).

    .venv/bin/python bench/run.py [--smoke] [--db sqlite|postgres|both] [--check ratio|cpu|none]
                                  [--page NAME ...] [--rounds N] [--duration S] [--slices N]
                                  [--out bench/results.json]

For each database: a fresh one (a SQLite file in a temporary folder, or ``elearning_bench_<pid>`` on the local
PostgreSQL, dropped afterwards) prepared with ``elearning db upgrade``, ``content sync`` and ``demo --force``;
gunicorn with the production settings serving the application, and a second gunicorn serving the floor
(``bench/floor_app.py``, a bare endpoint returning a body of a given size). Every page of ``bench/pages.py`` is
signed in through the real form as the account that uses it, fetched once (its size, its query count), then
measured with wrk, interleaved with the floor at the same body size, round after round (within a round, floor
and page alternate in ``--slices`` short runs, so that a change of the machine's speed meets both). Prints one
table per database, writes the numbers to ``--out`` and, unless ``--check none``, exits 1 naming each missed budget.
``docs/performance.md`` explains the columns.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``bench`` importable as a package
    sys.path.insert(0, str(ROOT))

from bench import client  # noqa: E402
from bench.pages import BUDGETS, CHECKS, DEMO_PASSWORD, FACTS_SQL, PAGES, WORKER, Miss, Page, check_budgets  # noqa: E402
from bench.servers import (  # noqa: E402
    DEFAULT_POSTGRES_URL,
    TICKS_PER_S,
    BenchError,
    Gunicorn,
    app_settings,
    cpu_ticks,
    fresh_database,
    listen,
    postgres_pids,
    postgres_version,
    prepare_database,
    read_facts,
    run_wrk,
    server_environment,
)
from bench.stats import Run, Summary, combine, cpu_delta_ticks, format_table, server_errors, summarize  # noqa: E402

DATABASES = ("sqlite", "postgres")
WORKERS = 2
CONNECTIONS = 4
THREADS = 2
FULL = {"rounds": 3, "duration": 3.0, "slices": 3}
SMOKE = {"rounds": 1, "duration": 1.0, "slices": 1}


@dataclass(frozen=True)
class Options:
    databases: tuple[str, ...]
    rounds: int
    duration_s: float
    slices: int
    check: str
    pages: tuple[Page, ...]
    out: Path
    postgres_url: str
    keep: bool
    markdown: bool
    smoke: bool


class Stop(KeyboardInterrupt):
    """SIGTERM: unwind like Ctrl-C, so that every ``finally`` stops the servers and drops the database."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not interrupt the clean-up
    raise Stop


# -- one database --------------------------------------------------------------------------------------


class QueryCounter:
    """SQL statements sent (transaction control and savepoints excluded), as ``tests/conftest.py`` counts them."""

    IGNORED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(self.IGNORED):
            self.count += 1


def count_queries(settings: dict[str, str], requests: Sequence[tuple[str, str]]) -> list[int]:
    """Statements per request for each (path, cookie): the application in this process on the same database,
    one warm-up request, then one counted request."""
    import sqlalchemy as sa

    from elearning import create_app
    from elearning.extensions import db

    app = create_app(settings)
    browser = app.test_client(use_cookies=False)
    counts = []
    try:
        for path, cookie in requests:
            headers = {"Cookie": cookie} if cookie else {}
            browser.get(path, headers=headers)
            counter = QueryCounter()
            sa.event.listen(sa.Engine, "before_cursor_execute", counter)
            try:
                status = browser.get(path, headers=headers).status_code
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", counter)
            if not 200 <= status < 300:
                raise BenchError(f"{path} answered {status} in process (query count)")
            counts.append(counter.count)
    finally:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
    return counts


def _run_to_dict(run: Run) -> dict[str, Any]:
    return {**asdict(run.wrk), "rate": run.wrk.rate, "cpu_s": run.cpu_s, "cpu_ms_per_request": run.cpu_ms_per_request}


class Bench:
    """The two servers of one database and what is measured on them."""

    def __init__(self, kind: str, database_name: str, app: Gunicorn, floor: Gunicorn, options: Options) -> None:
        self.kind = kind
        self.database_name = database_name
        self.app = app
        self.floor = floor
        self.options = options
        self.log_offset = 0

    def server_pids(self, server: Gunicorn) -> list[int]:
        """The processes whose CPU a request to ``server`` costs: gunicorn's, and PostgreSQL's for the app."""
        pids = server.pids()
        if server is self.app and self.kind == "postgres":
            pids += postgres_pids(self.database_name)
        return pids

    def measure(self, server: Gunicorn, path: str, cookie: str, duration_s: float) -> Run:
        before = cpu_ticks(self.server_pids(server))
        result = run_wrk(server.base_url + path, cookie, duration_s, CONNECTIONS, THREADS)
        after = cpu_ticks(self.server_pids(server))
        return Run(result, cpu_delta_ticks(before, after) / TICKS_PER_S)

    def new_errors(self) -> dict[str, int]:
        """Errors the application's log gained since the last call."""
        with self.app.log_path.open("rb") as handle:
            handle.seek(self.log_offset)
            text = handle.read()
            self.log_offset = handle.tell()
        return server_errors(text.decode("utf-8", "replace").splitlines())


def _merge(total: dict[str, int], more: dict[str, int]) -> None:
    for message, count in more.items():
        total[message] = total.get(message, 0) + count


def measure_database(bench: Bench, facts: dict[str, str], settings: dict[str, str]) -> dict[str, Any]:
    """Sign in, probe every page, count its queries, then the interleaved rounds; the database's report."""
    options = bench.options
    paths = {page.name: page.path.format(**facts) for page in options.pages}
    accounts = sorted({page.account for page in options.pages if page.account})
    cookies = {account: client.sign_in(bench.app.base_url, account, DEMO_PASSWORD) for account in accounts}
    cookie_of = {page.name: cookies[page.account] if page.account else "" for page in options.pages}

    sizes: dict[str, int] = {}
    for page in options.pages:
        answer = client.request(bench.app.base_url, "GET", paths[page.name], cookie_of[page.name])
        if not 200 <= answer.status < 300:
            raise BenchError(
                f"{page.name} {paths[page.name]} answered {answer.status} to one request:\n{bench.app.log_tail()}"
            )
        if page.expect is not None and page.expect not in answer.body:
            raise BenchError(f"{page.name} {paths[page.name]} does not hold {page.expect!r}: not the intended page")
        sizes[page.name] = len(answer.body)

    queries = count_queries(settings, [(paths[page.name], cookie_of[page.name]) for page in options.pages])
    queries_of = dict(zip((page.name for page in options.pages), queries, strict=True))
    bench.new_errors()  # what happened before the load is not the load's

    rounds: dict[str, list[tuple[Run, Run]]] = {page.name: [] for page in options.pages}
    errors: dict[str, dict[str, int]] = {page.name: {} for page in options.pages}
    for number in range(1, options.rounds + 1):
        for page in options.pages:
            floors, runs = [], []
            slice_s = options.duration_s / options.slices
            for _slice in range(options.slices):  # floor and page in turn: both meet the machine as it is
                floors.append(bench.measure(bench.floor, f"/floor/{sizes[page.name]}", "", slice_s))
                runs.append(bench.measure(bench.app, paths[page.name], cookie_of[page.name], slice_s))
            floor, run = combine(floors), combine(runs)
            _merge(errors[page.name], bench.new_errors())
            rounds[page.name].append((floor, run))
            print(
                f"bench: {bench.kind} round {number}/{options.rounds} {page.name}: {run.wrk.rate:.0f} req/s, "
                f"floor {floor.wrk.rate:.0f} req/s, non-2xx {run.wrk.non2xx}",
                flush=True,
            )

    summaries = [
        summarize(page.name, paths[page.name], rounds[page.name], queries_of[page.name], sizes[page.name])
        for page in options.pages
    ]
    return {
        "summaries": summaries,
        "facts": facts,
        "pages": [
            {
                **summary.as_dict(),
                "account": page.account,
                "server_errors": errors[page.name],
                "rounds": [{"floor": _run_to_dict(f), "page": _run_to_dict(p)} for f, p in rounds[page.name]],
            }
            for page, summary in zip(options.pages, summaries, strict=True)
        ],
    }


@contextlib.contextmanager
def _folder(kind: str, keep: bool) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=f"elearning-bench-{kind}-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"bench: {kind}: logs kept in {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def bench_database(kind: str, options: Options) -> dict[str, Any]:
    """Everything for one database, servers stopped and database dropped on the way out whatever happens."""
    with _folder(kind, options.keep) as folder, fresh_database(kind, folder, options.postgres_url) as database:
        servers: list[Gunicorn] = []
        try:
            app_listener, floor_listener = listen(), listen()
            try:
                base_url = f"http://127.0.0.1:{app_listener.getsockname()[1]}"
                env = server_environment(database.url, folder, base_url)
                started = time.monotonic()
                prepare_database(env, folder / "prepare.log")
                prepared_s = time.monotonic() - started
                facts = read_facts(database.url, FACTS_SQL, {"worker": WORKER})
                servers.append(Gunicorn.start("application", "wsgi:app", app_listener, env, folder / "app.log"))
                servers.append(
                    Gunicorn.start("floor", "bench.floor_app:app", floor_listener, env, folder / "floor.log")
                )
            finally:
                app_listener.close()  # gunicorn holds its own copies
                floor_listener.close()
            app, floor = servers
            app.wait_until_up("/healthz", WORKERS)
            floor.wait_until_up("/floor/1", WORKERS)
            bench = Bench(kind, database.name, app, floor, options)
            report = measure_database(bench, facts, app_settings(database.url, folder, base_url))
            report["prepare_s"] = prepared_s
            report["version"] = sqlite3.sqlite_version if kind == "sqlite" else postgres_version(options.postgres_url)
            return report
        finally:
            for server in servers:
                server.stop()


# -- the whole run -------------------------------------------------------------------------------------


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
    return result.stdout.strip()


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    versions = {name: importlib.metadata.version(name) for name in ("gunicorn", "flask", "sqlalchemy", "psycopg")}
    return {
        "platform": platform.platform(),
        "cpu": model,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
        **versions,
    }


def parse_options(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="1 round of 1 s, budgets reported but not enforced")
    parser.add_argument("--db", choices=(*DATABASES, "both"), default="both", help="database(s) to measure")
    parser.add_argument(
        "--check",
        choices=CHECKS,
        default=None,
        help="ratio: requests/s ÷ floor held to the budgets (default); cpu: floor CPU ÷ page CPU per request; "
        "none: report only (default with --smoke)",
    )
    parser.add_argument("--page", action="append", default=[], help="measure only this page (repeatable)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 3, smoke 1)")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds of wrk per page and round (default 3, smoke 1)"
    )
    parser.add_argument(
        "--slices",
        type=int,
        default=None,
        help="runs of floor and page in turn within a round, each of duration ÷ slices (default 3, smoke 1)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json", help="where the JSON goes")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help=f"PostgreSQL server to create the database on (default {DEFAULT_POSTGRES_URL}, or BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (server logs)")
    parser.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    args = parser.parse_args(argv)
    defaults = SMOKE if args.smoke else FULL
    known = {page.name: page for page in PAGES}
    unknown = [name for name in args.page if name not in known]
    if unknown:
        parser.error(f"unknown page {', '.join(unknown)}; pages: {', '.join(known)}")
    rounds = args.rounds if args.rounds is not None else int(defaults["rounds"])
    duration = args.duration if args.duration is not None else float(defaults["duration"])
    slices = args.slices if args.slices is not None else int(defaults["slices"])
    if rounds < 1 or duration <= 0 or slices < 1:
        parser.error("--rounds and --slices must be at least 1 and --duration positive")
    slice_s = duration / slices
    if slice_s < 1 or slice_s != int(slice_s):
        parser.error("--duration ÷ --slices must be a whole number of seconds, at least 1 (wrk's unit)")
    return Options(
        databases=DATABASES if args.db == "both" else (args.db,),
        rounds=rounds,
        duration_s=duration,
        slices=slices,
        check=args.check or ("none" if args.smoke else "ratio"),
        pages=tuple(known[name] for name in args.page) if args.page else PAGES,
        out=args.out,
        postgres_url=args.postgres_url,
        keep=args.keep,
        markdown=args.markdown,
        smoke=args.smoke,
    )


def print_database(kind: str, report: dict[str, Any], markdown: bool) -> None:
    summaries: list[Summary] = report["summaries"]
    print(f"\n== {kind} ({report['version']})")
    print(format_table(summaries))
    if markdown:
        print()
        print(format_table(summaries, markdown=True))
    for page in report["pages"]:
        for message, count in page["server_errors"].items():
            print(f"server log during {page['page']}: {count} × {message}")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    if shutil.which("wrk") is None:
        print("bench: needs wrk (apt-get install -y wrk)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    results: dict[str, Any] = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": {"commit": _git("rev-parse", "HEAD"), "dirty": bool(_git("status", "--porcelain"))},
        "machine": machine_info(),
        "options": {
            "smoke": options.smoke,
            "rounds": options.rounds,
            "duration_s": options.duration_s,
            "slices": options.slices,
            "check": options.check,
            "connections": CONNECTIONS,
            "wrk_threads": THREADS,
            "gunicorn_workers": WORKERS,
        },
        "budgets": {name: asdict(budget) for name, budget in BUDGETS.items()},
        "databases": {},
    }
    misses: list[Miss] = []
    try:
        if "postgres" in options.databases:
            try:
                postgres_version(options.postgres_url)
            except Exception as exc:
                raise BenchError(
                    f"PostgreSQL unreachable at {options.postgres_url}: {str(exc).splitlines()[0]}"
                ) from None
        for kind in options.databases:
            load_before = os.getloadavg()
            report = bench_database(kind, options)
            report["load_average"] = {"before": load_before, "after": os.getloadavg()}
            print_database(kind, report, options.markdown)
            found = check_budgets(kind, report.pop("summaries"), "ratio" if options.check == "none" else options.check)
            report["misses"] = [asdict(miss) for miss in found]
            results["databases"][kind] = report
            misses += found
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped, database dropped", file=sys.stderr)
        return 130
    results["wall_s"] = round(time.monotonic() - started, 1)
    results["misses"] = [asdict(miss) for miss in misses]
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nbench: {len(options.databases)} database(s) in {results['wall_s']:.0f} s; numbers in {options.out}")
    if not misses:
        print("bench: every budget holds")
        return 0
    enforced = options.check != "none"
    title = "budget misses" if enforced else "budget misses (not enforced: --check none)"
    print(f"bench: {len(misses)} {title}:")
    for miss in misses:
        print(f"  {miss}")
    return 1 if enforced else 0


if __name__ == "__main__":
    sys.exit(main())
