"""Reading one quiz file, ``quizzes/<module>.yml`` (format 2, in quizzes/README.md).

Format 1 files are refused with a message saying what changed: their one ``feedback`` per question was shown
before the answers were revealed and often stated the answer; format 2 splits it into a ``hint`` that must not
give the answer away (checked, :mod:`elearning.content.hints`) and an ``explanation`` shown with the answers.
"""

from __future__ import annotations

from collections.abc import Collection

from elearning.content.fields import FileReader, Reporter
from elearning.content.hashing import hash_bytes
from elearning.content.hints import hint_giveaways, repeats_select_every
from elearning.content.model import ChoiceSource, Localized, QuestionSource, QuizSource
from elearning.content.render import render_inline
from elearning.content.yaml_loader import Entry, Mapping, Scalar

QUESTION_TYPES = ("single", "multiple", "true_false")
REVEAL_OPTIONS = ("never", "after_passing", "after_last_attempt", "after_passing_or_last_attempt")
_QUIZ_KEYS = (
    "format",
    "module",
    "pass_mark",
    "attempts",
    "shuffle_questions",
    "shuffle_choices",
    "reveal",
    "questions",
)
_CHOICE_KEYS = ("id", "text")
QUIZ_FORMAT = 2
_FORMAT_1 = (
    "quiz format 1 is no longer read: format 2 replaces each question's 'feedback' with a 'hint' (shown on a "
    "wrong answer before the answers are revealed, so it must not give the answer away) and an 'explanation' "
    "(shown with the answers); see quizzes/README.md"
)


def read_quiz(file_name: str, data: bytes, *, module_slugs: Collection[str], reporter: Reporter) -> QuizSource | None:
    """Check one quiz file (``quizzes/<file_name>`` holding ``data``); the quiz when it had no error."""
    where = f"quizzes/{file_name}"
    errors_before = reporter.error_count
    reader = FileReader(where, reporter)
    mapping = reader.load(data)
    if mapping is None:
        return None
    if reader.format(mapping, QUIZ_FORMAT, retired={1: _FORMAT_1}) == 1:
        return None
    reader.check_keys(mapping, line=1, required=_QUIZ_KEYS)
    entries = mapping.entries
    module = _module(reader, entries.get("module"), file_name=file_name, module_slugs=module_slugs)
    pass_mark = reader.integer(entries.get("pass_mark"), what="pass_mark", minimum=1, maximum=100)
    attempts = reader.integer(entries.get("attempts"), what="attempts", minimum=0)
    shuffle_questions = reader.boolean(entries.get("shuffle_questions"), what="shuffle_questions")
    shuffle_choices = reader.boolean(entries.get("shuffle_choices"), what="shuffle_choices")
    reveal = reader.one_of(entries.get("reveal"), REVEAL_OPTIONS, what="reveal")
    questions = _questions(reader, entries.get("questions"))
    if (
        reporter.error_count > errors_before
        or module is None
        or pass_mark is None
        or attempts is None
        or shuffle_questions is None
        or shuffle_choices is None
        or reveal is None
        or questions is None
    ):
        return None
    return QuizSource(
        module=module,
        pass_mark=pass_mark,
        attempts=attempts,
        shuffle_questions=shuffle_questions,
        shuffle_choices=shuffle_choices,
        reveal=reveal,
        questions=questions,
        content_hash=hash_bytes(data),
    )


def _module(reader: FileReader, entry: Entry | None, *, file_name: str, module_slugs: Collection[str]) -> str | None:
    module = reader.slug(entry, what="module")
    if entry is None or module is None:
        return None
    if module not in module_slugs:
        reader.error(entry.value.line, f"unknown module '{module}': no folder modules/{module}/ with a module.yml")
        return None
    if file_name != f"{module}.yml":
        reader.error(entry.value.line, f"the quiz of module '{module}' must be named {module}.yml, not {file_name}")
        return None
    return module


def _questions(reader: FileReader, entry: Entry | None) -> tuple[QuestionSource, ...] | None:
    if entry is None:
        return None
    sequence = reader.sequence(entry.value, what="questions")
    if sequence is None:
        return None
    if not sequence.items:
        reader.error(entry.key_line, "questions: a quiz needs at least one question")
        return None
    questions: list[QuestionSource] = []
    first_line: dict[str, int] = {}
    complete = True
    for number, item in enumerate(sequence.items, start=1):
        mapping = reader.mapping(item, what=f"question {number}")
        if mapping is None:
            complete = False
            continue
        question = _question(reader, mapping, number=number)
        id_entry = mapping.entries.get("id")
        id_node = id_entry.value if id_entry is not None else None
        if isinstance(id_node, Scalar) and isinstance(id_node.value, str):
            name = id_node.value
            if name in first_line:
                reader.error(id_node.line, f"duplicate question id '{name}' (first at line {first_line[name]})")
                question = None
            else:
                first_line[name] = id_node.line
        if question is None:
            complete = False
            continue
        questions.append(question)
    return tuple(questions) if complete else None


