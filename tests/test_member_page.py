"""The member page (``/team/members/<id>``): its modules come in track order, the order a learner takes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from elearning.extensions import db
from elearning.services.people.accounts import get_person
from tests.factories import PASSWORD, add_member, load_content, make_org, make_person, make_team
from tests.web import signed_in_client

ROW_HEADER = re.compile(r'<th scope="row">([^<]+)</th>')


@pytest.fixture
def member_id(app: Flask, content_root: Path) -> int:
    with app.app_context():
        org = make_org()
        group = make_team(org, "Équipe")
        add_member(group, make_person(email="lina@example.org", name="Lina Learner", org=org))
        add_member(group, make_person(email="paul@example.org", org=org, roles=("pivot",)), "pivot")
        db.session.commit()
        return get_person("lina@example.org").id


def _modules(app: Flask, member_id: int) -> list[str]:
    html = signed_in_client(app, "paul@example.org", PASSWORD).get(f"/team/members/{member_id}")
    assert html.status_code == 200
    return ROW_HEADER.findall(html.get_data(as_text=True))


def test_the_member_table_lists_modules_in_track_order(app: Flask, content_root: Path, member_id: int) -> None:
    # The first track of the fixture content takes "Mise en contexte" then "La Table régionale" (by title, the
    # other way round).
    assert _modules(app, member_id) == ["Mise en contexte", "La Table régionale"]
    tracks = content_root / "modules" / "tracks.yml"
    tracks.write_text(
        tracks.read_text().replace(
            "modules: [mise-en-contexte, table-regionale]", "modules: [table-regionale, mise-en-contexte]"
        )
    )
    with app.app_context():
        load_content(content_root)
        db.session.commit()
    assert _modules(app, member_id) == ["La Table régionale", "Mise en contexte"]
