"""Open the site's pages in fresh browser contexts, signed in as a demo account, watched by a :class:`PageGuard`.

Signing in goes through the real form once per role and browser; later contexts for that role start from the
cookies it produced (a fresh context per page, without paying for a sign-in each time).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, BrowserContext, Response, ViewportSize
from playwright.sync_api import Page as BrowserPage

from tests.browser import actions
from tests.browser.guard import PageGuard
from tests.browser.live import LiveServer
from tests.browser.pages import Page

VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
    "reflow": {"width": 320, "height": 640},  # WCAG 1.4.10: 320 CSS px
}


class Browsing:
    """Contexts opened for one test (or one run of a tool); :meth:`close` returns what went wrong in them."""

    def __init__(self, browser: Browser, server: LiveServer, states: dict[str, Any] | None = None) -> None:
        self.browser = browser
        self.server = server
        self._contexts: list[tuple[BrowserContext, PageGuard]] = []
        #: Cookies of a signed-in demo account by role; pass the same dict to share sign-ins between instances.
        self._states = {} if states is None else states

    def new_page(self, role: str | None = None, viewport: str = "desktop") -> BrowserPage:
        """A page in a fresh context, signed in as ``role``'s demo account (None: a visitor)."""
        state = self.signed_in_state(role) if role else None
        context = self.browser.new_context(viewport=VIEWPORTS[viewport], storage_state=state, locale="fr-CA")
        guard = PageGuard()
        guard.attach(context)
        self._contexts.append((context, guard))
        return context.new_page()

    def signed_in_state(self, role: str) -> Any:
        """The cookies of a sign-in through the real form as ``role``'s demo account (done once per role)."""
        if role not in self._states:
            page = self.new_page()
            actions.sign_in(page, self.server.base_url, role)
            self._states[role] = page.context.storage_state()
            page.context.close()
        return self._states[role]

    def open(self, entry: Page, language: str, viewport: str = "desktop") -> BrowserPage:
        """``entry`` in ``language``, brought to the state to check; asserts the document's status and language."""
        page = self.new_page(entry.role, viewport)
        documents: list[Response] = []

        def remember(response: Response) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                documents.append(response)

        page.on("response", remember)
        page.goto(self.server.url(entry.path.format(**self.server.facts), language))
        if entry.setup is not None:
            entry.setup(page)
        page.remove_listener("response", remember)
        where = f"{entry.name} ({language})"
        assert documents, f"{where}: no document loaded"
        assert documents[-1].status == entry.status, f"{where}: status {documents[-1].status}, not {entry.status}"
        assert page.get_attribute("html", "lang") == language, f"{where}: the page is not in {language}"
        return page

    def close(self) -> list[str]:
        """Close every context; the console errors, script errors and CSP violations seen, one line each."""
        problems: list[str] = []
        for context, guard in self._contexts:
            guard.collect_open_pages(context)
            problems += guard.problems()
            context.close()
        self._contexts.clear()
        return problems
