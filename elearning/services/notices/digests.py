"""Weekly digests, ``elearning digests send`` (a weekly cron): each pivot one digest of their teams, each
coordinator one of their organization, read from the same reports the pages show, in the recipient's language.

- **Pivot**: for each of their teams (:func:`team.team_view`, what ``/team`` shows them), the members overdue and
  the certificates expiring within the renewal window (the pivot left out: their own work is in their own
  reminders); the questions waiting in their inbox (:func:`question_inbox.unanswered_count`); the module versions
  synced in the last 7 days (:func:`module_changes.changes_for`).
- **Coordinator**: for each organization they coordinate (:func:`organization_view.organization_view`, what
  ``/org`` shows, its figures from the coverage computation), certified pivots against the target, the pivots
  whose certificate expires within the renewal window, how many members are overdue, the teams without a pivot.

Nobody with nothing to report gets anything: a pivot's digest needs one of its items; a coordinator's needs the
organization below its target, a pivot expiring, a member overdue or a team without a pivot. A person may turn
digests off on ``/account`` (:attr:`Person.digests_enabled`).

Once a week: a digest sent is a :class:`~elearning.models.Digest` row, unique per person, kind and week (the
week's Monday), inserted before its message is queued (``INSERT ... ON CONFLICT DO NOTHING``): a second run in
the same week, or two runs at once, send nothing more. The messages name only the recipient's own teams'
members or their organization's pivots, as the pages they may open do; never anything about a young person.

Each recipient's digest is a handful of statements (the team matrix's and the organization view's reads),
not a fixed number for the whole run: a weekly job over at most a few hundred pivots and coordinators.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from elearning import clock
from elearning.extensions import db
from elearning.models import CoordinatorGrant, Digest, Organization, Person, TeamMembership
from elearning.models.types import in_language
from elearning.permissions import Viewer, scopes
from elearning.roles import TeamRole
from elearning.services import inserts
from elearning.services.audit import record
from elearning.services.learning import question_inbox
from elearning.services.mail.outbox import enqueue_message
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import module_changes, organization_view, team

PIVOT = "pivot"
COORDINATOR = "coordinator"
#: A module version counts as new in a digest for this many days after its sync.
NEW_VERSION_DAYS = 7


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: a digest goes once per person, kind and week."""
    return day - dt.timedelta(days=day.weekday())


# -- what a digest says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    full_name: str
    #: The earliest due date passed.
    due_on: dt.date


@dataclass(frozen=True)
class Expiring:
    full_name: str
    track_fr: str
    track_en: str | None
    expires_on: dt.date

    def track(self, language: str) -> str:
        return in_language(language, self.track_fr, self.track_en)


@dataclass(frozen=True)
class TeamNews:
    team_id: int
    name: str
    overdue: tuple[Overdue, ...]
    expiring: tuple[Expiring, ...]


@dataclass(frozen=True)
class NewVersion:
    slug: str
    version: str
    title_fr: str
    title_en: str | None
    synced_on: dt.date
    requires_review: bool

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)


@dataclass(frozen=True)
class PivotDigest:
    teams: tuple[TeamNews, ...]
    unanswered: int
    new_versions: tuple[NewVersion, ...]

    @property
    def has_news(self) -> bool:
        return bool(self.unanswered or self.new_versions or any(t.overdue or t.expiring for t in self.teams))


@dataclass(frozen=True)
class ExpiringPivot:
    full_name: str
    expires_on: dt.date


@dataclass(frozen=True)
class OrganizationNews:
    code: str
    name_fr: str
    name_en: str
    #: None: the organization has no target today.
    target: int | None
    certified: int
    coverage: float | None
    expiring_pivots: tuple[ExpiringPivot, ...]
    overdue_members: int
    teams_without_pivot: tuple[str, ...]

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)

    @property
    def below_target(self) -> bool:
        return self.target is not None and self.certified < self.target

    @property
    def has_news(self) -> bool:
        return bool(self.below_target or self.expiring_pivots or self.overdue_members or self.teams_without_pivot)


@dataclass(frozen=True)
class CoordinatorDigest:
    organizations: tuple[OrganizationNews, ...]

    @property
    def has_news(self) -> bool:
        return any(item.has_news for item in self.organizations)


def pivot_digest(viewer: Viewer, day: dt.date) -> PivotDigest:
    """What a pivot's digest says (the teams ``/team`` shows them by default: their own)."""
    view = team.team_view(viewer, team.Filters(), day)
    teams = []
    for matrix in view.matrices:
        if matrix.team_id not in viewer.pivot_team_ids:
            continue
        others = [row for row in matrix.rows if row.person_id != viewer.person_id]
        teams.append(
            TeamNews(
                team_id=matrix.team_id,
                name=matrix.name,
                overdue=tuple(
                    Overdue(row.full_name, min(item.due_on for item in row.tracks if item.overdue and item.due_on))
                    for row in others
                    if row.overdue and any(item.overdue and item.due_on for item in row.tracks)
                ),
                expiring=tuple(
                    Expiring(row.full_name, item.track.title_fr, item.track.title_en, item.certified_until)
                    for row in others
                    for item in row.tracks
                    if item.expiring and item.certified_until is not None
                ),
            )
        )
    changes = module_changes.changes_for(viewer, day)
    since = day - dt.timedelta(days=NEW_VERSION_DAYS)
    new_versions = tuple(
        NewVersion(
            change.slug, change.version, change.title_fr, change.title_en, change.synced_on, change.requires_review
        )
        for change in (changes.changes if changes is not None else ())
        if change.synced_on > since
    )
    return PivotDigest(tuple(teams), question_inbox.unanswered_count(viewer, day), new_versions)


