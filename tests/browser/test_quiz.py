"""The quiz in Chromium where the point is the browser (issue 13): the language switch keeps the answers, with and
without JavaScript; Back after a refused then accepted submission lands on a page; the error summary takes focus
and links each unanswered question; the two buttons are as wide as each other on a phone.

These run after the page scan (collection order, one worker) and use accounts and quizzes the scan does not
depend on: the Table's and the Admin's (they hold no track).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser.actions import QUIZ_FORM, quiz_answers, submit
from tests.browser.browsing import VIEWPORTS, Browsing
from tests.browser.pages import PAGES_BY_NAME

pytestmark = pytest.mark.browser

SUBMIT = f'{QUIZ_FORM} button[value="submit"]'
SWITCH = "header .lang-switch"


def answer(page: Page, answers: dict[str, list[str]]) -> None:
    for name, values in answers.items():
        for value in values:
            page.locator(f'{QUIZ_FORM} input[name="{name}"][value="{value}"]').check()


def checked(page: Page) -> dict[str, list[str]]:
    """The choices checked on the page's quiz form, by field name."""
    pairs = page.eval_on_selector_all(
        f"{QUIZ_FORM} input.choice-input:checked", "els => els.map(e => [e.name, e.value])"
    )
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return {name: sorted(values) for name, values in found.items()}


def switch_language(page: Page) -> None:
    submit(page, page.locator(SWITCH))


@pytest.fixture
def no_script_page(browsing: Browsing) -> Iterator[Page]:
    """The Table's account in a context with JavaScript off."""
    context = browsing.browser.new_context(
        viewport=VIEWPORTS["desktop"], storage_state=browsing.signed_in_state("table"), java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def _switch_keeps_every_answer(page: Page, url: str, module: str) -> None:
    page.goto(url)
    assert page.get_attribute("html", "lang") == "fr"
    answers = {name: sorted(values) for name, values in quiz_answers(module, right=True).items()}
    answer(page, answers)
    switch_language(page)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text().startswith("Quiz: ")
    assert checked(page) == answers
    switch_language(page)
    assert page.get_attribute("html", "lang") == "fr"
    assert checked(page) == answers


def test_a_language_switch_mid_quiz_keeps_the_answers(browsing: Browsing) -> None:
    page = browsing.new_page("table")
    _switch_keeps_every_answer(page, browsing.server.url("/modules/mise-en-contexte/quiz", "fr"), "mise-en-contexte")


def test_a_language_switch_mid_quiz_keeps_the_answers_without_javascript(
    browsing: Browsing, no_script_page: Page
) -> None:
    url = browsing.server.url("/modules/principes-partenariat/quiz", "fr")
    _switch_keeps_every_answer(no_script_page, url, "principes-partenariat")


def test_back_after_a_refused_then_accepted_submission_lands_on_a_page(browsing: Browsing) -> None:
    """Submit with nothing answered, answer, submit, see the result, press Back: a page, not "Confirm Form
    Resubmission" (ERR_CACHE_MISS)."""
    page = browsing.new_page("admin")
    quiz_url = browsing.server.url("/modules/mise-en-contexte/quiz", "fr")
    page.goto(quiz_url)
    submit(page, SUBMIT)
    assert page.locator(".error-summary").is_visible()
    answer(page, quiz_answers("mise-en-contexte", right=True))
    submit(page, SUBMIT)
    assert "/quiz/attempts/" in page.url and "Réussi" in page.locator(".result").inner_text()
    response = page.go_back()
    assert response is not None and response.ok, response and response.status
    assert page.url.startswith(browsing.server.url("/modules/mise-en-contexte/quiz"))
    assert page.locator("h1").inner_text().startswith("Questionnaire")
    assert page.evaluate("document.documentURI").startswith("http")  # not Chromium's error page


def test_the_error_summary_takes_focus_and_links_each_unanswered_question(browsing: Browsing) -> None:
    page = browsing.new_page("table")
    page.goto(browsing.server.url("/modules/intervenants-pivots/quiz", "fr"))
    first = page.locator(f"{QUIZ_FORM} input.choice-input").first
    first.check()
    answered = first.evaluate("el => el.closest('fieldset').id")
    submit(page, SUBMIT)
    assert page.evaluate("document.activeElement.id") == "quiz-error"
    summary = page.locator("#quiz-error")
    assert summary.get_by_role("heading").inner_text() == "Il y a un problème"
    links = summary.get_by_role("link")
    total = page.locator(f"{QUIZ_FORM} fieldset.question").count()
    assert links.count() == total - 1
    marked = page.locator("fieldset.question-error")
    assert marked.count() == total - 1 and page.locator(f"#{answered}.question-error").count() == 0
    for index in range(marked.count()):
        assert "Sans réponse\u00a0: choisissez une réponse." in marked.nth(index).inner_text()
    # Each link goes to its question: focus on the question's first choice, its legend in view.
    for index in (0, links.count() - 1):
        link = links.nth(index)
        target = link.get_attribute("href")
        assert target and target.startswith("#question-")
        assert link.inner_text() == f"Question {target.removeprefix('#question-')}"
        link.click()
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.closest('fieldset')?.id]")
        assert focused == ["INPUT", target[1:]]
        assert page.locator(f"{target} legend").is_visible()
        assert page.locator(f"{target} legend").evaluate("el => el.getBoundingClientRect().top >= 0")
        summary.focus()


def test_the_quiz_buttons_are_full_width_on_a_phone(browsing: Browsing) -> None:
    page = browsing.new_page("coordinator", viewport="phone")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(browsing.server.url("/modules/principes-partenariat/quiz", "fr"))
    form = page.locator(QUIZ_FORM).bounding_box()
    boxes = [page.locator(f'{QUIZ_FORM} button[value="{value}"]').bounding_box() for value in ("submit", "save")]
    assert form and all(boxes)
    widths = {round(box["width"]) for box in boxes if box}
    assert widths == {round(form["width"])}, (widths, form["width"])


def test_the_scanned_result_page_shows_its_next_step_at_the_top(browsing: Browsing) -> None:
    """The page list's quiz result (a pass that completed the core track) leads to the certificate, above the
    answers, in both languages."""
    steps = {"fr": "Voir votre attestation\u00a0: Formation de base", "en": "See your certificate: Core training"}
    for language, text in steps.items():
        page = browsing.open(PAGES_BY_NAME["quiz-result"], language)
        step = page.locator(".next-step a.button")
        assert step.inner_text() == text
        assert step.get_attribute("href") == f"/certificates/{browsing.server.facts['certificate']}"
        top = step.bounding_box()
        answers = page.locator(".feedback-list").bounding_box()
        assert top and answers and top["y"] < answers["y"]
