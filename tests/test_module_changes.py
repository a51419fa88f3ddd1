"""The module changes of the ``/team`` inbox (journey 5): the versions synced since the viewer last looked, with
their change notes, whether they require review and how many of the viewer's members each puts "to review";
marking them as seen; who has the list; the partial in both languages; the statement count for few and many
versions and members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g, render_template

from elearning import clock as clocks
from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import Organization, Team
from elearning.services.learning.states import ModuleStatus
from elearning.services.people.accounts import get_person
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import module_changes
from elearning.services.reports import team as matrix
from elearning.services.reports.module_changes import ModuleChange, ModuleChanges
from tests.conftest import RowCounter
from tests.factories import PASSWORD, add_member, load_content, make_org, make_person, make_team
from tests.test_batch_reads import PLAIN_MODULE, QUIZ_MODULE, complete, content_tree, edit, ref_of
from tests.web import csrf_token, signed_in_client

PIVOT = "paul.pivot@example.org"
OTHER_PIVOT = "olga.pivot@example.org"
COORDINATOR = "cora.coord@example.org"
TABLE = "tina.table@example.org"
WORKER = "walter@example.org"
ANNE, BRUNO, CARLA, ZOE = (f"{name}@example.org" for name in ("anne", "bruno", "carla", "zoe"))
REVIEW_NOTE_FR = "Les membres de la Table ont changé."
REVIEW_NOTE_EN = "New members sit at the Table."
QUIZ_NOTE_FR = "Une coquille corrigée."
QUIZ_NOTE_EN = "A typo fixed."


def _note(fr: str, en: str) -> str:
    return f"change_note:\n  fr: {fr}\n  en: {en}\n"


def new_plain_version(content_root: Path, old: str, new: str, note: str = "") -> None:
    """A new version of the module without a quiz (it requires review), with ``note`` as its change note."""
    folder = content_root / "modules" / PLAIN_MODULE
    edit(folder / "membres.fr.md", "Table", f"Table ({new})")
    text = (folder / "module.yml").read_text(encoding="utf-8")
    text = text.replace(f'version: "{old}"', f'version: "{new}"', 1)
    if "change_note:" in text:
        text = text[: text.index("change_note:")] + text[text.index("sections:") :]
    text = text.replace("requires_review: true\n", "requires_review: true\n" + note, 1)
    (folder / "module.yml").write_text(text, encoding="utf-8")


@pytest.fixture
def changed(app: Flask, content_root: Path, clock: FrozenClock) -> None:
    """Team A: the pivot Paul; Anne and Bruno completed the module without a quiz, Anne the quiz module too,
    Carla did nothing. Team B (same organization): the pivot Olga and Zoé, who completed both. The
    coordinator Cora, the Table's Tina and the worker Walter (no team). The next day, a version of each module
    lands: the one without a quiz requires review, the quiz module's does not; both have a change note."""
    with app.app_context():
        org = make_org("MC")
        team_a, team_b = make_team(org, "Équipe A"), make_team(org, "Équipe B")
        add_member(team_a, make_person(email=PIVOT, org=org, roles=("pivot",)), "pivot")
        add_member(team_b, make_person(email=OTHER_PIVOT, org=org, roles=("pivot",)), "pivot")
        anne, bruno, carla, zoe = (make_person(email=email, org=org) for email in (ANNE, BRUNO, CARLA, ZOE))
        for person in (anne, bruno, carla):
            add_member(team_a, person)
        add_member(team_b, zoe)
        make_person(email=COORDINATOR, org=org, roles=("coordinator",))
        make_person(email=TABLE, roles=("table",))
        make_person(email=WORKER, org=org)
        plain, quizzed = ref_of(PLAIN_MODULE), ref_of(QUIZ_MODULE)
        complete(anne, [plain, quizzed])
        complete(bruno, [plain])
        complete(zoe, [plain, quizzed])
        db.session.commit()
    clock.advance(days=1)
    new_plain_version(content_root, "2.1", "2.2", _note(REVIEW_NOTE_FR, REVIEW_NOTE_EN))
    quiz_module = content_root / "modules" / QUIZ_MODULE / "module.yml"
    edit(quiz_module, 'version: "1.0"', 'version: "1.1"')
    edit(quiz_module, "Première version.", QUIZ_NOTE_FR)
    edit(quiz_module, "First version.", QUIZ_NOTE_EN)
    with app.app_context():
        load_content(content_root)
        db.session.commit()


