"""Journeys of PRODUCT.md walked in Chromium as a person would: click and type, assert what the person sees,
no database writes from the test. Each journey is one test function here, named after its number
(``test_journey_N_...``); the pages it reaches are in ``pages.py`` so the scan checks them too. The journeys run
before the page scan (same worker, collection order), so the scanned pages hold their data.

Journey 1's quiz part is answered with the keyboard alone (:func:`tests.browser.keyboard.answer_quiz_by_keyboard`).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from elearning.demo.data import DEMO_PASSWORD
from elearning.services.certification.codes import display_code
from tests.browser.actions import (
    LOGOUT_FORM,
    QUIZ_FORM,
    ask_to_revoke,
    fill_sign_in,
    preview_the_example_import,
    quiz_answers,
    submit,
)
from tests.browser.browsing import Browsing
from tests.browser.keyboard import answer_quiz_by_keyboard

pytestmark = pytest.mark.browser

CORE_MODULES = (
    "Mise en contexte",
    "La Table régionale de Québec sur la prostitution juvénile",
    "Les principes du partenariat",
)


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def in_page_order(page: Page, answers: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """The answers ordered as the questions are shown (shuffled per attempt, and Tab only moves forward): one
    value for a group of radio buttons, the list of values for checkboxes."""
    fields = page.eval_on_selector_all(f"{QUIZ_FORM} input.choice-input", "els => els.map(e => [e.name, e.type])")
    ordered: dict[str, str | list[str]] = {}
    for name, kind in fields:
        if name not in ordered:
            ordered[name] = answers[name][0] if kind == "radio" else answers[name]
    return ordered


def read_module(page: Page) -> None:
    """From a module's page: start reading, then follow "Next" section by section to the quiz."""
    submit(page, page.get_by_role("link", name="Commencer la lecture"))
    while page.locator('a[rel="next"]').count():
        assert page.locator("article.content").inner_text().strip()
        submit(page, page.locator('a[rel="next"]'))
    submit(page, page.get_by_role("link", name="Répondre au questionnaire"))
    assert heading(page).startswith("Questionnaire")


def module_slug(page: Page) -> str:
    return page.url.split("/modules/")[1].split("/")[0]


