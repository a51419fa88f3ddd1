"""The partner directory (``/directory``) and the work phone a person chooses to show there (``/account``).

The directory is the one place where people of one organization see people of another: current pivots of
member organizations only, their work contacts only. The tests compare everything the page carries for each
organization and pivot with an allow-list, and check that an opted-out phone, a worker and any training record
never appear.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning import clock as app_clock
from elearning.extensions import db
from elearning.models import AuditEvent, Organization, Person
from elearning.permissions import ANONYMOUS, SYSTEM
from elearning.roles import Role
from elearning.services.errors import Forbidden, Invalid
from elearning.services.people import accounts, directory
from elearning.services.people.viewers import load_viewer
from elearning.web.directory.views import tel_href
from tests.conftest import TODAY, RowCounter
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team
from tests.web import csrf_token, signed_in_client

SHOWN_PHONE = "418 555-0101 poste 12"
HIDDEN_PHONE = "581 555-0199"
WORKER_PHONE = "418 555-0177"
WORKER = "wanda.worker@nord.example.org"
COORDINATOR = "colette.coord@nord.example.org"
BENOIT = "benoit.tremblay@nord.example.org"
CHLOE = "chloe.cote@sud.example.org"

#: Every field the directory carries, by what it describes: the page's ``data-field`` names and the service's
#: dataclass fields. Adding one is a decision about what crosses organizations: PRODUCT.md, "Who sees what".
PAGE_FIELDS = {
    "org-name",
    "org-code",
    "org-kind",
    "org-mandate",
    "pivot-name",
    "pivot-teams",
    "pivot-email",
    "pivot-phone",
}
ORGANIZATION_FIELDS = {"code", "name", "kind", "mandate", "pivots"}
PIVOT_FIELDS = {"name", "teams", "email", "phone"}
#: Words of training records, in both languages: none may appear among the results.
RECORD_WORDS = (
    "certificat",
    "attestation",
    "progress",
    "progression",
    "score",
    "quiz",
    "module",
    "attempt",
    "tentative",
)


@dataclass(frozen=True)
class Story:
    emails: dict[str, str]
    #: The names of people the directory must never list.
    unlisted: tuple[str, ...]


def _person(name: str, email: str, org: Organization, roles: tuple[str, ...] = ("pivot",)) -> Person:
    return make_person(email=email, name=name, org=org, roles=roles)


def build_story(app: Flask) -> Story:
    """Two organizations with pivots, one without any, one that left the Table; a worker, a coordinator, a
    deactivated pivot, a pivot whose designation ended, a phone shown and a phone kept private."""
    with app.app_context():
        nord = make_org("NORD", name="Centre jeunesse du Nord", kind="youth_centre")
        nord.name_en = "Northern Youth Centre"
        nord.mandate_fr = "Protéger les jeunes du Nord."
        nord.mandate_en = "Protect the youth of the North."
        sud = make_org("SUD", name="Service de police du Sud", kind="police")
        sud.mandate_fr = "Enquêtes et prévention au Sud."
        make_org("VIDE", name="Organisme sans pivot", kind="community")
        gone = make_org("PARTI", name="Organisme parti", kind="other")
        quebec = make_team(nord, "Équipe Québec-Centre")
        old = make_team(nord, "Ancienne équipe")
        patrol = make_team(sud, "Patrouille")
        squad = make_team(sud, "Escouade jeunesse")

        benoit = _person("Benoît Tremblay", BENOIT, nord)
        add_member(quebec, benoit, "pivot")
        add_member(old, benoit, "pivot")
        benoit.work_phone, benoit.phone_in_directory = SHOWN_PHONE, True
        chloe = _person("Chloé Côté", CHLOE, sud)
        add_member(squad, chloe, "pivot")
        add_member(patrol, chloe, "member")  # a member there, not its pivot
        chloe.work_phone, chloe.phone_in_directory = HIDDEN_PHONE, False
        fanny = _person("Fanny Sansequipe", "fanny@sud.example.org", sud)  # a pivot of no team
        fanny.phone_in_directory = True  # the box without a number: nothing to show

        worker = _person("Wanda Worker", WORKER, nord, ("worker",))
        add_member(quebec, worker, "member")
        worker.work_phone, worker.phone_in_directory = WORKER_PHONE, True
        _person("Colette Coord", COORDINATOR, nord, ("coordinator",))
        gone_pivot = _person("Gaston Parti", "gaston@parti.example.org", gone)
        gone.left_on = TODAY
        deactivated = _person("Denis Desactive", "denis@nord.example.org", nord)
        add_member(quebec, deactivated, "pivot")
        ended = _person("Élise Ancienne", "elise@nord.example.org", nord)
        add_member(quebec, ended, "pivot")
        accounts.set_roles(SYSTEM, ended, {Role.WORKER}, on=TODAY)  # her designation ends today
        accounts.deactivate(SYSTEM, deactivated)
        old.archived_at = app_clock.now()
        assert gone_pivot.id
        db.session.commit()
    return Story(
        emails={"worker": WORKER, "coordinator": COORDINATOR, "benoit": BENOIT, "chloe": CHLOE},
        unlisted=("Wanda Worker", "Colette Coord", "Gaston Parti", "Denis Desactive", "Élise Ancienne"),
    )


@pytest.fixture
def story(app: Flask) -> Story:
    return build_story(app)


@pytest.fixture
def worker(app: Flask, story: Story) -> FlaskClient:
    return signed_in_client(app, WORKER, PASSWORD)


def _directory(app: Flask, email: str = WORKER, **kwargs: Any) -> directory.Directory:
    with app.app_context():
        person_id = db.session.scalar(sa.select(Person.id).where(Person.email == email))
        assert person_id is not None
        return directory.directory(
            load_viewer(person_id, TODAY), TODAY, language=kwargs.pop("language", "fr"), **kwargs
        )


def _listed(found: directory.Directory) -> dict[str, list[str]]:
    return {organization.code: [pivot.name for pivot in organization.pivots] for organization in found.organizations}


# -- what it lists ---------------------------------------------------------------------------------------


def test_the_directory_lists_the_current_pivots_of_member_organizations(app: Flask, story: Story) -> None:
    found = _directory(app)
    assert _listed(found) == {
        "NORD": ["Benoît Tremblay"],
        "VIDE": [],
        "SUD": ["Chloé Côté", "Fanny Sansequipe"],
    }
    # In name order for the language: « Centre jeunesse du Nord », « Organisme sans pivot », « Service de police ».
    assert [item.code for item in found.choices] == ["NORD", "VIDE", "SUD"]
    benoit = found.organizations[0].pivots[0]
    assert benoit == directory.DirectoryPivot("Benoît Tremblay", ("Équipe Québec-Centre",), BENOIT, SHOWN_PHONE)
    chloe, fanny = found.organizations[2].pivots
    assert chloe.teams == ("Escouade jeunesse",) and chloe.phone is None  # chose not to show it
    assert fanny.teams == () and fanny.phone is None  # no number given
    assert found.organizations[0].mandate == "Protéger les jeunes du Nord."
    assert found.organizations[0].kind == "youth_centre"
    english = _directory(app, language="en")
    assert english.choices[0].name == "Northern Youth Centre"
    assert english.organizations[0].mandate == "Protect the youth of the North."
    assert english.organizations[-1].mandate == "Enquêtes et prévention au Sud."  # no English: the French text


def test_every_role_sees_the_same_directory(app: Flask, story: Story) -> None:
    expected = _directory(app)
    for email in (COORDINATOR, BENOIT, CHLOE):
        assert _directory(app, email) == expected
    with app.app_context(), pytest.raises(Forbidden):
        directory.directory(ANONYMOUS, TODAY, language="fr")


def test_the_page_hides_an_opted_out_phone_and_everyone_unlisted(app: Flask, worker: FlaskClient) -> None:
    page = worker.get("/directory")
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    assert "Benoît Tremblay" in html and f'href="mailto:{BENOIT}"' in html
    assert SHOWN_PHONE in html and 'href="tel:4185550101;ext=12"' in html
    assert "Aucun pivot" in html or "No pivot designated yet." in html
    squeezed = html.replace("-", "").replace(" ", "")
    assert HIDDEN_PHONE not in html and "5815550199" not in squeezed  # not even in an attribute
    assert WORKER_PHONE not in html and "4185550177" not in squeezed
    for name in ("Colette Coord", "Gaston Parti", "Denis Desactive", "Élise Ancienne", "Organisme parti"):
        assert name not in html, name
    # The worker's own name and e-mail show in the header and on /account only, never among the results.
    results = _results(html)
    assert "Wanda Worker" not in results and WORKER not in results
    assert "Ancienne équipe" not in html and "Patrouille" not in html


def test_the_directory_is_in_the_navigation_for_everyone_signed_in(worker: FlaskClient) -> None:
    assert 'href="/directory"' in worker.get("/").get_data(as_text=True)


# -- search and filter -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        ({"query": "benoit"}, {"NORD": ["Benoît Tremblay"]}),  # accents and case do not matter
        ({"query": "BENOÎT  tremblay"}, {"NORD": ["Benoît Tremblay"]}),  # every word, spaces collapsed
        ({"query": "chloe cote"}, {"SUD": ["Chloé Côté"]}),
        ({"query": "police"}, {"SUD": ["Chloé Côté", "Fanny Sansequipe"]}),  # the organization's name
        ({"query": "youth", "language": "en"}, {"NORD": ["Benoît Tremblay"]}),  # its English name
        ({"query": "nord"}, {"NORD": ["Benoît Tremblay"]}),  # its code
        ({"query": "escouade"}, {"SUD": ["Chloé Côté"]}),  # a team she is pivot of
        ({"query": "quebec centre"}, {"NORD": ["Benoît Tremblay"]}),
        ({"query": "patrouille"}, {}),  # a team she is only a member of
        ({"query": "ancienne"}, {}),  # an archived team, and a pivot whose designation ended
        ({"query": "wanda"}, {}),  # a worker
        ({"query": "sud fanny"}, {"SUD": ["Fanny Sansequipe"]}),  # words found in different places
        ({"query": "100%"}, {}),  # taken literally
        ({"organization_code": "sud"}, {"SUD": ["Chloé Côté", "Fanny Sansequipe"]}),
        ({"organization_code": "VIDE"}, {"VIDE": []}),  # no search: listed, without pivots
        ({"organization_code": "SUD", "query": "benoit"}, {}),
        ({"query": "organisme"}, {}),  # an organization without pivots matches nobody
    ],
)
def test_the_search_finds_pivots_by_name_organization_and_team(
    app: Flask, story: Story, args: dict[str, str], listed: dict[str, list[str]]
) -> None:
    assert _listed(_directory(app, **args)) == listed


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"org": "NOPE"}, "org", "unknown organization NOPE"),
        ({"org": "PARTI"}, "org", "unknown organization PARTI"),  # left the Table
        ({"q": "x" * 101}, "q", "at most 100 characters"),
    ],
)
def test_refused_search_is_a_400_naming_the_field_and_showing_nothing(
    app: Flask, worker: FlaskClient, query: dict[str, str], field: str, message: str
) -> None:
    page = worker.get("/directory", query_string={**query, "lang": "en"})
    assert page.status_code == 400
    html = unescape(page.get_data(as_text=True))
    assert message in html and f'href="#directory-{field}"' in html and 'aria-invalid="true"' in html
    assert "Benoît Tremblay" not in html and 'id="directory-results"' not in html
    with app.app_context(), pytest.raises(Invalid) as refused:
        person_id = db.session.scalar(sa.select(Person.id).where(Person.email == WORKER))
        assert person_id is not None
        directory.directory(load_viewer(person_id, TODAY), TODAY, query.get("q", ""), query.get("org"), language="en")
    assert refused.value.field == field


def test_a_search_of_exactly_the_longest_length_is_accepted(worker: FlaskClient) -> None:
    assert worker.get("/directory", query_string={"q": "b" * 100}).status_code == 200


def test_the_search_page_says_how_many_pivots_match(worker: FlaskClient) -> None:
    html = unescape(worker.get("/directory?q=benoit&lang=en").get_data(as_text=True))
    assert "Search results: 1 pivot in 1 organization." in html and 'role="status"' in html
    html = unescape(worker.get("/directory?lang=en").get_data(as_text=True))
    assert "3 organizations, 3 pivots." in html
    html = unescape(worker.get("/directory?q=zzz&lang=en").get_data(as_text=True))
    assert "No pivot matches this search." in html


# -- the allow-list ----------------------------------------------------------------------------------------


class _Fields(HTMLParser):
    """In ``#directory-results``: the text of each ``data-field`` element, the text outside any, and the
    links."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.outside: list[str] = []
        self.links: list[str] = []
        self._depth = 0  # inside the results: the depth of open elements, 0 outside
        self._open: list[tuple[int, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._depth == 0:
            if values.get("id") == "directory-results":
                self._depth = 1
            return
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self._depth += 1
        if tag == "a":
            self.links.append(values.get("href") or "")
        name = values.get("data-field")
        if name:
            self._open.append((self._depth, name, []))

    def handle_endtag(self, tag: str) -> None:
        if self._depth == 0:
            return
        if self._open and self._open[-1][0] == self._depth:
            _depth, name, texts = self._open.pop()
            self.fields.append((name, " ".join(" ".join(texts).split())))
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or self._depth == 0:
            return
        if self._open:
            for _depth, _name, texts in self._open:
                texts.append(text)
        else:
            self.outside.append(text)


def _parse(html: str) -> _Fields:
    parser = _Fields()
    parser.feed(html)
    return parser


def _results(html: str) -> str:
    parser = _parse(html)
    return " ".join([text for _name, text in parser.fields] + parser.outside + parser.links)


#: Labels the results may show outside the fields (English page).
RESULT_LABELS = {"Team", "Teams", "E-mail", "Phone", "No pivot designated yet."}


@pytest.mark.parametrize("path", ["/directory?lang=en", "/directory?lang=en&q=sud", "/directory?lang=en&org=NORD"])
def test_the_page_carries_only_the_allowed_fields(app: Flask, worker: FlaskClient, path: str) -> None:
    page = worker.get(path)
    assert page.status_code == 200
    parsed = _parse(page.get_data(as_text=True))
    names = {name for name, _text in parsed.fields}
    assert names <= PAGE_FIELDS and parsed.fields, names
    if path.endswith("lang=en"):
        assert names == PAGE_FIELDS  # the whole directory shows every kind of field
    assert set(parsed.outside) <= RESULT_LABELS, set(parsed.outside) - RESULT_LABELS
    # Every value is one the service returned for a listed pivot or organization; every link a contact.
    found = _directory(app, language="en")
    allowed: dict[str, set[str]] = {name: set() for name in PAGE_FIELDS}
    for organization in found.organizations:
        allowed["org-name"].add(organization.name)
        allowed["org-code"].add(organization.code)
        allowed["org-mandate"].add(organization.mandate)
        for pivot in organization.pivots:
            allowed["pivot-name"].add(pivot.name)
            allowed["pivot-teams"].add(", ".join(pivot.teams))
            allowed["pivot-email"].add(pivot.email)
            allowed["pivot-phone"].update([pivot.phone] if pivot.phone else [])
    allowed["org-kind"] = {"Youth centre", "Police service", "Community organization"}
    for name, text in parsed.fields:
        assert unescape(text) in allowed[name], (name, text)
    emails = {f"mailto:{email}" for email in allowed["pivot-email"]}
    phones = {tel_href(phone) for phone in allowed["pivot-phone"]}
    assert set(parsed.links) <= emails | phones, set(parsed.links) - emails - phones
    results = unescape(_results(page.get_data(as_text=True))).lower()
    for word in RECORD_WORDS:
        assert word not in results, word
    for name in ("Wanda Worker", WORKER, WORKER_PHONE, HIDDEN_PHONE):
        assert name.lower() not in results


def test_the_service_returns_only_the_allowed_fields() -> None:
    assert {field.name for field in dataclasses.fields(directory.DirectoryOrganization)} == ORGANIZATION_FIELDS
    assert {field.name for field in dataclasses.fields(directory.DirectoryPivot)} == PIVOT_FIELDS
    assert {field.name for field in dataclasses.fields(directory.OrganizationChoice)} == {"code", "name"}
    assert {field.name for field in dataclasses.fields(directory.Directory)} == {
        "query",
        "organization_code",
        "choices",
        "organizations",
    }


# -- statements ------------------------------------------------------------------------------------------


def _grow(app: Flask, organizations: int, pivots: int) -> None:
    """``organizations`` more member organizations, each with ``pivots`` pivots in two teams."""
    with app.app_context():
        for number in range(organizations):
            org = make_org(f"BULK{number}", name=f"Organisme {number:03d}")
            teams = [make_team(org, f"Équipe {number}-{index}") for index in range(2)]
            for index in range(pivots):
                person = make_person(
                    email=f"pivot{number}.{index}@bulk.example.org", org=org, roles=("pivot",), password=None
                )
                add_member(teams[index % 2], person, "pivot")
                person.work_phone, person.phone_in_directory = "418 555-0000", index % 2 == 0
        db.session.commit()


@pytest.mark.parametrize(("organizations", "pivots"), [(0, 0), (12, 6)])
@pytest.mark.parametrize("query", ["", "?q=equipe", "?org=NORD"])
def test_the_directory_asks_the_same_statements_whatever_the_size(
    app: Flask, story: Story, count_queries: Callable[[], Any], organizations: int, pivots: int, query: str
) -> None:
    _grow(app, organizations, pivots)
    client = signed_in_client(app, WORKER, PASSWORD)
    assert client.get("/directory" + query).status_code == 200  # the session's first request reads the viewer
    with count_queries() as counter:
        assert client.get("/directory" + query).status_code == 200
    # The session's lookup, then the organizations, the pivots and their teams.
    assert counter.count == 4, counter.statements
    with app.app_context():
        person_id = db.session.scalar(sa.select(Person.id).where(Person.email == WORKER))
        assert person_id is not None
        viewer = load_viewer(person_id, TODAY)
        with count_queries() as service:
            found = directory.directory(viewer, TODAY, language="fr")
    assert service.count == 3, service.statements
    assert found.pivot_count == 3 + organizations * pivots
    # No statement returns more than a row per organization, pivot or pivot's team.
    rows = RowCounter()
    sa.event.listen(sa.Engine, "before_cursor_execute", rows)
    try:
        assert client.get("/directory").status_code == 200
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", rows)
    assert rows.most_rows(app) <= max(3 + organizations, 3 + organizations * pivots)


# -- the phone on /account -------------------------------------------------------------------------------


def _post_contact(client: FlaskClient, **data: str) -> Any:
    return client.post("/account/directory", data={"csrf_token": csrf_token(client, "/account"), **data})


def _contact(app: Flask, email: str) -> tuple[str, bool]:
    with app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == email))
        assert person is not None
        return person.work_phone, person.phone_in_directory


