"""The content package stays pure, and its hashes are what the docs say."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

import elearning.content
from elearning.content import Localized, Problem
from elearning.content.hashing import hash_bytes, hash_files

PACKAGE = Path(elearning.content.__file__).parent
FORBIDDEN_IMPORTS = (
    "flask",
    "sqlalchemy",
    "elearning.models",
    "elearning.extensions",
    "elearning.services",
    "elearning.app",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_the_package_imports_nothing_from_flask_the_database_or_services(path: Path) -> None:
    imported = _imports(path)

    assert [name for name in imported if name.startswith(FORBIDDEN_IMPORTS)] == []


def test_rendering_libraries_are_used_in_render_only() -> None:
    users = {
        path.name
        for path in PACKAGE.glob("*.py")
        if _imports(path) & {"markdown", "nh3"} or any(name.startswith("markdown.") for name in _imports(path))
    }

    assert users == {"render.py"}


def test_hash_files_is_order_independent_and_covers_names_and_bytes() -> None:
    files = [("a.md", b"un"), ("b.md", b"deux")]

    assert hash_files(files) == hash_files(reversed(files))
    assert hash_files(files) != hash_files([("a.md", b"un"), ("c.md", b"deux")])
    assert hash_files(files) != hash_files([("a.md", b"un"), ("b.md", b"deux\n")])
    assert hash_files([("a", b"bc")]) != hash_files([("ab", b"c")])
    assert hash_files([("a", b"")]) != hash_files([("a", None)])
    assert hash_files([("a", b"x"), ("b", None)]) != hash_files([("a", b"x")])
    assert hash_bytes(b"x") == hashlib.sha256(b"x").hexdigest()


def test_line_endings_are_not_normalized() -> None:
    assert hash_files([("a.md", b"un\n")]) != hash_files([("a.md", b"un\r\n")])


def test_localized_falls_back_to_french() -> None:
    both = Localized("Bonjour", "Hello")
    french_only = Localized("Bonjour", None)

    assert (both.get("fr"), both.get("en"), both.get("de")) == ("Bonjour", "Hello", "Bonjour")
    assert french_only.get("en") == "Bonjour"
    assert (french_only.has("fr"), french_only.has("en"), both.has("en")) == (True, False, True)


def test_a_problem_prints_as_path_line_message() -> None:
    assert str(Problem("modules/m/module.yml", 3, "title: French text missing")) == (
        "modules/m/module.yml:3: title: French text missing"
    )
    assert str(Problem("modules/m/module.yml", 3, "title: English text missing", "warning")) == (
        "modules/m/module.yml:3: warning: title: English text missing"
    )
