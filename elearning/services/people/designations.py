"""Pivot designations by an organization: its coordinator (or an Admin) designates a member as pivot worker, or
withdraws the designation. Each is a dated fact, never overwritten: "on date D" answers before and after. The
pivot track follows through the reconcile (assigned the day of the designation, its assignment ended the day of
the withdrawal), and the team pivot roles a withdrawn pivot held end that day (the person stays in those teams
as a member)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Membership, Organization, Person, PivotDesignation, Team, TeamMembership
from elearning.permissions import Viewer
from elearning.permissions.scopes import active_on
from elearning.roles import TeamRole
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid
from elearning.services.people import assignments


def _check_manage(actor: Viewer, organization_id: int) -> None:
    """Refuse unless the actor manages the organization: a 403 for whoever may read its view (the Table), a 404
    for anyone else."""
    may_see = permissions.can_view_organization(actor, organization_id)
    check(permissions.can_manage_organization(actor, organization_id), actor, organization_id, may_see=may_see)


def member_of(organization: Organization, person_id: int | None) -> Person:
    """A person who belongs to ``organization`` today and whose account is active; :class:`Invalid` (field
    ``person``) otherwise, the same message whether the person exists or not."""
    today = clock.today()
    person: Person | None = None
    if person_id is not None:
        person = db.session.scalar(
            sa.select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Person.id == person_id,
                Membership.organization_id == organization.id,
                Membership.holds_on(today),
                active_on(today),
            )
        )
    if person is None:
        raise Invalid(_l("Choose a member of %(code)s.", code=organization.code), field="person")
    return person


def _open_designation(organization: Organization, person: Person) -> PivotDesignation | None:
    return db.session.scalar(
        sa.select(PivotDesignation).where(
            PivotDesignation.person_id == person.id,
            PivotDesignation.organization_id == organization.id,
            PivotDesignation.end_on.is_(None),
        )
    )


def designate(actor: Viewer, organization: Organization, person_id: int | None) -> PivotDesignation:
    """Designate a member of the organization as pivot from today: its coordinator or an Admin. The pivot track
    is assigned today, so the person counts among the designated pivots (not certified yet) the same day."""
    _check_manage(actor, organization.id)
    person = member_of(organization, person_id)
    if _open_designation(organization, person) is not None:
        raise Conflict(_l("%(name)s is already a pivot of %(code)s.", name=person.full_name, code=organization.code))
    today = clock.today()
    designation = PivotDesignation(
        person_id=person.id,
        organization_id=organization.id,
        start_on=today,
        designated_by_id=actor.person_id,
    )
    db.session.add(designation)
    db.session.flush()
    assignments.reconcile_person(person, today)
    record(
        "pivot.designated",
        actor=actor,
        subject=person,
        object_type="organization",
        object_id=organization.code,
        details={"designation_id": designation.id},
    )
    return designation


def designated(organization: Organization, person_id: int) -> Person:
    """A person holding an open pivot designation in ``organization``; :class:`Invalid` otherwise."""
    person: Person | None = db.session.scalar(
        sa.select(Person)
        .join(PivotDesignation, PivotDesignation.person_id == Person.id)
        .where(
            Person.id == person_id,
            PivotDesignation.organization_id == organization.id,
            PivotDesignation.end_on.is_(None),
        )
    )
    if person is None:
        raise Invalid(_l("Choose a pivot of %(code)s.", code=organization.code), field="person")
    return person


def withdraw(actor: Viewer, organization: Organization, person_id: int) -> None:
    """End a pivot designation today: its coordinator or an Admin. The pivot track's assignment ends through the
    reconcile; the person's team pivot roles in the organization become plain memberships from today."""
    _check_manage(actor, organization.id)
    person = designated(organization, person_id)
    designation = _open_designation(organization, person)
    assert designation is not None
    today = clock.today()
    designation.end_on = today
    roles = db.session.scalars(
        sa.select(TeamMembership)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(
            TeamMembership.person_id == person.id,
            TeamMembership.role == TeamRole.PIVOT.value,
            TeamMembership.end_on.is_(None),
            Team.organization_id == organization.id,
        )
    ).all()
    for row in roles:
        row.end_on = today
    db.session.flush()
    for row in roles:
        db.session.add(
            TeamMembership(team_id=row.team_id, person_id=person.id, role=TeamRole.MEMBER.value, start_on=today)
        )
    db.session.flush()
    assignments.reconcile_person(person, today)
    record(
        "pivot.withdrawn",
        actor=actor,
        subject=person,
        object_type="organization",
        object_id=organization.code,
        details={"designation_id": designation.id, "teams": [row.team_id for row in roles]},
    )
