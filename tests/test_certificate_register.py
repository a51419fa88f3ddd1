"""The certificate register (``/reports/certificates`` and its exports): a scripted set of certificates whose
statuses, organizations, filters and search are checked on the service and on the page; keyset pages over 120
certificates; who sees which rows (and the SQL scope agreeing with the predicates); the exports equal to the
page's rows and audited; refused filters; the same query count for 10 and 10,000 certificates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from html import unescape as html_text
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning import permissions
from elearning.extensions import db
from elearning.models import AuditEvent, Certificate, Organization, Person, Track
from elearning.permissions import SYSTEM
from elearning.roles import Role
from elearning.services import history
from elearning.services.certification import codes
from elearning.services.errors import Invalid, NotFound
from elearning.services.people import accounts
from elearning.services.people.accounts import get_person
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import certificate_register as register
from elearning.services.reports.certificate_register import RegisterStatus as S
from tests.conftest import NOW, TODAY, RowCounter
from tests.factories import PASSWORD, make_org, make_person
from tests.web import inline_code, signed_in_client

DAY = dt.timedelta(days=1)
TABLE = "table@register.example.org"
ADMIN = "admin@register.example.org"
COORD_NORD = "coord.nord@register.example.org"
COORD_SUD = "coord.sud@register.example.org"
WORKER = "worker@register.example.org"
CORE, PIVOT = "formation-de-base", "certification-pivot"

ROW = re.compile(
    r'<th scope="row" class="matrix-member"><a href="(?P<href>[^"]*)">(?P<name>[^<]+)</a></th>'
    r'.*?data-status="(?P<status>\w+)"',
    re.S,
)


def _certificate(
    person: Person,
    track: str,
    issued_on: dt.date,
    *,
    cycle: int = 1,
    valid_from: dt.date | None = None,
    expires_on: dt.date | None = None,
    revoked_on: dt.date | None = None,
    renews: Certificate | None = None,
    organization: Organization | None = None,
    holder_name: str | None = None,
) -> Certificate:
    """A certificate row as issuing writes one, with the dates asked (expiry: 36 months for the core track, 24
    for the pivot's)."""
    row = db.session.scalars(sa.select(Track).where(Track.slug == track)).one()
    start = valid_from or issued_on
    certificate = Certificate(
        person_id=person.id,
        track_id=row.id,
        cycle=cycle,
        code=codes.new_code(),
        holder_name=holder_name or person.full_name,
        organization_id=organization.id if organization else None,
        organization_name_fr=organization.name_fr if organization else "",
        organization_name_en=organization.name_en if organization else "",
        track_title_fr=row.title_fr,
        track_title_en=row.title_en or row.title_fr,
        validity_months=row.validity_months,
        issued_on=issued_on,
        valid_from=start,
        expires_on=expires_on or start.replace(year=start.year + row.validity_months // 12),
        renews_id=renews.id if renews else None,
        created_at=NOW,
        revoked_at=(dt.datetime.combine(revoked_on, dt.time(15), tzinfo=dt.UTC) if revoked_on is not None else None),
        revocation_reason="test" if revoked_on is not None else None,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


#: The scripted set: (holder, track, cycle) -> status today (TODAY, a window of 60 days).
EXPECTED = {
    ("Anne Arsenault", CORE, 1): S.VALID,
    ("Bruno Bélanger", CORE, 1): S.EXPIRING,
    ("Carla Côté", CORE, 1): S.EXPIRED,
    ("Dora Dion", CORE, 1): S.REVOKED,
    ("Ève Émond", PIVOT, 1): S.RENEWED,
    ("Ève Émond", PIVOT, 2): S.UPCOMING,
    ("Fred Fortin", CORE, 1): S.VALID,
    ("Gina Gagné", PIVOT, 1): S.EXPIRING,
    ("Gina Gagné", PIVOT, 2): S.REVOKED,
    ("Ivan Isabelle", CORE, 1): S.REVOKED,
    ("Ivan Isabelle", CORE, 2): S.VALID,
    ("Judith Jobin", PIVOT, 1): S.RENEWED,
    ("Judith Jobin", PIVOT, 2): S.VALID,
    ("Karl Kirouac", CORE, 1): S.EXPIRING,
    ("Léa Lemieux", CORE, 1): S.EXPIRED,
    ("Marc Morin", CORE, 1): S.VALID,
}
NORD_HOLDERS = {"Anne Arsenault", "Bruno Bélanger", "Carla Côté", "Dora Dion", "Ève Émond", "Judith Jobin"}
NORD_HOLDERS |= {"Karl Kirouac", "Léa Lemieux", "Marc Morin"}
SUD_HOLDERS = {"Fred Fortin", "Gina Gagné", "Ivan Isabelle"}


@pytest.fixture
def scripted(app: Flask, content_root: Path) -> dict[tuple[str, str, int], int]:
    """Two organizations, NORD and SUD, a coordinator each, the Table, Admin, a worker, and the certificates of
    :data:`EXPECTED` (returns their ids). Today is TODAY; the renewal window is 60 days.

    - Anne: valid. Bruno: expires in 16 days (expiring). Carla: expired last year. Dora: revoked.
    - Ève: her pivot certificate expires in 35 days, renewed early: the renewal is valid from that expiry.
    - Fred was certified in NORD (printed on it) and moved to SUD today.
    - Gina: her renewal was revoked, so the first one is not renewed (it expires in 46 days).
    - Ivan: reissued (the old one revoked, the copy renews it): the old one is revoked, not renewed.
    - Judith: expired on 1 January, renewed before (the renewal valid from then): renewed, not expired.
    - Karl expires on the window's last day (expiring); Léa expired today; Marc expires the day after the window.
    """
    with app.app_context():
        nord = make_org("NORD", name="Organisme du Nord")
        sud = make_org("SUD", name="Organisme du Sud")
        make_person(email=TABLE, org=None, roles=("table",))
        make_person(email=ADMIN, org=None, roles=("admin",))
        make_person(email=COORD_NORD, org=nord, roles=("coordinator",))
        make_person(email=COORD_SUD, org=sud, roles=("coordinator",))
        make_person(email=WORKER, org=nord)
        long_ago = TODAY - 2000 * DAY
        people = {
            name: make_person(name=name, org=sud if name in SUD_HOLDERS - {"Fred Fortin"} else nord, start_on=long_ago)
            for name in sorted({holder for holder, _track, _cycle in EXPECTED})
        }
        ids: dict[tuple[str, str, int], int] = {}

        def add(name: str, track: str, issued_on: dt.date, cycle: int = 1, **fields: Any) -> Certificate:
            person = people[name]
            organization = fields.pop("organization", sud if name in {"Gina Gagné", "Ivan Isabelle"} else nord)
            made = _certificate(person, track, issued_on, cycle=cycle, organization=organization, **fields)
            ids[(name, track, cycle)] = made.id
            return made

        add("Anne Arsenault", CORE, dt.date(2025, 1, 10))
        add("Bruno Bélanger", CORE, dt.date(2023, 4, 1))
        add("Carla Côté", CORE, dt.date(2022, 1, 5))
        add("Dora Dion", CORE, dt.date(2025, 6, 1), revoked_on=dt.date(2025, 12, 1))
        eve = add("Ève Émond", PIVOT, dt.date(2024, 4, 20))
        add("Ève Émond", PIVOT, dt.date(2026, 3, 1), 2, valid_from=eve.expires_on, renews=eve)
        add("Fred Fortin", CORE, dt.date(2024, 9, 9))
        gina = add("Gina Gagné", PIVOT, dt.date(2024, 5, 1))
        add("Gina Gagné", PIVOT, dt.date(2026, 3, 10), 2, valid_from=gina.expires_on, renews=gina,
            revoked_on=dt.date(2026, 3, 12))  # fmt: skip
        ivan = add("Ivan Isabelle", CORE, dt.date(2025, 2, 2), revoked_on=dt.date(2025, 3, 1))
        add("Ivan Isabelle", CORE, dt.date(2025, 3, 1), 2, valid_from=ivan.valid_from, expires_on=ivan.expires_on,
            renews=ivan)  # fmt: skip
        judith = add("Judith Jobin", PIVOT, dt.date(2024, 1, 1))
        add("Judith Jobin", PIVOT, dt.date(2025, 12, 15), 2, valid_from=judith.expires_on, renews=judith)
        add("Karl Kirouac", CORE, dt.date(2023, 3, 1), expires_on=TODAY + 60 * DAY)
        add("Léa Lemieux", CORE, dt.date(2023, 3, 16), expires_on=TODAY)
        add("Marc Morin", CORE, dt.date(2023, 3, 2), expires_on=TODAY + 61 * DAY)
        accounts.set_roles(SYSTEM, people["Fred Fortin"], {Role.WORKER}, sud)  # moves today
        db.session.commit()
    return ids


def _viewer(email: str) -> permissions.Viewer:
    return load_viewer(get_person(email).id, TODAY)


def _page(app: Flask, email: str = TABLE, **args: str) -> register.RegisterPage:
    with app.app_context():
        return register.register_page(_viewer(email), register.parse_filters(args), TODAY)


def _keyed(page: register.RegisterPage, ids: dict[tuple[str, str, int], int]) -> dict[tuple[str, str, int], str]:
    by_id = {certificate_id: key for key, certificate_id in ids.items()}
    return {by_id[row.certificate_id]: row.status for row in page.rows}


def _page_rows(html: str) -> list[tuple[str, str, str]]:
    """(holder, status, link) of each row of a register page."""
    return [(match["name"], match["status"], match["href"]) for match in ROW.finditer(html)]


# -- rows and statuses ---------------------------------------------------------------------------------


def test_each_certificate_shows_its_status_today(app: Flask, scripted: dict[tuple[str, str, int], int]) -> None:
    page = _page(app)
    assert _keyed(page, scripted) == EXPECTED
    assert page.total == len(EXPECTED) and page.next_after is None
    assert page.counts == {
        S.REVOKED: 3,
        S.RENEWED: 2,
        S.EXPIRED: 2,
        S.UPCOMING: 1,
        S.EXPIRING: 3,
        S.VALID: 5,
    }
    keys = [(row.issued_on, row.certificate_id) for row in page.rows]
    assert keys == sorted(keys, reverse=True), "newest issued first, then by id"


def test_the_printed_organization_and_todays_are_both_shown(
    app: Flask, scripted: dict[tuple[str, str, int], int]
) -> None:
    rows = {row.certificate_id: row for row in _page(app).rows}
    fred = rows[scripted[("Fred Fortin", CORE, 1)]]
    assert fred.printed_organization("fr") == "Organisme du Nord" and fred.organization_code == "SUD"
    assert fred.organization("fr") == "Organisme du Sud" and fred.moved
    anne = rows[scripted[("Anne Arsenault", CORE, 1)]]
    assert anne.printed_organization("fr") == "Organisme du Nord" and anne.organization_code == "NORD"
    assert not anne.moved


def test_the_page_shows_the_rows_with_links_and_badges(app: Flask, scripted: dict[tuple[str, str, int], int]) -> None:
    client = signed_in_client(app, TABLE, PASSWORD)
    response = client.get("/reports/certificates")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = _page_rows(html)
    page = _page(app)
    assert [(name, status) for name, status, _href in rows] == [(row.holder_name, row.status) for row in page.rows]
    # Each row opens the certificate's page, where the Table revokes.
    assert [href for _name, _status, href in rows] == [f"/certificates/{row.certificate_id}" for row in page.rows]
    fred = next(row for row in page.rows if row.holder_name == "Fred Fortin")
    assert "Organisme du Nord" in html and "(SUD)" in html and codes.display_code(fred.code) in html
    assert "<caption" in html and 'scope="col"' in html and 'role="search"' in html
    assert 'role="region" aria-labelledby="register-caption" tabindex="0"' in html
    assert inline_code(html) == []
    assert "?after=" not in html, "one page: no next page"
    english = client.get("/reports/certificates", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Certificate register" in english and "Organization today" in english and "Expiring soon" in english


# -- who sees what -------------------------------------------------------------------------------------


def test_a_coordinator_sees_the_certificates_of_the_people_in_their_organization_today(
    app: Flask, scripted: dict[tuple[str, str, int], int]
) -> None:
    nord = {row.holder_name for row in _page(app, COORD_NORD).rows}
    sud = {row.holder_name for row in _page(app, COORD_SUD).rows}
    assert nord == NORD_HOLDERS, "Fred moved to SUD today: his certificate printed with NORD is SUD's now"
    assert sud == SUD_HOLDERS
    client = signed_in_client(app, COORD_SUD, PASSWORD)
    html = client.get("/reports/certificates").get_data(as_text=True)
    assert {name for name, _status, _href in _page_rows(html)} == SUD_HOLDERS
    assert 'id="filter-org"' not in html, "one organization: nothing to choose"
    # A coordinator does not open other people's certificate pages: the rows link to the verification page.
    assert all(href.startswith("/verify/") for _name, _status, href in _page_rows(html))
    assert client.get("/reports/certificates", query_string={"org": "SUD"}).status_code == 200
    for path in ("/reports/certificates", "/reports/certificates.csv", "/reports/certificates.xlsx"):
        assert client.get(path, query_string={"org": "NORD"}).status_code == 404, path


@pytest.mark.parametrize("email", [WORKER, None])
def test_people_without_a_register_get_404_or_the_sign_in_page(
    app: Flask, scripted: dict[tuple[str, str, int], int], email: str | None
) -> None:
    client = signed_in_client(app, email, PASSWORD) if email else app.test_client()
    for path in ("/reports/certificates", "/reports/certificates.csv", "/reports/certificates.xlsx"):
        response = client.get(path, query_string={"status": "nope"})
        if email is None:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path
        else:
            assert response.status_code == 404, path
    with app.app_context(), pytest.raises(NotFound):
        register.register_page(_viewer(WORKER), register.Filters(), TODAY)
    _no_export_recorded(app)


def test_the_scope_agrees_with_the_predicates(app: Flask, scripted: dict[tuple[str, str, int], int]) -> None:
    """A certificate is in the viewer's register exactly when the viewer has a register and may view the
    organization its holder belongs to today (the Table and Admin: every one)."""
    with app.app_context():
        holders = {
            certificate_id: person_id
            for certificate_id, person_id in db.session.execute(sa.select(Certificate.id, Certificate.person_id))
        }
        for email in (TABLE, ADMIN, COORD_NORD, COORD_SUD, WORKER):
            viewer = _viewer(email)
            scoped = set(
                db.session.scalars(sa.select(Certificate.id).where(register.certificates_in_register(viewer, TODAY)))
            )
            expected = set()
            for certificate_id, person_id in holders.items():
                found = history.organization_of(person_id, TODAY)
                organization = found.id if found is not None else None
                allowed = permissions.can_view_certificate_register(viewer) and (
                    viewer.is_table
                    or viewer.is_admin
                    or (organization is not None and permissions.can_view_organization(viewer, organization))
                )
                if allowed:
                    expected.add(certificate_id)
            assert scoped == expected, email
            assert bool(scoped) == (email != WORKER)


# -- search and filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "holders"),
    [
        ({"name": "émond"}, {"Ève Émond"}),  # case-insensitive, accents folded by case on SQLite too
        ({"name": "ÈVE"}, {"Ève Émond"}),
        ({"name": "  gina  "}, {"Gina Gagné"}),
        ({"name": "an"}, {"Anne Arsenault", "Bruno Bélanger", "Ivan Isabelle"}),  # partial
        ({"name": "100%"}, set()),  # LIKE wildcards are taken literally
        ({"org": "SUD"}, SUD_HOLDERS),
        ({"org": "NORD"}, NORD_HOLDERS),
        ({"track": PIVOT}, {"Ève Émond", "Gina Gagné", "Judith Jobin"}),
        ({"status": "expiring"}, {"Bruno Bélanger", "Gina Gagné", "Karl Kirouac"}),
        ({"status": "renewed"}, {"Ève Émond", "Judith Jobin"}),
        ({"status": "upcoming"}, {"Ève Émond"}),
        ({"status": "revoked"}, {"Dora Dion", "Gina Gagné", "Ivan Isabelle"}),
        ({"status": "expired"}, {"Carla Côté", "Léa Lemieux"}),
        ({"status": "valid"}, {"Anne Arsenault", "Fred Fortin", "Ivan Isabelle", "Judith Jobin", "Marc Morin"}),
        ({"issued_from": "2026-01-01"}, {"Ève Émond", "Gina Gagné"}),
        ({"issued_to": "2023-03-02"}, {"Carla Côté", "Karl Kirouac", "Marc Morin"}),
        ({"issued_from": "2025-03-01", "issued_to": "2025-06-01"}, {"Ivan Isabelle", "Dora Dion"}),
        ({"track": CORE, "status": "valid", "org": "SUD"}, {"Fred Fortin", "Ivan Isabelle"}),
    ],
)
def test_each_filter_keeps_the_certificates_it_names(
    app: Flask, scripted: dict[tuple[str, str, int], int], args: dict[str, str], holders: set[str]
) -> None:
    page = _page(app, **args)
    assert {row.holder_name for row in page.rows} == holders
    assert page.total == len(page.rows)
    if "status" in args:
        assert {row.status for row in page.rows} <= {args["status"]}
        assert page.counts[args["status"]] == len(page.rows)
    client = signed_in_client(app, TABLE, PASSWORD)
    html = client.get("/reports/certificates", query_string=args).get_data(as_text=True)
    assert [name for name, _status, _href in _page_rows(html)] == [row.holder_name for row in page.rows]


def test_the_search_finds_a_code_typed_in_any_form(app: Flask, scripted: dict[tuple[str, str, int], int]) -> None:
    page = _page(app)
    anne = next(row for row in page.rows if row.holder_name == "Anne Arsenault")
    shown = codes.display_code(anne.code)  # ABCD-EFGH-JKMN-PQRS
    for typed in (anne.code, shown.lower(), f" {shown[5:14]} ", anne.code[:6].lower()):
        found = _page(app, code=typed).rows
        assert anne.certificate_id in {row.certificate_id for row in found}, typed
        assert all(codes.normalize_code(row.code) for row in found)
    assert [row.certificate_id for row in _page(app, code=anne.code).rows] == [anne.certificate_id]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"issued_from": "2026-13-01"}, "issued_from"),
        ({"issued_to": "16/03/2026"}, "issued_to"),
        ({"issued_from": "2026-03-10", "issued_to": "2026-03-01"}, "issued_to"),
        ({"status": "nope"}, "status"),
        ({"code": "not a code!"}, "code"),
        ({"name": "x" * 101}, "name"),
        ({"org": "NOWHERE"}, "org"),
        ({"track": "nope"}, "track"),
        ({"after": "yesterday"}, "after"),
    ],
)
def test_a_bad_filter_gives_a_400_page_naming_the_field(
    app: Flask, scripted: dict[tuple[str, str, int], int], args: dict[str, str], field: str
) -> None:
    client = signed_in_client(app, TABLE, PASSWORD)
    response = client.get("/reports/certificates", query_string=args)
    assert response.status_code == 400
    html = html_text(response.get_data(as_text=True))
    with app.test_request_context("/"):
        label = str(register.FIELD_NAMES[field])  # in French, the page's language
    assert label in html and 'class="error-summary"' in html
    if field != "after":
        # The message sits next to the field, which keeps what was typed.
        assert f'id="filter-{field}-error"' in html and f'href="#filter-{field}"' in html
        assert 'aria-invalid="true"' in html
    if field in ("name", "code", "issued_from", "issued_to"):
        assert f'value="{args[field]}"' in html, "what was typed is kept"
    assert _page_rows(html) == []
    for path in ("/reports/certificates.csv", "/reports/certificates.xlsx"):
        exported = client.get(path, query_string=args)
        assert exported.status_code == 400 and label in html_text(exported.get_data(as_text=True)), path
    with app.app_context(), pytest.raises(Invalid) as refused:
        register.register_page(_viewer(TABLE), register.parse_filters(args), TODAY)
    assert refused.value.field == field
    _no_export_recorded(app)