def _contact_events(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        return [
            dict(event.details or {})
            for event in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "person.directory_contact_set").order_by(AuditEvent.id)
            )
        ]


def _checkbox(html: str) -> str:
    match = re.search(r'<input[^>]*name="phone_in_directory"[^>]*>', html)
    assert match is not None, "no directory checkbox on the account page"
    return match.group(0)


def test_a_pivot_shows_a_phone_in_the_directory_from_the_account_page(app: Flask, story: Story) -> None:
    chloe = signed_in_client(app, CHLOE, PASSWORD)
    account = unescape(chloe.get("/account?lang=en").get_data(as_text=True))
    assert "everyone signed in can see it" in account and f'value="{HIDDEN_PHONE}"' in account
    assert "checked" not in _checkbox(account)
    response = _post_contact(chloe, work_phone=" 581  555-0199 ext. 7 ", phone_in_directory="y")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert _contact(app, CHLOE) == ("581 555-0199 ext. 7", True)
    assert _contact_events(app) == [{"phone_given": True, "shown": True}]  # never the number
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.directory_contact_set"))
        assert event is not None and "555" not in str(event.details) and event.subject_person_id == event.actor_id
    page = unescape(chloe.get("/account").get_data(as_text=True))
    assert 'value="581 555-0199 ext. 7"' in page and "checked" in _checkbox(page)
    assert "581 555-0199 ext. 7" in unescape(chloe.get("/directory").get_data(as_text=True))
    # Unchecked: gone from the directory, kept on the account.
    assert _post_contact(chloe, work_phone="581 555-0199 ext. 7").status_code == 302
    assert _contact(app, CHLOE) == ("581 555-0199 ext. 7", False)
    assert "555-0199" not in chloe.get("/directory").get_data(as_text=True)
    # The same again changes nothing and records nothing.
    assert _post_contact(chloe, work_phone="581 555-0199 ext. 7").status_code == 302
    assert len(_contact_events(app)) == 2
    # Emptied: no number, whatever the box says.
    assert _post_contact(chloe, work_phone="", phone_in_directory="y").status_code == 302
    assert _contact(app, CHLOE) == ("", True)
    assert _directory(app, CHLOE).organizations[2].pivots[0].phone is None


