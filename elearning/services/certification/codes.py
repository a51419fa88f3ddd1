"""Verification codes: unguessable, unambiguous when read aloud, accepted in any case with or without hyphens."""

from __future__ import annotations

import re
import secrets

#: Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 bits
#: What a typed or linked code may look like before normalizing: letters, digits, hyphens and spaces.
_CODE_INPUT = re.compile(r"^[0-9A-Za-z\s-]{16,40}$")
_SEPARATORS = re.compile(r"[\s-]+")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """``ABCD-EFGH-JKMN-PQRS``: easier to read and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(text: str) -> str | None:
    """The stored form of a code typed or linked in any case, with or without hyphens or spaces; None when
    malformed."""
    if not _CODE_INPUT.match(text or ""):
        return None
    code = _SEPARATORS.sub("", text).upper().translate(str.maketrans("OIL", "011"))
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code
