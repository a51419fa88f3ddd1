"""The one coverage computation: for days D, each member organization's designated and certified pivots against
its target, and its core-track completion (PRODUCT.md, "Coverage, precisely"). Every output uses it: the report,
its chart, trend, exports and PDF, the drill-down, the command line (and later the organization view, the API and
the digests).

Everything is read from dated facts in SQL, for many days at once: the days are a small common table
(:class:`Moment` rows), so the report asks three statements whatever the number of organizations, people or
days, and the 24-month trend asks the same three.

A **moment** is a report day D with the day its facts are read on: D itself for today or a past day; today for
a future D (a *projection*: today's memberships, designations, certificates and revocations, their known
expiries, no renewal assumed). The organization's own schedule (its participation in the Table, its target) is
read on D.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.sql.elements import ColumnElement

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import (
    Certificate,
    Membership,
    Organization,
    OrganizationTarget,
    Person,
    PivotDesignation,
    Track,
)
from elearning.models.types import UTCDateTime, in_language
from elearning.permissions import Viewer
from elearning.services.access import check
from elearning.services.dates import add_months
from elearning.services.errors import Invalid
from elearning.services.reports.kept import kept

#: How far ahead a projection may look.
PROJECTION_MONTHS = 12
#: Points of the trend: the ends of this many months.
TREND_MONTHS = 24
#: How an ``as_of`` day is written.
DAY_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class PivotStatus:
    CERTIFIED = "certified"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_CERTIFIED = "not_certified"


# -- moments -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    """A report day and the day its people's facts are read on (the same, or today for a projection)."""

    day: dt.date
    facts_day: dt.date

    @property
    def projection(self) -> bool:
        return self.day > self.facts_day


def moment_of(day: dt.date, today: dt.date) -> Moment:
    return Moment(day, min(day, today))


def earliest_day() -> dt.date | None:
    """The earliest organization's join date: no report before it."""
    return db.session.scalar(sa.select(sa.func.min(Organization.joined_on)))


def parse_day(text: str | None, today: dt.date) -> dt.date:
    """The ``as_of`` of a request or command: today when absent; a day from the earliest organization's join date
    to :data:`PROJECTION_MONTHS` ahead. :class:`InvalidInput` names what is wrong otherwise."""
    if text is None or not text.strip():
        return today
    malformed = Invalid(_l("The date must be written YYYY-MM-DD, for example 2026-03-31."))
    if not DAY_PATTERN.fullmatch(text.strip()):  # fromisoformat also takes 20260331 and 2026-W14-2
        raise malformed
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise malformed from None
    horizon = add_months(today, PROJECTION_MONTHS)
    if day > horizon:
        raise Invalid(
            _l("A projection can look at most %(months)d months ahead.", months=PROJECTION_MONTHS),
        )
    earliest = earliest_day()
    if earliest is None or day < earliest:
        raise Invalid(_l("There is no report before the first organization joined the Table."))
    return day


def trend_moments(moment: Moment, today: dt.date) -> list[Moment]:
    """The trend's points: the end of each of the :data:`TREND_MONTHS` months up to the report day's month, the
    last one being the report day itself when its month has not ended (oldest first)."""
    first_of_month = moment.day.replace(day=1)
    days = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        start = add_months(first_of_month, -back)
        end = add_months(start, 1) - dt.timedelta(days=1)
        days.append(min(end, moment.day))
    return [moment_of(day, today) for day in days]


# -- the figures ---------------------------------------------------------------------------------------


def ratio(part: int, whole: int | None) -> float | None:
    return None if not whole else part / whole


class Derived:
    """What follows from the counts, for an organization and for the totals."""

    designated: int
    certified: int
    expired: int
    members: int
    core_certified: int

    @property
    def not_certified(self) -> int:
        return self.designated - self.certified - self.expired

    @property
    def core_completion(self) -> float | None:
        return ratio(self.core_certified, self.members)


