"""Accounts, and the dated facts (memberships, designations, grants) their roles follow from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import (
    CoordinatorGrant,
    GlobalGrant,
    Membership,
    Organization,
    Person,
    PivotDesignation,
    Team,
    TeamMembership,
)
from elearning.permissions import Viewer
from elearning.roles import LANGUAGES, ORGANIZATION_ROLES, Role
from elearning.security.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from elearning.services import history
from elearning.services.access import require
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid, NotFound
from elearning.services.people import assignments, sessions

MAX_NAME_LENGTH = 200


def normalize_email(email: str) -> str:
    """The stored form of an address: validated, lower-cased. Raises :class:`Invalid`."""
    candidate = (email or "").strip()
    try:
        normalized = validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(_l("%(email)s is not a valid e-mail address.", email=candidate), field="email") from None
    return normalized.lower()


def find_person(email: str) -> Person | None:
    try:
        normalized = normalize_email(email)
    except Invalid:
        return None
    return db.session.scalar(sa.select(Person).where(Person.email == normalized))


def get_person(email: str) -> Person:
    person = find_person(email)
    if person is None:
        raise NotFound(_l("No account has the e-mail address %(email)s.", email=email.strip()), field="email")
    return person


def parse_roles(values: Iterable[str]) -> set[Role]:
    roles: set[Role] = set()
    for value in values:
        try:
            roles.add(Role(value.strip().lower()))
        except ValueError:
            raise Invalid(
                _l(
                    "Unknown role %(role)s: use worker, pivot, coordinator, table or admin.",
                    role=value,
                ),
                field="role",
            ) from None
    return roles


def check_password(password: str, field: str = "password") -> None:
    """Refuse a password that is too short or absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _l("The password must have at least %(min)s characters.", min=MIN_PASSWORD_LENGTH),
            field=field,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            _l("The password must have at most %(max)s characters.", max=MAX_PASSWORD_LENGTH),
            field=field,
        )


def _check_roles_and_organization(roles: set[Role], organization: Organization | None) -> None:
    if not roles:
        raise Invalid(_l("Give at least one role."), field="role")
    if roles & ORGANIZATION_ROLES and organization is None:
        raise Invalid(_l("An organization is required for the roles worker, pivot and coordinator."), field="org")


def create_person(
    actor: Viewer,
    *,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    organization: Organization | None = None,
    password: str | None = None,
    language: str = "fr",
    start_on: dt.date | None = None,
) -> Person:
    """Create an account and the facts its roles follow from, all starting on ``start_on`` (today). An Admin's
    write (the command line acts as one)."""
    require(permissions.can_administer(actor))
    roles = set(roles)
    normalized = normalize_email(email)
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > MAX_NAME_LENGTH:
        raise Invalid(_l("A full name of 1 to %(max)s characters is required.", max=MAX_NAME_LENGTH), field="name")
    if language not in LANGUAGES:
        raise Invalid(_l("The language must be fr or en."), field="language")
    _check_roles_and_organization(roles, organization)
    if password is not None:
        check_password(password)
    if db.session.scalar(sa.select(Person.id).where(Person.email == normalized)) is not None:
        raise Conflict(
            _l("An account with the e-mail address %(email)s already exists.", email=normalized),
            field="email",
        )
    person = Person(
        email=normalized,
        full_name=full_name,
        preferred_language=language,
        password_hash=hash_password(password) if password is not None else None,
        created_at=clock.now(),
    )
    db.session.add(person)
    db.session.flush()
    record(
        "person.created",
        actor=actor,
        subject=person,
        object_type="person",
        object_id=person.id,
        details={"roles": sorted(role.value for role in roles)},
    )
    _apply_roles(actor, person, roles, organization, start_on or clock.today())
    return person


def set_roles(
    actor: Viewer,
    person: Person,
    roles: Iterable[Role],
    organization: Organization | None = None,
    *,
    on: dt.date | None = None,
) -> None:
    """Make ``roles`` the person's roles from today: facts no longer wanted end today, missing ones start.

    Without ``organization``, organization roles apply to the person's current organization. Naming another
    organization moves the person there (their membership, designations and grants in the old one end).
    ``on`` backdates the change (demo history); it defaults to today. An Admin's write.
    """
    require(permissions.can_administer(actor))
    roles = set(roles)
    day = on or clock.today()
    if organization is None and roles & ORGANIZATION_ROLES:
        organization = history.organization_of(person.id, day)
    _check_roles_and_organization(roles, organization)
    _apply_roles(actor, person, roles, organization, day)


