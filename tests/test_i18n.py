"""French and English: complete catalogs, the language switch on every page, catalogs compiled at start-up."""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from jinja2 import Environment

from elearning.extensions import db
from elearning.i18n import compile_catalogs
from tests.conftest import PROJECT_ROOT
from tests.factories import make_org, make_person
from tests.web import sign_in, signed_in_client, visible_texts

sys.path.insert(0, str(PROJECT_ROOT / "tools"))
import i18n as catalog_tool

TRANSLATIONS = PROJECT_ROOT / "elearning" / "translations"
GETTEXT_NAMES = {"_", "gettext", "_l", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}


def _read(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _key(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple | list) else str(message_id)


def test_every_extracted_message_is_in_both_catalogs_and_translated_in_french() -> None:
    extracted = {_key(message.id) for message in catalog_tool.extract() if message.id}
    assert len(extracted) > 50
    for language in ("fr", "en"):
        catalog = _read(language)
        present = {_key(message.id) for message in catalog if message.id}
        missing = sorted(extracted - present)
        assert not missing, f"messages missing from the {language} catalog (run make translations): {missing}"
    french = _read("fr")
    untranslated = sorted(_key(m.id) for m in french if m.id and not catalog_tool.is_translated(m))
    assert not untranslated, f"untranslated or fuzzy French entries: {untranslated}"


def test_no_f_string_or_computed_text_inside_gettext() -> None:
    offenders = []
    for path in (PROJECT_ROOT / "elearning").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_NAMES):
                continue
            if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert not offenders, f"gettext called with an f-string or a computed text: {offenders}"


def _templates() -> list[Path]:
    """Every template: pages (HTML) and the text parts of e-mail."""
    folder = PROJECT_ROOT / "elearning" / "templates"
    return [*folder.rglob("*.html"), *folder.rglob("*.txt")]


def test_no_computed_text_inside_gettext_in_templates() -> None:
    call = re.compile(r"\b(?:_|gettext|ngettext|pgettext)\(\s*([^\"'\s])")
    offenders = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if call.search(line):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert not offenders, offenders


def test_every_template_parses() -> None:
    # Babel's extractor silently skips a template it cannot parse: its messages would never reach a catalog.
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    for path in _templates():
        environment.parse(path.read_text(encoding="utf-8"), name=str(path))


@pytest.fixture
def account(app: Flask) -> str:
    with app.app_context():
        make_person(email="lea@example.org", name="Léa", org=make_org("ORG"))
        db.session.commit()
    return "lea@example.org"


def _english_ids_with_french_text() -> dict[str, str]:
    french = _read("fr")
    result = {}
    for message in french:
        if message.id and isinstance(message.id, str) and message.string and message.string != message.id:
            result[message.id] = message.string
    return result


def assert_page_language(html: str, language: str) -> None:
    """Every text node is in the page's language: no English message shows on a French page and no French
    translation shows on an English one."""
    assert f'<html lang="{language}">' in html
    pairs = _english_ids_with_french_text()
    texts = set(visible_texts(html))
    if language == "fr":
        leftover = sorted(text for text in texts if text in pairs)
    else:
        french = {value for value in pairs.values()}
        leftover = sorted(text for text in texts if text in french)
    assert not leftover, f"text in the wrong language on a {language} page: {leftover}"


PAGES = ["/", "/account"]


def test_french_by_default_and_switch_on_every_page(app: Flask, client, account: str) -> None:
    login = client.get("/login")
    assert_page_language(login.get_data(as_text=True), "fr")
    assert 'href="/login?lang=en"' in login.get_data(as_text=True)
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert_page_language(english, "en")
    assert 'href="/login?lang=fr"' in english
    # The visitor's choice is remembered.
    assert_page_language(client.get("/login").get_data(as_text=True), "en")


def test_signed_in_choice_is_stored(app: Flask, account: str) -> None:
    from elearning.services.people.accounts import get_person

    client = signed_in_client(app, account, "correct horse battery staple")
    for path in PAGES:
        assert_page_language(client.get(path).get_data(as_text=True), "fr")
    page = client.get("/account?lang=en").get_data(as_text=True)
    assert_page_language(page, "en")
    assert 'href="/account?lang=fr"' in page
    with app.app_context():
        assert get_person(account).preferred_language == "en"
    # Another browser signing in gets English from the stored choice.
    other = signed_in_client(app, account, "correct horse battery staple")
    for path in PAGES:
        assert_page_language(other.get(path).get_data(as_text=True), "en")


def test_switch_keeps_other_query_arguments(app: Flask, account: str) -> None:
    client = signed_in_client(app, account, "correct horse battery staple")
    page = client.get("/account?tab=x&lang=fr").get_data(as_text=True)
    assert 'href="/account?tab=x&amp;lang=en"' in page


def test_error_pages_in_both_languages(client) -> None:
    french = client.get("/nowhere")
    assert french.status_code == 404
    assert "Page introuvable" in french.get_data(as_text=True)
    english = client.get("/nowhere?lang=en")
    assert "Page not found" in english.get_data(as_text=True)
    assert_page_language(english.get_data(as_text=True), "en")


def test_catalogs_compile_into_the_instance_folder_when_stale(app: Flask, tmp_path: Path) -> None:
    app.instance_path = str(tmp_path)
    target = compile_catalogs(app)
    mo = target / "fr" / "LC_MESSAGES" / "messages.mo"
    assert mo.exists()
    first = mo.stat().st_mtime_ns
    compile_catalogs(app)
    assert mo.stat().st_mtime_ns == first  # fresh: not rewritten
    ancient = 10**18  # 2001: older than any source catalog
    os.utime(mo, ns=(ancient, ancient))
    compile_catalogs(app)
    assert mo.stat().st_mtime_ns > ancient  # stale: rewritten
    assert not [p for p in mo.parent.iterdir() if p.name.startswith(".messages.")]


def test_sign_in_refusal_in_english(app: Flask, client, account: str) -> None:
    client.get("/login?lang=en")
    response = sign_in(client, account, "wrong password!!")
    assert "The e-mail address or the password is incorrect." in response.get_data(as_text=True)
