"""What a person does in the browser, in steps the page list and the journeys share.

Selectors name form fields and the form a button belongs to, never a visible text, so one step works in
both languages.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page

from elearning.demo.data import DEMO_PASSWORD, SIGN_IN_ACCOUNTS
from tests.quiz_helpers import content_answers

#: The demo accounts the page list signs in as (README: password ``formation-demo``), by role.
DEMO_ACCOUNTS = {
    "worker": "worker.spvq@example.org",
    # worker.cjq completed the core track (attempts, a certificate); pivot.cjq is renewing hers.
    "learner": "worker.cjq@example.org",
    "renewing_pivot": "pivot.cjq@example.org",
    # worker.pipq's core certificate was revoked.
    "revoked": "worker.pipq@example.org",
    "pivot": "pivot.spvq@example.org",
    "coordinator": "coord.spvq@example.org",
    "table": "table@example.org",
    "admin": "admin@example.org",
}
assert set(DEMO_ACCOUNTS.values()) <= {person.email for person in SIGN_IN_ACCOUNTS}

#: An address no account has: the 429 page is reached by failing sign-in for it, so no demo account is locked.
RATE_LIMITED_EMAIL = "limite.atteinte@example.org"
#: Failed sign-ins per account and address before the 429 page (elearning.security.ratelimit).
SIGN_IN_ATTEMPTS_ALLOWED = 10

LOGIN_FORM = 'form[action$="/login"]'
QUIZ_FORM = "form.quiz"
LOGOUT_FORM = 'form[action$="/logout"]'
PASSWORD_FORM = 'form[action$="/account/password"]'
LANGUAGE_FORM = 'form[action$="/account/language"]'
CONTACT_FORM = 'form[action$="/account/directory"]'
REVOKE_FORM = 'form[action$="/revoke"]'
FORGOT_FORM = 'form[action$="/password/forgot"]'
RESET_FORM = 'form[action*="/password/reset/"]'
REMINDERS_FORM = 'form[action*="/team/reminders"]'
DIGEST_FORM = 'form[action$="/account/digests"]'


def submit(page: Page, button: Locator | str) -> None:
    """Press a form's submit button and wait for the page it leads to."""
    target = page.locator(button) if isinstance(button, str) else button
    with page.expect_navigation():
        target.click()


def fill_sign_in(page: Page, email: str, password: str) -> None:
    """On the sign-in page: type the e-mail address and the password, then send the form."""
    form = page.locator(LOGIN_FORM)
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    submit(page, form.locator('button[type="submit"]'))


