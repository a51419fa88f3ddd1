"""check_content on the broken fixture tree: one instance of each error kind, each at its path and line."""

from __future__ import annotations

from collections import Counter

from elearning.content import CheckResult, check_content
from tests.content.helpers import BROKEN

#: (path, line, stable part of the message): every error the broken tree holds, and no other.
EXPECTED_ERRORS = [
    # modules/accueil/module.yml: one file, three errors
    ("modules/accueil/module.yml", 3, "title: French text missing"),
    ("modules/accueil/module.yml", 8, "minutes must be a positive whole number, not the number 0"),
    ("modules/accueil/module.yml", 10, "unknown key 'colour'"),
    # section files, images and links
    ("modules/accueil/brouillon.fr.md", 1, "section file not listed in module.yml"),
    ("modules/accueil/images/notes.bmp", 1, "unsupported image type '.bmp'"),
    ("modules/accueil/images/schema.svg", 1, "SVG image holds a script"),
    ("modules/accueil/intro.fr.md", 3, "link to a missing section 'suite-inexistante'"),
    ("modules/accueil/intro.fr.md", 5, "link to a missing image 'images/absent.png'"),
    ("modules/accueil/intro.fr.md", 7, "image '../autre-module/images/x.png' is outside the module folder"),
    ("modules/accueil/intro.fr.md", 9, "image 'images/reseau.png' has no alt text"),
    # modules/doublons/module.yml
    ("modules/doublons/module.yml", 1, "missing key 'summary'"),
    ("modules/doublons/module.yml", 1, "format must be 1, not the number 2"),
    ("modules/doublons/module.yml", 6, "duplicate key 'minutes' (first at line 5)"),
    ("modules/doublons/module.yml", 11, "duplicate section slug 'partie' (first at line 9)"),
    ("modules/doublons/module.yml", 13, "section slug 'quiz' is reserved"),
    ("modules/doublons/module.yml", 15, "slug 'Mauvais_Slug' is not a valid id"),
    ("modules/doublons/module.yml", 17, "section 'absente': French text missing (no file absente.fr.md)"),
    ("modules/doublons/partie.fr.md", 3, "unknown callout type 'danger'"),
    # other modules
    ("modules/malformee/module.yml", 6, "malformed YAML"),
    ("modules/sans-module-yml/module.yml", 1, "missing module.yml"),
    # tracks
    ("modules/tracks.yml", 5, "unknown module 'inexistant'"),
    ("modules/tracks.yml", 9, "duplicate track slug 'base' (first at line 3)"),
    ("modules/tracks.yml", 12, "unknown role 'superviseur'"),
    # quizzes
    ("quizzes/accueil.yml", 1, "missing key 'format'"),
    ("quizzes/accueil.yml", 2, "pass_mark must be a whole number from 1 to 100, not the number 150"),
    ("quizzes/accueil.yml", 11, "a single question needs exactly one correct choice, not 2"),
    ("quizzes/accueil.yml", 19, "a multiple question needs at least one correct choice"),
    ("quizzes/accueil.yml", 27, "a question needs at least two choices"),
    ("quizzes/accueil.yml", 35, "a true_false question has an answer (true or false), not choices"),
    ("quizzes/accueil.yml", 42, "answer must be true or false, not 'peut-etre'"),
    ("quizzes/accueil.yml", 45, "duplicate question id 'deux-bonnes' (first at line 8)"),
    ("quizzes/accueil.yml", 50, "duplicate choice id 'a' (first at line 49)"),
    ("quizzes/inconnu.yml", 2, "unknown module 'inconnu'"),
    ("quizzes/mauvais-nom.yml", 2, "must be named doublons.yml, not mauvais-nom.yml"),
]
EXPECTED_WARNINGS = [
    ("modules/doublons/module.yml", 3, "title: English text missing"),
    ("modules/doublons/module.yml", 9, "section 'partie': English text missing (no file partie.en.md)"),
    ("modules/doublons/partie.fr.md", 6, "link 'javascript:alert(1)' uses the scheme 'javascript:' and is removed"),
]


def _matches(result: tuple[str, int, str], expected: tuple[str, int, str]) -> bool:
    return result[:2] == expected[:2] and expected[2] in result[2]


def _unmatched(found: list[tuple[str, int, str]], expected: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The expected problems not found, each found problem matching at most one expected."""
    remaining = list(found)
    missing = []
    for item in expected:
        match = next((problem for problem in remaining if _matches(problem, item)), None)
        if match is None:
            missing.append(item)
        else:
            remaining.remove(match)
    return missing


def _as_tuples(problems: CheckResult) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]:
    errors = [(problem.path, problem.line, problem.message) for problem in problems.errors]
    warnings = [(problem.path, problem.line, problem.message) for problem in problems.warnings]
    return errors, warnings


def test_every_error_is_reported_at_its_path_and_line() -> None:
    result = check_content(BROKEN)
    errors, _ = _as_tuples(result)

    assert _unmatched(errors, EXPECTED_ERRORS) == []
    assert len(errors) == len(EXPECTED_ERRORS), "an error was reported that the fixture does not plant"
    assert result.tree is None


def test_warnings_only_where_expected() -> None:
    _, warnings = _as_tuples(check_content(BROKEN))

    assert _unmatched(warnings, EXPECTED_WARNINGS) == []
    assert len(warnings) == len(EXPECTED_WARNINGS)


def test_one_file_holds_three_errors_and_a_duplicate_key_is_caught() -> None:
    result = check_content(BROKEN)

    per_file = Counter(problem.path for problem in result.errors)
    assert per_file["modules/accueil/module.yml"] == 3
    assert any("duplicate key" in problem.message for problem in result.errors)


def test_problems_are_sorted_and_printed_as_path_line_message() -> None:
    result = check_content(BROKEN)

    assert list(result.problems) == sorted(result.problems, key=lambda problem: (problem.path, problem.line))
    printed = [str(problem) for problem in result.problems]
    assert "modules/doublons/module.yml:6: duplicate key 'minutes' (first at line 5)" in printed
    assert "modules/doublons/module.yml:3: warning: title: English text missing" in printed
    assert result.summary() == f"{len(EXPECTED_ERRORS)} errors, {len(EXPECTED_WARNINGS)} warnings"


def test_strict_turns_the_warnings_into_errors() -> None:
    result = check_content(BROKEN, strict=True)

    assert result.warnings == ()
    assert len(result.errors) == len(EXPECTED_ERRORS) + len(EXPECTED_WARNINGS)
