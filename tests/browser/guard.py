"""Fail a test on any console error, uncaught script error or Content-Security-Policy violation.

A :class:`PageGuard` listens to one browser context from its creation: ``console`` messages of type
``error``, ``pageerror`` events, and the ``securitypolicyviolation`` events of every document (an init script,
which runs in the page's main world and is not subject to the page's CSP, records them into
``window.__cspViolations`` and reports each one to the test at once, so none is lost when the page navigates).

Only one kind of console error is expected: Chromium logs "Failed to load resource: the server responded with
a status of 404" when a *document* answers with an error status, e.g. the 404 page itself or a form sent back
with its errors (400). Those are allowed for the documents that answered that status (the tests assert every
document's status themselves); the same message for a stylesheet, image or any other resource fails the test.
Chromium's informative messages (e.g. "[DOM] Password forms should have...") have type ``verbose`` or
``info`` and are not errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, Response

CSP_LISTENER = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const violation = {
      directive: event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
      document: event.documentURI,
    };
    window.__cspViolations.push(violation);
    if (typeof window.__elearningCspViolation === "function") window.__elearningCspViolation(violation);
  });
})();
"""
DOCUMENT_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})\b")


@dataclass
class PageGuard:
    """What went wrong in a context's pages; :meth:`problems` lists it, one line per problem."""

    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, location URL)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    error_documents: set[tuple[str, int]] = field(default_factory=set)  # (URL, status) of documents

    def attach(self, context: BrowserContext) -> None:
        context.expose_function("__elearningCspViolation", self._csp_violation)
        context.add_init_script(CSP_LISTENER)
        context.on("page", self.watch)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._response)

    def _csp_violation(self, violation: dict[str, Any]) -> None:
        self.csp_violations.append(violation)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type == "document":
            self.error_documents.add((response.url, response.status))

    def _is_error_document(self, text: str, url: str) -> bool:
        match = DOCUMENT_STATUS.match(text)
        return bool(match) and (url, int(match.group(1))) in self.error_documents

    def collect_open_pages(self, context: BrowserContext) -> None:
        """Read ``window.__cspViolations`` of the documents still open (already reported; kept as a backstop)."""
        for page in context.pages:
            try:
                recorded = page.evaluate("window.__cspViolations || []")
            except Error:
                continue  # the page is closed or navigating: its violations were reported as they happened
            for violation in recorded:
                if violation not in self.csp_violations:
                    self.csp_violations.append(violation)

    def problems(self) -> list[str]:
        found = [
            f"console error: {text} (at {url or 'unknown location'})"
            for text, url in self.console_errors
            if not self._is_error_document(text, url)
        ]
        found += [f"uncaught error in the page: {error}" for error in self.page_errors]
        found += [
            f"CSP violation: {v['directive']} blocked {v['blocked'] or 'inline code'} on {v['document']}"
            f"{' (' + v['sample'] + ')' if v.get('sample') else ''}"
            for v in self.csp_violations
        ]
        return found