def sign_in(page: Page, base_url: str, role: str, language: str = "fr") -> None:
    """Sign in through the real form as the demo account of ``role``; ends on the dashboard."""
    page.goto(f"{base_url}/login?lang={language}")
    fill_sign_in(page, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    assert page.url == f"{base_url}/", f"signing in as {role} ended on {page.url}"


def sign_out(page: Page) -> None:
    submit(page, page.locator(LOGOUT_FORM).locator('button[type="submit"]'))


# -- steps that bring a page to the state the page list checks -----------------------------------------------


def submit_wrong_password(page: Page) -> None:
    """The sign-in page showing its error."""
    fill_sign_in(page, DEMO_ACCOUNTS["worker"], "not-the-password")


def fail_sign_in_until_limited(page: Page) -> None:
    """The 429 page: fail sign-in for one account until the limit answers (at most once more than allowed)."""
    for _ in range(SIGN_IN_ATTEMPTS_ALLOWED + 1):
        with page.expect_navigation() as navigation:
            form = page.locator(LOGIN_FORM)
            form.locator('input[name="email"]').fill(RATE_LIMITED_EMAIL)
            form.locator('input[name="password"]').fill("not-the-password")
            form.locator('button[type="submit"]').click()
        response = navigation.value
        if response is not None and response.status == 429:
            return
    raise AssertionError(f"no 429 after {SIGN_IN_ATTEMPTS_ALLOWED + 1} failed sign-ins")


def sign_in_then_out(page: Page) -> None:
    """The sign-in page with its "signed out" message (a session of its own: it ends it)."""
    fill_sign_in(page, DEMO_ACCOUNTS["worker"], DEMO_PASSWORD)
    sign_out(page)


def submit_empty_password_change(page: Page) -> None:
    """The account page showing the password form's errors."""
    submit(page, page.locator(PASSWORD_FORM).locator('button[type="submit"]'))


def submit_malformed_phone(page: Page) -> None:
    """The account page showing the directory contact form's error (a phone number too short; nothing saved)."""
    form = page.locator(CONTACT_FORM)
    form.locator('input[name="work_phone"]').fill("12")
    submit(page, form.locator('button[type="submit"]'))


def save_language(page: Page) -> None:
    """The account page with its confirmation message (saves the language already chosen)."""
    submit(page, page.locator(LANGUAGE_FORM).locator('button[type="submit"]'))


def ask_for_a_link_with_a_malformed_address(page: Page) -> None:
    """The forgot-password form showing its error (an address without @: nothing is counted or sent)."""
    form = page.locator(FORGOT_FORM)
    form.locator('input[name="email"]').fill("pas-une-adresse")
    submit(page, form.locator('button[type="submit"]'))


def remind_everyone_overdue(page: Page) -> None:
    """The reminders page with what a send did: every member overdue reminded, or, once journey 2 reminded
    them, each skipped with the reason (the 7-day rule)."""
    submit(page, page.locator(REMINDERS_FORM).locator('button[value="overdue"]'))


def remind_nobody(page: Page) -> None:
    """The reminders page showing its error: sent with nobody chosen (nothing is sent)."""
    form = page.locator(REMINDERS_FORM)
    for box in form.locator('input[name="person"]').all():
        box.uncheck()
    submit(page, form.locator('button[value="selected"]'))


IMPORT_FORM = 'form[action$="/admin/users/import"]'
#: The demo's ready-made import file (journey 7): 300 rows, 8 of them bad.
IMPORT_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "import-300.csv"


def preview_the_example_import(page: Page) -> None:
    """The import page with the preview of the demo's 300-row file: every row by line, the bad ones with their
    reason (after journey 7 applied it, its rows are unchanged)."""
    form = page.locator(IMPORT_FORM)
    form.locator('input[type="file"]').set_input_files(str(IMPORT_EXAMPLE))
    submit(page, form.locator('button[type="submit"]'))


def preview_without_a_file(page: Page) -> None:
    """The import page showing its error: sent without a file (nothing is read or written)."""
    submit(page, page.locator(IMPORT_FORM).locator('button[type="submit"]'))


def open_the_menu_on_a_phone(page: Page) -> None:
    """A page on a 375 px wide phone with the header's menu open (the navigation and the sign-out button)."""
    page.set_viewport_size({"width": 375, "height": 812})
    # Opened without moving the focus: the scan tabs through the page from its skip link (opening the menu with
    # the keyboard, and without JavaScript, is tests/browser/test_layout.py's).
    page.evaluate("() => { document.querySelector('.site-header details').open = true; }")
    assert page.locator(".main-nav").is_visible()


def submit_empty_quiz(page: Page) -> None:
    """The quiz page showing its error: sent without any answer (nothing is submitted; the form again, with every
    question marked unanswered)."""
    submit(page, page.locator(QUIZ_FORM).locator('button[value="submit"]'))


def ask_to_revoke(page: Page) -> None:
    """On a certificate's page, as the Table: give a reason and send it; ends on the confirmation page (nothing
    is revoked until confirmed)."""
    form = page.locator(REVOKE_FORM)
    form.locator('textarea[name="reason"]').fill("Attestation délivrée par erreur.")
    submit(page, form.locator('button[type="submit"]'))


def type_a_malformed_code(page: Page) -> None:
    """The verification form answering a code that cannot be one: "no certificate matches", the field again."""
    form = page.locator('form[action$="/verify"]')
    form.locator('input[name="code"]').fill("pas un code")
    submit(page, form.locator('button[type="submit"]'))


def quiz_answers(module: str, *, right: bool) -> dict[str, list[str]]:
    """Quiz field name -> values answering a module's quiz right (or every question wrong)."""
    return {f"q-{key}": values for key, values in content_answers(module, right=right).items()}


def fail_quiz_once(page: Page) -> None:
    """A quiz result before the answers are revealed (every answer wrong, attempts left: the hints show): the
    person's first attempt when there is one, else one failed now, so every visit shows the same state."""
    earlier = page.locator(".attempt-list a")
    if earlier.count():
        submit(page, earlier.last)  # the list is newest first
        return
    form = page.locator(QUIZ_FORM)
    module = page.url.split("/modules/")[1].split("/")[0]
    for name, values in quiz_answers(module, right=False).items():
        for value in values:
            form.locator(f'input[name="{name}"][value="{value}"]').check()
    submit(page, form.locator('button[value="submit"]'))


def use_every_attempt(page: Page) -> None:
    """The quiz page once every attempt is used without a pass ("ask your pivot"); nothing when already so."""
    quiz_url = page.url
    module = quiz_url.split("/modules/")[1].split("/")[0]
    wrong = quiz_answers(module, right=False)
    while page.locator(QUIZ_FORM).count():
        form = page.locator(QUIZ_FORM)
        for name, values in wrong.items():
            for value in values:
                form.locator(f'input[name="{name}"][value="{value}"]').check()
        submit(page, form.locator('button[value="submit"]'))
        page.goto(quiz_url)
