"""check_content, one rule at a time, on small trees written in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearning.content import Localized, check_content
from tests.content.helpers import MODULE_YML, one_module, write_tree

QUIZ_YML = """\
format: 2
module: m
pass_mark: 50
attempts: 0
shuffle_questions: false
shuffle_choices: false
reveal: never
questions:
  - id: q
    type: single
    prompt: {fr: Question, en: Question}
    choices:
      - {id: a, text: {fr: A, en: A}, correct: true}
      - {id: b, text: {fr: B, en: B}}
    hint: {fr: Relisez la section, en: Reread the section}
    explanation: {fr: Explication, en: Explanation}
"""


def _problems(root: Path, *, strict: bool = False) -> list[tuple[str, int, str, str]]:
    result = check_content(root, strict=strict)
    assert (result.tree is None) == bool(result.errors)
    return [(problem.path, problem.line, problem.severity, problem.message) for problem in result.problems]


def _only(problems: list[tuple[str, int, str, str]], path: str, line: int, severity: str, fragment: str) -> None:
    assert len(problems) == 1, problems
    assert problems[0][:3] == (path, line, severity)
    assert fragment in problems[0][3]


def test_missing_english_is_a_warning_and_an_error_when_strict(tmp_path: Path) -> None:
    root = one_module(tmp_path, **{"une.en.md": None})

    result = check_content(root)
    _only(_problems(root), "modules/m/module.yml", 8, "warning", "section 'une': English text missing")
    assert result.tree is not None
    section = result.tree.modules[0].sections[0]
    assert section.markdown.en is None
    assert section.html.en is None
    assert section.html.get("en") == section.html.fr
    assert result.summary() == "1 module, 0 quizzes, 0 tracks: 1 warning"

    strict = check_content(root, strict=True)
    _only(_problems(root, strict=True), "modules/m/module.yml", 8, "error", "English text missing")
    assert strict.tree is None
    assert strict.summary() == "1 error"


@pytest.mark.parametrize(
    ("yml", "line", "fragment"),
    [
        ("title: {fr: Module}", 3, "title: English text missing"),
        ("title: {fr: Module, en: ''}", 3, "title: English text missing"),
        ("title: {fr: Module, en: ~}", 3, "title: English text missing"),
    ],
)
def test_missing_english_in_yaml_is_a_warning(tmp_path: Path, yml: str, line: int, fragment: str) -> None:
    root = one_module(tmp_path, **{"module.yml": MODULE_YML.replace("title: {fr: Module, en: Module}", yml)})

    _only(_problems(root), "modules/m/module.yml", line, "warning", fragment)


def test_texts_that_yaml_reads_as_other_values_are_taken_as_written(tmp_path: Path) -> None:
    yml = MODULE_YML.replace('version: "1.0"', "version: 1.10").replace(
        "summary: {fr: Résumé, en: Summary}", "summary: {fr: 2002-12-01, en: yes}"
    )
    root = one_module(tmp_path, **{"module.yml": yml})

    tree = check_content(root).tree

    assert tree is not None
    module = tree.modules[0]
    assert module.version == "1.10"
    assert module.summary == Localized("2002-12-01", "yes")


def test_empty_english_file_is_a_warning(tmp_path: Path) -> None:
    root = one_module(tmp_path, **{"une.en.md": "\n  \n"})

    _only(_problems(root), "modules/m/une.en.md", 1, "warning", "English text missing: the file is empty")


MODULE_CASES = [
    ("format: 1\n", "", 1, "missing key 'format'"),
    ("format: 1\n", "format: '1'\n", 1, "format must be 1, not '1'"),
    ('version: "1.0"\n', 'version: ""\n', 2, "version is empty"),
    ('version: "1.0"\n', "version: [1]\n", 2, "version must be a text, not a list"),
    ("title: {fr: Module, en: Module}\n", "title: Module\n", 3, "title (fr and en texts) must be a mapping"),
    ("title: {fr: Module, en: Module}\n", "title: {fr: '', en: Module}\n", 3, "title: French text missing"),
    ("title: {fr: Module, en: Module}\n", "title: {fr: Module, en: Module, es: Módulo}\n", 3, "unknown key 'es'"),
    ("minutes: 5\n", "minutes: 2.5\n", 5, "minutes must be a positive whole number, not the number 2.5"),
    ("minutes: 5\n", "minutes: true\n", 5, "not the boolean true"),
    ("minutes: 5\n", "minutes: cinq\n", 5, "not 'cinq'"),
    ("requires_review: false\n", "requires_review: 'no'\n", 6, "requires_review must be true or false, not 'no'"),
    ("requires_review: false\n", "requires_review: false\nchange_note: {en: Fixed}\n", 7, "change_note: French text"),
    ("  - slug: une\n    title: {fr: Une, en: One}\n", "  []\n", 7, "a module needs at least one section"),
    ("  - slug: une\n", "  - slug: une\n    position: 1\n", 9, "section 1: unknown key 'position'"),
    ("    title: {fr: Une, en: One}\n", "", 8, "section 1: missing key 'title'"),
    ("  - slug: une\n    title: {fr: Une, en: One}\n", "  - une\n", 8, "section 1 must be a mapping"),
]


@pytest.mark.parametrize(("old", "new", "line", "fragment"), MODULE_CASES)
def test_module_yml_rules(tmp_path: Path, old: str, new: str, line: int, fragment: str) -> None:
    assert old in MODULE_YML
    root = one_module(tmp_path, **{"module.yml": MODULE_YML.replace(old, new)})

    problems = [problem for problem in _problems(root) if problem[0] == "modules/m/module.yml"]

    assert (line, "error") in [problem[1:3] for problem in problems], problems
    assert any(fragment in problem[3] for problem in problems if problem[1] == line), problems


@pytest.mark.parametrize(
    ("text", "line", "severity", "fragment"),
    [
        ("[x](../autre/une)\n", 1, "error", "link '../autre/une' points outside the module"),
        ("a\n\n[x](une.fr.md)\n", 3, "error", "link to a missing section 'une.fr.md'"),
        ("[x](images/absent.png)\n", 1, "error", "link to a missing image"),
        ("![x](https://example.org/a.png)\n", 1, "error", "is outside the module folder"),
        ("![x](/modules/m/images/a.png)\n", 1, "error", "is outside the module folder"),
        ("![x](a.png)\n", 1, "error", "is not in the module's images/ folder"),
        ("![x](data:image/png;base64,AAAA)\n", 1, "warning", "uses the scheme 'data:' and is removed"),
        ("[x](//example.org)\n", 1, "warning", "is not an address of this site and is removed"),
        ("[x](&#106;avascript:alert(1))\n", 1, "warning", "uses the scheme 'javascript:'"),
        ("a\n\nb [x][1]\n\n[1]: vbscript:msgbox(1)\n", 5, "warning", "uses the scheme 'vbscript:'"),
        ('!!! note danger "Titre"\n    Texte.\n', 1, "error", "unknown callout type 'danger'"),
    ],
)
def test_section_text_rules(tmp_path: Path, text: str, line: int, severity: str, fragment: str) -> None:
    root = one_module(tmp_path, **{"une.fr.md": text})

    _only(_problems(root), "modules/m/une.fr.md", line, severity, fragment)


@pytest.mark.parametrize(
    "text",
    [
        "[x](une) [y](#titre) [z](une#titre) [w](/modules) [v](https://example.org) [u](mailto:a@example.org)\n",
        "```\n!!! danger\n[x](nowhere)\n```\n",
        "Code:\n\n    [x](nowhere)\n",
        "`[x](nowhere)`\n",
        '<a href="nowhere">raw HTML is left to the sanitizer</a>\n',
    ],
)
def test_good_links_and_code_are_not_reported(tmp_path: Path, text: str) -> None:
    root = one_module(tmp_path, **{"une.fr.md": text})

    assert _problems(root) == []


def test_a_link_line_is_found_among_repeated_targets(tmp_path: Path) -> None:
    text = "[a](autre)\n\nTexte sur autre chose.\n\n[b](une)\n\n[c](autre)\n"
    root = one_module(tmp_path, **{"une.fr.md": text})

    problems = _problems(root)

    assert [problem[1] for problem in problems] == [1, 7]


@pytest.mark.parametrize(
    ("files", "path", "fragment"),
    [
        ({"modules/m/notes.txt": "x"}, "modules/m/notes.txt", "unexpected file"),
        ({"modules/m/brouillons/a.md": "x"}, "modules/m/brouillons", "unexpected folder"),
        ({"modules/m/une.md": "x"}, "modules/m/une.md", "unexpected Markdown file"),
        ({"modules/m/une.es.md": "x"}, "modules/m/une.es.md", "unexpected Markdown file"),
        ({"modules/m/images/deux mots.png": b"x"}, "modules/m/images/deux mots.png", "image file names use"),
        ({"modules/m/images/sub/a.png": b"x"}, "modules/m/images/sub", "unexpected folder"),
        ({"modules/m/images/a.svg": '<svg onload="x()"/>'}, "modules/m/images/a.svg", "SVG image holds"),
        ({"modules/notes.txt": "x"}, "modules/notes.txt", "unexpected file: modules/ holds"),
        ({"quizzes/m.yaml": "x"}, "quizzes/m.yaml", "unexpected file: quizzes/ holds"),
        ({"modules/Mauvais/module.yml": MODULE_YML}, "modules/Mauvais", "is not a valid slug"),
    ],
)
def test_unexpected_files(tmp_path: Path, files: dict[str, str | bytes], path: str, fragment: str) -> None:
    root = write_tree(one_module(tmp_path), files)

    problems = _problems(root)

    assert (path, 1, "error") in [problem[:3] for problem in problems], problems
    assert any(fragment in problem[3] for problem in problems if problem[0] == path)


def test_supported_images_and_readmes_are_fine(tmp_path: Path) -> None:
    images = {f"modules/m/images/a{n}{extension}": b"x" for n, extension in enumerate(IMAGE_EXTENSIONS)}
    readmes = {"modules/README.md": "# x", "quizzes/README.md": "# x", "modules/m/.DS_Store": b"x"}
    root = write_tree(one_module(tmp_path), {**images, **readmes, "modules/m/images/b.svg": "<svg></svg>"})

    result = check_content(root)

    assert result.problems == ()
    assert result.tree is not None
    assert [image.content_type for image in result.tree.modules[0].images] == [
        "image/png",
        "image/jpeg",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/svg+xml",
        "image/svg+xml",
    ]


IMAGE_EXTENSIONS = [".png", ".jpg", ".JPEG", ".gif", ".webp", ".svg"]


QUIZ_CASES = [
    (", correct: true}", "}", 12, "a single question needs exactly one correct choice, not 0"),
    ("type: single", "type: multiple", None, None),
    ("type: single", "type: essay", 10, "type must be one of single, multiple, true_false, not 'essay'"),
    ("pass_mark: 50", "pass_mark: 0", 3, "pass_mark must be a whole number from 1 to 100"),
    ("attempts: 0", "attempts: -1", 4, "attempts must be a whole number of at least 0"),
    ("reveal: never", "reveal: always", 7, "reveal must be one of never, after_passing"),
    ("shuffle_choices: false", "shuffle_choices: 1", 6, "shuffle_choices must be true or false"),
    ("  - id: q\n", "  - id: Q\n", 9, "question 1: id 'Q' is not a valid id"),
    ("{id: b,", "{id: 'b c',", 14, "choice 2: id 'b c' is not a valid id"),
    ("{id: b, text: {fr: B, en: B}}", "{id: b, text: {fr: B, en: B}, correct: oui}", 14, "correct must be true or"),
    ("{id: b, text: {fr: B, en: B}}", "{id: b, text: {en: B}}", 14, "text: French text missing"),
    ("    prompt: {fr: Question, en: Question}\n", "", 9, "question 'q': missing key 'prompt'"),
    ("    explanation: {fr: Explication, en: Explanation}\n", "    feedback: x\n", 16, "unknown key 'feedback'"),
    ("    hint: {fr: Relisez la section, en: Reread the section}\n", "", 9, "question 'q': missing key 'hint'"),
    ("questions:\n", "questions: []\n", 8, "a quiz needs at least one question"),
    ("module: m", "module: M", 2, "module 'M' is not a valid id"),
]


@pytest.mark.parametrize(("old", "new", "line", "fragment"), QUIZ_CASES)
def test_quiz_rules(tmp_path: Path, old: str, new: str, line: int | None, fragment: str | None) -> None:
    assert old in QUIZ_YML
    quiz = QUIZ_YML.replace(old, new, 1)
    if old == "questions:\n":
        quiz = quiz[: quiz.index("questions: []\n") + len("questions: []\n")]
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    problems = _problems(root)

    if line is None:
        assert problems == []
        return
    assert (line, "error") in [problem[1:3] for problem in problems], problems
    assert any(fragment in problem[3] for problem in problems if problem[1] == line), problems


def test_true_false_needs_a_boolean_answer_and_no_choices(tmp_path: Path) -> None:
    quiz = QUIZ_YML.replace("type: single", "type: true_false")
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    problems = _problems(root)

    assert [(problem[1], problem[3]) for problem in problems] == [
        (9, "question 'q': missing key 'answer'"),
        (12, "question 'q': a true_false question has an answer (true or false), not choices"),
    ]


def test_choice_questions_have_no_answer(tmp_path: Path) -> None:
    quiz = QUIZ_YML.replace("    hint:", "    answer: true\n    hint:")
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    _only(_problems(root), "quizzes/m.yml", 15, "error", "a single question has choices, not an answer")


REVEALING_HINTS = [
    # The text of the correct choice, whatever the case, accents, punctuation or a leading article.
    (
        {"{fr: A, en: A}, correct: true": "{fr: En décembre 2002, en: In December 2002}, correct: true"},
        "hint: {fr: Relisez la section, en: Reread the section}",
        'hint: {fr: Relisez la section, en: "**december 2002!**"}',
        "the hint (en) repeats the text of choice 'a' ('In December 2002'): it states the answer",
    ),
    # The text of a wrong choice: it rules that choice out.
    (
        {"{fr: B, en: B}}": "{fr: Aucun partenaire, en: No partner}}"},
        "hint: {fr: Relisez la section, en: Reread the section}",
        "hint: {fr: « Aucun partenaire » ne convient pas, en: Reread the section}",
        "the hint (fr) repeats the text of choice 'b' ('Aucun partenaire'): it rules that choice out",
    ),
    # A number of a correct choice (a date, a count).
    (
        {"{fr: A, en: A}, correct: true": "{fr: En décembre 2002, en: In December 2002}, correct: true"},
        "hint: {fr: Relisez la section, en: Reread the section}",
        "hint: {fr: Pensez à l’an 2002, en: Reread the section}",
        "the hint (fr) gives 2002, a number of a correct choice",
    ),
]


@pytest.mark.parametrize(("choices", "old", "new", "message"), REVEALING_HINTS)
def test_a_hint_that_gives_the_answer_away_is_refused_at_its_line(
    tmp_path: Path, choices: dict[str, str], old: str, new: str, message: str
) -> None:
    quiz = QUIZ_YML.replace(old, new)
    for before, after in choices.items():
        quiz = quiz.replace(before, after)
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    problems = _problems(root)
    assert problems and all(problem[:3] == ("quizzes/m.yml", 15, "error") for problem in problems), problems
    assert any(f"question 'q': {message}" in problem[3] for problem in problems), problems
    assert all("must point to what to reread without giving the answer" in problem[3] for problem in problems)
    assert check_content(root).tree is None


TRUE_FALSE_YML = QUIZ_YML.replace("type: single", "type: true_false").replace(
    """    prompt: {fr: Question, en: Question}
    choices:
      - {id: a, text: {fr: A, en: A}, correct: true}
      - {id: b, text: {fr: B, en: B}}
