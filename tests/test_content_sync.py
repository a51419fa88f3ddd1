"""``elearning content check|sync``: all problems reported; all-or-nothing, idempotent, versioned sync."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from elearning.extensions import db
from elearning.models import AuditEvent, Module, ModuleVersion, Section, SectionView, Track
from elearning.services.catalog import lookup
from elearning.services.learning import progress
from tests.content.helpers import BROKEN, VALID
from tests.factories import load_content, make_person

CONTENT_TABLES = (
    "modules",
    "module_versions",
    "sections",
    "module_images",
    "quizzes",
    "questions",
    "choices",
    "tracks",
    "track_modules",
    "audit_events",
)


@pytest.fixture
def content_dump(dump: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    return lambda: {name: rows for name, rows in dump().items() if name in CONTENT_TABLES}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(VALID, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_reports_every_problem_with_path_and_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["content", "check", str(BROKEN)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "content check: 34 errors, 3 warnings"
    problems = [line for line in lines[:-1]]
    assert len(problems) == 37
    # One file holding three errors, and a duplicate YAML key, each at its line.
    assert len([line for line in problems if line.startswith("modules/accueil/module.yml:")]) == 3
    assert any(line.startswith("modules/doublons/module.yml:6: ") and "duplicate key" in line for line in problems)


def test_check_clean_tree_prints_one_summary_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["content", "check", str(VALID)])
    assert result.exit_code == 0
    assert result.output.strip() == "content check: 2 modules, 1 quiz, 2 tracks: no problems"


def test_the_projects_content_passes_the_strict_check(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["content", "check", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "content check: 4 modules, 4 quizzes, 2 tracks: no problems"


def test_strict_turns_warnings_into_errors(runner: FlaskCliRunner, tree: Path) -> None:
    (tree / "modules" / "table-regionale" / "membres.en.md").unlink()
    assert runner.invoke(args=["content", "check", str(tree)]).exit_code == 0
    strict = runner.invoke(args=["content", "check", "--strict", str(tree)])
    assert strict.exit_code == 1
    assert "modules/table-regionale/membres.en.md" in strict.output or "membres" in strict.output


def test_sync_refuses_a_broken_tree_and_changes_nothing(
    runner: FlaskCliRunner, content_dump: Callable[[], Any], tree: Path
) -> None:
    assert runner.invoke(args=["content", "sync", str(tree)]).exit_code == 0
    before = content_dump()
    result = runner.invoke(args=["content", "sync", str(BROKEN)])
    assert result.exit_code == 1
    assert (
        result.output.strip().splitlines()[-1] == "Error: content sync refused, nothing changed: 34 errors, 3 warnings"
    )
    assert content_dump() == before


def test_sync_twice_the_second_changes_nothing(
    app: Flask, runner: FlaskCliRunner, dump: Callable[[], Any], tree: Path
) -> None:
    first = runner.invoke(args=["content", "sync", str(tree)])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "module mise-en-contexte: new (version 1.0)",
        "module table-regionale: new (version 2.1)",
        "track formation-de-base: new",
        "track certification-pivot: new",
        "content sync: 4 changes loaded",
    ]
    after_first = dump()
    second = runner.invoke(args=["content", "sync", str(tree)])
    assert second.exit_code == 0
    assert second.output.splitlines()[-1] == "content sync: no change"
    assert all("unchanged" in line for line in second.output.splitlines()[:-1])
    assert dump() == after_first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_editing_one_section_creates_one_new_version(app: Flask, runner: FlaskCliRunner, tree: Path) -> None:
    assert runner.invoke(args=["content", "sync", str(tree)]).exit_code == 0
    module_dir = tree / "modules" / "mise-en-contexte"
    edit(module_dir / "constats.fr.md", "Les", "Certains")
    edit(module_dir / "module.yml", 'version: "1.0"', 'version: "1.1"')
    result = runner.invoke(args=["content", "sync", str(tree)])
    assert result.exit_code == 0, result.output
    assert "module mise-en-contexte: changed (version 1.0 → 1.1)" in result.output
    assert "module table-regionale: unchanged (version 2.1)" in result.output
    with app.app_context():
        versions = db.session.execute(
            sa.select(Module.slug, ModuleVersion.version).join(Module).order_by(Module.slug, ModuleVersion.id)
        ).all()
        assert [tuple(row) for row in versions] == [
            ("mise-en-contexte", "1.0"),
            ("mise-en-contexte", "1.1"),
            ("table-regionale", "2.1"),
        ]
        hashes = db.session.execute(
            sa.select(Section.slug, Section.module_version_id, Section.content_hash).order_by(Section.id)
        ).all()
        by_slug: dict[str, set[str]] = {}
        for slug, _version, content_hash in hashes:
            by_slug.setdefault(slug, set()).add(content_hash)
        assert len(by_slug["constats"]) == 2
        assert len(by_slug["decembre-2002"]) == 1


def test_changed_files_with_an_unchanged_label_are_refused(
    runner: FlaskCliRunner, content_dump: Callable[[], Any], tree: Path
) -> None:
    assert runner.invoke(args=["content", "sync", str(tree)]).exit_code == 0
    before = content_dump()
    edit(tree / "modules" / "mise-en-contexte" / "constats.fr.md", "Les", "Certains")
    result = runner.invoke(args=["content", "sync", str(tree)])
    assert result.exit_code == 1
    assert (
        "modules/mise-en-contexte/module.yml:2: the module's files changed but its version '1.0' did not"
        in result.output
    )
    assert content_dump() == before


def test_a_removed_module_is_retired_and_its_history_kept(app: Flask, runner: FlaskCliRunner, tree: Path) -> None:
    assert runner.invoke(args=["content", "sync", str(tree)]).exit_code == 0
    shutil.rmtree(tree / "modules" / "table-regionale")
    tracks = (tree / "modules" / "tracks.yml").read_text(encoding="utf-8")
    (tree / "modules" / "tracks.yml").write_text(
        tracks.replace(", table-regionale", "").replace("table-regionale, ", ""), encoding="utf-8"
    )
    result = runner.invoke(args=["content", "sync", str(tree)])
    assert result.exit_code == 0, result.output
    assert "module table-regionale: retired" in result.output
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "table-regionale"))
        assert module.retired_at is not None
        assert db.session.scalar(sa.select(sa.func.count()).where(ModuleVersion.module_id == module.id)) == 1
        assert [ref.module.slug for ref in lookup.active_modules()] == ["mise-en-contexte"]
    # Put back, it is restored with its version.
    shutil.copytree(VALID / "modules" / "table-regionale", tree / "modules" / "table-regionale")
    shutil.copy(VALID / "modules" / "tracks.yml", tree / "modules" / "tracks.yml")
    result = runner.invoke(args=["content", "sync", str(tree)])
    assert "module table-regionale: restored (version 2.1)" in result.output


def test_tracks_are_loaded_in_order(app: Flask, tree: Path) -> None:
    with app.app_context():
        load_content(tree)
        tracks = {track.slug: track for track in db.session.scalars(sa.select(Track))}
        assert tracks["formation-de-base"].roles == ("worker",)
        assert tracks["formation-de-base"].validity_months > 0


def _version_ids(slug: str) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(ModuleVersion.id).join(Module).where(Module.slug == slug).order_by(ModuleVersion.id)
        )
    )


@pytest.mark.parametrize("requires_review", [True, False])
def test_old_completion_is_to_review_only_when_the_new_version_requires_it(
    app: Flask, tree: Path, requires_review: bool
) -> None:
    with app.app_context():
        load_content(tree)
        person = make_person(org=None, roles=("table",))
        ref = lookup.find_module("table-regionale")
        assert progress.record_completion(person, ref, None)
        assert progress.for_learner(person.id, [ref])[ref.module.id].status == progress.ModuleStatus.COMPLETED
        module_dir = tree / "modules" / "table-regionale"
        edit(module_dir / "membres.fr.md", "Table", "Table régionale")
        edit(module_dir / "module.yml", 'version: "2.1"', 'version: "3.0"')
        edit(module_dir / "module.yml", "requires_review: true", f"requires_review: {str(requires_review).lower()}")
        load_content(tree)
        new = lookup.find_module("table-regionale")
        assert new.version.version == "3.0"
        status = progress.for_learner(person.id, [new])[new.module.id].status
        assert status == (progress.ModuleStatus.TO_REVIEW if requires_review else progress.ModuleStatus.COMPLETED)


def test_views_of_unchanged_sections_carry_over(app: Flask, tree: Path) -> None:
    with app.app_context():
        load_content(tree)
        person = make_person(org=None, roles=("table",))
        ref = lookup.find_module("mise-en-contexte")
        sections = progress.for_learner(person.id, [ref])[ref.module.id].sections
        for section in sections:
            assert progress.record_view(person, ref, section)
            assert not progress.record_view(person, ref, section)  # the second insert does nothing
        module_dir = tree / "modules" / "mise-en-contexte"
        edit(module_dir / "constats.en.md", "The", "Those")
        edit(module_dir / "module.yml", 'version: "1.0"', 'version: "1.1"')
        load_content(tree)
        new = lookup.find_module("mise-en-contexte")
        item = progress.for_learner(person.id, [new])[new.module.id]
        assert item.viewed == {"decembre-2002", "suites"}
        assert item.next_section().slug == "constats"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SectionView)) == 3