@dataclass(frozen=True)
class OrganizationCoverage(Derived):
    """One organization's figures on a day (PRODUCT.md's definitions)."""

    organization_id: int
    code: str
    name_fr: str
    name_en: str
    #: None: no target on that day.
    target: int | None
    designated: int
    certified: int
    expiring: int
    expired: int
    #: Active members on the day, and those of them holding a valid core-track certificate.
    members: int
    core_certified: int

    @property
    def coverage(self) -> float | None:
        """certified / target (may exceed 1); None when there is no target (a target of 0 is "no target" too:
        nothing to divide by)."""
        return ratio(self.certified, self.target)

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)


@dataclass(frozen=True)
class Totals(Derived):
    """Sums over the organizations; the total coverage divides the certified pivots of the organizations that
    have a target by the sum of their targets."""

    organizations: int
    target: int | None
    designated: int
    certified: int
    certified_with_target: int
    expiring: int
    expired: int
    members: int
    core_certified: int

    @property
    def coverage(self) -> float | None:
        return ratio(self.certified_with_target, self.target)


def totals_of(rows: Sequence[OrganizationCoverage]) -> Totals:
    with_target = [row for row in rows if row.target]
    return Totals(
        organizations=len(rows),
        target=sum(row.target or 0 for row in with_target) if with_target else None,
        designated=sum(row.designated for row in rows),
        certified=sum(row.certified for row in rows),
        certified_with_target=sum(row.certified for row in with_target),
        expiring=sum(row.expiring for row in rows),
        expired=sum(row.expired for row in rows),
        members=sum(row.members for row in rows),
        core_certified=sum(row.core_certified for row in rows),
    )


# -- the statements ------------------------------------------------------------------------------------


def days_table(moments: Sequence[Moment]) -> Any:
    """The moments as a common table (day, facts_day, cutoff, horizon): ``cutoff`` is the UTC instant the day
    after the facts day starts (a revocation or deactivation before it holds on that day), ``horizon`` the last
    day of the renewal window (certificates expiring by then are "expiring soon")."""
    window = dt.timedelta(days=current_app.config["RENEWAL_WINDOW_DAYS"])
    app_clock = clock.get_clock()
    selects = [
        sa.select(
            sa.literal(moment.day, sa.Date).label("day"),
            sa.literal(moment.facts_day, sa.Date).label("facts_day"),
            sa.literal(app_clock.start_of_day(moment.facts_day + dt.timedelta(days=1)), UTCDateTime).label("cutoff"),
            sa.literal(moment.day + window, sa.Date).label("horizon"),
        )
        for moment in dict.fromkeys(moments)
    ]
    if not selects:
        raise ValueError("coverage needs at least one day")
    if len(selects) == 1:
        return selects[0].cte("days")
    return sa.union_all(*selects).cte("days")


def track_ids_for(role: str) -> sa.Select[int]:
    """Ids of the tracks assigned to ``role`` (the pivot's certification, the workers' core training)."""
    assigned = sa.literal(",") + Track.assigned_to + sa.literal(",")
    return sa.select(Track.id).where(assigned.like(f"%,{role},%"))


def _standing(days: Any, track_role: str, people: Any) -> sa.Select[Any]:
    """Per (day, organization, person) of ``people`` (a selectable of day, organization_id, person_id): whether
    they hold a valid certificate of the role's tracks on the day (not revoked by the facts day, issued by it),
    its valid-from and expiry, the latest expiry of their certificates not revoked by then, and whether one was
    revoked."""
    unrevoked = sa.or_(Certificate.revoked_at.is_(None), Certificate.revoked_at >= days.c.cutoff)
    valid = sa.and_(unrevoked, Certificate.valid_from <= days.c.day, Certificate.expires_on > days.c.day)
    return (
        sa.select(
            people.c.day,
            people.c.organization_id,
            people.c.person_id,
            sa.func.max(sa.case((valid, 1), else_=0)).label("valid"),
            sa.func.max(sa.case((valid, Certificate.valid_from))).label("valid_from"),
            sa.func.max(sa.case((valid, Certificate.expires_on))).label("valid_until"),
            sa.func.max(sa.case((unrevoked, Certificate.expires_on))).label("last_expiry"),
            sa.func.max(sa.case((unrevoked, Certificate.valid_from))).label("last_valid_from"),
            sa.func.max(sa.case((unrevoked, 0), else_=1)).label("revoked"),
            sa.func.max(days.c.horizon).label("horizon"),
        )
        .join(days, days.c.day == people.c.day)
        .outerjoin(
            Certificate,
            sa.and_(
                Certificate.person_id == people.c.person_id,
                Certificate.track_id.in_(track_ids_for(track_role)),
                Certificate.issued_on <= days.c.facts_day,
            ),
        )
        .group_by(people.c.day, people.c.organization_id, people.c.person_id)
    )


