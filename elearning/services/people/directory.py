"""The partner directory (``/directory``): the organizations of the Table, their mandates and their current
pivots' work contacts, for everyone signed in; and the choice each person makes of showing a work phone there.

**Who sees what** (PRODUCT.md): the directory is the one place where people of one organization see people of
another, and it shows nothing else: only pivots (``scopes.directory_pivots``, beside the predicate
``permissions.is_listed_in_directory``), only their name, teams, work e-mail and, when they chose to show it
on ``/account``, their work phone. No worker, no progress, no certificate. The phone of a person who did not
choose to show it never leaves the database (the select reads it only when shown).

**Reading**: three statements whatever the number of organizations, pivots and teams: the organizations that
are members of the Table on the day (for the list and the organization filter), the pivots matching the search
and the filter, and the teams they are pivots of. Merged by id here, returned as frozen dataclasses of
primitives in the asked language.

**Search** (``q``): every word of it is found, whatever the case and the accents (``benoit`` finds
``Benoît``), in the pivot's name, their organization's code or names, or the name of a team they are pivot of;
``org`` keeps one organization. While searching, organizations without a matching pivot are left out; without
a search every member organization is listed, those without a pivot too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from elearning import permissions
from elearning.extensions import db
from elearning.models import Membership, Organization, Person, PivotDesignation, Team, TeamMembership
from elearning.models.types import in_language
from elearning.permissions import Viewer, scopes
from elearning.roles import TeamRole
from elearning.services.access import require
from elearning.services.audit import record
from elearning.services.errors import Invalid
from elearning.services.search import contains_folded, fold

#: The longest search accepted (characters, once spaces are collapsed).
QUERY_MAX = 100
#: A work phone: 7 to 40 characters, digits with spaces, ``+``, ``-``, ``.`` and parentheses, and an
#: extension after « poste » or "ext".
PHONE_MIN, PHONE_MAX = 7, 40
_PHONE = re.compile(r"^\+?[0-9 ().\-]*[0-9][0-9 ().\-]*(?:,?\s*(?:poste|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)
FIELD_NAMES = {
    "q": _l("Search"),
    "org": _l("Organization"),
    "work_phone": _l("Work phone"),
}


# -- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryPivot:
    """A pivot as the directory shows them: work contacts only."""

    name: str
    #: The names of the organization's teams (not archived) the pivot is pivot of today; none is possible.
    teams: tuple[str, ...]
    #: The work e-mail address (the account's).
    email: str
    #: The work phone, only when the pivot chose to show it (None otherwise).
    phone: str | None


@dataclass(frozen=True)
class DirectoryOrganization:
    code: str
    name: str
    #: One of :class:`elearning.roles.OrganizationKind` (the web layer names it).
    kind: str
    mandate: str
    pivots: tuple[DirectoryPivot, ...]


@dataclass(frozen=True)
class OrganizationChoice:
    """An organization the filter offers."""

    code: str
    name: str


@dataclass(frozen=True)
class Directory:
    #: The search as read (spaces collapsed) and the organization filter's code (None: all).
    query: str
    organization_code: str | None
    #: Every organization member of the Table on the day, in name order (the filter's choices).
    choices: tuple[OrganizationChoice, ...]
    #: The organizations listed, in name order, each with its pivots in name order.
    organizations: tuple[DirectoryOrganization, ...]

    @property
    def searching(self) -> bool:
        return bool(self.query)

    @property
    def pivot_count(self) -> int:
        return sum(len(organization.pivots) for organization in self.organizations)


# -- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OrganizationRow:
    id: int
    code: str
    name_fr: str
    name_en: str
    kind: str
    mandate_fr: str
    mandate_en: str

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)


def _sort_key(text: str) -> tuple[str, str]:
    return fold(text), text


def _organizations(day: dt.date, language: str) -> list[_OrganizationRow]:
    statement = sa.select(
        Organization.id,
        Organization.code,
        Organization.name_fr,
        Organization.name_en,
        Organization.kind,
        Organization.mandate_fr,
        Organization.mandate_en,
    ).where(scopes.table_members_on(day))
    rows = [_OrganizationRow(*row) for row in db.session.execute(statement)]
    return sorted(rows, key=lambda row: (*_sort_key(row.name(language)), row.code))


def _choices(rows: list[_OrganizationRow], language: str) -> tuple[OrganizationChoice, ...]:
    return tuple(OrganizationChoice(row.code, row.name(language)) for row in rows)


def choices(viewer: Viewer, day: dt.date, language: str) -> tuple[OrganizationChoice, ...]:
    """The organization filter's choices alone (the form shown again with a refused search); one statement."""
    require(permissions.can_view_directory(viewer))
    return _choices(_organizations(day, language), language)


