"""The accessibility scan: axe-core (bundled by ``axe-playwright-python``, offline) on the page as it is now.

``runOnly`` lists the WCAG 2.0/2.1 A and AA tags and WCAG 2.2 AA: axe-core only runs its WCAG 2.2 rules (e.g.
``target-size``) when their tag is asked for. axe is injected with ``page.evaluate`` (DevTools protocol), which
the site's Content-Security-Policy does not block, so the scan runs with the CSP on.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
OPTIONS = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"]}
_axe = Axe()


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def describe(self, where: str) -> str:
        return f"{self.rule} ({self.impact}) on {where}: {self.help}; elements: {', '.join(self.targets)}"


def scan(page: Page) -> list[Violation]:
    """The WCAG A/AA violations axe finds on ``page``'s current document."""
    results = _axe.run(page, options=OPTIONS)
    return [
        Violation(
            rule=item["id"],
            impact=item.get("impact") or "unknown",
            help=item["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in item["nodes"]),
        )
        for item in results.response["violations"]
    ]


def report(violations: list[Violation], where: str) -> str:
    """One line per violated rule, naming the page, its language and the offending elements."""
    return f"{len(violations)} accessibility violation(s):\n" + "\n".join(v.describe(where) for v in violations)