def _active(days: Any) -> ColumnElement[bool]:
    return sa.or_(Person.deactivated_at.is_(None), Person.deactivated_at >= days.c.cutoff)


def _designated(days: Any, organization_id: int | None) -> Any:
    """(day, organization_id, person_id): on the facts day, belonged to the organization and held a pivot
    designation in it, account active."""
    query = (
        sa.select(days.c.day, PivotDesignation.organization_id, PivotDesignation.person_id)
        .join(PivotDesignation, PivotDesignation.holds_on(days.c.facts_day))
        .join(
            Membership,
            sa.and_(
                Membership.person_id == PivotDesignation.person_id,
                Membership.organization_id == PivotDesignation.organization_id,
                Membership.holds_on(days.c.facts_day),
            ),
        )
        .join(Person, Person.id == PivotDesignation.person_id)
        .where(_active(days))
    )
    if organization_id is not None:
        query = query.where(PivotDesignation.organization_id == organization_id)
    return query.distinct().cte("designated")


def _members(days: Any, organization_id: int | None) -> Any:
    """(day, organization_id, person_id): active members on the facts day."""
    query = (
        sa.select(days.c.day, Membership.organization_id, Membership.person_id)
        .join(Membership, Membership.holds_on(days.c.facts_day))
        .join(Person, Person.id == Membership.person_id)
        .where(_active(days))
    )
    if organization_id is not None:
        query = query.where(Membership.organization_id == organization_id)
    return query.distinct().cte("members")


def pivot_standing(days: Any, organization_id: int | None) -> Any:
    return _standing(days, "pivot", _designated(days, organization_id)).cte("pivot_standing")


def core_standing(days: Any, organization_id: int | None) -> Any:
    return _standing(days, "worker", _members(days, organization_id)).cte("core_standing")


def _organizations_statement(days: Any, organization_id: int | None) -> sa.Select[Any]:
    target = (
        sa.select(OrganizationTarget.value)
        .where(OrganizationTarget.organization_id == Organization.id, OrganizationTarget.effective_from <= days.c.day)
        .order_by(OrganizationTarget.effective_from.desc(), OrganizationTarget.id.desc())
        .limit(1)
        .correlate(Organization, days)
        .scalar_subquery()
    )
    query = sa.select(
        days.c.day, Organization.id, Organization.code, Organization.name_fr, Organization.name_en, target
    ).join(
        Organization,
        sa.and_(
            Organization.joined_on <= days.c.day,
            sa.or_(Organization.left_on.is_(None), Organization.left_on > days.c.day),
        ),
    )
    if organization_id is not None:
        query = query.where(Organization.id == organization_id)
    return query


def _pivot_counts(days: Any, organization_id: int | None) -> sa.Select[Any]:
    standing = pivot_standing(days, organization_id)
    certified = standing.c.valid == 1
    return sa.select(
        standing.c.day,
        standing.c.organization_id,
        sa.func.count().label("designated"),
        sa.func.sum(standing.c.valid).label("certified"),
        sa.func.sum(sa.case((sa.and_(certified, standing.c.last_expiry <= standing.c.horizon), 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(standing.c.valid == 0, standing.c.last_expiry <= standing.c.day), 1), else_=0)),
    ).group_by(standing.c.day, standing.c.organization_id)


def _core_counts(days: Any, organization_id: int | None) -> sa.Select[Any]:
    standing = core_standing(days, organization_id)
    return sa.select(
        standing.c.day,
        standing.c.organization_id,
        sa.func.count().label("members"),
        sa.func.sum(standing.c.valid).label("core_certified"),
    ).group_by(standing.c.day, standing.c.organization_id)


