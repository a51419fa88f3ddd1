"""The bulk import of accounts: the preview of every kind of row (with its line and reason), each file-level
error, applying in one transaction (a failure at row 150 leaves nothing), a second import changing nothing,
the 20,000-row limit refusing before the file is read whole, password-set links, the web pages, and the
demo's example file (``docs/examples/import-300.csv``)."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.extensions import db
from elearning.models import (
    CoordinatorGrant,
    Membership,
    OutboxMessage,
    PasswordResetToken,
    Person,
    PivotDesignation,
    TeamMembership,
)
from elearning.permissions import SYSTEM
from elearning.services.people import accounts, imports
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team
from tests.web import csrf_token, signed_in_client, visible_texts

HEADER = "email;full_name;organization;roles;team;language"
ADMIN = "admin@import.example.org"
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "import-300.csv"


@pytest.fixture
def orgs(app: Flask) -> None:
    with app.app_context():
        alpha = make_org("ALPHA")
        beta = make_org("BETA")
        make_team(alpha, "Équipe Nord")
        existing = make_person(email="existing@alpha.example.org", name="Exista Nte", org=alpha)
        add_member(make_team(alpha, "Équipe Sud"), existing)
        make_person(email="elsewhere@beta.example.org", name="Ailleurs", org=beta)
        make_person(email=ADMIN, roles=("admin",), org=None)
        db.session.commit()


def _preview(app: Flask, text: str | bytes) -> imports.Preview:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with app.app_context():
        return imports.preview(SYSTEM, data)


def _file(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_the_preview_says_what_each_row_would_do_with_its_line_and_reason(app: Flask, orgs: None) -> None:
    result = _preview(
        app,
        _file(
            "new@alpha.example.org;Nouvelle Personne;ALPHA;worker;Équipe Nord;en",  # 2 create
            "existing@alpha.example.org;Exista Nte;ALPHA;worker;Équipe Sud;",  # 3 unchanged
            "EXISTING2@alpha.example.org;X;ALPHA;worker;;",  # 4 create (another address)
            "bad-address;Y;ALPHA;worker;;fr",  # 5 bad e-mail
            "u1@alpha.example.org;Z;NOPE;worker;;fr",  # 6 unknown organization
            "u2@alpha.example.org;Z;ALPHA;chef;;fr",  # 7 unknown role
            "u3@alpha.example.org;Z;ALPHA;admin;;fr",  # 8 a global role: not in bulk
            "u4@alpha.example.org;Z;ALPHA;worker;;de",  # 9 unknown language
            "new@alpha.example.org;Encore;ALPHA;worker;;fr",  # 10 duplicate of line 2
            "elsewhere@beta.example.org;Ailleurs;ALPHA;worker;;fr",  # 11 another organization: use Move
            "u5@alpha.example.org;Z;ALPHA;worker;Équipe Fantôme;fr",  # 12 unknown team
            "u6@alpha.example.org;;ALPHA;worker;;fr",  # 13 no name
            "u7@alpha.example.org;Z;ALPHA;;;fr",  # 14 no role
            "u8@alpha.example.org;Z;ALPHA",  # 15 too few values
            "existing@alpha.example.org;Exista Renommée;ALPHA;worker|pivot;Équipe Nord;en",  # 16 duplicate of 3
        ),
    )
    by_line = {row.line: row for row in result.rows}
    assert [(line, row.action) for line, row in by_line.items()] == [
        (2, "create"),
        (3, "unchanged"),
        (4, "create"),
        *[(line, "error") for line in range(5, 17)],
    ]
    reasons = {line: row.reason for line, row in by_line.items()}
    assert reasons[5] == "bad-address is not a valid e-mail address."
    assert reasons[6] == "Unknown organization: NOPE."
    assert reasons[7] == "Unknown role chef: use worker, pivot or coordinator."
    assert reasons[8] == "Unknown role admin: use worker, pivot or coordinator."
    assert reasons[9] == "Unknown language de: use fr or en."
    assert reasons[10] == "The same e-mail address is on line 2."
    assert reasons[11] == "elsewhere@beta.example.org belongs to BETA: use Move to change their organization."
    assert reasons[12] == "Unknown team Équipe Fantôme in ALPHA."
    assert reasons[13] == "A full name of 1 to 200 characters is required."
    assert reasons[14] == "Give at least one role."
    assert reasons[15] == "The row has 3 values where the header has 6."
    assert reasons[16] == "The same e-mail address is on line 3."
    assert result.counts == {"create": 2, "update": 0, "unchanged": 1, "error": 12}


def test_an_update_names_what_it_adds(app: Flask, orgs: None) -> None:
    result = _preview(app, _file("existing@alpha.example.org;Exista Renommée;ALPHA;worker|pivot;Équipe Nord;en"))
    (row,) = result.rows
    assert (row.action, row.reason) == ("update", "name, language, roles pivot, team Équipe Nord")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_file("a@alpha.example.org;Élève;ALPHA;worker;;fr").encode("cp1252"), "encoded in Windows-1252 (line 2"),
        (_file("a@alpha.example.org;A;ALPHA;worker;;fr").encode("utf-16"), "encoded in UTF-16"),
        (b"email;full_name\x00;organization\n", "not a text file"),
        (b"\xff\xfe\xfa\x00\x81", "encoded in UTF-16"),
        (
            _file("a@x.org;A;ALPHA;worker;;fr", header="email;name;organization;roles;team;language").encode(),
            "missing: full_name; unknown: name",
        ),
        (_file(header="email full_name organization roles team language").encode(), "separated by ; or ,"),
        (b"", "separated by ; or ,"),
        (_file("a@x.org;A;ALPHA;worker;;fr", header=HEADER + ";email").encode(), "each once"),
        (_file('"a@x.org;A;ALPHA;worker;;fr').encode(), "cannot be read as CSV"),
    ],
)
def test_a_file_level_error_refuses_everything_with_a_message(
    app: Flask, orgs: None, data: bytes, message: str
) -> None:
    with pytest.raises(imports.ImportFileError) as raised:
        _preview(app, data)
    assert message in str(raised.value)


def test_the_separator_is_detected_and_a_bom_and_crlf_are_fine(app: Flask, orgs: None) -> None:
    text = "\ufeff" + _file("a@alpha.example.org,Ana,ALPHA,worker,,fr", header=HEADER.replace(";", ",")).replace(
        "\n", "\r\n"
    )
    (row,) = _preview(app, text).rows
    assert (row.line, row.action, row.email) == (2, "create", "a@alpha.example.org")


class CountingStream(io.RawIOBase):
    """A file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.data[self.position : self.position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def test_over_20000_rows_is_refused_before_the_rows_past_the_limit_are_judged(
    app: Flask, orgs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    judged: list[int] = []
    real = imports._judge

    def counting(line: int, *args: Any) -> imports.Row:
        judged.append(line)
        return real(line, *args)

    monkeypatch.setattr(imports, "_judge", counting)
    text = _file(*(f"p{n}@alpha.example.org;P;ALPHA;worker;;fr" for n in range(imports.MAX_ROWS + 500)))
    with pytest.raises(imports.ImportFileError) as raised:
        _preview(app, text)
    assert "more than 20000 rows" in str(raised.value)
    assert judged == []  # nothing was judged: the file was refused while being read


def test_over_5_mb_is_refused_without_reading_the_rest(app: Flask) -> None:
    stream = CountingStream(b"x" * (imports.MAX_BYTES * 3))
    with pytest.raises(imports.ImportFileError) as raised:
        imports.read_limited(io.BufferedReader(stream))
    assert "larger than 5 MB" in str(raised.value)
    assert stream.position <= imports.MAX_BYTES + 64 * 1024


# -- applying ------------------------------------------------------------------------------------------


def _dump(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    with app.app_context():
        tables: dict[str, list[tuple[Any, ...]]] = {}
        designation, grant, member = PivotDesignation, CoordinatorGrant, TeamMembership
        for model, columns in (
            (Person, (Person.id, Person.email, Person.full_name, Person.preferred_language, Person.deactivated_at)),
            (Membership, (Membership.person_id, Membership.organization_id, Membership.start_on, Membership.end_on)),
            (
                designation,
                (designation.person_id, designation.organization_id, designation.start_on, designation.end_on),
            ),
            (grant, (grant.person_id, grant.organization_id, grant.end_on)),
            (member, (member.person_id, member.team_id, member.role, member.end_on)),
        ):
            rows = db.session.execute(sa.select(*columns).order_by(*columns))
            tables[model.__tablename__] = [tuple(row) for row in rows]
        return tables


def _example_module() -> Any:
    """``tools/import_example.py``, which wrote the example file (its organizations and teams)."""
    spec = importlib.util.spec_from_file_location("import_example", EXAMPLE.parents[2] / "tools" / "import_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _example_with_orgs(app: Flask) -> None:
    """The demo's organizations and teams the example file names, and the CJQ worker it says to move."""
    with app.app_context():
        for code, team_names in _example_module().ORGANIZATIONS:
            organization = make_org(code)
            for name in team_names:
                make_team(organization, name)
            if code == "CJQ":
                make_person(email="worker.cjq@example.org", name="William Intervenant", org=organization)
        db.session.commit()


def test_the_example_file_is_what_its_script_writes() -> None:
    module = _example_module()
    assert EXAMPLE.read_bytes() == ("\ufeff" + "\r\n".join(module.rows()) + "\r\n").encode("utf-8")


def test_the_example_file_previews_its_bad_rows_and_a_second_import_changes_nothing(app: Flask) -> None:
    _example_with_orgs(app)
    runner = app.test_cli_runner()
    before = _dump(app)
    preview = runner.invoke(args=["users", "import", str(EXAMPLE)])
    assert preview.exit_code == 0, preview.output
    assert "import preview: 292 create, 0 update, 0 unchanged, 8 error" in preview.output
    errors = {line.split()[0]: line for line in preview.output.splitlines()[1:-1] if line.split()[1] == "error"}
    assert sorted(errors, key=int) == ["18", "45", "77", "103", "130", "166", "201", "250"]
    assert "use Move" in errors["166"] and "on line 20" in errors["130"]
    assert _dump(app) == before  # a preview writes nothing

    applied = runner.invoke(args=["users", "import", str(EXAMPLE), "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "import applied: 292 create" in applied.output
    after = _dump(app)
    assert len(after["people"]) == len(before["people"]) + 292
    pivots = [row for row in after["team_memberships"] if row[2] == "pivot"]
    assert pivots and all(any(d[0] == row[0] for d in after["pivot_designations"]) for row in pivots)

    again = runner.invoke(args=["users", "import", str(EXAMPLE), "--apply"])
    assert again.exit_code == 0, again.output
    assert "import applied: 0 create, 0 update, 292 unchanged, 8 error" in again.output
    assert _dump(app) == after


def test_a_failure_at_row_150_leaves_nothing(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    _example_with_orgs(app)
    before = _dump(app)
    real = accounts.create_person
    calls = []

    def failing(*args: Any, **kwargs: Any) -> Person:
        calls.append(1)
        if len(calls) == 150:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts, "create_person", failing)
    result = app.test_cli_runner().invoke(args=["users", "import", str(EXAMPLE), "--apply"])
    assert result.exit_code != 0 and len(calls) == 150
    assert _dump(app) == before


def test_new_accounts_get_a_password_set_link_that_works_once(app: Flask, orgs: None) -> None:
    path_data = _file("new@alpha.example.org;Nouvelle Personne;ALPHA;worker;;en").encode()
    with app.app_context():
        applied = imports.apply(SYSTEM, path_data, send_links=True)
        db.session.commit()
        assert applied.created == ("new@alpha.example.org",) and applied.links_sent == 1
        (message,) = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "password.set_link"))
        assert message.address == "new@alpha.example.org" and message.language == "en"
        assert "The link works once, for 7 days." in message.text_body
        token = message.text_body.split("/password/reset/")[1].split("?")[0]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordResetToken)) == 1
    client = app.test_client()
    page = client.get(f"/password/reset/{token}")
    assert page.status_code == 200
    chosen = "un mot de passe tout neuf"
    sent = client.post(
        f"/password/reset/{token}",
        data={
            "csrf_token": csrf_token(client, f"/password/reset/{token}"),
            "password": chosen,
            "confirm_password": chosen,
        },
    )
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:500]
    assert client.get(f"/password/reset/{token}").status_code == 404  # once


# -- the web pages -------------------------------------------------------------------------------------


def test_an_admin_previews_then_applies_a_file_on_the_site(app: Flask, orgs: None) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    token = csrf_token(client, "/admin/users/import")
    data = _file("new@alpha.example.org;Nouvelle Personne;ALPHA;worker;Équipe Nord;fr", "bad;X;ALPHA;worker;;fr")
    shown = client.post(
        "/admin/users/import?lang=en",
        data={"csrf_token": token, "file": (io.BytesIO(data.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    texts = " ".join(visible_texts(page))
    assert "Preview of people.csv" in texts and "bad is not a valid e-mail address." in texts
    assert "Import the 1 valid row" in texts
    with app.app_context():
        assert accounts.find_person("new@alpha.example.org") is None
    digest = page.split('name="digest" value="')[1].split('"')[0]
    applied = client.post(
        "/admin/users/import/apply?lang=en",
        data={"csrf_token": token, "digest": digest, "name": "people.csv", "send_links": "1"},
    )
    assert applied.status_code == 303
    done = " ".join(visible_texts(client.get("/admin/users/import?lang=en").get_data(as_text=True)))
    assert (
        "Import applied: 1 created, 0 updated, 0 unchanged, 1 rows with an error left out; 1 password-set links sent."
        in done
    )
    with app.app_context():
        assert accounts.find_person("new@alpha.example.org") is not None
    again = client.post("/admin/users/import/apply", data={"csrf_token": token, "digest": digest})
    assert again.status_code == 400  # applied once: the file no longer waits


@pytest.mark.parametrize(
    "form",
    [
        {},  # no file
        {"file": (io.BytesIO(b"\xe9l\xe8ve;x\n"), "latin.csv")},
    ],
)
def test_a_refused_upload_says_why_and_writes_nothing(app: Flask, orgs: None, form: dict[str, Any]) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    token = csrf_token(client, "/admin/users/import?lang=en")  # the language stored before the dump
    before = _dump(app)
    response = client.post(
        "/admin/users/import?lang=en", data={"csrf_token": token, **form}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert _dump(app) == before


def test_the_preview_reads_a_fixed_number_of_statements_per_existing_person(
    app: Flask, orgs: None, count_queries: Callable[[], Any]
) -> None:
    small = _file(*(f"n{n}@alpha.example.org;N;ALPHA;worker;;fr" for n in range(5)))
    large = _file(*(f"n{n}@alpha.example.org;N;ALPHA;worker;;fr" for n in range(300)))
    counts = []
    for text in (small, large):
        with app.app_context(), count_queries() as counted:
            imports.preview(SYSTEM, text.encode())
        counts.append(counted.count)
    assert counts[0] == counts[1], counts  # new people: the batch reads only
