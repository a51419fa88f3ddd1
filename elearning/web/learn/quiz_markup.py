"""A quiz's choices, rendered in Python: a quiz of eight questions has some thirty choices, and a Jinja loop with
a macro per choice was most of the form's rendering time. The form and the result page share :func:`choice_text`."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext as _
from markupsafe import Markup, escape

from elearning.services.learning.quizzes import ShownChoice, ShownQuestion


def choice_text(shown: ShownChoice, language: str) -> Markup:
    """The text of a choice as shown to the learner: the content's sanitized HTML, or the fixed label of a
    true/false choice (escaped)."""
    if shown.choice is not None:
        return Markup(shown.choice.text(language))  # noqa: S704 (sanitized when the content was synced)
    return escape(_("True") if shown.label_key == "true" else _("False"))


def choice_inputs(item: ShownQuestion, number: int, chosen: Collection[str], language: str) -> Markup:
    """The inputs and labels of question ``number`` (1-based), those in ``chosen`` checked."""
    kind = "checkbox" if item.several else "radio"
    name = escape(f"q-{item.question.key}")
    parts = []
    for index, shown in enumerate(item.choices, 1):
        ident = f"q{number}-{index}"
        checked = " checked" if shown.key in chosen else ""
        parts.append(
            f'<div class="choice"><input class="choice-input" type="{kind}" name="{name}" id="{ident}" '
            f'value="{escape(shown.key)}"{checked}> <label class="choice-label" for="{ident}">'
            f"{choice_text(shown, language)}</label></div>\n"
        )
    return Markup("".join(parts))  # noqa: S704 (every part escaped above)
