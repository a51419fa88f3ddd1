"""The content is read once per process and content revision, and read again in every process when a sync
lands (here: a second process, the real ``elearning content sync`` command, changes it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from elearning.extensions import db
from elearning.services.catalog import cache, lookup
from tests.conftest import command_in_another_process
from tests.factories import PASSWORD, load_content, make_org, make_person
from tests.web import signed_in_client

MODULE = "/modules/table-regionale"


def test_a_unit_of_work_reads_the_content_once_then_only_its_revision(
    app: Flask, content_root: Path, count_queries: Callable[[], Any]
) -> None:
    with app.app_context():
        cache.clear()
        with count_queries() as cold:
            lookup.find_module("table-regionale")
            lookup.active_modules()
        db.session.rollback()
        with count_queries() as warm:
            lookup.find_module("table-regionale")
            lookup.quiz_of(lookup.find_module("mise-en-contexte").version)
        assert warm.count == 1, warm.statements  # the newest revision's token, nothing else
        assert cold.count > warm.count


def test_a_sync_in_the_same_unit_of_work_is_read_at_once(app: Flask, content_root: Path) -> None:
    with app.app_context():
        before = lookup.find_module("table-regionale")
        module_yml = content_root / "modules" / "table-regionale" / "module.yml"
        module_yml.write_text(
            module_yml.read_text().replace('version: "2.1"', 'version: "2.2"').replace("La Table régionale", "Changée")
        )
        load_content(content_root)
        after = lookup.find_module("table-regionale")
        assert before.version.title_fr == "La Table régionale" and after.version.title_fr == "Changée"


@pytest.mark.commits
def test_a_sync_in_another_process_is_seen_by_this_one(
    app: Flask, content_root: Path, database_url: str, tmp_path: Path
) -> None:
    with app.app_context():
        make_person(email="reader@example.org", org=make_org())
        db.session.commit()
    reader = signed_in_client(app, "reader@example.org", PASSWORD)
    assert "La Table régionale" in reader.get(MODULE).get_data(as_text=True)  # this process holds the content
    module_yml = content_root / "modules" / "table-regionale" / "module.yml"
    module_yml.write_text(
        module_yml.read_text()
        .replace('version: "2.1"', 'version: "2.2"')
        .replace("La Table régionale", "La Table, changée ailleurs")
    )
    result = command_in_another_process(database_url, tmp_path / "instance", "content", "sync", str(content_root))
    assert result.returncode == 0, result.stderr
    assert "content sync: 1 change loaded" in result.stdout
    page = reader.get(MODULE).get_data(as_text=True)
    assert "La Table, changée ailleurs" in page and "La Table régionale" not in page
