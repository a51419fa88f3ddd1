"""The guard fails a test on CSP violations and failed resources, and not on a document's own error status."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.guard import PageGuard
from tests.browser.live import LiveServer

pytestmark = pytest.mark.browser


def test_guard_reports_csp_violations_and_missing_resources(chromium: Browser, live_server: LiveServer) -> None:
    context = chromium.new_context()
    guard = PageGuard()
    guard.attach(context)
    page = context.new_page()
    page.goto(live_server.url("/__test__/fixtures/guard-negative.html"))
    page.wait_for_load_state("load")
    assert page.title() != "inline script ran"
    page.goto(live_server.url("/cette-page-n-existe-pas"))  # a 404 document: not a problem in itself
    guard.collect_open_pages(context)
    problems = guard.problems()
    context.close()
    directives = sorted(v["directive"] for v in guard.csp_violations)
    assert directives == ["script-src-elem", "style-src-attr"], problems
    assert any("status of 404" in p and "missing.png" in p for p in problems), problems
    assert not any("cette-page-n-existe-pas" in p for p in problems), problems
