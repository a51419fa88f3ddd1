"""check_content on the valid fixture tree: no problem, and the tree the sync loads."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from elearning.content import ContentTree, Localized, check_content
from elearning.content.hashing import hash_files
from tests.content.helpers import VALID, copy_valid


@pytest.fixture(scope="module")
def tree() -> ContentTree:
    result = check_content(VALID)
    assert result.problems == ()
    assert result.tree is not None
    return result.tree


def test_the_valid_tree_has_no_problem() -> None:
    result = check_content(VALID, strict=True)

    assert result.problems == ()
    assert result.errors == ()
    assert result.warnings == ()
    assert result.ok
    assert result.summary() == "2 modules, 1 quiz, 2 tracks: no problems"


def test_modules_are_sorted_by_slug_with_their_metadata(tree: ContentTree) -> None:
    assert [module.slug for module in tree.modules] == ["mise-en-contexte", "table-regionale"]
    first, second = tree.modules
    assert first.version == "1.0"
    assert first.title == Localized("Mise en contexte", "Background")
    assert first.summary.get("en") == "What led to the creation of the Table."
    assert first.minutes == 15
    assert first.requires_review is False
    assert first.change_note == Localized("Première version.", "First version.")
    assert second.version == "2.1"
    assert second.requires_review is True
    assert second.change_note is None
    assert second.quiz is None
    assert second.images == ()


def test_sections_keep_their_order_texts_and_rendered_html(tree: ContentTree) -> None:
    module = tree.modules[0]

    assert [(section.position, section.slug) for section in module.sections] == [
        (1, "decembre-2002"),
        (2, "constats"),
        (3, "suites"),
    ]
    section = module.sections[0]
    assert section.title == Localized("Décembre 2002", "December 2002")
    assert section.markdown.fr == (VALID / "modules/mise-en-contexte/decembre-2002.fr.md").read_text()
    assert section.html.fr.startswith('<h2 id="c-le-demantelement">Le démantèlement</h2>')
    assert '<a href="/modules/mise-en-contexte/constats" rel="noopener noreferrer">les constats</a>' in section.html.fr
    assert 'href="/modules/mise-en-contexte/suites#c-la-table"' in section.html.fr
    assert 'src="/modules/mise-en-contexte/images/reseau.png"' in section.html.fr
    assert '<th class="align-center">Event</th>' in (section.html.en or "")
    assert [section.slug for section in tree.modules[1].sections] == ["membres", "mandat"]


def test_images_carry_their_bytes_and_content_type(tree: ContentTree) -> None:
    (image,) = tree.modules[0].images

    assert image.name == "reseau.png"
    assert image.content_type == "image/png"
    assert image.data == (VALID / "modules/mise-en-contexte/images/reseau.png").read_bytes()
    assert image.data.startswith(b"\x89PNG")


def test_the_quiz_has_all_three_question_types(tree: ContentTree) -> None:
    quiz = tree.modules[0].quiz

    assert quiz is not None
    assert (quiz.module, quiz.pass_mark, quiz.attempts) == ("mise-en-contexte", 80, 3)
    assert (quiz.shuffle_questions, quiz.shuffle_choices) == (True, False)
    assert quiz.reveal == "after_passing_or_last_attempt"
    single, multiple, true_false = quiz.questions
    assert (single.id, single.type, single.answer) == ("annee-demantelement", "single", None)
    assert [(choice.id, choice.correct) for choice in single.choices] == [("a", True), ("b", False)]
    assert single.choices[0].text == Localized("2002", "2002")
    assert single.prompt_html.fr == "En quelle année le réseau a-t-il été <em>démantelé</em> ?"
    assert multiple.type == "multiple"
    assert multiple.correct_choice_ids == {"a", "b"}
    assert 'href="/modules/mise-en-contexte/constats"' in multiple.explanation_html.fr
    assert (true_false.type, true_false.choices, true_false.answer) == ("true_false", (), False)
    assert true_false.explanation.get("en") == "Nobody intervenes alone."
    data = (VALID / "quizzes/mise-en-contexte.yml").read_bytes()
    assert quiz.content_hash == hashlib.sha256(data).hexdigest()


def test_tracks_keep_their_file_order(tree: ContentTree) -> None:
    assert [track.slug for track in tree.tracks] == ["formation-de-base", "certification-pivot"]
    pivot = tree.tracks[1]
    assert pivot.title == Localized("Certification pivot", "Pivot certification")
    assert pivot.modules == ("table-regionale", "mise-en-contexte")
    assert pivot.assigned_to == ("pivot", "coordinator")
    assert (pivot.validity_months, pivot.days_to_finish) == (24, 90)


def test_hashes_are_hex_sha256_and_cover_the_files(tree: ContentTree) -> None:
    module = tree.modules[0]
    base = "modules/mise-en-contexte"
    names = [
        f"{base}/module.yml",
        *(f"{base}/{section.slug}.{language}.md" for section in module.sections for language in ("fr", "en")),
        f"{base}/images/reseau.png",
        "quizzes/mise-en-contexte.yml",
    ]

    assert module.content_hash == hash_files((name, (VALID / name).read_bytes()) for name in names)
    section = module.sections[1]
    assert section.content_hash == hash_files(
        (name, (VALID / base / name).read_bytes()) for name in ("constats.fr.md", "constats.en.md")
    )
    hashes = [module.content_hash for module in tree.modules]
    hashes += [section.content_hash for module in tree.modules for section in module.sections]
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in hashes)
    assert len(set(hashes)) == len(hashes)


def test_hashes_are_stable_across_loads(tmp_path: Path, tree: ContentTree) -> None:
    again = check_content(copy_valid(tmp_path)).tree

    assert again is not None
    assert again == tree
    assert [module.content_hash for module in again.modules] == [module.content_hash for module in tree.modules]


def _hashes(root: Path) -> dict[str, str]:
    tree = check_content(root).tree
    assert tree is not None
    hashes = {module.slug: module.content_hash for module in tree.modules}
    hashes |= {
        f"{module.slug}/{section.slug}": section.content_hash for module in tree.modules for section in module.sections
    }
    quiz = tree.modules[0].quiz
    assert quiz is not None
    return hashes | {"quiz": quiz.content_hash}


@pytest.mark.parametrize(
    ("path", "changed"),
    [
        ("modules/mise-en-contexte/constats.en.md", {"mise-en-contexte", "mise-en-contexte/constats"}),
        ("modules/mise-en-contexte/module.yml", {"mise-en-contexte"}),
        ("modules/mise-en-contexte/images/reseau.png", {"mise-en-contexte"}),
        ("quizzes/mise-en-contexte.yml", {"mise-en-contexte", "quiz"}),
        ("modules/table-regionale/mandat.fr.md", {"table-regionale", "table-regionale/mandat"}),
    ],
)
def test_one_changed_byte_changes_exactly_the_hashes_that_cover_it(
    tmp_path: Path, path: str, changed: set[str]
) -> None:
    root = copy_valid(tmp_path)
    before = _hashes(root)
    file = root / path
    data = bytearray(file.read_bytes())
    data[-1:] = b"\r\n" if data.endswith(b"\n") else bytes([data[-1] ^ 1])  # one byte: even a line ending counts
    file.write_bytes(bytes(data))

    after = _hashes(root)

    assert {key for key in before if before[key] != after[key]} == changed


def test_the_tree_is_plain_data_rendered_once(tree: ContentTree) -> None:
    """Every field is a plain value already computed: nothing renders when the tree is read."""

    def walk(value: object) -> None:
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        else:
            assert value is None or isinstance(value, str | int | bool | bytes)

    walk(tree)


def test_an_empty_modules_folder_is_an_empty_tree(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()

    result = check_content(tmp_path)

    assert result.problems == ()
    assert result.tree == ContentTree(modules=(), tracks=())
    assert result.summary() == "0 modules, 0 quizzes, 0 tracks: no problems"


def test_a_root_without_modules_folder_is_an_error(tmp_path: Path) -> None:
    result = check_content(tmp_path / "nowhere")

    assert [(problem.path, problem.line) for problem in result.problems] == [("modules", 1)]
    assert result.tree is None
    assert result.summary() == "1 error"
