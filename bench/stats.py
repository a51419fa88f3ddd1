"""Pure parts of the benchmark: wrk's report, CPU ticks from ``/proc``, medians over rounds, the printed table.

Nothing here starts a process or opens a socket (``tests/test_bench.py`` exercises it directly).
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

#: The line ``bench/report.lua`` prints at the end of a wrk run.
WRK_MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class WrkResult:
    """One wrk run, as reported by ``bench/report.lua``."""

    requests: int
    duration_s: float
    non2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0


def parse_wrk_output(stdout: str) -> WrkResult:
    """The result in wrk's output (the ``BENCH_JSON`` line of ``bench/report.lua``); ValueError when absent."""
    for line in stdout.splitlines():
        if line.startswith(WRK_MARKER):
            data = json.loads(line[len(WRK_MARKER) :])
            break
    else:
        raise ValueError(f"no {WRK_MARKER.strip()} line in wrk's output:\n{stdout.strip()}")
    errors = data["errors"]
    return WrkResult(
        requests=int(data["requests"]),
        duration_s=float(data["duration_us"]) / 1e6,
        non2xx=int(data["non2xx"]),
        # errors.status (status > 399) is already in non2xx: only the socket-level failures are added here.
        socket_errors=int(errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]),
        p50_ms=float(data["latency_us"]["p50"]) / 1000,
        p99_ms=float(data["latency_us"]["p99"]) / 1000,
    )


@dataclass(frozen=True)
class ProcStat:
    """The fields of ``/proc/<pid>/stat`` the benchmark needs (CPU times in clock ticks)."""

    pid: int
    comm: str
    ppid: int
    utime: int
    stime: int
    starttime: int

    @property
    def ticks(self) -> int:
        """User plus system CPU time, in clock ticks (``os.sysconf('SC_CLK_TCK')`` a second)."""
        return self.utime + self.stime


def parse_proc_stat(text: str) -> ProcStat:
    """Parse one ``/proc/<pid>/stat`` line; the command (between parentheses) may hold spaces and parentheses."""
    head, _, rest = text.strip().rpartition(")")
    pid, _, comm = head.partition(" (")
    fields = rest.split()
    # After the command: state(3) ppid(4) ... utime(14) stime(15) ... starttime(22), numbered as in proc(5).
    return ProcStat(
        pid=int(pid),
        comm=comm,
        ppid=int(fields[1]),
        utime=int(fields[11]),
        stime=int(fields[12]),
        starttime=int(fields[19]),
    )


#: A process is (pid, start time): a pid reused during a run is another process.
ProcessKey = tuple[int, int]


def cpu_delta_ticks(before: Mapping[ProcessKey, int], after: Mapping[ProcessKey, int]) -> int:
    """CPU ticks spent between two samples by the processes alive at the second one.

    A process started in between counts in full; one that ended in between is lost (the servers' processes live
    through the run, so this only matters when a worker is restarted).
    """
    return sum(ticks - before.get(key, 0) for key, ticks in after.items())


# -- client backends of PostgreSQL ---------------------------------------------------------------------

_CLIENT_ADDRESS = re.compile(r"(\[local\]|\S+\(\d+\))")


def is_other_database_backend(cmdline: str, database: str) -> bool:
    """Whether a ``postgres`` process is a client backend of another database than ``database``.

    Backends show ``postgres: <cluster>: <user> <database> <address>(<port>) <state>``; the server's own processes
    (checkpointer, WAL writer, ...) name no client address and count for everybody.
    """
    text = cmdline.replace("\0", " ")
    return bool(_CLIENT_ADDRESS.search(text)) and database not in text.split()


# -- rounds and medians --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One wrk run and the server CPU it cost (seconds, over the processes measured)."""

    wrk: WrkResult
    cpu_s: float

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_s / self.wrk.requests if self.wrk.requests else 0.0


def combine(runs: Sequence[Run]) -> Run:
    """The slices of one round as one run: requests, time, errors and CPU summed; p50 the median of the
    slices' and p99 the largest."""
    if not runs:
        raise ValueError("no slices to combine")
    return Run(
        WrkResult(
            requests=sum(run.wrk.requests for run in runs),
            duration_s=sum(run.wrk.duration_s for run in runs),
            non2xx=sum(run.wrk.non2xx for run in runs),
            socket_errors=sum(run.wrk.socket_errors for run in runs),
            p50_ms=_median(run.wrk.p50_ms for run in runs),
            p99_ms=max(run.wrk.p99_ms for run in runs),
        ),
        cpu_s=sum(run.cpu_s for run in runs),
    )