def coordinator_digest(viewer: Viewer, language: str) -> CoordinatorDigest:
    """What a coordinator's digest says, for each organization they coordinate that is a member of the Table."""
    codes = db.session.scalars(
        sa.select(Organization.code)
        .where(Organization.id.in_(sorted(viewer.coordinated_organization_ids)))
        .order_by(Organization.code)
    ).all()
    organizations = []
    for code in codes:
        view = organization_view.organization_view(viewer, code, language)
        figures = view.figures
        if figures is None:
            continue  # not a member of the Table today: no coverage to report
        organizations.append(
            OrganizationNews(
                code=figures.code,
                name_fr=figures.name_fr,
                name_en=figures.name_en,
                target=figures.target or None,
                certified=figures.certified,
                coverage=figures.coverage,
                expiring_pivots=tuple(
                    ExpiringPivot(pivot.standing.full_name, pivot.standing.expires_on)
                    for pivot in view.expiring_pivots
                    if pivot.standing.expires_on is not None
                ),
                overdue_members=len(view.overdue_members),
                teams_without_pivot=tuple(item.name for item in view.teams_without_pivot),
            )
        )
    return CoordinatorDigest(tuple(organizations))


# -- sending -------------------------------------------------------------------------------------------


@dataclass
class DigestReport:
    dry_run: bool
    week_of: dt.date
    #: (person id, kind) of the digests sent (in a dry run: that would go).
    sent: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    #: Digests with nothing to report, and those already sent this week.
    empty: int = 0
    already: int = 0

    def summary(self) -> str:
        pivots = sum(1 for _id, kind in self.sent if kind == PIVOT)
        verb = "would send" if self.dry_run else "sent"
        return (
            f"digests: {verb} {len(self.sent)} ({pivots} to pivots, {len(self.sent) - pivots} to coordinators) "
            f"for the week of {self.week_of.isoformat()}; {self.empty} with nothing to report, "
            f"{self.already} already sent this week"
        )


def _candidates(day: dt.date) -> list[Person]:
    """Active people who want digests and hold a pivot role in a team or a coordinator grant today, by id. Who
    is a pivot of which team is then the viewer's decision (a designation must hold too)."""
    pivots = sa.select(TeamMembership.person_id).where(
        TeamMembership.role == TeamRole.PIVOT.value, TeamMembership.holds_on(day)
    )
    coordinators = sa.select(CoordinatorGrant.person_id).where(CoordinatorGrant.holds_on(day))
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(
                Person.digests_enabled.is_(True),
                scopes.active_on(day),
                sa.or_(Person.id.in_(pivots), Person.id.in_(coordinators)),
            )
            .order_by(Person.id)
        )
    )


def _sent_this_week(person_ids: Sequence[int], week: dt.date) -> set[tuple[int, str]]:
    if not person_ids:
        return set()
    rows = db.session.execute(
        sa.select(Digest.person_id, Digest.kind).where(Digest.week_of == week, Digest.person_id.in_(person_ids))
    ).all()
    return {(row[0], row[1]) for row in rows}


def _claim(person: Person, kind: str, week: dt.date) -> int | None:
    """The week's digest row of that kind for the person, or None when another run holds it already."""
    return inserts.insert_once(
        Digest,
        {"person_id": person.id, "kind": kind, "week_of": week, "sent_at": clock.now()},
        ["person_id", "kind", "week_of"],
    )


def send(*, dry_run: bool = False) -> DigestReport:
    """Send this week's digests to whoever has something to report and has not had theirs yet."""
    day = clock.today()
    week = week_of(day)
    report = DigestReport(dry_run=dry_run, week_of=week)
    people = _candidates(day)
    already = _sent_this_week([person.id for person in people], week)
    for person in people:
        viewer = load_viewer(person.id, day)
        language = person.preferred_language
        wanted: list[tuple[str, PivotDigest | CoordinatorDigest]] = []
        if viewer.pivot_team_ids:
            if (person.id, PIVOT) in already:
                report.already += 1
            else:
                wanted.append((PIVOT, pivot_digest(viewer, day)))
        if viewer.coordinated_organization_ids:
            if (person.id, COORDINATOR) in already:
                report.already += 1
            else:
                wanted.append((COORDINATOR, coordinator_digest(viewer, language)))
        for kind, digest in wanted:
            if not digest.has_news:
                report.empty += 1
                continue
            if dry_run:
                report.sent.append((person.id, kind))
                continue
            digest_id = _claim(person, kind, week)
            if digest_id is None:
                report.already += 1
                continue
            message = enqueue_message(
                f"digest_{kind}", kind=f"digest.{kind}", to_person=person, full_name=person.full_name, digest=digest
            )
            db.session.flush()
            db.session.execute(sa.update(Digest).where(Digest.id == digest_id).values(message_id=message.id))
            report.sent.append((person.id, kind))
    if not dry_run and report.sent:
        record(
            "digests.sent",
            actor=None,
            details={"week_of": week.isoformat(), "digests": len(report.sent), "empty": report.empty},
        )
    return report


def set_enabled(person: Person, enabled: bool) -> bool:
    """One's own choice to receive the weekly digest (recorded); returns whether anything changed."""
    if person.digests_enabled == enabled:
        return False
    person.digests_enabled = enabled
    db.session.flush()
    record(
        "person.digests_set",
        actor=person,
        subject=person,
        object_type="person",
        object_id=person.id,
        details={"enabled": enabled},
    )
    return True
