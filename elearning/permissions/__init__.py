"""Access decisions, in one place. Views and the API ask these predicates; nothing else decides access.

Each predicate is pure: it takes the :class:`Viewer` (who is asking, with the roles and teams they hold today)
and plain references to the object, and answers True or False. :func:`refusal_status` says whether a refusal
is a 404 (the object's existence is private: it belongs to another organization) or a 403.
This module answers PRODUCT.md's "Who sees what" table. The same rules as SQL filters ("which objects may
this viewer see?") are in :mod:`elearning.permissions.scopes`, kept out of this module so that the predicates
import nothing but the roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elearning.roles import Role


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as of today. ``person_id`` is None for an anonymous visitor."""

    person_id: int | None = None
    organization_id: int | None = None
    roles: frozenset[Role] = frozenset()
    #: Teams where the viewer is the team's pivot (and a designated pivot of the team's organization).
    pivot_team_ids: frozenset[int] = frozenset()
    coordinated_organization_ids: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None

    @property
    def is_table(self) -> bool:
        return Role.TABLE in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def coordinates(self, organization_id: int | None) -> bool:
        return organization_id is not None and organization_id in self.coordinated_organization_ids


ANONYMOUS = Viewer()
#: The command line and the platform's own jobs (demo data, reconciling after a sync): whoever runs them has
#: the machine, so they may do what an Admin and the Table may; audit events record no actor for them.
SYSTEM = Viewer(roles=frozenset({Role.ADMIN, Role.TABLE}))


@dataclass(frozen=True)
class MemberRef:
    """A person as seen by access rules: their organization and teams today."""

    person_id: int
    organization_id: int | None
    team_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class TeamRef:
    team_id: int
    organization_id: int


@dataclass(frozen=True)
class QuestionRef:
    """A question asked on a module, as access rules see it: its asker, the organization the asker belonged to
    when asking (None: nobody's organization), and the asker's teams of that organization today."""

    asker_id: int
    organization_id: int | None
    asker_team_ids: frozenset[int] = field(default_factory=frozenset)


def refusal_status(viewer: Viewer, organization_id: int | None, *, may_see: bool = False) -> int:
    """The status of a refusal: 403 when the viewer may know the object exists (``may_see``, or it belongs to
    the viewer's own organization), 404 otherwise (another organization's object: its existence is private)."""
    if may_see or (organization_id is not None and viewer.organization_id == organization_id):
        return 403
    return 404


# -- one's own things ----------------------------------------------------------------------------------


def can_use_learning(viewer: Viewer) -> bool:
    """Own dashboard, modules, quizzes, progress, certificates, account, directory."""
    return viewer.is_authenticated


def can_view_directory(viewer: Viewer) -> bool:
    return viewer.is_authenticated


def is_listed_in_directory(person: Viewer, *, organization_in_table: bool = True) -> bool:
    """Whether the directory lists ``person`` (their viewer, loaded for the day) to whoever may open it: a
    designated pivot of the organization they belong to (a deactivated account holds no role), while that
    organization is a member of the Table. The directory shows nobody else: no worker, coordinator or Admin
    as such."""
    return Role.PIVOT in person.roles and organization_in_table


def can_download_certificate(viewer: Viewer, holder_id: int) -> bool:
    return viewer.person_id == holder_id or viewer.is_table or viewer.is_admin


def can_reissue_certificate(viewer: Viewer) -> bool:
    return viewer.is_admin


# -- teams and members ---------------------------------------------------------------------------------


def can_view_team(viewer: Viewer, team: TeamRef) -> bool:
    """Pivot: own teams; coordinator: every team of their organization; Table and Admin: all."""
    return (
        team.team_id in viewer.pivot_team_ids
        or viewer.coordinates(team.organization_id)
        or viewer.is_table
        or viewer.is_admin
    )


def can_send_reminders(viewer: Viewer, team: TeamRef) -> bool:
    """Reminders to a team's members of what they have due: the team's pivot and the coordinator of its
    organization (the Table and Admin follow coverage; they do not remind people)."""
    return team.team_id in viewer.pivot_team_ids or viewer.coordinates(team.organization_id)


def can_view_member(viewer: Viewer, member: MemberRef) -> bool:
    """A member's detail (progress, attempts): their pivots, their coordinator, the Table, Admin."""
    return (
        bool(member.team_ids & viewer.pivot_team_ids)
        or viewer.coordinates(member.organization_id)
        or viewer.is_table
        or viewer.is_admin
    )


