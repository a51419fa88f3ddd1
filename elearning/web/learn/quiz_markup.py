"""The quiz form's choices, rendered in Python: a quiz of eight questions has some thirty choices, and a Jinja
loop with a macro per choice was most of the form's rendering time."""

from __future__ import annotations

from collections.abc import Collection

from markupsafe import Markup, escape

from elearning.services.learning.quizzes import ShownQuestion


def choice_inputs(
    item: ShownQuestion, number: int, chosen: Collection[str], language: str, true_label: str, false_label: str
) -> Markup:
    """The inputs and labels of question ``number`` (1-based), those in ``chosen`` checked. A choice's text is
    the content's sanitized HTML (as the result page shows it); the true/false labels are escaped."""
    kind = "checkbox" if item.several else "radio"
    name = escape(f"q-{item.question.key}")
    parts = []
    for index, shown in enumerate(item.choices, 1):
        ident = f"q{number}-{index}"
        checked = " checked" if shown.key in chosen else ""
        if shown.choice is not None:
            text = Markup(shown.choice.text(language))  # noqa: S704 (sanitized when the content was synced)
        else:
            text = escape(true_label if shown.label_key == "true" else false_label)
        parts.append(
            f'<div class="choice"><input class="choice-input" type="{kind}" name="{name}" id="{ident}" '
            f'value="{escape(shown.key)}"{checked}> <label class="choice-label" for="{ident}">{text}</label></div>\n'
        )
    return Markup("".join(parts))  # noqa: S704 (every part escaped above)
