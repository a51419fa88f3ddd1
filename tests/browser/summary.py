"""The accessibility scan's summary line at the end of the run, e.g. ``axe: 13 pages × 2 languages scanned,
0 violations``, so that ``.ci/run``'s log shows what was scanned.

The scan tests record ``axe_page``, ``axe_language`` and ``axe_violations`` with ``record_property``; the
properties travel with the test reports, so this also works under xdist (the line is written by the
controller).
"""

from __future__ import annotations

import pytest


class AxeSummary:
    def __init__(self) -> None:
        self.scans: set[tuple[str, str]] = set()
        self.violations = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        properties = dict(report.user_properties)
        if "axe_page" in properties:
            self.scans.add((str(properties["axe_page"]), str(properties["axe_language"])))
            self.violations += int(properties["axe_violations"])  # type: ignore[call-overload]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
        if not self.scans or hasattr(config, "workerinput"):
            return
        pages = {page for page, _ in self.scans}
        languages = {language for _, language in self.scans}
        terminalreporter.write_line(
            f"axe: {len(pages)} pages × {len(languages)} languages scanned "
            f"({len(self.scans)} scans), {self.violations} violations",
            red=bool(self.violations),
            green=not self.violations,
        )
