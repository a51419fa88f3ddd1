"""Searching text in SQL whatever the case and the accents, the same on SQLite and PostgreSQL.

A search box's words are folded in Python (lower case, accents dropped: ``Benoît`` is ``benoit``) and compared
with the column folded in SQL. On PostgreSQL, ``lower()`` folds the column, then ``translate()`` maps each
accented letter, in either case, to its base letter. SQLite's ``lower()`` folds ASCII only and SQLite has no
``translate()``, so there each letter of the folded text matches every letter it is the base of, in either
case, through a ``GLOB`` pattern (``emond`` is ``*[eÈÉÊËèéêë...]mond*``; ``GLOB`` knows no escape character:
``*``, ``?`` and ``[`` are written as classes). Either way the text is taken literally: ``%`` and ``_`` are no
wildcards.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa

from elearning.extensions import db


def _base_letter(char: str) -> str | None:
    """The ASCII letter ``char`` is written from with accents (``é``: ``e``), None for any other character."""
    decomposed = unicodedata.normalize("NFKD", char)
    letters = [part for part in decomposed if not unicodedata.combining(part)]
    if len(letters) == 1 and letters[0].isascii() and letters[0].isalpha() and letters[0] != char:
        return letters[0].lower()
    return None


def _accented_letters() -> dict[str, str]:
    """Every accented Latin letter (Latin-1 and Latin Extended-A) and its base letter, lower case."""
    found: dict[str, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = _base_letter(char)
        if base is not None:
            found[char] = base
    return found


_ACCENTED = _accented_letters()
#: ``translate()``'s two arguments on PostgreSQL: the accented letters (both cases, whatever the database's
#: ``lower()`` folds) and their base letters.
_FROM = "".join(_ACCENTED)
_TO = "".join(_ACCENTED[char] for char in _FROM)
#: On SQLite: each base letter's class of every letter it stands for (both cases, ASCII lower case first).
_VARIANTS: dict[str, str] = {}
for _char, _base in _ACCENTED.items():
    _VARIANTS.setdefault(_base, _base)
    _VARIANTS[_base] += _char


def fold(text: str) -> str:
    """``text`` as the search compares it: lower case, without accents (``Benoît`` is ``benoit``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def _glob_char(char: str) -> str:
    if char in "*?[":
        return f"[{char}]"
    variants = _VARIANTS.get(char)
    if variants is not None:
        return f"[{variants}]"
    upper = char.upper()
    if not char.isascii() and len(upper) == 1 and upper != char:
        return f"[{char}{upper}]"
    return char


def contains_folded(column: Any, text: str) -> sa.ColumnElement[bool]:
    """``column`` contains ``text``, whatever the case and the accents of either."""
    folded = fold(text)
    if db.session.get_bind().dialect.name == "sqlite":
        pattern = "*" + "".join(_glob_char(char) for char in folded) + "*"
        return sa.func.lower(column).op("GLOB")(pattern)
    return sa.func.translate(sa.func.lower(column), _FROM, _TO).contains(folded, autoescape=True)