@dataclass(frozen=True)
class Summary:
    """One page of one database over every round: medians, except the error counts (totals over the rounds)."""

    page: str
    path: str
    rate: float
    floor_rate: float
    ratio: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int
    cpu_ms: float
    floor_cpu_ms: float
    cpu_ratio: float
    queries: int | None
    bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


def summarize(page: str, path: str, rounds: Sequence[tuple[Run, Run]], queries: int | None, size: int = 0) -> Summary:
    """Medians over ``rounds`` of (floor, page) runs; ratios are taken per round (the two runs of a round are
    neighbours in time, so they share the machine's conditions), then their median."""
    if not rounds:
        raise ValueError(f"no rounds measured for {page}")
    floors = [floor for floor, _page in rounds]
    pages = [run for _floor, run in rounds]
    return Summary(
        page=page,
        path=path,
        rate=_median(run.wrk.rate for run in pages),
        floor_rate=_median(run.wrk.rate for run in floors),
        ratio=_median(run.wrk.rate / floor.wrk.rate if floor.wrk.rate else 0.0 for floor, run in rounds),
        p50_ms=_median(run.wrk.p50_ms for run in pages),
        p99_ms=_median(run.wrk.p99_ms for run in pages),
        non2xx=sum(run.wrk.non2xx for run in pages),
        socket_errors=sum(run.wrk.socket_errors for run in pages),
        cpu_ms=_median(run.cpu_ms_per_request for run in pages),
        floor_cpu_ms=_median(run.cpu_ms_per_request for run in floors),
        cpu_ratio=_median(
            floor.cpu_ms_per_request / run.cpu_ms_per_request if run.cpu_ms_per_request else 0.0
            for floor, run in rounds
        ),
        queries=queries,
        bytes=size,
    )


# -- the printed table ---------------------------------------------------------------------------------

COLUMNS = (
    ("page", "page"),
    ("path", "path"),
    ("req/s", "rate"),
    ("floor req/s", "floor_rate"),
    ("ratio", "ratio"),
    ("p50 ms", "p50_ms"),
    ("p99 ms", "p99_ms"),
    ("non-2xx", "non2xx"),
    ("sock err", "socket_errors"),
    ("CPU ms/req", "cpu_ms"),
    ("floor CPU ms/req", "floor_cpu_ms"),
    ("CPU ratio", "cpu_ratio"),
    ("queries/req", "queries"),
)


def _cell(field: str, value: Any) -> str:
    if value is None:
        return "-"
    if field in ("rate", "floor_rate"):
        return f"{value:.0f}"
    if field in ("ratio", "cpu_ratio"):
        return f"{value:.3f}"
    if field in ("p50_ms", "p99_ms", "cpu_ms", "floor_cpu_ms"):
        return f"{value:.2f}"
    return str(value)


def format_table(rows: Sequence[Summary], markdown: bool = False) -> str:
    """The rows as an aligned text table (or a Markdown table, for ``docs/performance.md``)."""
    header = [title for title, _field in COLUMNS]
    body = [[_cell(field, getattr(row, field)) for _title, field in COLUMNS] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        lines += ["| " + " | ".join(f"`{c}`" if i == 1 else c for i, c in enumerate(cells)) + " |" for cells in body]
        return "\n".join(lines)
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        # Text columns (page, path) to the left, numbers to the right.
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(cells) for cells in body)])


# -- errors in the server's log ------------------------------------------------------------------------

_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Timeout|Exit|Interrupt)\b.*$")
_GUNICORN_RECORD = re.compile(r"^\[[^\]]+\] \[\d+\] \[(CRITICAL|ERROR)\] (.*)$")
_PID = re.compile(r"\(pid:\d+\)")


def server_errors(lines: Iterable[str], width: int = 200) -> dict[str, int]:
    """What went wrong in a gunicorn log, counted: the final exception line of each traceback (the one the
    request died of, chained causes before it skipped) and gunicorn's own CRITICAL and ERROR records (a worker
    timeout, a worker that would not boot). Access-log lines are skipped."""
    counts: dict[str, int] = {}

    def count(message: str) -> None:
        message = message.strip()[:width]
        counts[message] = counts.get(message, 0) + 1

    last_exception: str | None = None
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback and _EXCEPTION_LINE.match(line):
            last_exception = line
            continue
        if line.startswith(("[", "127.0.0.1 - ")):  # a new log record: the traceback before it is over
            if last_exception is not None:
                count(last_exception)
            last_exception, in_traceback = None, False
            record = _GUNICORN_RECORD.match(line)
            if record and "Error handling request" not in record.group(2):
                count(f"gunicorn {record.group(1)}: {_PID.sub('(pid)', record.group(2))}")
    if last_exception is not None:
        count(last_exception)
    return counts