def parse_query(text: str | None) -> str:
    """The search as compared: spaces collapsed; :class:`Invalid` (field ``q``) when longer than
    :data:`QUERY_MAX`."""
    query = " ".join((text or "").split())
    if len(query) > QUERY_MAX:
        raise Invalid(
            _l("%(field)s: at most %(count)d characters.", field=FIELD_NAMES["q"], count=QUERY_MAX), field="q"
        )
    return query


_SEARCH_ORGANIZATION = orm.aliased(Organization)
_SEARCH_TEAM = orm.aliased(Team)
_SEARCH_TEAM_MEMBERSHIP = orm.aliased(TeamMembership)


def _word_matches(word: str, day: dt.date) -> sa.ColumnElement[bool]:
    """The pivot of the directory's select (``Person``, ``Membership``) matches ``word``: in their name, their
    organization's code or names, or the name of a team of it they are pivot of on ``day``."""
    organization, team, team_membership = _SEARCH_ORGANIZATION, _SEARCH_TEAM, _SEARCH_TEAM_MEMBERSHIP
    organizations = sa.select(organization.id).where(
        sa.or_(
            contains_folded(organization.code, word),
            contains_folded(organization.name_fr, word),
            contains_folded(organization.name_en, word),
        )
    )
    teams = (
        sa.select(team_membership.id)
        .join(team, team.id == team_membership.team_id)
        .where(
            team_membership.person_id == Person.id,
            team.organization_id == Membership.organization_id,
            team_membership.role == TeamRole.PIVOT.value,
            team_membership.holds_on(day),
            team.archived_at.is_(None),
            contains_folded(team.name, word),
        )
    )
    return sa.or_(
        contains_folded(Person.full_name, word),
        Membership.organization_id.in_(organizations.correlate(None)),
        teams.exists(),
    )


def _pivots(
    viewer: Viewer, day: dt.date, query: str, organization_id: int | None
) -> list[tuple[int, int, str, str, str | None]]:
    """(person id, organization id, name, e-mail, phone shown or None) of the pivots listed."""
    shown_phone = sa.case(
        (sa.and_(Person.phone_in_directory.is_(True), Person.work_phone != ""), Person.work_phone),
        else_=sa.null(),
    )
    statement = (
        sa.select(Person.id, Membership.organization_id, Person.full_name, Person.email, shown_phone)
        .join(Membership, sa.and_(Membership.person_id == Person.id, Membership.holds_on(day)))
        .join(
            PivotDesignation,
            sa.and_(
                PivotDesignation.person_id == Person.id,
                PivotDesignation.organization_id == Membership.organization_id,
                PivotDesignation.holds_on(day),
            ),
        )
        .where(scopes.directory_pivots(viewer, day))
        .distinct()
    )
    if organization_id is not None:
        statement = statement.where(Membership.organization_id == organization_id)
    for word in query.split():
        statement = statement.where(_word_matches(word, day))
    return [tuple(row) for row in db.session.execute(statement)]


