"""A quiz's questions and choices, rendered in Python: a quiz of eight questions has some thirty choices, and a
Jinja loop over them (a call per expression) was most of the form's rendering time. The form and the result page
share :func:`choice_text`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from markupsafe import Markup, escape

from elearning.services.learning.quizzes import ShownChoice, ShownQuestion
from elearning.web.layout import translate as _


def choice_text(shown: ShownChoice, language: str) -> Markup:
    """The text of a choice as shown to the learner: the content's sanitized HTML, or the fixed label of a
    true/false choice (escaped)."""
    if shown.choice is not None:
        return Markup(shown.choice.text(language))  # noqa: S704 (sanitized when the content was synced)
    return _("True") if shown.label_key == "true" else _("False")


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


def question_fieldsets(
    questions: Sequence[ShownQuestion],
    answers: Mapping[str, Collection[str]],
    language: str,
    unanswered: Collection[int] = (),
) -> Markup:
    """Every question of the form as a fieldset: its number, prompt, a hint when several answers are right,
    and its choices (those in ``answers`` checked). The questions whose number is in ``unanswered`` say so in
    text (an error message the fieldset is described by), not by colour alone."""
    total = len(questions)
    several_hint = _("Select every right answer.")
    error_prefix = _("Error:")
    not_answered = _("Not answered: choose an answer.")
    parts = []
    for number, item in enumerate(questions, 1):
        key = item.question.key
        missing = number in unanswered
        described = " ".join(([f"error-{number}"] if missing else []) + ([f"hint-{number}"] if item.several else []))
        described_by = f' aria-describedby="{described}"' if described else ""
        classes = "question question-error" if missing else "question"
        label = _("Question %(number)d of %(total)d", number=number, total=total)
        hint = f'<p class="hint" id="hint-{number}">{several_hint}</p>' if item.several else ""
        error = (
            f'<p class="error-message" id="error-{number}"><span class="visually-hidden">{error_prefix} </span>'
            f"{not_answered}</p>"
            if missing
            else ""
        )
        parts.append(
            f'<fieldset class="{classes}" id="question-{number}"{described_by}>\n'
            f'    <legend><span class="question-number">'
            f"{label}</span>\n"
            f'      <span class="question-prompt">{item.question.prompt(language)}</span></legend>\n'
            f"    {error}{hint}\n"
            f"    {choice_inputs(item, number, answers.get(key, ()), language)}\n"
            f"  </fieldset>\n  "
        )
    return Markup("".join(parts))  # noqa: S704 (prompts sanitized when the content was synced; the rest escaped)