@pytest.mark.parametrize(
    "phone",
    ["12345", "x" * 12, "418 555 0100 #12", "+1 418 555-0100" + "0" * 30, "418-555-0100 poste", "<b>4185550100</b>"],
)
def test_a_malformed_phone_is_a_400_on_the_account_page_and_nothing_is_written(
    app: Flask, story: Story, phone: str
) -> None:
    chloe = signed_in_client(app, CHLOE, PASSWORD)
    response = _post_contact(chloe, work_phone=phone, phone_in_directory="y")
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "par exemple 418 555-0100 poste 12" in html and 'aria-invalid="true"' in html
    assert _contact(app, CHLOE) == (HIDDEN_PHONE, False) and _contact_events(app) == []


@pytest.mark.parametrize(
    "phone", ["418 555-0100", "+1 (418) 555-0100", "418.555.0100, poste 1234", "4185550100 EXT 5", "5550100"]
)
def test_the_usual_ways_of_writing_a_phone_are_accepted(phone: str) -> None:
    assert directory.check_phone(phone) == " ".join(phone.split())


def test_an_incomplete_form_is_a_400(app: Flask, story: Story) -> None:
    chloe = signed_in_client(app, CHLOE, PASSWORD)
    assert _post_contact(chloe).status_code == 400
    assert _contact(app, CHLOE) == (HIDDEN_PHONE, False)


