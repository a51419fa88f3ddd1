"""The page list covers every GET route of the route-by-role matrix (a fast test; no browser)."""

from __future__ import annotations

from tests.browser.actions import DEMO_ACCOUNTS
from tests.browser.pages import NOT_PAGES, PAGES
from tests.test_matrix import MATRIX


def test_every_get_route_of_the_matrix_is_a_page_or_listed_as_not_one() -> None:
    get_rules = {row.rule for row in MATRIX if row.method == "GET"}
    covered = {rule for page in PAGES for rule in page.covers}
    missing = sorted(get_rules - covered - set(NOT_PAGES))
    assert not missing, (
        f"GET routes missing from tests/browser/pages.py: {missing}; add a Page to PAGES, or to NOT_PAGES "
        "with the reason it is not a page"
    )
    stale = sorted((covered | set(NOT_PAGES)) - get_rules)
    assert not stale, f"tests/browser/pages.py names rules that are not GET rules of the matrix: {stale}"
    both = sorted(covered & set(NOT_PAGES))
    assert not both, f"rules both in PAGES and NOT_PAGES: {both}"


def test_page_entries_are_well_formed() -> None:
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names)), "page names must be unique"
    assert all(page.role is None or page.role in DEMO_ACCOUNTS for page in PAGES)
    assert all(page.path.startswith("/") and "lang=" not in page.path for page in PAGES), "no lang=: it is added"