def _changes(app: Flask, email: str) -> ModuleChanges | None:
    with app.app_context():
        day = clocks.today()
        return module_changes.changes_for(load_viewer(get_person(email).id, day), day)


def _by_slug(changes: ModuleChanges | None) -> dict[str, ModuleChange]:
    assert changes is not None
    return {change.slug: change for change in changes.changes}


def test_the_versions_synced_since_are_listed_with_note_flag_and_members_to_review(app: Flask, changed: None) -> None:
    changes = _changes(app, PIVOT)
    assert changes is not None
    assert changes.seen_on is None and changes.more == 0 and changes.counts_members
    # The two new versions, not the modules' first ones; synced together: the last one written first.
    assert sorted((change.slug, change.version) for change in changes.changes) == [
        (QUIZ_MODULE, "1.1"),
        (PLAIN_MODULE, "2.2"),
    ]
    assert changes.changes[0].version_id > changes.changes[1].version_id
    plain, quizzed = _by_slug(changes)[PLAIN_MODULE], _by_slug(changes)[QUIZ_MODULE]
    assert plain.requires_review and not quizzed.requires_review
    assert plain.change_note("fr") == REVIEW_NOTE_FR and plain.change_note("en") == REVIEW_NOTE_EN
    assert quizzed.change_note("en") == QUIZ_NOTE_EN
    assert plain.title("fr") == "La Table régionale" and plain.title("en") == "The regional Table"
    assert plain.synced_on == quizzed.synced_on == dt.date(2026, 3, 17)  # the day after the fixture's NOW
    # Anne and Bruno (team A) completed 2.1; Zoé is team B's; a version without review puts nobody to review.
    assert plain.to_review == 2
    assert quizzed.to_review == 0
    assert _by_slug(_changes(app, OTHER_PIVOT))[PLAIN_MODULE].to_review == 1
    # The coordinator follows the organization's teams; the Table follows no member.
    assert _by_slug(_changes(app, COORDINATOR))[PLAIN_MODULE].to_review == 3
    table = _changes(app, TABLE)
    assert table is not None and not table.counts_members
    assert {change.to_review for change in table.changes} == {None}
    assert len(table.changes) == 2


def _matrix_to_review(app: Flask, email: str, slug: str) -> int:
    """How many members the viewer's team matrix shows "to review" on the module."""
    with app.app_context():
        day = clocks.today()
        view = matrix.team_view(load_viewer(get_person(email).id, day), matrix.parse_filters({}), day)
        module_id = ref_of(slug).module.id
    return sum(
        1
        for shown in view.matrices
        for row in shown.rows
        for cell in row.cells
        if cell.module_id == module_id and cell.status == ModuleStatus.TO_REVIEW
    )


def test_the_count_is_the_matrix_to_review_status(app: Flask, changed: None) -> None:
    """The count agrees with the team matrix; once Bruno reviews the new version, it no longer puts him to
    review, and the matrix no longer shows him "to review"."""
    assert _by_slug(_changes(app, PIVOT))[PLAIN_MODULE].to_review == _matrix_to_review(app, PIVOT, PLAIN_MODULE) == 2
    with app.app_context():
        complete(get_person(BRUNO), [ref_of(PLAIN_MODULE)])
        db.session.commit()
    assert _by_slug(_changes(app, PIVOT))[PLAIN_MODULE].to_review == _matrix_to_review(app, PIVOT, PLAIN_MODULE) == 1


