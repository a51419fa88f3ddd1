"""People as an Admin manages them (``/admin/users``): the list with its search and filters, one person's
record, and the writes on it, each through the services that keep history (:mod:`accounts` for roles,
moves and deactivation, :mod:`password_resets` for password-set links).

**The list**: a search on the name or the e-mail address (accent- and case-insensitive), filters on the
organization (today), the role (today) and the state (active, deactivated), :data:`PAGE_SIZE` people a page by
name, by keyset (``after=<id>``: the people after that person in name order), so every page costs the same: the
page's rows, then their organizations and roles today (two grouped statements).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import CoordinatorGrant, GlobalGrant, Membership, Organization, Person, PivotDesignation
from elearning.permissions import Viewer, scopes
from elearning.roles import LANGUAGES, Role
from elearning.services import history
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid, NotFound
from elearning.services.people import accounts, organizations
from elearning.services.search import contains_folded

PAGE_SIZE = 50
QUERY_MAX = 100
STATES = ("active", "deactivated", "all")
FILTER_KEYS = ("q", "org", "role", "state")
FIELD_NAMES = {
    "q": _l("Name or e-mail address"),
    "org": _l("Organization"),
    "role": _l("Role"),
    "state": _l("Accounts"),
    "after": _l("Page"),
}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    org: str = ""
    role: str = ""
    state: str = "active"
    after: int | None = None

    def as_args(self) -> dict[str, str]:
        args = {"q": self.q, "org": self.org, "role": self.role}
        if self.state != "active":
            args["state"] = self.state
        return {key: value for key, value in args.items() if value}


def parse_filters(args: Mapping[str, str]) -> Filters:
    q = " ".join((args.get("q") or "").split())
    if len(q) > QUERY_MAX:
        raise Invalid(
            _l("%(field)s: at most %(count)d characters.", field=FIELD_NAMES["q"], count=QUERY_MAX), field="q"
        )
    role = (args.get("role") or "").strip()
    if role and role not in {item.value for item in Role}:
        raise Invalid(
            _l("%(field)s: unknown role %(value)s.", field=FIELD_NAMES["role"], value=role[:40]), field="role"
        )
    state = (args.get("state") or "active").strip()
    if state not in STATES:
        raise Invalid(_l("%(field)s: unknown choice.", field=FIELD_NAMES["state"]), field="state")
    raw_after = (args.get("after") or "").strip()
    if raw_after and (not raw_after.isdigit() or len(raw_after) > 12):
        raise Invalid(
            _l("%(field)s: this page link is damaged; start again from the first page.", field=FIELD_NAMES["after"]),
            field="after",
        )
    return Filters(
        q=q,
        org=(args.get("org") or "").strip().upper(),
        role=role,
        state=state,
        after=int(raw_after) if raw_after else None,
    )


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    full_name: str
    email: str
    language: str
    deactivated_at: dt.datetime | None
    organization_code: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PeoplePage:
    filters: Filters
    rows: tuple[PersonRow, ...]
    next_after: int | None
    organizations: tuple[tuple[str, str, str], ...]  # code, name fr, name en


def check_access(viewer: Viewer) -> None:
    check(permissions.can_administer(viewer), viewer)


def _role_condition(role: str, day: dt.date) -> sa.ColumnElement[bool]:
    if role == Role.WORKER.value:
        return Person.id.in_(sa.select(Membership.person_id).where(Membership.holds_on(day)))
    if role == Role.PIVOT.value:
        return Person.id.in_(sa.select(PivotDesignation.person_id).where(PivotDesignation.holds_on(day)))
    if role == Role.COORDINATOR.value:
        return Person.id.in_(sa.select(CoordinatorGrant.person_id).where(CoordinatorGrant.holds_on(day)))
    return Person.id.in_(sa.select(GlobalGrant.person_id).where(GlobalGrant.role == role, GlobalGrant.holds_on(day)))


def _roles_of(person_ids: list[int], day: dt.date) -> tuple[dict[int, str], dict[int, set[str]]]:
    """Their organization code and roles today (two statements)."""
    if not person_ids:
        return {}, {}
    codes = dict(
        db.session.execute(
            sa.select(Membership.person_id, Organization.code)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Membership.person_id.in_(person_ids), Membership.holds_on(day))
        ).all()
    )
    held = sa.union_all(
        sa.select(PivotDesignation.person_id, sa.literal(Role.PIVOT.value)).where(
            PivotDesignation.person_id.in_(person_ids), PivotDesignation.holds_on(day)
        ),
        sa.select(CoordinatorGrant.person_id, sa.literal(Role.COORDINATOR.value)).where(
            CoordinatorGrant.person_id.in_(person_ids), CoordinatorGrant.holds_on(day)
        ),
        sa.select(GlobalGrant.person_id, GlobalGrant.role).where(
            GlobalGrant.person_id.in_(person_ids), GlobalGrant.holds_on(day)
        ),
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for person_id in codes:
        roles[person_id].add(Role.WORKER.value)
    for person_id, role in db.session.execute(sa.select(held.subquery())):
        roles[person_id].add(role)
    return codes, roles


def people_page(viewer: Viewer, filters: Filters) -> PeoplePage:
    check_access(viewer)
    day = clock.today()
    organizations = tuple(
        db.session.execute(
            sa.select(Organization.code, Organization.name_fr, Organization.name_en).order_by(Organization.code)
        ).all()
    )
    if filters.org and all(code != filters.org for code, _fr, _en in organizations):
        raise Invalid(
            _l("%(field)s: unknown organization %(value)s.", field=FIELD_NAMES["org"], value=filters.org[:40]),
            field="org",
        )
    statement = sa.select(Person.id, Person.full_name, Person.email, Person.preferred_language, Person.deactivated_at)
    if filters.q:
        statement = statement.where(
            sa.or_(
                contains_folded(Person.full_name, filters.q), Person.email.contains(filters.q.lower(), autoescape=True)
            )
        )
    if filters.state == "active":
        statement = statement.where(scopes.active_on(day))
    elif filters.state == "deactivated":
        statement = statement.where(sa.not_(scopes.active_on(day)))
    if filters.org:
        statement = statement.where(
            Person.id.in_(
                sa.select(Membership.person_id)
                .join(Organization, Organization.id == Membership.organization_id)
                .where(Organization.code == filters.org, Membership.holds_on(day))
            )
        )
    if filters.role:
        statement = statement.where(_role_condition(filters.role, day))
    if filters.after is not None:
        anchor = sa.select(Person.full_name).where(Person.id == filters.after).scalar_subquery()
        statement = statement.where(
            sa.or_(Person.full_name > anchor, sa.and_(Person.full_name == anchor, Person.id > filters.after))
        )
    rows = db.session.execute(statement.order_by(Person.full_name, Person.id).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    codes, roles = _roles_of([row[0] for row in rows], day)
    result = tuple(
        PersonRow(row[0], row[1], row[2], row[3], row[4], codes.get(row[0]), tuple(sorted(roles.get(row[0], ()))))
        for row in rows
    )
    return PeoplePage(filters, result, result[-1].person_id if more and result else None, organizations)


# -- one person ----------------------------------------------------------------------------------------


def person_for(viewer: Viewer, person_id: int) -> Person:
    check_access(viewer)
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(_l("This does not exist, or it is not available to you."))
    return person


def update_person(viewer: Viewer, person: Person, *, full_name: str, email: str, language: str) -> list[str]:
    """Change the person's name, e-mail address and language; returns the fields changed (recorded)."""
    check_access(viewer)
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > accounts.MAX_NAME_LENGTH:
        raise Invalid(
            _l("A full name of 1 to %(max)s characters is required.", max=accounts.MAX_NAME_LENGTH), field="full_name"
        )
    normalized = accounts.normalize_email(email)
    if language not in LANGUAGES:
        raise Invalid(_l("The language must be fr or en."), field="language")
    if normalized != person.email:
        taken = db.session.scalar(sa.select(Person.id).where(Person.email == normalized, Person.id != person.id))
        if taken is not None:
            raise Conflict(
                _l("An account with the e-mail address %(email)s already exists.", email=normalized), field="email"
            )
    changed = [
        name
        for name, old, new in (
            ("full_name", person.full_name, full_name),
            ("email", person.email, normalized),
            ("language", person.preferred_language, language),
        )
        if old != new
    ]
    if not changed:
        return []
    person.full_name, person.email, person.preferred_language = full_name, normalized, language
    db.session.flush()
    record(
        "person.updated",
        actor=viewer,
        subject=person,
        object_type="person",
        object_id=person.id,
        details={"fields": changed},
    )
    return changed


