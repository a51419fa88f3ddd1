"""The list of the site's pages, in one place: what the accessibility scan, the reflow check and the
screenshots visit.

**Adding a page**: add a :class:`Page` to :data:`PAGES` — a unique ``name``, the ``path`` to open (no
``?lang=``: every page is visited in each of :data:`LANGUAGES`), the ``role`` that sees it (a key of
:data:`tests.browser.actions.DEMO_ACCOUNTS`, or None for a visitor), and when the state to check needs a
person's actions after opening the page (a form sent back with its errors, a confirmation), a ``setup``
function taking the Playwright page (put the steps in ``actions.py``). ``status`` is the status of the document
finally shown. ``rules`` are the URL-map rules the entry covers (default: ``path`` itself); use the rule with
its parameters (``/modules/<slug>``) when ``path`` fills them in.

A GET rule of the route-by-role matrix (``tests/test_matrix.py``) that is in neither :data:`PAGES` nor
:data:`NOT_PAGES` fails ``test_page_list.py``; so does an entry here whose rule is no longer in the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page as BrowserPage

from tests.browser import actions

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str | None = None
    setup: Callable[[BrowserPage], None] | None = None
    status: int = 200
    rules: tuple[str, ...] | None = None  # None: the path itself
    #: Whether ``make screenshots`` takes this page (the main pages only).
    screenshot: bool = False
    covers: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "covers", (self.path,) if self.rules is None else self.rules)


# fmt: off
PAGES: list[Page] = [
    Page("login",                "/login",   screenshot=True),
    Page("login-error",          "/login",   setup=actions.submit_wrong_password, status=400),
    Page("signed-out",           "/login",   setup=actions.sign_in_then_out),
    Page("too-many-attempts",    "/login",   setup=actions.fail_sign_in_until_limited, status=429),
    Page("dashboard",            "/",        "worker", screenshot=True),
    Page("dashboard-pivot",      "/",        "pivot"),
    Page("dashboard-admin",      "/",        "admin"),
    Page("account",              "/account", "pivot", screenshot=True),
    Page("account-error",        "/account", "worker", setup=actions.submit_empty_password_change, status=400),
    Page("account-saved",        "/account", "worker", setup=actions.save_language),
    Page("not-found",            "/cette-page-n-existe-pas", "worker", status=404, rules=()),
    Page("not-found-visitor",    "/cette-page-n-existe-pas", status=404, rules=()),
    # Test-only route rendering the real 403 page: see GAPS.
    Page("forbidden",            "/__test__/forbidden", "worker", status=403, rules=()),
]
# fmt: on

#: GET rules of the route-by-role matrix that are not pages a person reads, with the reason.
NOT_PAGES: dict[str, str] = {
    "/healthz": "JSON health check for load balancers and monitoring, not a page",
    "/static/<path:filename>": "stylesheets and images the pages load (checked through the pages using them)",
}

#: What the page list cannot cover yet, and why (read by people; nothing tests it).
GAPS: dict[str, str] = {
    "403 for a real page": (
        "no production route answers 403 to any role yet (every GET rule of the matrix answers 200 or a redirect); "
        "the 403 page is scanned through the test-only /__test__/forbidden (tests/browser/live_app.py), which "
        "renders the real error page. When a page refuses a role with 403, add it here with that role and drop "
        "the test route."
    ),
    "journeys 1 and 6": (
        "the catalog, module, section, quiz, result, certificate and verification pages do not exist yet; the "
        "scan is to run after the journeys once they do (issue 8)."
    ),
}

PAGES_BY_NAME = {page.name: page for page in PAGES}