def test_marking_as_seen_empties_the_list_until_a_newer_version_lands(
    app: Flask, changed: None, content_root: Path, clock: FrozenClock
) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    response = client.post("/team/inbox/changes-seen", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/team/inbox")
    with app.app_context():
        assert get_person(PIVOT).changes_seen_at == clock.now()
    seen = _changes(app, PIVOT)
    assert seen is not None and seen.changes == () and seen.seen_on == clock.today()
    assert len(_by_slug(_changes(app, OTHER_PIVOT))) == 2  # another pivot's mark is theirs
    clock.advance(days=2)
    new_plain_version(content_root, "2.2", "2.3")  # no change note this time
    with app.app_context():
        load_content(content_root)
        db.session.commit()
    (latest,) = _by_slug(_changes(app, PIVOT)).values()
    assert (latest.version, latest.change_note("fr"), latest.requires_review) == ("2.3", None, True)
    assert latest.to_review == 2  # Anne and Bruno completed 2.1, before this version too


def test_marking_as_seen_through_the_service_keeps_the_persons_revision(app: Flask, changed: None) -> None:
    with app.app_context():
        person = get_person(PIVOT)
        revision = person.facts_revision
        module_changes.mark_changes_seen(load_viewer(person.id, clocks.today()))
        db.session.commit()
        db.session.expire_all()
        again = get_person(PIVOT)
        assert again.changes_seen_at == clocks.now() and again.facts_revision == revision


def test_when_never_seen_only_the_last_90_days_are_listed(app: Flask, changed: None, clock: FrozenClock) -> None:
    clock.advance(days=module_changes.NEVER_SEEN_DAYS - 1)
    assert len(_by_slug(_changes(app, PIVOT))) == 2
    clock.advance(days=2)
    changes = _changes(app, PIVOT)
    assert changes is not None and changes.changes == () and changes.seen_on is None


def test_someone_without_a_team_page_has_no_list_and_gets_404(app: Flask, changed: None) -> None:
    assert _changes(app, WORKER) is None
    client = signed_in_client(app, WORKER, PASSWORD)
    response = client.post("/team/inbox/changes-seen", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 404
    with app.app_context():
        assert get_person(WORKER).changes_seen_at is None


def test_versions_beyond_the_cap_are_counted(
    app: Flask, changed: None, content_root: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module_changes, "SHOWN", 1)
    module_changes._versions_statement.cache_clear()
    try:
        changes = _changes(app, PIVOT)
    finally:
        module_changes._versions_statement.cache_clear()
    assert changes is not None
    assert [change.slug for change in changes.changes] == [PLAIN_MODULE]  # the last one synced
    assert changes.more == 1 and changes.total == 2


# -- the partial --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["La Table régionale", REVIEW_NOTE_FR, QUIZ_NOTE_FR, "17 mars 2026"]),
        ("en", ["The regional Table", REVIEW_NOTE_EN, QUIZ_NOTE_EN, "March 17, 2026"]),
    ],
)
def test_the_partial_renders_in_both_languages(app: Flask, changed: None, language: str, expected: list[str]) -> None:
    changes = _changes(app, PIVOT)
    with app.test_request_context("/team/inbox"):
        g.language = language
        html = render_template("team/_changes.html", changes=changes)
    for text in expected:
        assert text in html, text
    if language == "en":
        assert "Module changes since you last looked" in html
        assert "Version 2.2" in html and "Review required" in html
        assert "Puts 2 of your members to review." in html
        assert html.count("Review required") == 1  # the quiz module's version requires none
        assert "No review required" in html
        assert "You never marked them as seen: the changes of the last 90 days." in html
    assert 'action="/team/inbox/changes-seen"' in html and 'name="csrf_token"' in html


def test_the_partial_says_when_nothing_changed_and_when_a_note_is_missing(app: Flask) -> None:
    nothing = ModuleChanges(changes=(), more=0, seen_on=dt.date(2026, 3, 16), counts_members=True)
    bare = ModuleChange(
        module_id=1,
        slug="m",
        version_id=2,
        version="2.0",
        title_fr="Module",
        title_en=None,
        synced_on=dt.date(2026, 3, 1),
        change_note_fr=None,
        change_note_en=None,
        requires_review=True,
        to_review=1,
    )
    some = ModuleChanges(changes=(bare,), more=3, seen_on=None, counts_members=True)
    table = ModuleChanges(
        changes=(ModuleChange(**{**bare.__dict__, "to_review": None}),), more=0, seen_on=None, counts_members=False
    )
    with app.test_request_context("/team/inbox"):
        g.language = "en"
        empty = render_template("team/_changes.html", changes=nothing)
        listed = render_template("team/_changes.html", changes=some)
        global_view = render_template("team/_changes.html", changes=table)
    assert "No module changed since you last looked." in empty and "<form" not in empty
    assert "You last marked them as seen on March 16, 2026." in empty
    assert "No change note." in listed
    assert "Puts 1 of your members to review." in listed
    assert "And 3 more changes, not listed." in listed
    assert "of your members" not in global_view


