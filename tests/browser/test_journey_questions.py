"""Journey 2's questions, walked in Chromium: a worker asks a question on a section, under the privacy notice;
their pivot finds it in the inbox from the team page and answers; the worker is told on the dashboard and reads
the answer under the section. The pages are in ``pages.py`` (``inbox``, ``section-with-question``), scanned
after the journeys with this question in them.

The worker asks on a module outside the core track, so that journey 1 still starts from nothing read.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.actions import submit
from tests.browser.browsing import Browsing

pytestmark = pytest.mark.browser

SECTION = "/modules/intervenants-pivots/roles-mandats"
QUESTION = "Après 17 h, qui appelle-t-on quand le pivot de l'équipe est absent ?"
ANSWER = "Le pivot de garde de la *Section jeunesse* : son numéro est au répertoire."
ANSWER_SHOWN = "Le pivot de garde de la Section jeunesse : son numéro est au répertoire."


def questions_of(page: Page) -> str:
    return page.locator("#questions").inner_text()


def test_journey_2_a_worker_asks_a_question_and_their_pivot_answers_it_from_the_inbox(browsing: Browsing) -> None:
    worker = browsing.new_page("worker")
    worker.goto(browsing.server.url(SECTION))
    form = worker.locator('form[action$="/questions"]')
    notice = form.locator("#question-privacy")
    assert notice.is_visible() and notice.locator('a[href="/directory"]').count() == 1
    field = form.locator("textarea#question-body")
    assert "question-privacy" in (field.get_attribute("aria-describedby") or "")
    field.fill(QUESTION)
    submit(worker, form.locator('button[type="submit"]'))
    assert worker.url.startswith(browsing.server.url(SECTION).split("?")[0])
    assert QUESTION in questions_of(worker)

    pivot = browsing.new_page("pivot")
    pivot.goto(browsing.server.url("/team"))
    submit(pivot, pivot.locator('main a[href="/team/inbox"]'))
    asked = pivot.locator("article.inbox-question").filter(has_text=QUESTION)
    assert asked.count() == 1
    assert "William Intervenant" in asked.inner_text()
    first = pivot.locator("article.inbox-question").first
    assert first.locator(".badge-in_progress").count() == 1  # unanswered first
    asked.locator("textarea").fill(ANSWER)
    submit(pivot, asked.locator('form[action*="/answer"] button[type="submit"]'))
    answered = pivot.locator("article.inbox-question").filter(has_text=QUESTION)
    assert ANSWER_SHOWN in answered.inner_text()
    assert answered.locator("em").inner_text() == "Section jeunesse"  # the Markdown, sanitized

    worker.goto(browsing.server.url("/"))
    notice_link = worker.locator(f'main a[href="{SECTION}#questions"]')
    assert notice_link.count() == 1
    submit(worker, notice_link)
    assert QUESTION in questions_of(worker) and ANSWER_SHOWN in questions_of(worker)
    worker.goto(browsing.server.url("/"))
    assert worker.locator(f'main a[href="{SECTION}#questions"]').count() == 0  # read: the notice is gone
