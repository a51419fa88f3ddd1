"""Journeys of PRODUCT.md walked in Chromium as a person would: click and type, assert what the person sees,
no database writes from the test. Each journey is one test function here, named after its number
(``test_journey_1_...``); the pages it reaches are added to ``pages.py`` so the scan checks them too.

Journey 1 (a worker signs in, reads a module, takes the quiz, fails, retakes, passes, downloads the
certificate) and journey 6 (public verification of a certificate) need pages that do not exist yet. Journey 1's
quiz part is answered with the keyboard alone through :func:`tests.browser.keyboard.answer_quiz_by_keyboard`
(``{question field name: chosen value or values}``, then Enter on the submit button; set ``QUIZ_SUBMIT`` there
to the quiz template's button). Sign in with :func:`tests.browser.actions.fill_sign_in` on the sign-in page, or
start from ``browsing.new_page(role)`` when signing in is not the point of the journey.
"""

from __future__ import annotations

import pytest

from elearning.services.demo_data import DEMO_PASSWORD
from tests.browser.actions import LOGOUT_FORM, fill_sign_in, submit
from tests.browser.browsing import Browsing

pytestmark = pytest.mark.browser


def test_a_pivot_signs_in_checks_their_account_and_signs_out(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/", "en"))
    assert page.url.startswith(browsing.server.url("/login?next="))
    fill_sign_in(page, "pivot.cjq@example.org", DEMO_PASSWORD)
    assert page.url == browsing.server.url("/", "en")  # back where they were going
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello, ")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My account"
    profile = page.get_by_role("region", name="Profile")
    assert "pivot.cjq@example.org" in profile.inner_text()
    assert "(pivot)" in profile.inner_text()

    submit(page, page.locator(LOGOUT_FORM).get_by_role("button"))
    assert page.url == browsing.server.url("/login")
    assert page.get_by_role("status").inner_text() == "You are signed out."
