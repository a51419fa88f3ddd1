"""What a quiz shows before the answers are revealed must not give them away: the checks on a question's hint
(and on a multiple question's prompt, which the form completes itself).

Texts are compared as words: lower case, without accents, punctuation or Markdown, so ``**Vrai.**`` is the word
``vrai`` and ``« En décembre 2002 »`` the words ``en decembre 2002``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from elearning.content.model import ChoiceSource, Localized

#: Words that answer a true/false question, in either language.
TRUE_FALSE_WORDS = frozenset({"vrai", "vraie", "vrais", "vraies", "faux", "fausse", "fausses", "true", "false"})
#: Short words a choice may start with that do not make its meaning (« En décembre 2002 », "The Québec City police").
_LEADING = frozenset(
    {"a", "an", "au", "aux", "by", "d", "de", "des", "du", "en", "in", "l", "la", "le", "les", "the", "to", "un", "une"}
)
#: What the form already says above a multiple question's choices (the prompt need not say it again).
SELECT_EVERY = ("cochez toutes les bonnes reponses", "check all that apply", "select every right answer")
_LINK = re.compile(r"\]\([^)]*\)")


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``: lower case, accents and punctuation removed, link targets dropped."""
    text = _LINK.sub("]", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(re.findall(r"[a-z0-9]+", plain))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    if not needle or len(needle) > len(haystack):
        return False
    return any(haystack[start : start + len(needle)] == needle for start in range(len(haystack) - len(needle) + 1))


def _core(text: str) -> tuple[str, ...]:
    """The words of a choice without the short words it starts with."""
    found = words(text)
    while len(found) > 1 and found[0] in _LEADING:
        found = found[1:]
    return found


def hint_giveaways(
    hint: Localized, *, kind: str, choices: tuple[ChoiceSource, ...], statement: Localized
) -> Iterator[tuple[str, str]]:
    """Why ``hint`` gives the answer away, per language: ``(language, reason)`` pairs (none when it does not)."""
    for language in ("fr", "en"):
        if not hint.has(language):
            continue
        said = words(hint.get(language))
        if kind == "true_false":
            answered = sorted(TRUE_FALSE_WORDS.intersection(said))
            if answered:
                yield language, f"says '{answered[0]}', which answers the true/false question"
            elif _contains(said, _core(statement.get(language))):
                yield language, "repeats the statement to judge, which answers the true/false question"
            continue
        for choice in choices:
            core = _core(choice.text.get(language))
            if len(core) == 1 and len(core[0]) <= 2 and not core[0].isdigit():
                continue  # a choice such as « A » would match every « à »
            if _contains(said, core):
                what = "states the answer" if choice.correct else "rules that choice out"
                yield language, f"repeats the text of choice '{choice.id}' ({choice.text.get(language)!r}): it {what}"
        numbers = {word for choice in choices if choice.correct for word in words(choice.text.get(language))}
        given = sorted(word for word in set(said) & numbers if word.isdigit())
        if given:
            yield language, f"gives {given[0]}, a number of a correct choice"


def repeats_select_every(prompt: Localized) -> Iterator[str]:
    """The languages in which a multiple question's prompt says to select every right answer (the form says it)."""
    for language in ("fr", "en"):
        if prompt.has(language):
            said = words(prompt.get(language))
            if any(_contains(said, words(phrase)) for phrase in SELECT_EVERY):
                yield language
