"""Every page of the page list, in French and in English, opened once and checked three ways:

1. **axe-core**: zero violations tagged ``wcag2a``, ``wcag2aa``, ``wcag21a``, ``wcag21aa``, ``wcag22aa``;
2. **keyboard**: Tab reaches every focusable element, and each focus stop shows a visible focus indicator and is
   not covered;
3. **reflow**: at 320 CSS px wide, no sideways scrolling and no content cut by hidden overflow;
4. **markup**: no id used twice.

One visit per page and language keeps the suite fast (a browser context costs more than the checks); the
failure message names every check that failed. The ``*_fixture_page`` tests prove each check can fail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.axe import WCAG_TAGS, report, scan
from tests.browser.browsing import VIEWPORTS, Browsing
from tests.browser.keyboard import tab_through
from tests.browser.markup import markup_problems
from tests.browser.pages import LANGUAGES, PAGES, Page
from tests.browser.reflow import reflow_problems

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", PAGES, ids=lambda entry: entry.name)
def test_page_is_accessible(
    browsing: Browsing, entry: Page, language: str, record_property: Callable[[str, object], None]
) -> None:
    where = f"{entry.name} ({entry.role or 'visitor'}, {entry.path}) in {language}"
    page = browsing.open(entry, language)
    failures: list[str] = []

    violations = scan(page)
    record_property("axe_page", entry.name)
    record_property("axe_language", language)
    record_property("axe_violations", sum(len(v.targets) for v in violations))
    if violations:
        failures.append("axe: " + report(violations, where))

    problems = markup_problems(page)
    if problems:
        failures.append("markup: " + "; ".join(problems))

    stops, problems = tab_through(page)
    if not stops or not stops[0].startswith("<a> ") or "#main" not in page.get_attribute(".skip-link", "href"):
        problems.append(f"the skip link is not the first focus stop: {stops[:1]}")
    if problems:
        failures.append(f"keyboard, focus stops {stops}:\n" + "\n".join(problems))

    page.set_viewport_size(VIEWPORTS["reflow"])
    problems = reflow_problems(page)
    if problems:
        failures.append("reflow at 320 px:\n" + "\n".join(problems))

    assert not failures, f"{where}:\n" + "\n\n".join(failures)


def test_scan_finds_the_known_faults_of_the_fixture_page(browsing: Browsing) -> None:
    """An image without alt text, an input without a label, a 10 px button right beside another one."""
    page = browsing.new_page()
    response = page.goto(browsing.server.url("/__test__/fixtures/axe-negative.html"))
    assert response is not None and response.status == 200
    violations = scan(page)
    found = {v.rule: len(v.targets) for v in violations}
    assert found == {"image-alt": 1, "label": 1, "target-size": 1}, report(violations, "the fixture page")
    assert next(v for v in violations if v.rule == "target-size").targets == (".tiny",)
    assert "wcag22aa" in WCAG_TAGS  # axe runs target-size only when WCAG 2.2 AA is asked for


def test_markup_check_finds_the_duplicate_id_of_the_fixture_page(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/__test__/fixtures/axe-negative.html"))
    assert markup_problems(page) == ['id="twice" is used 2 times']


def test_tab_through_finds_the_known_faults_of_the_fixture_page(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/__test__/fixtures/keyboard-negative.html"))
    stops, problems = tab_through(page)
    assert [stop.split(">")[0] + ">" for stop in stops] == ["<a#fine>", "<button#no-ring>", "<a#covered>"]
    assert problems == [
        '<button#no-ring> "A button whose focus ring is removed": no visible focus indicator '
        "(outline and box-shadow as when not focused)",
        '<a#covered> "A link under the banner": covered by <div> "A fixed banner" when focused',
    ]


def test_reflow_check_finds_the_known_faults_of_the_fixture_page(browsing: Browsing) -> None:
    page = browsing.new_page(viewport="reflow")
    page.goto(browsing.server.url("/__test__/fixtures/reflow-negative.html"))
    problems = reflow_problems(page)
    assert len(problems) == 2, problems
    assert problems[0].startswith("the page is ") and "scrolls sideways" in problems[0]
    assert problems[1].startswith("<p.clipped> cuts its content")