def _question(reader: FileReader, mapping: Mapping, *, number: int) -> QuestionSource | None:
    entries = mapping.entries
    kind = reader.one_of(entries.get("type"), QUESTION_TYPES, what=f"question {number}: type")
    identifier = reader.slug(entries.get("id"), what=f"question {number}: id")
    what = f"question '{identifier}'" if identifier else f"question {number}"
    specific = {"true_false": ("answer",), "single": ("choices",), "multiple": ("choices",)}.get(kind or "", ())
    other = tuple(name for name in ("choices", "answer") if name not in specific)
    reader.check_keys(
        mapping,
        line=mapping.line,
        required=("id", "type", "prompt", "hint", "explanation", *specific),
        optional=other,
        what=what,
    )
    for name in other:
        entry = entries.get(name)
        if entry is not None and kind is not None:
            expected = "an answer (true or false), not choices" if kind == "true_false" else "choices, not an answer"
            reader.error(entry.key_line, f"{what}: a {kind} question has {expected}")
    prompt = reader.localized(entries.get("prompt"), what=f"{what}: prompt")
    hint = reader.localized(entries.get("hint"), what=f"{what}: hint")
    explanation = reader.localized(entries.get("explanation"), what=f"{what}: explanation")
    choices: tuple[ChoiceSource, ...] | None = ()
    answer: bool | None = None
    if kind == "true_false":
        answer = reader.boolean(entries.get("answer"), what=f"{what}: answer")
    elif kind is not None:
        choices = _choices(reader, entries.get("choices"), kind=kind, what=what)
    if kind is None or identifier is None or prompt is None or hint is None or explanation is None or choices is None:
        return None
    if kind == "true_false" and answer is None:
        return None
    if not _shows_nothing_away(reader, entries, what=what, kind=kind, prompt=prompt, hint=hint, choices=choices):
        return None
    return QuestionSource(
        id=identifier,
        type=kind,
        prompt=prompt,
        choices=choices,
        answer=answer,
        hint=hint,
        explanation=explanation,
        prompt_html=_inline(prompt),
        hint_html=_inline(hint),
        explanation_html=_inline(explanation),
    )


def _shows_nothing_away(
    reader: FileReader,
    entries: dict[str, Entry],
    *,
    what: str,
    kind: str,
    prompt: Localized,
    hint: Localized,
    choices: tuple[ChoiceSource, ...],
) -> bool:
    """Report a hint that gives the answer away, and a multiple question's prompt that says what the form says
    (to select every right answer); whether there was none."""
    clean = True
    for language, reason in hint_giveaways(hint, kind=kind, choices=choices, statement=prompt):
        reader.error(
            _language_line(entries["hint"], language),
            f"{what}: the hint ({language}) {reason}; a hint is shown before the answers are revealed, so it must "
            "point to what to reread without giving the answer (the explanation may give it)",
        )
        clean = False
    if kind == "multiple":
        for language in repeats_select_every(prompt):
            reader.error(
                _language_line(entries["prompt"], language),
                f"{what}: the prompt ({language}) says to select every right answer; the form already says it "
                "above the choices, so leave it out",
            )
            clean = False
    return clean


def _language_line(entry: Entry, language: str) -> int:
    """The line of ``entry``'s text in ``language`` (its key's line when written another way)."""
    node = entry.value
    if isinstance(node, Mapping) and language in node.entries:
        return node.entries[language].value.line
    return entry.key_line


def _choices(reader: FileReader, entry: Entry | None, *, kind: str, what: str) -> tuple[ChoiceSource, ...] | None:
    if entry is None:
        return None
    sequence = reader.sequence(entry.value, what=f"{what}: choices")
    if sequence is None:
        return None
    choices: list[ChoiceSource] = []
    first_line: dict[str, int] = {}
    complete = True
    for number, item in enumerate(sequence.items, start=1):
        label = f"{what}: choice {number}"
        mapping = reader.mapping(item, what=label)
        if mapping is None:
            complete = False
            continue
        reader.check_keys(mapping, line=mapping.line, required=_CHOICE_KEYS, optional=("correct",), what=label)
        identifier = reader.slug(mapping.entries.get("id"), what=f"{label}: id")
        text = reader.localized(mapping.entries.get("text"), what=f"{label}: text")
        correct_entry = mapping.entries.get("correct")
        correct = reader.boolean(correct_entry, what=f"{label}: correct") if correct_entry is not None else False
        if identifier is None or text is None or correct is None:
            complete = False
            continue
        line = mapping.entries["id"].value.line
        if identifier in first_line:
            reader.error(line, f"{what}: duplicate choice id '{identifier}' (first at line {first_line[identifier]})")
            complete = False
            continue
        first_line[identifier] = line
        choices.append(ChoiceSource(id=identifier, text=text, correct=correct, text_html=_inline(text)))
    if len(sequence.items) < 2:
        reader.error(entry.key_line, f"{what}: a question needs at least two choices")
        return None
    if not complete:
        return None
    correct_count = sum(1 for choice in choices if choice.correct)
    if kind == "single" and correct_count != 1:
        reader.error(entry.key_line, f"{what}: a single question needs exactly one correct choice, not {correct_count}")
        return None
    if kind == "multiple" and correct_count == 0:
        reader.error(entry.key_line, f"{what}: a multiple question needs at least one correct choice")
        return None
    return tuple(choices)


def _inline(text: Localized) -> Localized:
    return Localized(render_inline(text.fr), render_inline(text.en) if text.en is not None else None)
