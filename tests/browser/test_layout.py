"""The layout at the sizes people use it: a compact header with a menu button on a phone (with the keyboard, and
without JavaScript), the desktop header unchanged, cards that hold their dates, space between the dashboard's
cards, and a member table that shows it scrolls."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize

from tests.browser.browsing import Browsing
from tests.browser.keyboard import tab_to

pytestmark = pytest.mark.browser

#: The phone of issue 13 (375 × 812): its header took about 220 px of every page.
PHONE: ViewportSize = {"width": 375, "height": 812}
HEADER_MAX_ON_A_PHONE = 80
MENU_BUTTON = ".site-header summary"
NAV_LINKS = ".main-nav a"


def _height(page: Page, selector: str) -> float:
    return page.eval_on_selector(selector, "el => el.getBoundingClientRect().height")


def _visible_nav_links(page: Page) -> int:
    return page.eval_on_selector_all(NAV_LINKS, "els => els.filter((el) => el.getClientRects().length).length")


def _phone_page(browsing: Browsing, role: str, path: str = "/", language: str = "fr") -> Page:
    page = browsing.new_page(role, viewport="phone")
    page.set_viewport_size(PHONE)
    page.goto(browsing.server.url(path, language))
    return page


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", ["worker", "admin"])
def test_the_header_takes_one_row_on_a_phone(browsing: Browsing, role: str, language: str) -> None:
    page = _phone_page(browsing, role, language=language)
    height = _height(page, ".site-header")
    assert height <= HEADER_MAX_ON_A_PHONE, f"the header is {height} px high at 375 px ({role}, {language})"
    assert page.locator(MENU_BUTTON).is_visible()
    assert page.locator(".lang-switch").is_visible()
    assert _visible_nav_links(page) == 0 and not page.locator(".sign-out button").is_visible()


def test_the_menu_opens_with_the_keyboard_on_a_phone(browsing: Browsing) -> None:
    page = _phone_page(browsing, "admin")
    tab_to(page, MENU_BUTTON)
    assert page.get_attribute(".site-header details", "open") is None
    page.keyboard.press("Enter")
    assert page.get_attribute(".site-header details", "open") == ""
    links = page.locator(NAV_LINKS)
    assert _visible_nav_links(page) == links.count() >= 4
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.sign-out button')"), "Tab goes into the menu: sign out"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.main-nav') !== null"), "then the navigation"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # on the menu button again: closes it
    assert _visible_nav_links(page) == 0
    page.keyboard.press("Enter")
    tab_to(page, '.main-nav a[href="/account"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == browsing.server.url("/account")
    assert page.locator(MENU_BUTTON).is_visible() and _visible_nav_links(page) == 0  # closed on the next page
    tab_to(page, MENU_BUTTON)
    page.keyboard.press("Enter")
    tab_to(page, ".sign-out button")  # signing out is in the menu too
    assert page.locator(".sign-out button").is_visible()  # (not pressed: the signed-in state is shared)


def test_the_menu_opens_without_javascript(browsing: Browsing) -> None:
    context = browsing.browser.new_context(
        java_script_enabled=False, viewport=PHONE, storage_state=browsing.signed_in_state("worker"), locale="fr-CA"
    )
    try:
        page = context.new_page()
        page.goto(browsing.server.url("/", "fr"))
        assert _height(page, ".site-header") <= HEADER_MAX_ON_A_PHONE
        assert _visible_nav_links(page) == 0
        page.click(MENU_BUTTON)
        assert _visible_nav_links(page) == page.locator(NAV_LINKS).count() >= 3
        with page.expect_navigation():
            page.click('.main-nav a[href="/modules"]')
        assert page.url == browsing.server.url("/modules")
    finally:
        context.close()


def test_the_desktop_header_keeps_its_menu_bar(browsing: Browsing) -> None:
    page = browsing.new_page("admin")
    page.goto(browsing.server.url("/", "fr"))
    assert not page.locator(MENU_BUTTON).is_visible()
    assert _visible_nav_links(page) == page.locator(NAV_LINKS).count() >= 4
    assert page.locator(".sign-out button").is_visible() and page.locator(".brand-table").is_visible()
    row = page.eval_on_selector(".header-row", "el => el.getBoundingClientRect().height")
    assert row <= 70, f"the brand, language switch and sign-out share one row ({row} px)"


def test_the_dashboards_cards_do_not_touch(browsing: Browsing) -> None:
    page = browsing.new_page("worker")
    page.goto(browsing.server.url("/", "fr"))
    gap = page.evaluate(
        """() => document.querySelector('section[aria-labelledby="me-title"]').getBoundingClientRect().top
                 - document.querySelector('.track-card').getBoundingClientRect().bottom"""
    )
    assert gap >= 16, f"the track card and “You at the Table” are {gap} px apart"


#: The longest dates of each language (the longest month name, a two-character day, "1er").
LONGEST_DATE = {"fr": "1er septembre 2028", "en": "September 30, 2028"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_certificate_cards_hold_any_date_on_one_line(browsing: Browsing, language: str) -> None:
    page = browsing.new_page("learner")
    page.goto(browsing.server.url("/certificates", language))
    assert page.locator(".cards .facts dd").count() >= 2
    wrapped = page.eval_on_selector_all(
        ".cards .facts dd",
        """(els, longest) => els.filter((dd) => {
             dd.textContent = longest;
             return dd.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(dd).lineHeight);
           }).length""",
        LONGEST_DATE[language],
    )
    assert wrapped == 0, f"“{LONGEST_DATE[language]}” wraps over two lines in a certificate card at 1280 px"


#: The member page's first table (its modules), which scrolls sideways on a phone.
MODULES_FRAME = '.table-scroll[aria-labelledby="member-modules-caption"]'


def test_the_member_table_shows_it_scrolls_on_a_phone(browsing: Browsing) -> None:
    path = f"/team/members/{browsing.server.facts['member_locked']}"
    page = _phone_page(browsing, "pivot", path)
    frame = page.locator(MODULES_FRAME)
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth + 20"), "the table is wider than a phone"
    assert page.locator(".scroll-hint").is_visible()
    images = frame.evaluate("el => getComputedStyle(el).backgroundImage")
    assert images.count("gradient") == 4, "shadows on the sides with more to see"
    assert frame.get_attribute("role") == "region" and frame.get_attribute("tabindex") == "0"
    label = page.locator(f"#{frame.get_attribute('aria-labelledby')}").inner_text()
    assert label == "Marc Gagnon\u00a0: modules et tentatives aux questionnaires"  # the caption names the member
    tab_to(page, MODULES_FRAME)
    page.keyboard.press("ArrowRight")
    # The keyboard scrolls the table (smoothly: wait for it).
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=5000)
    wide = browsing.new_page("pivot")
    wide.goto(browsing.server.url(path, "fr"))
    assert not wide.locator(".scroll-hint").is_visible()  # nothing to scroll on a desktop
    assert wide.locator(MODULES_FRAME).evaluate("el => el.scrollWidth <= el.clientWidth")
