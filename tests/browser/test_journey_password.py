"""The forgot-password journey in Chromium: a visitor asks for a link, opens it from the message, chooses a new
password and signs in with it; the link then no longer works.

The live server has no SMTP server: it delivers after the request through the log transport, which writes the
text of each message to the server's log; the test reads the link there, as the person would read it in the
message. The account is a demo person no other browser test signs in as (it has no password before: the link
gives it one), so no kept sign-in and no other journey sees the change.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page

from tests.browser.actions import FORGOT_FORM, LOGIN_FORM, RESET_FORM, fill_sign_in, submit
from tests.browser.axe import report, scan
from tests.browser.browsing import Browsing
from tests.browser.live import LiveServer

pytestmark = pytest.mark.browser

ACCOUNT = "mathieu.gagne@example.org"
NEW_PASSWORD = "trois mots sans rapport"
WAIT_FOR_MESSAGE_SECONDS = 10


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def link_from_the_log(server: LiveServer, address: str) -> str:
    """The reset link of the latest message to ``address`` the server wrote to its log (delivered just after
    the request, so waited for)."""
    link = rf"{re.escape(server.base_url)}/password/reset/[\w-]+\?lang=\w\w"
    pattern = re.compile(rf"mail \d+ to {re.escape(address)} \(\w\w\): .*?({link})", re.DOTALL)
    deadline = time.monotonic() + WAIT_FOR_MESSAGE_SECONDS
    while time.monotonic() < deadline:
        found = pattern.findall(server.log_path.read_text(errors="replace"))
        if found:
            return str(found[-1])
        time.sleep(0.1)
    raise AssertionError(f"no reset message to {address} in the server log:\n{server.log_tail()}")


def test_journey_forgot_password_a_visitor_sets_a_new_password_through_the_link(browsing: Browsing) -> None:
    server = browsing.server
    page = browsing.new_page()
    page.goto(server.url("/login", "fr"))
    submit(page, page.locator('main a[href*="/password/forgot"]'))
    assert page.locator(FORGOT_FORM).count() == 1
    form = page.locator(FORGOT_FORM)
    form.locator('input[name="email"]').fill(ACCOUNT)
    submit(page, form.locator('button[type="submit"]'))
    assert page.url.startswith(server.url("/password/forgot/sent"))
    assert page.locator(FORGOT_FORM).count() == 0 and heading(page)

    link = link_from_the_log(server, ACCOUNT)
    page.goto(link)
    assert page.locator(RESET_FORM).count() == 1
    violations = scan(page)
    assert not violations, report(violations, "the reset form")
    form = page.locator(RESET_FORM)
    form.locator('input[name="password"]').fill(NEW_PASSWORD)
    form.locator('input[name="confirm_password"]').fill(NEW_PASSWORD)
    submit(page, form.locator('button[type="submit"]'))
    assert page.locator(LOGIN_FORM).count() == 1
    fill_sign_in(page, ACCOUNT, NEW_PASSWORD)
    assert page.url == f"{server.base_url}/", f"signing in with the new password ended on {page.url}"

    again = browsing.new_page()
    response = again.goto(link)
    assert response is not None and response.status == 404
    assert again.locator(RESET_FORM).count() == 0
