"""What the benchmark measures (``PAGES``, one line per page), what it expects of them (``BUDGETS``), and the
check turning measured rows into named misses.

To add a page: one ``Page(...)`` line in ``PAGES`` (its path may name facts of ``FACTS_SQL``, read from the demo
database once it is prepared), and, when it has one, its budget in ``BUDGETS``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.stats import Summary

WORKER = "worker.cjq@example.org"  # core training completed, a certificate
NEWCOMER = "worker.spvq@example.org"  # nothing done yet: the quiz page is the form, not "passed"
PIVOT = "pivot.spvq@example.org"  # "Section jeunesse", grown to 40 members by bench.team
TABLE = "table@example.org"  # the coverage report across organizations
COORDINATOR = "coord.spvq@example.org"  # the organization view of SPVQ (its team grown to 40 members)
DEMO_PASSWORD = "formation-demo"  # noqa: S105 (the demo accounts' published password)


@dataclass(frozen=True)
class Page:
    """A page to measure: ``path`` (``str.format`` over the facts), signed in as ``account`` (None: anonymous).

    ``expect`` is a byte string the page's body must hold, proving the benchmark measures the intended page
    (e.g. the quiz form rather than "quiz passed").
    """

    name: str
    path: str
    account: str | None
    expect: bytes | None = None


PAGES: tuple[Page, ...] = (
    Page("section", "/modules/{slug}/{section}", WORKER, b'id="section-title"'),
    Page("dashboard", "/", WORKER),
    Page("module", "/modules/{slug}", WORKER),
    Page("quiz form", "/modules/{slug}/quiz", NEWCOMER, b'name="attempt"'),
    Page("verification", "/verify/{certificate_code}", None),
    Page("sign-in form", "/login", None, b'name="csrf_token"'),
    Page("certificate PDF", "/certificates/{certificate_id}.pdf", WORKER, b"%PDF-"),
    Page("team matrix", "/team", PIVOT, b"Membre 001 Banc"),
    Page("team CSV", "/team.csv", PIVOT, b"Membre 001 Banc"),
    Page("team reminders", "/team/reminders?team={pivot_team}", PIVOT, b"Membre 001 Banc"),
    Page("coverage report", "/reports/coverage", TABLE, b'id="coverage-table"'),
    Page("certificate register", "/reports/certificates", TABLE, b"Registre des attestations"),
    Page("directory", "/directory", WORKER, b'id="directory-results"'),
    Page("organization view", "/org", COORDINATOR, b'id="coverage-title"'),
)

#: Facts the paths name, read in this order from the prepared database; each query may use the facts before it
#: (``:name``), and ``:worker`` (``WORKER``).
FACTS_SQL: dict[str, str] = {
    # The first module of the core track, and the first section of its current version.
    "slug": "SELECT m.slug FROM track_modules tm JOIN tracks t ON t.id = tm.track_id "
    "JOIN modules m ON m.id = tm.module_id WHERE t.slug = 'formation-de-base' ORDER BY tm.position LIMIT 1",
    "section": "SELECT s.slug FROM sections s JOIN module_versions v ON v.id = s.module_version_id "
    "JOIN modules m ON m.id = v.module_id WHERE m.slug = :slug ORDER BY v.id DESC, s.position LIMIT 1",
    # The worker's core certificate: its PDF (as its holder) and its public verification page.
    "certificate_id": "SELECT c.id FROM certificates c JOIN people p ON p.id = c.person_id "
    "WHERE p.email = :worker AND c.revoked_at IS NULL ORDER BY c.id LIMIT 1",
    "certificate_code": "SELECT code FROM certificates WHERE id = :certificate_id",
    # The bench pivot's team (the reminders page).
    "pivot_team": "SELECT tm.team_id FROM team_memberships tm JOIN people p ON p.id = tm.person_id "
    "WHERE p.email = 'pivot.spvq@example.org' AND tm.role = 'pivot' AND tm.end_on IS NULL ORDER BY tm.team_id LIMIT 1",
}


@dataclass(frozen=True)
class Budget:
    """What a page must hold under load. ``ratio``: minimum share of the floor (throughput, or CPU with
    ``--check cpu``); ``p50_ms``: maximum median latency; ``queries``: maximum SQL statements per request.
    Every page must answer 2xx only, whether it has a budget or not."""

    ratio: float | None = None
    p50_ms: float | None = None
    queries: int | None = None


BUDGETS: dict[str, Budget] = {
    "section": Budget(ratio=0.2, queries=6),
    "dashboard": Budget(ratio=0.15, queries=8),
    "module": Budget(ratio=0.15, queries=8),
    "quiz form": Budget(ratio=0.15, queries=8),
    "verification": Budget(ratio=0.3, queries=2),
    "sign-in form": Budget(ratio=0.3),
    "certificate PDF": Budget(p50_ms=20),
    "team matrix": Budget(ratio=0.1),
    "coverage report": Budget(ratio=0.1),
    "directory": Budget(queries=4),
}

#: ``--check``: which ratio the ``ratio`` budgets apply to.
CHECKS = ("ratio", "cpu", "none")


@dataclass(frozen=True)
class Miss:
    """A budget a page missed on one database."""

    database: str
    page: str
    what: str
    measured: str
    budget: str

    def __str__(self) -> str:
        return f"{self.database}: {self.page}: {self.what} {self.measured}, budget {self.budget}"


def check_budgets(
    database: str, rows: Sequence[Summary], check: str = "ratio", budgets: Mapping[str, Budget] = BUDGETS
) -> list[Miss]:
    """Every miss of ``rows`` (one database) against ``budgets``; ``check`` says which ratio is held to the
    ``ratio`` budgets: ``ratio`` (requests/s ÷ floor) or ``cpu`` (floor CPU ÷ page CPU per request)."""
    if check not in ("ratio", "cpu"):
        raise ValueError(f"check must be ratio or cpu, not {check!r}")
    misses: list[Miss] = []
    for row in rows:
        budget = budgets.get(row.page, Budget())
        if row.non2xx or row.socket_errors:
            sockets = f" and {row.socket_errors} socket errors" if row.socket_errors else ""
            measured = f"{row.non2xx} non-2xx{sockets}"
            misses.append(Miss(database, row.page, "responses under load:", measured, "every response 2xx"))
        if budget.ratio is not None:
            value, what = (row.ratio, "requests/s ÷ floor") if check == "ratio" else (row.cpu_ratio, "floor CPU ÷ CPU")
            if value < budget.ratio:
                misses.append(Miss(database, row.page, what, f"{value:.3f}", f">= {budget.ratio:g}"))
        if budget.p50_ms is not None and row.p50_ms > budget.p50_ms:
            misses.append(Miss(database, row.page, "p50", f"{row.p50_ms:.1f} ms", f"<= {budget.p50_ms:g} ms"))
        if budget.queries is not None and (row.queries is None or row.queries > budget.queries):
            measured = "not counted" if row.queries is None else str(row.queries)
            misses.append(Miss(database, row.page, "queries/request", measured, f"<= {budget.queries}"))
    return misses