def can_view_attempt(viewer: Viewer, owner: MemberRef) -> bool:
    """A quiz attempt (answers, score): its owner, and whoever may view the owner as a member."""
    return viewer.person_id == owner.person_id or can_view_member(viewer, owner)


def can_grant_extra_attempt(viewer: Viewer, member: MemberRef) -> bool:
    """One more quiz attempt: a pivot of one of the member's teams, their coordinator, or an Admin."""
    return viewer.is_admin or is_pivot_of(viewer, member) or is_coordinator_of(viewer, member)


def is_pivot_of(viewer: Viewer, member: MemberRef) -> bool:
    """The viewer is a pivot of one of the member's teams (someone else: whom the member asks for one more
    quiz attempt)."""
    return viewer.person_id != member.person_id and bool(member.team_ids & viewer.pivot_team_ids)


def is_coordinator_of(viewer: Viewer, member: MemberRef) -> bool:
    """The viewer coordinates the member's organization (someone else: whom the member asks when their teams
    have no pivot)."""
    return viewer.person_id != member.person_id and viewer.coordinates(member.organization_id)


def can_view_any_team(viewer: Viewer) -> bool:
    """Whether the viewer has a team page at all (pivot of a team, coordinator, Table, Admin)."""
    return (
        bool(viewer.pivot_team_ids) or bool(viewer.coordinated_organization_ids) or viewer.is_table or viewer.is_admin
    )


# -- organizations -------------------------------------------------------------------------------------


def can_view_organization(viewer: Viewer, organization_id: int) -> bool:
    """The organization view and its coverage: its coordinator; the Table and Admin (all)."""
    return viewer.coordinates(organization_id) or viewer.is_table or viewer.is_admin


def can_view_certificate_register(viewer: Viewer) -> bool:
    """Whether the viewer has a certificate register (``/reports/certificates``): the Table and Admin (every
    certificate) and a coordinator (the certificates of the people who belong to an organization they
    coordinate today: :func:`can_view_organization` of the holder's organization today says which rows)."""
    return bool(viewer.coordinated_organization_ids) or viewer.is_table or viewer.is_admin


def can_manage_organization(viewer: Viewer, organization_id: int) -> bool:
    """Designate pivots and manage teams: its coordinator, or an Admin."""
    return viewer.coordinates(organization_id) or viewer.is_admin


# -- the Table's work ----------------------------------------------------------------------------------


def can_view_reports(viewer: Viewer) -> bool:
    """Coverage across organizations and module statistics."""
    return viewer.is_table or viewer.is_admin


def can_govern(viewer: Viewer) -> bool:
    """Targets, mandates, certificate revocation, content status."""
    return viewer.is_table or viewer.is_admin


def can_open_administration(viewer: Viewer) -> bool:
    """``/admin/``: Admin, and the Table (organizations: their mandates and targets)."""
    return can_govern(viewer) or can_administer(viewer)


def can_administer(viewer: Viewer) -> bool:
    """People, organizations, imports, tokens, audit log."""
    return viewer.is_admin


# -- questions asked on modules ------------------------------------------------------------------------


def can_view_question(viewer: Viewer, question: QuestionRef) -> bool:
    """Own questions; a pivot: their teams'; a coordinator: their organization's; the Table: all (Admin: none)."""
    return (
        viewer.person_id == question.asker_id
        or bool(question.asker_team_ids & viewer.pivot_team_ids)
        or viewer.coordinates(question.organization_id)
        or viewer.is_table
    )


def can_answer_question(viewer: Viewer, question: QuestionRef) -> bool:
    """A pivot of one of the asker's teams, or a coordinator of the question's organization; never the asker."""
    return viewer.person_id != question.asker_id and (
        bool(question.asker_team_ids & viewer.pivot_team_ids) or viewer.coordinates(question.organization_id)
    )


def can_open_question_inbox(viewer: Viewer) -> bool:
    """The questions inbox (``/team/inbox``): pivots, coordinators and the Table."""
    return bool(viewer.pivot_team_ids) or bool(viewer.coordinated_organization_ids) or viewer.is_table


def can_hide_question(viewer: Viewer) -> bool:
    """Hide a question or an answer (with a reason): the Table."""
    return viewer.is_table
