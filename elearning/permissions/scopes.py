"""Which objects may this viewer see? The predicates of :mod:`elearning.permissions` as SQL filters.

Kolibri pairs ``user_can_read_object`` with ``readable_by_user_filter``; each function here is the filter beside
one predicate. It takes the :class:`~elearning.permissions.Viewer` and the day the objects' dated facts are read
on, and returns a condition for the ``.where()`` of a select over one model::

    sa.select(Person).where(scopes.people_visible_to(viewer, day))

A row is in the scope exactly when the predicate says yes for the reference the services build for that row
(``member_ref(person_id, day)`` for people and the owners of attempts), the viewer being loaded for the same day
(``load_viewer(person_id, day)``); ``tests/test_scopes.py`` checks it for every viewer and every row of the
world builder and of generated worlds. The subqueries use their own aliases and are not correlated: a select
with a scope stays one statement, and a scope fits any select over its model, even one joining the same tables.

How the rules read the data, following the predicates and ``member_ref`` as they stand:

- a member's teams are their team memberships holding on the day, in any role, archived teams included (the
  viewer's pivot teams leave archived teams out, so the intersection does too); moving to another organization
  does not end them, so the pivots of a team keep seeing a member who left for another organization;
- a member's organization is the membership holding on the day (one at a time, see :func:`people_visible_to`);
- deactivation is not read: ``member_ref`` ignores it, so a deactivated member stays visible to their pivots
  and coordinator while their memberships hold; a deactivated viewer holds no roles (``load_viewer``).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from elearning import clock, permissions
from elearning.models import (
    Certificate,
    CoordinatorGrant,
    Membership,
    ModuleQuestion,
    Organization,
    Person,
    PivotDesignation,
    QuizAttempt,
    Team,
    TeamMembership,
)
from elearning.permissions import Viewer
from elearning.roles import TeamRole

__all__ = [
    "attempts_visible_to",
    "certificates_visible_to",
    "coordinators_of",
    "directory_pivots",
    "extra_attempt_grantable_people",
    "organizations_visible_to",
    "people_visible_to",
    "pivots_of",
    "questions_answerable_by",
    "questions_visible_to",
    "teams_visible_to",
]


def _any(conditions: list[sa.ColumnElement[bool]]) -> sa.ColumnElement[bool]:
    """OR of ``conditions``; false when there is none."""
    return sa.or_(*conditions) if conditions else sa.false()


#: The aliases :func:`_followed`'s subqueries read (made once: an alias costs more to build than the query).
_FOLLOWED_TEAM_MEMBERSHIP = orm.aliased(TeamMembership)
_FOLLOWED_MEMBERSHIP = orm.aliased(Membership)


def _followed(viewer: Viewer, day: dt.date, person_id: orm.InstrumentedAttribute[int]) -> list[sa.ColumnElement[bool]]:
    """Conditions on a person id column: on ``day`` the person belongs to one of the viewer's pivot teams (any
    role), or to an organization the viewer coordinates. The two clauses ``can_view_member`` and
    ``can_grant_extra_attempt`` share."""
    conditions: list[sa.ColumnElement[bool]] = []
    if viewer.pivot_team_ids:
        team_membership = _FOLLOWED_TEAM_MEMBERSHIP
        conditions.append(
            person_id.in_(
                sa.select(team_membership.person_id)
                .where(team_membership.team_id.in_(sorted(viewer.pivot_team_ids)), team_membership.holds_on(day))
                .correlate(None)
            )
        )
    if viewer.coordinated_organization_ids:
        membership = _FOLLOWED_MEMBERSHIP
        conditions.append(
            person_id.in_(
                sa.select(membership.person_id)
                .where(
                    membership.organization_id.in_(sorted(viewer.coordinated_organization_ids)),
                    membership.holds_on(day),
                )
                .correlate(None)
            )
        )
    return conditions


# -- people --------------------------------------------------------------------------------------------


def people_visible_to(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Person`: the people whose member detail the viewer may open (``can_view_member``).

    Pivot: the members of their pivot teams on ``day``; coordinator: the members of the organizations they
    coordinate on ``day``; the Table and Admin: every person; anonymous and workers: nobody. The viewer is in
    it whenever the predicate says so: a pivot (a member of their own team), a coordinator who belongs to the
    organization they coordinate, the Table and Admin. Should a person hold two memberships on one day (the
    schema allows overlapping ended rows), the scope counts both while ``member_ref`` keeps one of them.
    """
    if viewer.is_table or viewer.is_admin:
        return sa.true()
    return _any(_followed(viewer, day, Person.id))


