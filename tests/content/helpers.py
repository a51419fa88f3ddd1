"""Fixture trees and small builders for the content tests (pure: no application, no database)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"

MODULE_YML = """\
format: 1
version: "1.0"
title: {fr: Module, en: Module}
summary: {fr: Résumé, en: Summary}
minutes: 5
requires_review: false
sections:
  - slug: une
    title: {fr: Une, en: One}
"""


def copy_valid(destination: Path) -> Path:
    """A copy of the valid fixture tree under ``destination``, to edit."""
    root = destination / "content"
    shutil.copytree(VALID, root)
    return root


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text, dedented, or bytes) under ``root``; return ``root``."""
    (root / "modules").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def one_module(root: Path, **overrides: str | bytes | None) -> Path:
    """A tree holding module ``m`` with one section ``une``; ``overrides`` replace (or, None, remove) files by
    relative path inside ``modules/m/`` (``module.yml``, ``une.fr.md``...)."""
    files: dict[str, str | bytes | None] = {
        "module.yml": MODULE_YML,
        "une.fr.md": "## Une\n\nTexte.\n",
        "une.en.md": "## One\n\nText.\n",
    }
    files.update(overrides)
    return write_tree(root, {f"modules/m/{name}": content for name, content in files.items() if content is not None})