# -- keyset pages --------------------------------------------------------------------------------------


def _insert(person_ids: list[int], track_id: int, numbers: range, organization_id: int) -> None:
    """Certificates numbered ``numbers``, spread over ``person_ids`` (number n: holder n % len, cycle n // len
    + 1), three issued a day going back from today, in one bulk insert; every fifth revoked, every seventh
    expiring soon."""
    rows = []
    for number in numbers:
        issued_on = TODAY - (number // 3) * DAY
        expires_on = TODAY + 20 * DAY if number % 7 == 0 else issued_on + 1000 * DAY
        rows.append(
            {
                "person_id": person_ids[number % len(person_ids)],
                "track_id": track_id,
                "cycle": number // len(person_ids) + 1,
                "code": codes.new_code(),
                "holder_name": f"Titulaire {number:05d}",
                "organization_id": organization_id,
                "organization_name_fr": "Grand organisme",
                "organization_name_en": "Large organization",
                "track_title_fr": "Formation de base",
                "track_title_en": "Core training",
                "validity_months": 36,
                "issued_on": issued_on,
                "valid_from": issued_on,
                "expires_on": max(expires_on, issued_on + DAY),
                "renews_id": None,
                "created_at": NOW,
                "revoked_at": NOW - dt.timedelta(hours=1) if number % 5 == 0 else None,
            }
        )
    if rows:
        db.session.execute(sa.insert(Certificate), rows)


@pytest.fixture
def grow(app: Flask, content_root: Path) -> Callable[[int], None]:
    """A function bringing the certificates of organization GRAND (its coordinator: COORD_NORD) to a number."""
    with app.app_context():
        org = make_org("GRAND")
        make_person(email=TABLE, org=None, roles=("table",))
        make_person(email=COORD_NORD, org=org, roles=("coordinator",))
        holders = [make_person(org=org, password=None).id for _ in range(10)]
        track_id = db.session.scalars(sa.select(Track.id).where(Track.slug == CORE)).one()
        db.session.commit()
        organization_id = org.id
    count = 0

    def to(total: int) -> None:
        nonlocal count
        with app.app_context():
            _insert(holders, track_id, range(count, total), organization_id)
            db.session.commit()
        count = max(count, total)

    return to


def _follow(client: FlaskClient, path: str) -> Iterator[list[tuple[str, str, str]]]:
    """The rows of each page of the register from ``path`` on, following the "next page" links."""
    next_path: str | None = path
    while next_path is not None:
        response = client.get(next_path)
        assert response.status_code == 200, next_path
        html = response.get_data(as_text=True)
        yield _page_rows(html)
        found = re.search(r'<a href="([^"]*)" rel="next">', html)
        next_path = found.group(1).replace("&amp;", "&") if found else None


def test_keyset_pages_cover_every_certificate_once_newest_first(app: Flask, grow: Callable[[int], None]) -> None:
    grow(120)
    client = signed_in_client(app, TABLE, PASSWORD)
    pages = list(_follow(client, "/reports/certificates"))
    assert [len(rows) for rows in pages] == [50, 50, 20]
    names = [name for rows in pages for name, _status, _href in rows]
    assert len(names) == len(set(names)) == 120, "pages do not overlap and cover all"
    # Three a day: newest issued first, and within a day the newest id first (inserted in number order).
    assert names == [f"Titulaire {number:05d}" for number in _newest_first(120)]
    # The same with a filter: the next page keeps it.
    revoked = list(_follow(client, "/reports/certificates?status=revoked"))
    assert [len(rows) for rows in revoked] == [24]
    valid = [row for rows in _follow(client, "/reports/certificates?status=valid") for row in rows]
    # 24 revoked (every fifth), 14 expiring soon (every seventh, but 4 of those 18 are revoked first).
    assert len(valid) == 120 - 24 - 14
    assert {status for _name, status, _href in valid} == {"valid"}


def _newest_first(count: int) -> list[int]:
    """The numbers of :func:`_insert`'s certificates in the register's order (issue day desc, id desc)."""
    return sorted(range(count), key=lambda number: (number // 3, -number))


def test_a_page_link_keeps_the_filters_and_the_key(app: Flask, grow: Callable[[int], None]) -> None:
    grow(60)
    client = signed_in_client(app, TABLE, PASSWORD)
    html = client.get("/reports/certificates", query_string={"track": CORE}).get_data(as_text=True)
    link = re.search(r'<a href="([^"]*)" rel="next">', html)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["track"] == [CORE] and re.fullmatch(r"\d{4}-\d{2}-\d{2}\.\d+", query["after"][0])
    second = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(_page_rows(second)) == 10
    assert 'rel="next"' not in second
    assert f'<a href="/reports/certificates?track={CORE}">' in second, "back to the first page, with the filters"


# -- exports -------------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _no_export_recorded(app: Flask) -> None:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificates.exported")
        )
        assert count == 0


@pytest.mark.parametrize("args", [{}, {"status": "expiring"}, {"org": "SUD", "track": CORE}, {"name": "gagné"}])
def test_the_exports_hold_the_rows_the_page_shows(
    app: Flask, scripted: dict[tuple[str, str, int], int], args: dict[str, str]
) -> None:
    client = signed_in_client(app, TABLE, PASSWORD)
    page = _page(app, **args)
    shown = _page_rows(client.get("/reports/certificates", query_string=args).get_data(as_text=True))
    assert [name for name, _status, _href in shown] == [row.holder_name for row in page.rows] and shown
    response = client.get("/reports/certificates.csv", query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    header, *body = _csv_rows(response.data)
    assert len(header) == 10
    expected = [
        [
            row.holder_name,
            row.printed_organization("fr"),
            row.organization("fr") or "",
            row.organization_code or "",
            row.track_title("fr"),
            row.issued_on.isoformat(),
            row.valid_from.isoformat(),
            row.expires_on.isoformat(),
            codes.display_code(row.code),
        ]
        for row in page.rows
    ]
    assert [line[:8] + line[9:] for line in body] == expected
    workbook = client.get("/reports/certificates.xlsx", query_string=args)
    assert workbook.status_code == 200
    sheet_header, *sheet_body = _xlsx_rows(workbook.data)
    assert list(sheet_header) == header
    assert [[_text(cell) for cell in line] for line in sheet_body] == body


def _text(cell: Any) -> str:
    """A spreadsheet cell as the CSV writes it."""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    return "" if cell is None else str(cell)


def test_an_export_holds_every_page(app: Flask, grow: Callable[[int], None]) -> None:
    grow(120)
    client = signed_in_client(app, TABLE, PASSWORD)
    page_names = [name for rows in _follow(client, "/reports/certificates") for name, _status, _href in rows]
    body = _csv_rows(client.get("/reports/certificates.csv").data)[1:]
    assert [line[0] for line in body] == page_names
    # The page's key is not an export's: from the second page, the export still holds them all.
    second = _xlsx_rows(client.get("/reports/certificates.xlsx", query_string={"after": f"{TODAY}.1"}).data)[1:]
    assert len(second) == 120


def test_each_export_is_recorded_without_the_name_searched(
    app: Flask, scripted: dict[tuple[str, str, int], int]
) -> None:
    client = signed_in_client(app, COORD_SUD, PASSWORD)
    assert (
        client.get("/reports/certificates.csv", query_string={"status": "revoked", "name": "Gina"}).status_code == 200
    )
    assert client.get("/reports/certificates.xlsx").status_code == 200
    assert client.get("/reports/certificates").status_code == 200  # viewing the register is not an export
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "certificates.exported").order_by(AuditEvent.id)
        ).all()
        coordinator = get_person(COORD_SUD).id
        assert [(event.actor_id, event.details["format"], event.details["rows"]) for event in events] == [
            (coordinator, "csv", 1),
            (coordinator, "xlsx", len(SUD_HOLDERS) + 2),
        ]
        assert events[0].details["filters"] == "status=revoked" and events[0].details["name_searched"] is True
        assert "Gina" not in repr(events[0].details)
        assert events[1].details == {"format": "xlsx", "filters": "", "name_searched": False, "rows": 5}


def test_a_formula_in_a_name_is_exported_neutralized(app: Flask, scripted: dict[tuple[str, str, int], int]) -> None:
    with app.app_context():
        nord = db.session.scalars(sa.select(Organization).where(Organization.code == "NORD")).one()
        person = make_person(name="=HYPERLINK(1)", org=nord)
        _certificate(person, CORE, TODAY, organization=nord)
        db.session.commit()
    client = signed_in_client(app, TABLE, PASSWORD)
    names = [line[0] for line in _csv_rows(client.get("/reports/certificates.csv").data)[1:]]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


# -- query counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "path"),
    [
        (TABLE, "/reports/certificates"),
        (TABLE, "/reports/certificates?status=expiring&name=titulaire&track=formation-de-base"),
        (TABLE, "/reports/certificates?after=2026-02-01.5000&issued_from=2020-01-01"),
        (COORD_NORD, "/reports/certificates?org=GRAND"),
        (TABLE, "/reports/certificates.csv"),
        (COORD_NORD, "/reports/certificates.xlsx?status=valid"),
    ],
)
def test_the_register_costs_the_same_for_10_and_10000_certificates(
    app: Flask, grow: Callable[[int], None], count_queries: Callable[[], Any], email: str, path: str
) -> None:
    counts, most = {}, {}
    for size in (10, 10_000):
        grow(size)
        client = signed_in_client(app, email, PASSWORD)
        assert client.get(path).status_code == 200  # warm
        counter = RowCounter()
        with count_queries() as counted:
            sa.event.listen(sa.Engine, "before_cursor_execute", counter)
            try:
                response = client.get(path)
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        assert response.status_code == 200
        counts[size] = counted.count
        most[size] = counter.most_rows(app)
        if ".csv" not in path and ".xlsx" not in path:
            assert most[size] <= register.PAGE_SIZE + 1, (size, most[size])
            assert len(_page_rows(response.get_data(as_text=True))) == min(size, register.PAGE_SIZE) or "?" in path
    assert counts[10] == counts[10_000], counts