def _end(actor: Viewer, person: Person, fact: object, today: dt.date, kind: str) -> None:
    fact.end_on = today  # type: ignore[attr-defined]
    record(f"{kind}.ended", actor=actor, subject=person, object_type=kind, object_id=fact.id)  # type: ignore[attr-defined]


def _apply_roles(
    actor: Viewer, person: Person, roles: set[Role], organization: Organization | None, day: dt.date
) -> None:
    if person.deactivated_at is not None:
        raise Conflict(_l("The account %(email)s is deactivated.", email=person.email), field="email")
    org_id = organization.id if organization is not None and roles & ORGANIZATION_ROLES else None
    changed = False

    def open_rows(model: type[Any], *conditions: sa.ColumnElement[bool]) -> list[Any]:
        return list(
            db.session.scalars(
                sa.select(model).where(model.person_id == person.id, model.end_on.is_(None), *conditions)
            )
        )

    for membership in open_rows(Membership):
        if membership.organization_id != org_id:
            _end(actor, person, membership, day, "membership")
            # Leaving an organization ends its teams too: its pivots no longer follow the person.
            left_teams = sa.select(Team.id).where(Team.organization_id == membership.organization_id)
            for team_membership in open_rows(TeamMembership, TeamMembership.team_id.in_(left_teams)):
                _end(actor, person, team_membership, day, "team_membership")
            changed = True
    if org_id is not None and not open_rows(Membership):
        db.session.add(Membership(person_id=person.id, organization_id=org_id, start_on=day))
        changed = True

    for model, role, by, kind in (
        (PivotDesignation, Role.PIVOT, "designated_by_id", "pivot_designation"),
        (CoordinatorGrant, Role.COORDINATOR, "granted_by_id", "coordinator_grant"),
    ):
        wanted = org_id if role in roles else None
        rows = open_rows(model)
        for row in rows:
            if row.organization_id != wanted:
                _end(actor, person, row, day, kind)
                changed = True
        if wanted is not None and not any(row.organization_id == wanted for row in rows):
            db.session.add(
                model(
                    person_id=person.id,
                    organization_id=wanted,
                    start_on=day,
                    **{by: actor.person_id},
                )
            )
            changed = True

    held = {row.role: row for row in open_rows(GlobalGrant)}
    for role in (Role.TABLE, Role.ADMIN):
        if role in roles and role.value not in held:
            db.session.add(
                GlobalGrant(
                    person_id=person.id,
                    role=role.value,
                    start_on=day,
                    granted_by_id=actor.person_id,
                )
            )
            changed = True
        elif role not in roles and role.value in held:
            _end(actor, person, held[role.value], day, "global_grant")
            changed = True
    if changed:
        db.session.flush()
        assignments.reconcile_person(person, day)
        record(
            "person.roles_set",
            actor=actor,
            subject=person,
            object_type="person",
            object_id=person.id,
            details={"roles": sorted(role.value for role in roles), "organization_id": org_id},
        )


def deactivate(actor: Viewer, person: Person) -> None:
    """Deactivate an account from now on: its sessions end at once, its memberships, designations, grants and
    team memberships end today; its history stays. An Admin's write."""
    require(permissions.can_administer(actor))
    if person.deactivated_at is not None:
        raise Conflict(_l("The account %(email)s is already deactivated.", email=person.email), field="email")
    today = clock.today()
    # Its memberships, designations, grants and teams end today (the rows stay: history is kept).
    dated: tuple[tuple[type[Any], str], ...] = (
        (TeamMembership, "team_membership"),
        (PivotDesignation, "pivot_designation"),
        (CoordinatorGrant, "coordinator_grant"),
        (GlobalGrant, "global_grant"),
        (Membership, "membership"),
    )
    for model, kind in dated:
        for row in db.session.scalars(sa.select(model).where(model.person_id == person.id, model.end_on.is_(None))):
            _end(actor, person, row, max(today, row.start_on), kind)
    person.deactivated_at = clock.now()
    sessions.revoke_all(person)
    db.session.flush()
    assignments.reconcile_person(person)
    record("person.deactivated", actor=actor, subject=person, object_type="person", object_id=person.id)


def list_people() -> list[Person]:
    return list(db.session.scalars(sa.select(Person).order_by(Person.email)))
