"""Keyboard only: the skip link, signing in and changing a setting with ``page.keyboard`` alone. (Tabbing
through every page of the page list is in ``test_pages.py``.)"""

from __future__ import annotations

import pytest

from elearning.demo.data import DEMO_PASSWORD
from tests.browser.actions import DEMO_ACCOUNTS, LANGUAGE_FORM
from tests.browser.browsing import Browsing
from tests.browser.keyboard import answer_by_keyboard, tab_to

pytestmark = pytest.mark.browser


def test_skip_link_moves_focus_to_the_main_content(browsing: Browsing) -> None:
    page = browsing.new_page("worker")
    page.goto(browsing.server.url("/", "fr"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_sign_in_with_the_keyboard_alone(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/login", "fr"))
    tab_to(page, 'input[name="email"]')
    page.keyboard.type(DEMO_ACCOUNTS["coordinator"])
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == browsing.server.url("/")
    assert page.locator("h1").inner_text() == "Bonjour, Camille Coordonnatrice"


def test_choose_the_language_with_the_keyboard_alone(browsing: Browsing) -> None:
    page = browsing.new_page("table")
    page.goto(browsing.server.url("/account", "fr"))
    answer_by_keyboard(page, {"language": "en"}, submit=f'{LANGUAGE_FORM} button[type="submit"]')
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("status").inner_text() == "Your language has been saved."
    assert page.locator('input[name="language"][value="en"]').is_checked()