# -- statement counts ---------------------------------------------------------------------------------------


def _grow(app: Flask, team_id: int, count: int, slugs: list[str]) -> None:
    """``count`` more members of the team, each having completed the modules ``slugs`` (current versions)."""
    with app.app_context():
        group = db.session.get(Team, team_id)
        assert group is not None
        org = db.session.get(Organization, group.organization_id)
        for _ in range(count):
            person = make_person(org=org, password=None)
            add_member(group, person)
            complete(person, [ref_of(slug) for slug in slugs])
        db.session.commit()


def test_the_list_costs_the_same_for_1_and_10_versions_and_5_and_50_members(
    app: Flask, tmp_path: Path, clock: FrozenClock, count_queries: Callable[[], Any]
) -> None:
    """The modules without a quiz of a 20-module tree (10 of them) each get a new version requiring review:
    first one, then the nine others. The first 4 members completed the first module's old version; the next 45
    its new version and the last module's old version."""
    root = content_tree(tmp_path, 20)
    # The fixture's module without a quiz, then its copies (every other copy has a quiz).
    plain = [root / "modules" / PLAIN_MODULE] + [
        root / "modules" / f"module-{number:02d}" for number in range(0, 18, 2)
    ]
    first, last = plain[0].name, plain[-1].name
    with app.app_context():
        load_content(root)
        org = make_org("GRAND")
        group = make_team(org, "Grande équipe")
        add_member(group, make_person(email=PIVOT, org=org, roles=("pivot",)), "pivot")
        db.session.commit()
        team_id = group.id
    _grow(app, team_id, 4, [first])

    def new_versions(folders: list[Path]) -> None:
        clock.advance(days=1)
        for folder in folders:
            edit(folder / "membres.fr.md", "Table", "Table régionale")
            edit(folder / "module.yml", 'version: "2.1"', 'version: "2.2"')
        with app.app_context():
            load_content(root)
            db.session.commit()

    def measure(versions: int, members: int, to_review: dict[str, int]) -> int:
        with app.app_context():
            viewer = load_viewer(get_person(PIVOT).id, clocks.today())
        with app.app_context():
            module_changes.changes_for(viewer, clocks.today())  # warm: the catalog of this content
        counter = RowCounter()
        with count_queries() as counted, app.app_context():
            sa.event.listen(sa.Engine, "before_cursor_execute", counter)
            try:
                found = module_changes.changes_for(viewer, clocks.today())
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        assert found is not None and len(found.changes) == versions
        counts = {change.slug: change.to_review for change in found.changes}
        assert {slug: counts[slug] for slug in to_review} == to_review
        most = counter.most_rows(app)
        assert 0 < most <= members * max(versions, 2), (versions, members, most)
        return counted.count

    new_versions(plain[:1])
    counts = {(1, 5): measure(1, 5, {first: 4})}
    _grow(app, team_id, 45, [first, last])
    counts[(1, 50)] = measure(1, 50, {first: 4})
    new_versions(plain[1:])
    counts[(10, 50)] = measure(10, 50, {first: 4, last: 45})
    assert len(set(counts.values())) == 1, counts


def test_the_inbox_page_lists_the_changes_and_marking_them_seen_empties_it(app: Flask, changed: None) -> None:
    client = signed_in_client(app, PIVOT, PASSWORD)
    page = client.get("/team/inbox?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Module changes since you last looked" in html and "Puts 2 of your members to review." in html
    response = client.post("/team/inbox/changes-seen", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No module changed since you last looked." in html


def test_only_modules_of_an_active_track_are_listed(
    app: Flask, changed: None, content_root: Path, clock: FrozenClock
) -> None:
    """The module without a quiz leaves both tracks, then gets a new version: it is not listed (nor is the
    version it had while in a track, the module being in none now)."""
    tracks = content_root / "modules" / "tracks.yml"
    edit(tracks, "modules: [mise-en-contexte, table-regionale]", "modules: [mise-en-contexte]")
    edit(tracks, "modules: [table-regionale, mise-en-contexte]", "modules: [mise-en-contexte]")
    clock.advance(days=1)
    new_plain_version(content_root, "2.2", "2.3")
    with app.app_context():
        load_content(content_root)
        db.session.commit()
    assert list(_by_slug(_changes(app, PIVOT))) == [QUIZ_MODULE]
