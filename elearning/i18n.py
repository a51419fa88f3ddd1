"""Languages: French by default, English at the person's choice."""

from __future__ import annotations

from flask import has_request_context

from elearning.roles import DEFAULT_LANGUAGE

#: The command line speaks English: its users are operators, and its messages are read in logs.
COMMAND_LINE_LANGUAGE = "en"


def select_locale() -> str:
    if not has_request_context():
        return COMMAND_LINE_LANGUAGE
    return DEFAULT_LANGUAGE