@dataclasses.dataclass(frozen=True)
class Record:
    """What the person's page shows besides the forms."""

    person: Person
    organization: Organization | None
    roles: frozenset[Role]
    teams: tuple[tuple[str, str], ...]  # team name, role in it


def record_of(viewer: Viewer, person_id: int) -> Record:
    person = person_for(viewer, person_id)
    day = clock.today()
    organization, teams = history.affiliation_of(person.id, day)
    roles = frozenset(history.standing_of(person.id, day).roles)
    return Record(person, organization, roles, tuple((team.name, role) for team, role in teams))


def set_roles(viewer: Viewer, person: Person, roles: set[Role]) -> None:
    """Grant and remove roles from today, in the person's organization (through :func:`accounts.set_roles`, which
    ends and opens the dated facts, so history is kept)."""
    check_access(viewer)
    accounts.set_roles(viewer, person, roles)


def move_person(viewer: Viewer, person: Person, code: str) -> Organization:
    """Move the person to the organization ``code`` from today: their membership, designations, grants and
    team memberships in the old one end today, a membership in the new one opens (as a worker; the Table's and
    Admin's roles stay). Their completions and certificates follow them: reports count them for the new
    organization from today, for the old one before (memberships are dated). Recorded as ``person.moved``."""
    check_access(viewer)
    target = organizations.find_organization(code)
    if target is None:
        raise Invalid(_l("Choose the organization to move them to."), field="organization")
    day = clock.today()
    current = history.organization_of(person.id, day)
    if current is not None and current.id == target.id:
        raise Conflict(
            _l("%(name)s already belongs to %(code)s.", name=person.full_name, code=target.code), field="organization"
        )
    kept = {role for role in history.standing_of(person.id, day).roles if role in (Role.TABLE, Role.ADMIN)}
    accounts.set_roles(viewer, person, kept | {Role.WORKER}, target)
    record(
        "person.moved",
        actor=viewer,
        subject=person,
        object_type="person",
        object_id=person.id,
        details={"from": current.code if current else None, "to": target.code, "on": day.isoformat()},
    )
    return target