def compute(moments: Sequence[Moment], organization_id: int | None = None) -> dict[dt.date, list[OrganizationCoverage]]:
    """Each moment's organizations (members of the Table on its day) with their figures, by code: three
    statements whatever the number of moments, organizations and people."""
    days = days_table(moments)
    session = db.session
    pivots = {(day, org): counts for day, org, *counts in session.execute(_pivot_counts(days, organization_id))}
    cores = {(day, org): counts for day, org, *counts in session.execute(_core_counts(days, organization_id))}
    result: dict[dt.date, list[OrganizationCoverage]] = {moment.day: [] for moment in moments}
    for day, org_id, code, name_fr, name_en, target in session.execute(_organizations_statement(days, organization_id)):
        designated, certified, expiring, expired = pivots.get((day, org_id), (0, 0, 0, 0))
        members, core_certified = cores.get((day, org_id), (0, 0))
        result[day].append(
            OrganizationCoverage(
                organization_id=org_id,
                code=code,
                name_fr=name_fr,
                name_en=name_en,
                target=target,
                designated=int(designated),
                certified=int(certified or 0),
                expiring=int(expiring or 0),
                expired=int(expired or 0),
                members=int(members),
                core_certified=int(core_certified or 0),
            )
        )
    for rows in result.values():
        rows.sort(key=lambda row: row.code)
    return result


# -- the report ----------------------------------------------------------------------------------------


class Sort:
    COVERAGE = "coverage"
    NAME = "name"
    ALL = (COVERAGE, NAME)


def sorted_rows(rows: Iterable[OrganizationCoverage], sort: str, language: str) -> list[OrganizationCoverage]:
    """By coverage, lowest first (organizations without a target last), then by name; or by name."""
    if sort == Sort.NAME:
        return sorted(rows, key=lambda row: (row.name(language).casefold(), row.code))

    def by_coverage(row: OrganizationCoverage) -> tuple[int, float, str, str]:
        coverage = row.coverage
        return (coverage is None, coverage or 0.0, row.name(language).casefold(), row.code)

    return sorted(rows, key=by_coverage)


@dataclass(frozen=True)
class TrendPoint:
    moment: Moment
    totals: Totals
    #: Each organization's figures on that day, by organization id.
    organizations: dict[int, OrganizationCoverage] = field(hash=False, compare=False)


@dataclass(frozen=True)
class CoverageReport:
    moment: Moment
    rows: tuple[OrganizationCoverage, ...]
    totals: Totals
    trend: tuple[TrendPoint, ...]
    renewal_window_days: int
    sort: str


def points_of(moments: Sequence[Moment], found: dict[dt.date, list[OrganizationCoverage]]) -> tuple[TrendPoint, ...]:
    """The trend's points from figures computed for (at least) their days."""
    return tuple(
        TrendPoint(point, totals_of(found[point.day]), {row.organization_id: row for row in found[point.day]})
        for point in moments
    )


def trend_points(moment: Moment, today: dt.date, organization_id: int | None = None) -> tuple[TrendPoint, ...]:
    """The 24 month ends up to ``moment``: the same three statements as one day."""
    moments = trend_moments(moment, today)
    return points_of(moments, compute(moments, organization_id))


def coverage_report(
    viewer: Viewer, day: dt.date | str | None, *, sort: str = Sort.COVERAGE, language: str = "fr"
) -> CoverageReport:
    """The report across organizations on ``day`` (Table and Admin; a ``YYYY-MM-DD`` text is read with
    :func:`parse_day`, after the access check) and its trend: the facts' state, then, unless the same report was
    kept (the same object, so that pages can keep what they render from it), the three statements of
    :func:`compute` for the 25 days at once."""
    check(permissions.can_view_reports(viewer), viewer)
    today = clock.today()
    if not isinstance(day, dt.date):
        day = parse_day(day, today)
    moment = moment_of(day, today)
    order = sort if sort in Sort.ALL else Sort.COVERAGE

    def build() -> CoverageReport:
        trend = trend_moments(moment, today)
        found = compute((*trend, moment))
        rows = found[moment.day]
        return CoverageReport(
            moment=moment,
            rows=tuple(sorted_rows(rows, order, language)),
            totals=totals_of(rows),
            trend=points_of(trend, found),
            renewal_window_days=current_app.config["RENEWAL_WINDOW_DAYS"],
            sort=order,
        )

    return kept("coverage report", (moment, order, language), build)
