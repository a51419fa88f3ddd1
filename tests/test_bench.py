"""The benchmark harness's pure parts (``bench/``): no server, no wrk, no database."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bench.client import Answer, form_inputs, merge_cookies
from bench.pages import BUDGETS, FACTS_SQL, PAGES, Budget, check_budgets
from bench.stats import (
    Run,
    Summary,
    WrkResult,
    combine,
    cpu_delta_ticks,
    format_table,
    is_other_database_backend,
    parse_proc_stat,
    parse_wrk_output,
    server_errors,
    summarize,
)

LUA = Path(__file__).resolve().parent.parent / "bench" / "report.lua"


def wrk_line(requests: int = 900, duration_us: int = 3_000_000, non2xx: int = 0, timeouts: int = 0) -> str:
    return (
        f'BENCH_JSON {{"requests": {requests}, "duration_us": {duration_us}, "bytes": 1000, "non2xx": {non2xx}, '
        f'"errors": {{"connect": 0, "read": 1, "write": 0, "status": {non2xx}, "timeout": {timeouts}}}, '
        '"latency_us": {"p50": 4200, "p90": 6000, "p99": 9100, "mean": 4500.5, "max": 12000}}'
    )


def row(page: str, **values: float) -> Summary:
    """A measured row that holds every budget, changed by ``values``."""
    fields: dict = {
        "page": page,
        "path": "/x",
        "rate": 1000.0,
        "floor_rate": 2000.0,
        "ratio": 0.5,
        "p50_ms": 5.0,
        "p99_ms": 9.0,
        "non2xx": 0,
        "socket_errors": 0,
        "cpu_ms": 1.0,
        "floor_cpu_ms": 0.5,
        "cpu_ratio": 0.5,
        "queries": 1,
    }
    fields.update(values)
    return Summary(**fields)


# -- wrk's report ----------------------------------------------------------------------------------


def test_wrk_report_is_read_from_its_line() -> None:
    output = f"Running 3s test @ http://127.0.0.1:1/\n  2 threads and 4 connections\n{wrk_line(non2xx=7)}\n"
    result = parse_wrk_output(output)
    assert result == WrkResult(requests=900, duration_s=3.0, non2xx=7, socket_errors=1, p50_ms=4.2, p99_ms=9.1)
    assert result.rate == 300.0


def test_wrk_output_without_the_report_is_an_error() -> None:
    with pytest.raises(ValueError, match="no BENCH_JSON line"):
        parse_wrk_output("Running 3s test @ http://127.0.0.1:1/\n")


def test_the_lua_report_prints_what_the_parser_reads() -> None:
    """report.lua's format string, filled as Lua's string.format would, parses (the field names agree)."""
    script = LUA.read_text()
    call = script[script.index("string.format(") : script.index("summary.requests")]
    template = "".join(re.findall(r"'([^']*)'", call)).replace("\\n", "\n")
    count = len(re.findall(r"%\.\df", template))
    line = template % tuple(range(1, count + 1))
    result = parse_wrk_output(line)
    assert result.requests == 1
    assert result.non2xx == 4
    assert result.socket_errors == 5 + 6 + 7 + 9  # connect, read, write, timeout (status is in non2xx)
    assert result.p50_ms == pytest.approx(0.010)


# -- CPU time from /proc -------------------------------------------------------------------------------


def test_proc_stat_with_spaces_and_parentheses_in_the_command() -> None:
    fields = ["S", "4100"] + ["0"] * 9 + ["250", "40"] + ["0"] * 6 + ["987654"] + ["0"] * 30
    stat = parse_proc_stat(f"4242 (gunicorn: worker (x) [wsgi:app]) {' '.join(fields)}\n")
    assert (stat.pid, stat.comm, stat.ppid) == (4242, "gunicorn: worker (x) [wsgi:app]", 4100)
    assert (stat.utime, stat.stime, stat.ticks, stat.starttime) == (250, 40, 290, 987654)


def test_proc_stat_of_this_process() -> None:
    stat = parse_proc_stat(Path("/proc/self/stat").read_text())
    assert stat.ticks >= 0
    assert stat.comm


def test_cpu_delta_counts_new_processes_in_full_and_a_reused_pid_as_another_process() -> None:
    before = {(10, 1): 100, (11, 1): 50, (12, 1): 70}
    after = {(10, 1): 130, (11, 9): 5, (13, 2): 20}  # 11 reused, 12 gone, 13 new
    assert cpu_delta_ticks(before, after) == 30 + 5 + 20


@pytest.mark.parametrize(
    ("cmdline", "other"),
    [
        ("postgres: 15/main: postgres elearning_bench_7 127.0.0.1(51234) idle", False),
        ("postgres: 15/main: postgres test_gw0 127.0.0.1(51234) idle in transaction", True),
        ("postgres: 15/main: postgres test [local] SELECT", True),
        ("postgres: 15/main: checkpointer ", False),
        ("postgres: 15/main: walwriter ", False),
        ("/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main\0", False),
    ],
)
def test_postgres_processes_of_other_databases(cmdline: str, other: bool) -> None:
    assert is_other_database_backend(cmdline, "elearning_bench_7") is other


# -- rounds ----------------------------------------------------------------------------------------


def run(rate: float, cpu_s: float, non2xx: int = 0) -> Run:
    requests = int(rate * 3)
    return Run(WrkResult(requests, 3.0, non2xx, 0, 1000 / rate, 2000 / rate), cpu_s)


def test_summary_takes_medians_of_per_round_ratios_and_totals_the_errors() -> None:
    rounds = [
        (run(2000, 1.2), run(100, 3.0, non2xx=2)),
        (run(1000, 0.6), run(90, 2.7)),  # a slow round for both: the ratio stays steady
        (run(2000, 1.2), run(300, 9.0, non2xx=1)),
    ]
    summary = summarize("section", "/modules/a/b", rounds, queries=14, size=3000)
    assert summary.rate == 100
    assert summary.floor_rate == 2000
    assert summary.ratio == pytest.approx(0.09)  # median of 0.05, 0.09, 0.15
    assert summary.non2xx == 3
    assert summary.cpu_ms == pytest.approx(10.0)
    assert summary.floor_cpu_ms == pytest.approx(0.2)
    assert summary.cpu_ratio == pytest.approx(0.02)
    assert (summary.queries, summary.bytes) == (14, 3000)


def test_the_slices_of_a_round_add_up_to_one_run() -> None:
    slices = [
        Run(WrkResult(3000, 1.0, 1, 0, 1.0, 4.0), 0.9),
        Run(WrkResult(1500, 1.0, 0, 2, 2.0, 9.0), 0.8),  # the machine slowed down for this slice
        Run(WrkResult(3000, 1.0, 0, 0, 1.2, 5.0), 0.9),
    ]
    round_ = combine(slices)
    assert round_.wrk == WrkResult(7500, 3.0, 1, 2, 1.2, 9.0)
    assert round_.wrk.rate == 2500
    assert round_.cpu_s == pytest.approx(2.6)
    with pytest.raises(ValueError):
        combine([])


@pytest.mark.parametrize(
    ("arguments", "slices"), [([], 3), (["--smoke"], 1), (["--duration", "4", "--slices", "2"], 2)]
)
def test_rounds_are_cut_into_slices_of_whole_seconds(arguments: list[str], slices: int) -> None:
    from bench.run import parse_options

    assert parse_options(arguments).slices == slices


@pytest.mark.parametrize("arguments", [["--slices", "0"], ["--duration", "3", "--slices", "2"], ["--slices", "6"]])
def test_slices_wrk_cannot_time_are_refused(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from bench.run import parse_options

    with pytest.raises(SystemExit) as stop:
        parse_options(arguments)
    assert stop.value.code == 2
    assert "--slices" in capsys.readouterr().err


def test_summary_of_no_rounds_is_an_error() -> None:
    with pytest.raises(ValueError):
        summarize("section", "/", [], queries=None)


# -- budgets -------------------------------------------------------------------------------------------


def test_rows_within_budget_miss_nothing() -> None:
    assert check_budgets("sqlite", [row(name, queries=0, p50_ms=1.0) for name in BUDGETS]) == []


def test_each_miss_names_database_page_what_measured_and_budget() -> None:
    rows = [
        row("section", ratio=0.049, queries=15, non2xx=288),
        row("certificate PDF", p50_ms=55.0, ratio=0.01),
        row("sign-in form", queries=40),  # no query budget: fine
    ]
    misses = check_budgets("postgres", rows)
    assert [str(miss) for miss in misses] == [
        "postgres: section: responses under load: 288 non-2xx, budget every response 2xx",
        "postgres: section: requests/s ÷ floor 0.049, budget >= 0.2",
        "postgres: section: queries/request 15, budget <= 6",
        "postgres: certificate PDF: p50 55.0 ms, budget <= 20 ms",
    ]
    assert (misses[1].database, misses[1].page, misses[1].measured, misses[1].budget) == (
        "postgres",
        "section",
        "0.049",
        ">= 0.2",
    )


def test_the_cpu_check_holds_the_cpu_ratio_to_the_budget() -> None:
    rows = [row("dashboard", ratio=0.01, cpu_ratio=0.2), row("module", ratio=0.9, cpu_ratio=0.1)]
    assert [str(miss) for miss in check_budgets("sqlite", rows, check="cpu")] == [
        "sqlite: module: floor CPU ÷ CPU 0.100, budget >= 0.15"
    ]


def test_socket_errors_and_pages_without_budget_must_still_answer_2xx() -> None:
    misses = check_budgets("sqlite", [row("new page", socket_errors=3)], budgets={})
    assert [str(miss) for miss in misses] == [
        "sqlite: new page: responses under load: 0 non-2xx and 3 socket errors, budget every response 2xx"
    ]


def test_an_uncounted_page_misses_its_query_budget() -> None:
    misses = check_budgets("sqlite", [row("verification", queries=None)], budgets={"verification": Budget(queries=2)})
    assert [miss.measured for miss in misses] == ["not counted"]


def test_unknown_check_is_refused() -> None:
    with pytest.raises(ValueError):
        check_budgets("sqlite", [], check="none")


def test_every_budget_names_a_page_and_every_path_names_known_facts() -> None:
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names))
    assert set(BUDGETS) <= set(names)
    for page in PAGES:
        fields = {field for _text, field, _spec, _conv in string.Formatter().parse(page.path) if field}
        assert fields <= set(FACTS_SQL), page
    known = {"worker"}
    for name, query in FACTS_SQL.items():
        assert set(re.findall(r":(\w+)", query)) <= known, name
        known.add(name)


# -- the printed table and the server log --------------------------------------------------------------


def test_table_has_a_line_per_page_and_every_column() -> None:
    text = format_table([row("section", queries=None), row("dashboard")])
    lines = text.splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:3] == ["page", "path", "req/s"]
    assert "queries/req" in lines[0] and "CPU ratio" in lines[0]
    assert lines[2].startswith("section") and lines[2].rstrip().endswith("-")
    markdown = format_table([row("section")], markdown=True).splitlines()
    assert markdown[0].startswith("| page | path |") and markdown[2].startswith("| section | `/x` |")


def test_server_errors_counts_the_final_exception_of_each_traceback() -> None:
    log = """[2026-12-01 22:37:00 +0000] [11166] [INFO] Starting gunicorn 27.0.1