def test_journey_1_a_worker_reads_fails_retakes_passes_and_downloads_the_certificate(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/login"))
    fill_sign_in(page, "worker.spvq@example.org", DEMO_PASSWORD)
    assert heading(page) == "Bonjour, William Intervenant"
    training = page.locator(".track-card").filter(has_text="Formation de base")
    assert "Modules terminés\u00a0: 0 sur 3" in training.inner_text()
    assert "À terminer au plus tard le" in training.inner_text()

    for index, _title in enumerate(CORE_MODULES):
        # What is next, from the dashboard.
        page.goto(browsing.server.url("/"))
        submit(page, page.locator(".track-card").filter(has_text="Formation de base").get_by_role("link"))
        read_module(page)
        slug = module_slug(page)
        if index == 0:
            # Fail, keyboard only, then read the hints (the answers are not revealed yet).
            answer_quiz_by_keyboard(page, in_page_order(page, quiz_answers(slug, right=False)))
            assert heading(page).startswith("Résultat du questionnaire"), page.locator("main").inner_text()[:600]
            assert "Pas encore réussi" in page.locator(".result").inner_text()
            hints = page.locator(".feedback-hint")
            assert hints.count() >= 6 and all(text.startswith("Indice") for text in hints.all_inner_texts())
            assert page.locator(".feedback-explanation").count() == 0
            submit(page, page.get_by_role("link", name="Réessayer"))
            # Retake and pass, keyboard only.
            answer_quiz_by_keyboard(page, in_page_order(page, quiz_answers(slug, right=True)))
        else:
            for name, values in quiz_answers(slug, right=True).items():
                for value in values:
                    page.locator(f'{QUIZ_FORM} input[name="{name}"][value="{value}"]').check()
            submit(page, page.locator(QUIZ_FORM).locator('button[value="submit"]'))
        assert "Réussi" in page.locator(".result").inner_text()
        assert page.get_by_text("Vous avez terminé ce module.").is_visible()

    page.goto(browsing.server.url("/"))
    training = page.locator(".track-card").filter(has_text="Formation de base")
    assert "Modules terminés\u00a0: 3 sur 3" in training.inner_text() and "Attesté·e" in training.inner_text()

    submit(page, page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Attestations"))
    link = page.get_by_role("link", name="Télécharger le PDF – Formation de base")
    response = page.request.get(browsing.server.base_url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    submit(page, page.get_by_role("link", name="Formation de base", exact=True))
    verification_url = page.locator('a[href^="/verify/"]').get_attribute("href")
    submit(page, page.locator(LOGOUT_FORM).get_by_role("button"))

    # Journey 6, continued: anyone holding the code checks it.
    visitor = browsing.new_page()
    visitor.goto(browsing.server.url(verification_url))
    assert visitor.get_by_role("status").inner_text().strip() == "Cette attestation est valide."
    facts = visitor.locator("dl.facts").inner_text()
    assert "William Intervenant" in facts and "Formation de base" in facts


def test_journey_6_anyone_checks_a_certificate_code(browsing: Browsing) -> None:
    page = browsing.new_page()
    code = browsing.server.facts["certificate_code"]
    page.goto(browsing.server.url(f"/verify/{code.lower()}", "en"))  # typed in lower case
    assert heading(page) == "Certificate verification"
    assert page.get_by_role("status").inner_text().strip() == "This certificate is valid."
    assert "Wendy Intervenante" in page.locator("dl.facts").inner_text()
    unknown = page.goto(browsing.server.url("/verify/0000-0000-0000-0000", "en"))
    assert unknown is not None and unknown.status == 404
    assert heading(page) == "Certificate verification"
    assert "No certificate matches this code." in page.get_by_role("status").inner_text()
    # The field again, to retry: the code as printed, typed with spaces instead of hyphens.
    page.get_by_label("Verification code").fill(" ".join(display_code(code).lower().split("-")))
    submit(page, page.get_by_role("button", name="Check"))
    assert page.url == browsing.server.url(f"/verify/{code}")
    assert page.get_by_role("status").inner_text().strip() == "This certificate is valid."


def test_anyone_types_a_code_from_the_empty_verification_page(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/verify"))
    assert heading(page) == "Vérification d’une attestation"
    page.get_by_label("Code de vérification").fill(browsing.server.facts["revoked_certificate_code"].lower())
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/verify/{browsing.server.facts['revoked_certificate_code']}")
    assert "Cette attestation a été révoquée." in page.get_by_role("status").inner_text()


def test_the_table_confirms_a_revocation_and_back_lands_on_pages(browsing: Browsing) -> None:
    """Reason, confirmation page (nothing revoked yet), confirm: every step is a page Back returns to."""
    page = browsing.new_page("table")
    certificate = browsing.server.url(f"/certificates/{browsing.server.facts['certificate_to_revoke']}")
    page.goto(certificate)
    ask_to_revoke(page)
    assert page.url == certificate + "/revoke"
    assert heading(page) == "Révoquer cette attestation\u00a0?"
    assert "Attestation délivrée par erreur." in page.locator("dl.facts").inner_text()
    submit(page, page.get_by_role("link", name="Annuler"))
    assert page.url == certificate and not page.locator(".verification-revoked").count()
    ask_to_revoke(page)
    submit(page, page.get_by_role("button", name="Confirmer la révocation"))
    assert page.url == certificate
    assert "cette attestation n’est plus valide" in page.locator(".verification-revoked").inner_text()
    back = page.go_back()
    assert back is not None and back.status == 200 and page.url == certificate  # not the confirmation again
    assert "cette attestation n’est plus valide" in page.locator(".verification-revoked").inner_text()


def test_a_pivot_signs_in_checks_their_account_and_signs_out(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto(browsing.server.url("/", "en"))
    assert page.url.startswith(browsing.server.url("/login?next="))
    fill_sign_in(page, "pivot.cjq@example.org", DEMO_PASSWORD)
    assert page.url == browsing.server.url("/", "en")  # back where they were going
    assert heading(page).startswith("Hello, ")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My account").click()
    assert heading(page) == "My account"
    profile = page.get_by_role("region", name="Profile")
    assert "pivot.cjq@example.org" in profile.inner_text()
    assert "(pivot)" in profile.inner_text()

    submit(page, page.locator(LOGOUT_FORM).get_by_role("button"))
    assert page.url == browsing.server.url("/login")
    assert page.get_by_role("status").inner_text() == "You are signed out."


def test_journey_2_a_pivot_filters_the_matrix_exports_it_opens_a_member_and_grants_an_attempt(
    browsing: Browsing,
) -> None:
    page = browsing.new_page("pivot")
    page.goto(browsing.server.url("/"))
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mon équipe").click()
    assert heading(page) == "Mon équipe"
    everyone = page.locator("table.matrix tbody th").all_inner_texts()
    assert "William Intervenant" in everyone  # nothing done yet, not due yet

    page.get_by_label("En retard seulement").check()
    submit(page, page.get_by_role("button", name="Afficher"))
    assert "overdue=1" in page.url  # the filter is kept in the URL: bookmarked, exported
    overdue = [name.strip() for name in page.locator("table.matrix tbody th a").all_inner_texts()]
    assert "Jérôme Paradis" in overdue and "William Intervenant" not in overdue
    assert len(overdue) < len(everyone)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = download.path()
    assert path is not None
    text = path.read_bytes().decode("utf-8-sig")
    lines = [line.split(";")[0] for line in text.splitlines()[1:]]
    assert lines == overdue  # exactly the rows the page shows

    submit(page, page.get_by_role("link", name="Jérôme Paradis", exact=True))
    assert heading(page) == "Jérôme Paradis"
    assert page.locator("#overdue-title").is_visible()
    submit(page, page.get_by_role("button", name="Accorder une tentative de plus"))
    assert page.get_by_role("status").first.inner_text().startswith("Une tentative de plus a été accordée")
    assert not page.get_by_role("button", name="Accorder une tentative de plus").count()

    submit(page, page.get_by_role("link", name="Retour à la matrice de l’équipe"))
    assert "overdue=1" in page.url
    assert page.get_by_label("En retard seulement").is_checked()

    # A reminder to those overdue: the page lists them chosen, with what each has due; sending says who got one.
    submit(page, page.get_by_role("link", name="Relancer les membres en retard").first)
    assert heading(page).startswith("Rappels – ")
    assert page.get_by_label("Jérôme Paradis").is_checked()
    assert not page.get_by_label("William Intervenant").is_checked()  # nothing overdue
    submit(page, page.get_by_role("button", name="Relancer les membres choisis"))
    outcome = page.locator(".reminder-outcome")
    assert "Jérôme Paradis" in outcome.locator("ul").first.inner_text()  # reminded now
    # The demo's pivot reminded Sophie Tremblay three days ago: she is skipped, and the page says why.
    held = "\u00a0: tout ce qu’il a à faire lui a été rappelé il y a moins de 7 jours"
    assert "Sophie Tremblay" + held in outcome.inner_text()
    # Sent again the same day: nobody gets a second one, and the page says why.
    page.get_by_label("Jérôme Paradis").check()
    submit(page, page.get_by_role("button", name="Relancer les membres choisis"))
    outcome = page.locator(".reminder-outcome")
    assert outcome.get_by_role("heading", level=2).inner_text() == "Aucun rappel n’a été envoyé."
    assert (
        "Jérôme Paradis\u00a0: tout ce qu’il a à faire lui a été rappelé il y a moins de 7 jours"
        in outcome.inner_text()
    )


def test_journey_4_the_table_reads_the_coverage_report_on_a_past_date_drills_down_and_downloads_the_pdf(
    browsing: Browsing,
) -> None:
    page = browsing.new_page("table")
    page.goto(browsing.server.url("/", "en"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    assert heading(page) == "Certified pivot coverage"
    # The chart says what the table says: one bar per organization, in the same order, with the same figure.
    table_rows = page.locator("#coverage-table tbody tr")
    figures = [cell.strip() for cell in table_rows.locator("td:nth-child(2)").all_inner_texts()]
    bars = [text.strip() for text in page.locator(".chart-bars svg text.chart-figure").all_text_contents()]
    assert bars == figures and len(bars) == table_rows.count() > 3

    year_ago = browsing.server.facts["year_ago"]
    page.get_by_label("On", exact=True).fill(year_ago)
    submit(page, page.get_by_role("button", name="Show"))
    assert f"as_of={year_ago}" in page.url
    assert page.locator("main p.lead").inner_text().startswith("Situation on ")

    submit(page, page.get_by_role("link", name="Québec City Police Service"))
    assert heading(page).startswith("Québec City Police Service")
    assert f"as_of={year_ago}" in page.url  # the drill-down is on the same date
    pivots = page.locator("#pivots-table tbody th").all_inner_texts()
    assert "Patrice Pivot" in [name.strip() for name in pivots]

    submit(page, page.get_by_role("link", name="Back to the coverage report"))
    assert f"as_of={year_ago}" in page.url
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"couverture-{year_ago}.pdf"
    path = download.path()
    assert path is not None
    text = "\n".join(page_.extract_text() for page_ in PdfReader(path).pages)
    assert "Certified pivot coverage" in text
    assert "SPVQ" in text


def test_journey_3_a_coordinator_sees_teams_and_pivots_designates_a_pivot_and_sees_the_coverage(
    browsing: Browsing,
) -> None:
    page = browsing.new_page("coordinator")
    page.goto(browsing.server.url("/", "en"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My organization", exact=True).click()
    assert heading(page).startswith("Québec City Police Service")
    coverage = page.locator("#coverage-title + dl")
    designated_before = int(coverage.locator("dt:has-text('Designated pivots') + dd").inner_text())
    assert "/ 3" in coverage.locator("dt:has-text('Coverage') + dd").inner_text()
    attention = page.locator("section[aria-labelledby='attention-title']").inner_text()
    assert "Patrouille Est" in attention and "Stéphane Ménard" in attention  # no pivot / no team
    pivots = page.locator("#pivots + ul .card-title").all_inner_texts()
    assert "Stéphane Ménard" in pivots and "Julie Roy" in pivots

    page.get_by_label("Member", exact=True).select_option(label="Gabriel Lemieux")
    submit(page, page.get_by_role("button", name="Designate", exact=True))
    assert page.get_by_role("status").first.inner_text().startswith("Gabriel Lemieux is now a pivot of SPVQ")
    designated = int(page.locator("#coverage-title + dl dt:has-text('Designated pivots') + dd").inner_text())
    assert designated == designated_before + 1  # counted the same day

    submit(page, page.locator("#teams + ul").get_by_role("link", name="Patrouille Est"))
    assert heading(page).startswith("Patrouille Est")
    page.get_by_label("Designated pivot", exact=True).select_option(label="Gabriel Lemieux")
    submit(page, page.get_by_role("button", name="Name as pivot"))
    assert page.get_by_role("status").first.inner_text().startswith("Gabriel Lemieux is now a pivot of the team")
    assert "Gabriel Lemieux" in page.locator("#team-pivots + ul").inner_text()

    submit(page, page.get_by_role("link", name="Back to Québec City Police Service"))
    attention = page.locator("section[aria-labelledby='attention-title']").inner_text()
    assert "Patrouille Est" not in attention  # the team has its pivot now
    # The coordinator's language was stored as English by ?lang=en: back to French for the pages checked later.
    page.goto(browsing.server.url("/", "fr"))
    assert page.locator("html").get_attribute("lang") == "fr"


def test_journey_7_an_admin_imports_300_accounts_previews_the_bad_rows_applies_and_imports_again(
    browsing: Browsing,
) -> None:
    page = browsing.new_page("admin")
    page.goto(browsing.server.url("/"))
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Administration").click()
    assert heading(page) == "Administration"
    submit(page, page.get_by_role("link", name="Importer des comptes"))
    assert heading(page) == "Importer des comptes"

    preview_the_example_import(page)
    assert page.get_by_role("heading", name="Aperçu de import-300.csv").is_visible()
    rows = page.locator("table tbody tr")
    assert rows.count() == 300
    errors = page.locator("tr.import-error")
    assert errors.count() == 8
    first = errors.first.inner_text()
    assert first.startswith("18") and "n’est pas une adresse courriel valide" in first
    assert "utilisez Déplacer" in page.locator("tr.import-error", has_text="worker.cjq@example.org").inner_text()
    submit(page, page.get_by_role("button", name="Importer les 292 lignes valides"))
    status = page.get_by_role("status").first.inner_text()
    assert status.startswith("Import appliqué\u00a0: 292 créés")

    # The same file again: every valid row unchanged, nothing to import.
    preview_the_example_import(page)
    assert page.locator("tr.import-unchanged").count() == 292
    assert page.get_by_text("Aucune ligne n’a rien à importer.").is_visible()