def extra_attempt_grantable_people(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Person`: the people the viewer may grant one more quiz attempt (``can_grant_extra_attempt``).

    A pivot of one of their teams or their coordinator, never to oneself; Admin: everyone, themself included;
    the Table: nobody (it follows coverage, it does not grant attempts).
    """
    if viewer.is_admin:
        return sa.true()
    condition = _any(_followed(viewer, day, Person.id))
    if viewer.person_id is None:
        return condition
    return sa.and_(Person.id != viewer.person_id, condition)


def active_on(day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Person`: the account was not deactivated on or before ``day`` (a deactivated person holds no
    role)."""
    cutoff = clock.get_clock().start_of_day(day + dt.timedelta(days=1))
    return sa.or_(Person.deactivated_at.is_(None), Person.deactivated_at >= cutoff)


def pivots_of(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Person`: the pivots of the viewer's teams on ``day`` (``is_pivot_of`` read the other way:
    the people for whom the predicate says yes about the viewer), the viewer left out.

    The viewer's teams are their team memberships holding on the day, in any role (as ``member_ref`` reads
    them); a pivot of one holds the team's pivot role, in a team not archived, and a pivot designation in the
    team's organization while belonging to it, and is not deactivated (as ``load_viewer`` reads them).
    """
    if viewer.person_id is None:
        return sa.false()
    own = orm.aliased(TeamMembership)
    theirs = orm.aliased(TeamMembership)
    team = orm.aliased(Team)
    designation = orm.aliased(PivotDesignation)
    membership = orm.aliased(Membership)
    pivots = (
        sa.select(theirs.person_id)
        .join(team, team.id == theirs.team_id)
        .join(own, own.team_id == theirs.team_id)
        .join(
            designation,
            sa.and_(designation.person_id == theirs.person_id, designation.organization_id == team.organization_id),
        )
        .join(
            membership,
            sa.and_(membership.person_id == theirs.person_id, membership.organization_id == team.organization_id),
        )
        .where(
            own.person_id == viewer.person_id,
            own.holds_on(day),
            theirs.role == TeamRole.PIVOT.value,
            theirs.holds_on(day),
            team.archived_at.is_(None),
            designation.holds_on(day),
            membership.holds_on(day),
        )
        .correlate(None)
    )
    return sa.and_(Person.id.in_(pivots), Person.id != viewer.person_id, active_on(day))


def coordinators_of(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Person`: the coordinators of the organization the viewer belongs to on ``day``
    (``is_coordinator_of`` read the other way), the viewer left out; not deactivated."""
    if viewer.person_id is None:
        return sa.false()
    membership = orm.aliased(Membership)
    grant = orm.aliased(CoordinatorGrant)
    coordinators = (
        sa.select(grant.person_id)
        .join(membership, membership.organization_id == grant.organization_id)
        .where(membership.person_id == viewer.person_id, membership.holds_on(day), grant.holds_on(day))
        .correlate(None)
    )
    return sa.and_(Person.id.in_(coordinators), Person.id != viewer.person_id, active_on(day))


def table_members_on(day: dt.date, organization: type[Organization] = Organization) -> sa.ColumnElement[bool]:
    """On :class:`Organization` (or an alias of it): the organization was a member of the Table on ``day``
    (joined by then, not yet left)."""
    return sa.and_(organization.joined_on <= day, sa.or_(organization.left_on.is_(None), organization.left_on > day))


#: The aliases :func:`directory_pivots`'s subquery reads (made once, as :func:`_followed`'s).
_DIRECTORY_DESIGNATION = orm.aliased(PivotDesignation)
_DIRECTORY_MEMBERSHIP = orm.aliased(Membership)
_DIRECTORY_ORGANIZATION = orm.aliased(Organization)


def directory_pivots(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Person`: the people the directory lists on ``day`` to a viewer who may open it
    (``can_view_directory``, then ``is_listed_in_directory`` of each person): the same people for everyone
    signed in, nobody for anonymous visitors.

    A person is listed when, on the day, they belong to an organization and hold a pivot designation in it
    (as ``load_viewer`` reads the pivot role), the organization is a member of the Table
    (:func:`table_members_on`), and their account is not deactivated. Which organization lists them is read by
    the directory's own select (the person's membership holding on the day).
    """
    if not permissions.can_view_directory(viewer):
        return sa.false()
    designation = _DIRECTORY_DESIGNATION
    membership = _DIRECTORY_MEMBERSHIP
    organization = _DIRECTORY_ORGANIZATION
    pivots = (
        sa.select(designation.person_id)
        .join(
            membership,
            sa.and_(
                membership.person_id == designation.person_id,
                membership.organization_id == designation.organization_id,
            ),
        )
        .join(organization, organization.id == designation.organization_id)
        .where(
            designation.holds_on(day),
            membership.holds_on(day),
            table_members_on(day, organization),
        )
        .correlate(None)
    )
    return sa.and_(Person.id.in_(pivots), active_on(day))


# -- teams and organizations ---------------------------------------------------------------------------


def teams_visible_to(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Team`: the teams whose page the viewer may open (``can_view_team``).

    Pivot: their pivot teams; coordinator: every team of their organizations, archived ones included; the
    Table and Admin: all. A team's reference carries no dated fact: ``day`` is taken for a uniform signature
    (the viewer's pivot teams were read for a day when the viewer was loaded).
    """
    if viewer.is_table or viewer.is_admin:
        return sa.true()
    conditions: list[sa.ColumnElement[bool]] = []
    if viewer.pivot_team_ids:
        conditions.append(Team.id.in_(sorted(viewer.pivot_team_ids)))
    if viewer.coordinated_organization_ids:
        conditions.append(Team.organization_id.in_(sorted(viewer.coordinated_organization_ids)))
    return _any(conditions)


def organizations_visible_to(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Organization`: the organization views the viewer may open (``can_view_organization``).

    Coordinator: their organizations; the Table and Admin: all, past members included. ``day`` is taken for a
    uniform signature. The directory (every signed-in person sees every organization) is not this scope.
    """
    if viewer.is_table or viewer.is_admin:
        return sa.true()
    if not viewer.coordinated_organization_ids:
        return sa.false()
    return Organization.id.in_(sorted(viewer.coordinated_organization_ids))


# -- attempts and certificates -------------------------------------------------------------------------


def attempts_visible_to(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`QuizAttempt`: the attempts the viewer may see (``can_view_attempt``): their own, and those
    of the people they may view as members on ``day`` (see :func:`people_visible_to`)."""
    if viewer.is_table or viewer.is_admin:
        return sa.true()
    conditions = _followed(viewer, day, QuizAttempt.person_id)
    if viewer.person_id is not None:
        conditions.insert(0, QuizAttempt.person_id == viewer.person_id)
    return _any(conditions)


def certificates_visible_to(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Certificate`: the certificates whose PDF the viewer may download (``can_download_certificate``):
    their own; the Table and Admin: all. Pivots and coordinators do not download their members' certificates.
    ``day`` is taken for a uniform signature (a certificate's holder does not change)."""
    if viewer.is_table or viewer.is_admin:
        return sa.true()
    if viewer.person_id is None:
        return sa.false()
    return Certificate.person_id == viewer.person_id


# -- questions asked on modules ------------------------------------------------------------------------

_ASKER_TEAM_MEMBERSHIP = orm.aliased(TeamMembership)
_ASKER_TEAM = orm.aliased(Team)


def questions_visible_to(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`ModuleQuestion`: the questions the viewer may read (``can_view_question``).

    Their own; a pivot: the questions of the members of their pivot teams on ``day``, asked in the team's
    organization (a member who moved on does not bring their old organization's questions to their new team);
    a coordinator: every question asked in the organizations they coordinate; the Table: all. Admin sees none
    (PRODUCT.md: questions are between a learner and their pivots).
    """
    if viewer.is_table:
        return sa.true()
    conditions = _followed_questions(viewer, day)
    if viewer.person_id is not None:
        conditions.insert(0, ModuleQuestion.person_id == viewer.person_id)
    return _any(conditions)


def questions_answerable_by(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`ModuleQuestion`: the questions the viewer may answer (``can_answer_question``): those of the
    members of their pivot teams, and every question of the organizations they coordinate, never their own."""
    condition = _any(_followed_questions(viewer, day))
    if viewer.person_id is None:
        return condition
    return sa.and_(ModuleQuestion.person_id != viewer.person_id, condition)


def _followed_questions(viewer: Viewer, day: dt.date) -> list[sa.ColumnElement[bool]]:
    """Conditions on :class:`ModuleQuestion`: asked by a member of one of the viewer's pivot teams, in the
    team's organization; or asked in an organization the viewer coordinates."""
    conditions: list[sa.ColumnElement[bool]] = []
    if viewer.pivot_team_ids:
        membership, team = _ASKER_TEAM_MEMBERSHIP, _ASKER_TEAM
        conditions.append(
            sa.tuple_(ModuleQuestion.person_id, ModuleQuestion.organization_id).in_(
                sa.select(membership.person_id, team.organization_id)
                .join(team, team.id == membership.team_id)
                .where(membership.team_id.in_(sorted(viewer.pivot_team_ids)), membership.holds_on(day))
                .correlate(None)
            )
        )
    if viewer.coordinated_organization_ids:
        conditions.append(ModuleQuestion.organization_id.in_(sorted(viewer.coordinated_organization_ids)))
    return conditions