""",
    """    prompt: {fr: "On peut intervenir seul.", en: "One can intervene alone."}
    answer: false
""",
)


@pytest.mark.parametrize(
    ("hint", "line", "message"),
    [
        ("hint:\n      fr: Faux, relisez la section.\n      en: Reread the section.", 14, "the hint (fr) says 'faux'"),
        ('hint:\n      fr: Relisez la section.\n      en: "*False*: reread it."', 15, "the hint (en) says 'false'"),
        ('hint: {fr: "Vraiment ?", en: "It is true."}', 13, "the hint (en) says 'true'"),
        ('hint: {fr: "On peut intervenir seul !", en: Reread}', 13, "the hint (fr) repeats the statement to judge"),
    ],
)
def test_a_true_false_hint_may_not_say_true_or_false(tmp_path: Path, hint: str, line: int, message: str) -> None:
    quiz = TRUE_FALSE_YML.replace("hint: {fr: Relisez la section, en: Reread the section}", hint)
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    _only(_problems(root), "quizzes/m.yml", line, "error", f"question 'q': {message}")


def test_a_true_false_hint_that_explains_is_accepted(tmp_path: Path) -> None:
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": TRUE_FALSE_YML})

    assert _problems(root) == []


@pytest.mark.parametrize(
    ("prompt", "language"),
    [
        ('{fr: "Lesquels ? Cochez toutes les bonnes réponses.", en: "Which ones?"}', "fr"),
        ('{fr: "Lesquels ?", en: "Which ones? Check all that apply."}', "en"),
    ],
)
def test_a_multiple_prompt_leaves_select_every_answer_to_the_form(tmp_path: Path, prompt: str, language: str) -> None:
    quiz = QUIZ_YML.replace("type: single", "type: multiple").replace(
        "prompt: {fr: Question, en: Question}", f"prompt: {prompt}"
    )
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    _only(_problems(root), "quizzes/m.yml", 11, "error", f"the prompt ({language}) says to select every right answer")


def test_a_format_1_quiz_is_refused_with_what_changed(tmp_path: Path) -> None:
    quiz = QUIZ_YML.replace("format: 2", "format: 1").replace(
        "    hint: {fr: Relisez la section, en: Reread the section}\n    explanation:", "    feedback:"
    )
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": quiz})

    _only(_problems(root), "quizzes/m.yml", 1, "error", "quiz format 1 is no longer read: format 2 replaces")
    assert "'hint'" in _problems(root)[0][3] and "'explanation'" in _problems(root)[0][3]


def test_an_unknown_quiz_format_is_refused(tmp_path: Path) -> None:
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": QUIZ_YML.replace("format: 2", "format: 3")})

    _only(_problems(root), "quizzes/m.yml", 1, "error", "format must be 2, not the number 3")


def test_correct_defaults_to_false(tmp_path: Path) -> None:
    root = write_tree(one_module(tmp_path), {"quizzes/m.yml": QUIZ_YML})

    tree = check_content(root).tree

    assert tree is not None
    quiz = tree.modules[0].quiz
    assert quiz is not None
    assert [choice.correct for choice in quiz.questions[0].choices] == [True, False]


TRACKS_YML = """\
format: 1
tracks:
  - slug: t
    title: {fr: Parcours, en: Track}
    modules: [m]
    assigned_to: [worker, pivot]
    validity_months: 12
    days_to_finish: 30
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("modules: [m]", "modules: []", 5, "a track needs at least one module"),
        ("modules: [m]", "modules: [m, m]", 5, "module 'm' is listed twice"),
        ("modules: [m]", "modules: m", 5, "modules must be a list"),
        ("[worker, pivot]", "[worker, admin]", 6, "unknown role 'admin'"),
        ("validity_months: 12", "validity_months: 0", 7, "validity_months must be a positive whole number"),
        ("days_to_finish: 30\n", "", 3, "track 't': missing key 'days_to_finish'"),
        ("slug: t", "slug: T T", 3, "slug 'T T' is not a valid id"),
        ("format: 1\n", "", 1, "missing key 'format'"),
    ],
)
def test_track_rules(tmp_path: Path, old: str, new: str, line: int, fragment: str) -> None:
    assert old in TRACKS_YML
    root = write_tree(one_module(tmp_path), {"modules/tracks.yml": TRACKS_YML.replace(old, new)})

    problems = _problems(root)

    assert ("modules/tracks.yml", line, "error") in [problem[:3] for problem in problems], problems
    assert any(fragment in problem[3] for problem in problems if problem[1] == line), problems


def test_tracks_with_no_assigned_role_are_fine(tmp_path: Path) -> None:
    root = write_tree(one_module(tmp_path), {"modules/tracks.yml": TRACKS_YML.replace("[worker, pivot]", "[]")})

    tree = check_content(root).tree

    assert tree is not None
    assert tree.tracks[0].assigned_to == ()