def _teams(viewer: Viewer, day: dt.date) -> dict[tuple[int, int], list[str]]:
    """The names of the teams each listed pivot is pivot of, by (person id, organization id)."""
    listed = sa.select(Person.id).where(scopes.directory_pivots(viewer, day))
    statement = (
        sa.select(TeamMembership.person_id, Team.organization_id, Team.name)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(
            TeamMembership.person_id.in_(listed),
            TeamMembership.role == TeamRole.PIVOT.value,
            TeamMembership.holds_on(day),
            Team.archived_at.is_(None),
        )
    )
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for person_id, organization_id, name in db.session.execute(statement):
        found[(person_id, organization_id)].append(name)
    return found


def directory(
    viewer: Viewer,
    day: dt.date,
    query: str | None = "",
    organization_code: str | None = None,
    *,
    language: str,
) -> Directory:
    """The directory on ``day`` (today) in ``language``, searched by ``query`` and kept to the organization
    ``organization_code`` when given.

    :class:`~elearning.services.errors.Forbidden` for a viewer who may not open it (anonymous);
    :class:`Invalid` naming the field for a search longer than :data:`QUERY_MAX` (``q``) or an organization
    that is not a member of the Table on the day (``org``).
    """
    require(permissions.can_view_directory(viewer))
    searched = parse_query(query)
    code = (organization_code or "").strip().upper() or None
    organizations = _organizations(day, language)
    chosen: _OrganizationRow | None = None
    if code is not None:
        chosen = next((row for row in organizations if row.code == code), None)
        if chosen is None:
            raise Invalid(
                _l("%(field)s: unknown organization %(value)s.", field=FIELD_NAMES["org"], value=code[:40]),
                field="org",
            )
    pivots = _pivots(viewer, day, searched, chosen.id if chosen else None)
    teams = _teams(viewer, day)
    by_organization: dict[int, list[DirectoryPivot]] = defaultdict(list)
    for person_id, organization_id, name, email, phone in sorted(pivots, key=lambda row: _sort_key(row[2])):
        pivot_teams = sorted(teams.get((person_id, organization_id), []), key=_sort_key)
        by_organization[organization_id].append(DirectoryPivot(name, tuple(pivot_teams), email, phone))
    listed = [
        DirectoryOrganization(
            code=row.code,
            name=row.name(language),
            kind=row.kind,
            mandate=in_language(language, row.mandate_fr, row.mandate_en),
            pivots=tuple(by_organization.get(row.id, ())),
        )
        for row in organizations
        if (chosen is None or row.id == chosen.id) and (row.id in by_organization or not searched)
    ]
    return Directory(
        query=searched,
        organization_code=code,
        choices=_choices(organizations, language),
        organizations=tuple(listed),
    )


# -- one's own contact ---------------------------------------------------------------------------------


def check_phone(text: str | None) -> str:
    """A work phone as stored: spaces collapsed, empty allowed; :class:`Invalid` (field ``work_phone``) for
    anything but 7 to 40 characters of digits, spaces, ``+ - . ( )`` and an extension (« poste », "ext")."""
    phone = " ".join((text or "").split())
    if not phone:
        return ""
    if not PHONE_MIN <= len(phone) <= PHONE_MAX or not _PHONE.match(phone):
        raise Invalid(
            _l(
                "Write the phone number in %(min)d to %(max)d characters: digits, spaces, +, - or parentheses, and "
                "an extension after “poste” or “ext”, for example 418 555-0100 poste 12.",
                min=PHONE_MIN,
                max=PHONE_MAX,
            ),
            field="work_phone",
        )
    return phone


def set_contact(person: Person, work_phone: str | None, shown: bool) -> bool:
    """Set one's own work phone and whether the directory shows it (it does only while the person is a pivot:
    the directory lists nobody else). Recorded, without the number; returns whether anything changed.
    :class:`Invalid` for a malformed number, nothing written."""
    phone = check_phone(work_phone)
    if person.work_phone == phone and person.phone_in_directory == shown:
        return False
    person.work_phone = phone
    person.phone_in_directory = shown
    db.session.flush()
    record(
        "person.directory_contact_set",
        actor=person,
        subject=person,
        object_type="person",
        object_id=person.id,
        details={"phone_given": bool(phone), "shown": shown},
    )
    return True