unhandled error on GET /modules/a/b
Traceback (most recent call last):
  File "x.py", line 1, in f
sqlite3.OperationalError: database is locked

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "y.py", line 2, in g
sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked
[SQL: INSERT INTO section_views ...]
127.0.0.1 - - [01/Dec/2026:22:37:03 +0000] "GET /modules/a/b HTTP/1.1" 500 2300 "-" "-"
unhandled error on GET /modules/a/b
Traceback (most recent call last):
sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked
[2026-12-01 22:37:09 +0000] [11166] [CRITICAL] WORKER TIMEOUT (pid:11170)
127.0.0.1 - - [01/Dec/2026:22:37:03 +0000] "GET / HTTP/1.1" 200 2300 "-" "-"
"""
    assert server_errors(log.splitlines()) == {
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked": 2,
        "gunicorn CRITICAL: WORKER TIMEOUT (pid)": 1,
    }


# -- sign-in helpers -----------------------------------------------------------------------------------


def test_form_inputs_finds_the_csrf_token() -> None:
    html = '<form><input id="csrf_token" name="csrf_token" type="hidden" value="abc.def"><input name="email"></form>'
    assert form_inputs(html) == {"csrf_token": "abc.def", "email": ""}


def test_cookies_set_and_cleared() -> None:
    answer = Answer(
        302,
        [
            ("Set-Cookie", "elearning_session=tok123; HttpOnly; Path=/; SameSite=Lax"),
            ("Set-Cookie", "elearning_prefs=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"),
        ],
        b"",
    )
    assert merge_cookies({"elearning_prefs": "old"}, answer) == {"elearning_session": "tok123"}


def test_the_in_process_profiler_refuses_an_unknown_page(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import inprocess

    with pytest.raises(SystemExit) as stop:
        inprocess.main(["--page", "no such page"])
    assert stop.value.code == 2
    assert "unknown page no such page; pages: " in capsys.readouterr().err
