"""Languages: French by default, English at the person's choice; catalogs compiled at start-up.

The language of a request is, in order: ``?lang=fr|en`` on any page (stored for a signed-in person, and in the
preferences cookie for a visitor), the signed-in person's preferred language, the visitor's stored choice,
French. The command line speaks English.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale

from elearning.roles import DEFAULT_LANGUAGE, LANGUAGES

#: The command line speaks English: its users are operators, and its messages are read in logs.
COMMAND_LINE_LANGUAGE = "en"
SOURCE_CATALOGS = Path(__file__).resolve().parent / "translations"


def requested_language() -> str | None:
    """The language asked for by ``?lang=`` on this request, when valid."""
    value = request.args.get("lang", "")
    return value if value in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context():
        return COMMAND_LINE_LANGUAGE
    chosen = g.get("language")
    if chosen:
        return chosen
    stored = session.get("lang")
    return stored if stored in LANGUAGES else DEFAULT_LANGUAGE


def page_language() -> str:
    """The language of the page being rendered ("fr" or "en")."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def compile_catalogs(app: Flask) -> Path:
    """Compile every ``messages.po`` into the instance folder when its ``.mo`` is missing or older.

    Each file is written under a temporary name and renamed into place, so concurrent start-ups never read a
    half-written catalog. Returns the folder to give Flask-Babel.
    """
    target = Path(app.instance_path) / "translations"
    for po_path in SOURCE_CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        language = po_path.parent.parent.name
        mo_path = target / language / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, prefix=".messages.")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp_name, mo_path)
        except BaseException:
            os.unlink(tmp_name)
            raise
    return target


__all__ = [
    "COMMAND_LINE_LANGUAGE",
    "LANGUAGES",
    "compile_catalogs",
    "page_language",
    "requested_language",
    "select_locale",
]
