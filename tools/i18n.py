"""Keep the catalogs in step with the code: ``python tools/i18n.py update`` (``make translations``).

Extracts every message of the Python code and templates into ``elearning/translations/messages.pot`` and
updates the French and English catalogs from it (no fuzzy matching: a changed English text must be translated
again). ``python tools/i18n.py missing`` lists French entries still to translate. The English catalog stays
empty on purpose: the English texts are the message ids.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "elearning" / "translations"
LANGUAGES = ("fr", "en")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
METHODS = [
    ("elearning/**.py", "python"),
    ("elearning/templates/**.html", "jinja2"),
    ("elearning/templates/**.txt", "jinja2"),  # e-mail text parts
]


def extract() -> Catalog:
    """Every message of the code and templates, as a template catalog."""
    template = Catalog(project="elearning", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}, "**.txt": {"extensions": "jinja2.ext.i18n"}},
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    path = catalog_path(language)
    if not path.exists():
        return Catalog(locale=language, project="elearning", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.project = "elearning"
    catalog.version = "1"
    catalog.copyright_holder = "Table régionale de Québec sur la prostitution juvénile"
    catalog.msgid_bugs_address = "the Table's coordination"
    catalog.last_translator = "elearning developers"
    catalog.language_team = catalog.locale.language if catalog.locale else "fr"
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True, width=120)


def update() -> None:
    template = extract()
    write(template, TRANSLATIONS / "messages.pot")
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        write(catalog, catalog_path(language))


def is_translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    strings = string if isinstance(string, tuple | list) else (string,)
    return all(strings) and not message.fuzzy  # type: ignore[attr-defined]


def missing() -> list[str]:
    catalog = read("fr")
    return [str(message.id) for message in catalog if message.id and not is_translated(message)]


def fill(translations: dict[str, str | tuple[str, ...]]) -> int:
    """Write French translations (msgid -> msgstr, a tuple for plurals); returns how many were set."""
    catalog = read("fr")
    count = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
            count += 1
    write(catalog, catalog_path("fr"))
    return count


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
        print(f"{len(missing())} French message(s) to translate")
    elif command == "missing":
        for message in missing():
            print(message)
    else:
        sys.exit("usage: python tools/i18n.py update|missing")