def test_a_phone_link_dials_the_number_and_its_extension() -> None:
    assert tel_href("418 555-0101 poste 12") == "tel:4185550101;ext=12"
    assert tel_href("+1 (418) 555-0100") == "tel:+14185550100"
    assert tel_href("418.555.0100, ext. 7") == "tel:4185550100;ext=7"


def test_a_worker_may_save_a_phone_that_the_directory_never_shows(app: Flask, worker: FlaskClient) -> None:
    assert _post_contact(worker, work_phone="418 555-0155", phone_in_directory="y").status_code == 302
    assert "555-0155" not in worker.get("/directory").get_data(as_text=True)


def test_an_organization_that_left_the_table_today_was_listed_yesterday(app: Flask, story: Story) -> None:
    with app.app_context():
        person_id = db.session.scalar(sa.select(Person.id).where(Person.email == WORKER))
        assert person_id is not None
        viewer = load_viewer(person_id, TODAY)
        yesterday = directory.directory(viewer, TODAY - dt.timedelta(days=1), language="fr")
        today = directory.directory(viewer, TODAY, language="fr")
    assert "PARTI" in {organization.code for organization in yesterday.organizations}
    assert "PARTI" not in {organization.code for organization in today.organizations}
    assert yesterday.pivot_count == 0  # the story's facts start today
