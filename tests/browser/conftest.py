"""Fixtures of the browser tests: one live server and one Chromium per xdist worker, fresh contexts per test.

``browsing`` opens pages (``browsing.open(PAGES_BY_NAME["account"], "en")`` or ``browsing.new_page("worker")``)
and fails the test at its end on any console error, uncaught script error or CSP violation in them. Every test
module here is marked ``browser``: without Chromium they skip with one line saying how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.browser.browsing import Browsing
from tests.browser.live import LiveServer, launch_chromium, start_live_server
from tests.conftest import DatabaseFactory


@pytest.fixture(scope="session")
def live_server(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The site on a free port of 127.0.0.1, on a fresh database of the configured kind."""
    server = start_live_server(databases.create("live"), tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright_driver)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def signed_in_states() -> dict[str, Any]:
    """Cookies of each demo account signed in through the form, shared by this worker's tests."""
    return {}


@pytest.fixture
def browsing(chromium: Browser, live_server: LiveServer, signed_in_states: dict[str, Any]) -> Iterator[Browsing]:
    session = Browsing(chromium, live_server, signed_in_states)
    yield session
    problems = session.close()
    if problems:
        pytest.fail("\n".join(["the browser reported:", *problems]), pytrace=False)


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """No engine of this process serves the browser tests (the server is another process): nothing to dispose."""
    yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test in one xdist group (``--dist loadgroup``): one worker runs them in collection order,
    so the journeys run before the page scan, on the same live server."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
