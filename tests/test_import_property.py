"""A property of the import parser (hypothesis): whatever bytes it is given (random bytes, or CSV-like text
with random separators, quotes, byte order marks, line endings and values), the preview raises nothing but
the import's own :class:`ImportFileError`, and applying lands exactly the rows it reported as *create* or
*update*: never one it reported as an error."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearning.extensions import db
from elearning.models import Person
from elearning.permissions import SYSTEM
from elearning.services.people import imports
from tests.factories import make_org, make_person, make_team

COLUMNS = list(imports.COLUMNS)
WORDS = ["", "ALPHA", "BETA", "NOPE", "worker", "pivot", "worker|pivot", "coordinator", "admin", "fr", "en", "es"]
ADDRESSES = ["a@alpha.example.org", "b@alpha.example.org", "old@alpha.example.org", "x@beta.example.org"]
ODD = ["Équipe Nord", "not-an-address", "Zoé Cœur-d'Arcy", '"', '""', ";", ",", "\n", "\r\n", "|", " ", "\t", "=1+1"]
VALUES = st.one_of(
    st.sampled_from([*WORDS, *ADDRESSES, *ODD]),
    st.text(max_size=12),
)


@st.composite
def csv_like(draw: st.DrawFn) -> bytes:
    separator = draw(st.sampled_from([";", ",", "\t", " "]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.one_of(st.just(COLUMNS), st.permutations(COLUMNS), st.lists(st.sampled_from([*COLUMNS, "x"]))))
    rows = draw(st.lists(st.lists(VALUES, min_size=0, max_size=8), max_size=8))
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value

    text = ending.join(separator.join(cell(value) for value in row) for row in [header, *rows])
    bom = draw(st.sampled_from(["", "\ufeff"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "cp1252", "utf-16"]))
    return (bom + text).encode(encoding, errors="replace")


@st.composite
def well_formed(draw: st.DrawFn) -> bytes:
    """The import's own header and six values a row, each drawn among what the column takes and what it
    must refuse (the values quoted when they hold a separator, a quote or a line break)."""
    columns = {
        "email": st.sampled_from([*ADDRESSES, "not-an-address", "", "A@ALPHA.example.org"]),
        "full_name": st.sampled_from(["Zoé Cœur-d'Arcy", "", "  Jean   Roy ", "x" * 250, "Ancienne"]),
        "organization": st.sampled_from(["ALPHA", "BETA", "NOPE", ""]),
        "roles": st.sampled_from(["worker", "worker|pivot", "coordinator", "admin", "", "chef", "WORKER| pivot"]),
        "team": st.sampled_from(["", "Équipe Nord", "équipe nord", "Fantôme"]),
        "language": st.sampled_from(["", "fr", "en", "EN", "es"]),
    }
    separator = draw(st.sampled_from([";", ","]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    rows = draw(st.lists(st.fixed_dictionaries(columns), max_size=6))

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in (separator, '"', "\n")) else value

    lines = [separator.join(COLUMNS)] + [separator.join(cell(row[name]) for name in COLUMNS) for row in rows]
    return (draw(st.sampled_from(["", "\ufeff"])) + ending.join(lines) + ending).encode()


def _world(app: Flask) -> None:
    with app.app_context():
        alpha = make_org("ALPHA")
        beta = make_org("BETA")
        make_team(alpha, "Équipe Nord")
        make_person(email="old@alpha.example.org", name="Ancienne", org=alpha)
        make_person(email="x@beta.example.org", name="Ailleurs", org=beta)
        db.session.commit()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.one_of(st.binary(max_size=400), csv_like(), well_formed(), well_formed()))
def test_the_parser_raises_only_its_own_error_and_lands_only_valid_rows(app: Flask, data: bytes) -> None:
    with app.app_context():
        if db.session.scalar(sa.select(Person.id).where(Person.email == "old@alpha.example.org")) is None:
            _world(app)
    with app.app_context():
        nested = db.session.begin_nested()
        try:
            before = {row[0]: row[1] for row in db.session.execute(sa.select(Person.email, Person.full_name))}
            try:
                result = imports.preview(SYSTEM, data)
            except imports.ImportFileError:
                return
            landing = {row.email for row in result.rows if row.action in (imports.CREATE, imports.UPDATE)}
            applied = imports.apply(SYSTEM, data)
            assert applied.preview == result
            after = {row[0]: row[1] for row in db.session.execute(sa.select(Person.email, Person.full_name))}
            created = set(after) - set(before)
            assert created == {row.email for row in result.rows if row.action == imports.CREATE}
            changed = {email for email in before if after[email] != before[email]}
            assert changed <= landing
        finally:
            nested.rollback()
