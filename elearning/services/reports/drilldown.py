"""One organization's coverage and its people on a day (``/reports/coverage/<code>``): its figures and trend from
the one coverage computation, its designated pivots with their certificate, its members with their core-track
certificate. Read by its coordinator, the Table and Admin; each reading is recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization, Person
from elearning.models.types import in_language
from elearning.permissions import Viewer
from elearning.services import transactions
from elearning.services.access import NOT_FOUND, check
from elearning.services.audit import record
from elearning.services.errors import NotFound
from elearning.services.reports import coverage
from elearning.services.reports.coverage import Moment, OrganizationCoverage, PivotStatus, TrendPoint
from elearning.services.reports.kept import kept


@dataclass(frozen=True)
class PersonStanding:
    """A person and their certificate of one kind (the pivot's, or the core track's) on the report day."""

    person_id: int
    full_name: str
    email: str
    #: One of :class:`~elearning.services.reports.coverage.PivotStatus`.
    status: str
    #: The certificate shown: the valid one, else the latest expired one (None: none).
    valid_from: dt.date | None
    expires_on: dt.date | None
    #: A renewal already issued runs until then (None: none).
    renewed_until: dt.date | None
    #: Not certified because a certificate was revoked.
    revoked: bool
    #: The person's facts revision as read (what their kept standings are kept under; not shown).
    revision: int | None = dataclasses.field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class OrganizationDetail:
    organization_id: int
    code: str
    name_fr: str
    name_en: str
    moment: Moment
    #: None when the organization was not a member of the Table on the day.
    figures: OrganizationCoverage | None
    pivots: tuple[PersonStanding, ...]
    members: tuple[PersonStanding, ...]
    trend: tuple[TrendPoint, ...]
    renewal_window_days: int

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)


def status_of(valid: int, valid_until: Any, last_expiry: Any, horizon: Any, day: dt.date) -> str:
    """PRODUCT.md's classification of one person's certificates on ``day`` (as the counts make it)."""
    if valid:
        return PivotStatus.EXPIRING if last_expiry <= horizon else PivotStatus.CERTIFIED
    if last_expiry is not None and last_expiry <= day:
        return PivotStatus.EXPIRED
    return PivotStatus.NOT_CERTIFIED


def people_of(standing: Any, day: dt.date) -> tuple[PersonStanding, ...]:
    """The people of a standing (:func:`~elearning.services.reports.coverage.pivot_standing` or
    :func:`~elearning.services.reports.coverage.core_standing`) with their certificate on ``day``, by name."""
    query = (
        sa.select(
            Person.id,
            Person.full_name,
            Person.email,
            Person.facts_revision,
            standing.c.valid,
            standing.c.valid_from,
            standing.c.valid_until,
            standing.c.last_valid_from,
            standing.c.last_expiry,
            standing.c.revoked,
            standing.c.horizon,
        )
        .join(Person, Person.id == standing.c.person_id)
        .order_by(Person.full_name, Person.id)
    )
    people = []
    for (
        person_id,
        name,
        email,
        revision,
        valid,
        valid_from,
        valid_until,
        last_from,
        last_expiry,
        revoked,
        horizon,
    ) in db.session.execute(query):
        status = status_of(valid, valid_until, last_expiry, horizon, day)
        if valid:
            shown_from, shown_until = valid_from, valid_until
        elif status == PivotStatus.EXPIRED:
            shown_from, shown_until = last_from, last_expiry
        else:
            shown_from = shown_until = None
        renewed = last_expiry if valid and last_expiry is not None and last_expiry > valid_until else None
        people.append(
            PersonStanding(
                person_id=person_id,
                full_name=name,
                email=email,
                status=status,
                valid_from=shown_from,
                expires_on=shown_until,
                renewed_until=renewed,
                revoked=bool(revoked) and status == PivotStatus.NOT_CERTIFIED,
                revision=revision,
            )
        )
    return tuple(people)


def _organization(code: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.code == code.strip().upper()))


def organization_detail(
    viewer: Viewer, code: str, day: dt.date | str | None, *, export_format: str | None = None
) -> OrganizationDetail:
    """The drill-down: its coordinator, the Table and Admin; 404 for anyone else and for an unknown code (the
    people's records are private). The reading is recorded (who, which organization, which day), as a view or,
    with ``export_format``, as an export of its people."""
    organization = _organization(code)
    if organization is None:
        raise NotFound(NOT_FOUND)
    check(permissions.can_view_organization(viewer, organization.id), viewer)
    today = clock.today()
    if not isinstance(day, dt.date):
        day = coverage.parse_day(day, today)
    moment = coverage.moment_of(day, today)
    days = coverage.days_table([moment])
    trend = coverage.trend_moments(moment, today)
    moments = (*trend, moment)
    found = kept("coverage", (moments, organization.id), lambda: coverage.compute(moments, organization.id))
    figures = found[day]
    pivots = people_of(coverage.pivot_standing(days, organization.id), day)
    members = people_of(coverage.core_standing(days, organization.id), day)
    detail = OrganizationDetail(
        organization_id=organization.id,
        code=organization.code,
        name_fr=organization.name_fr,
        name_en=organization.name_en,
        moment=moment,
        figures=figures[0] if figures else None,
        pivots=pivots if figures else (),
        members=members if figures else (),
        trend=coverage.points_of(trend, found),
        renewal_window_days=current_app.config["RENEWAL_WINDOW_DAYS"],
    )
    transactions.begin_writing()
    details: dict[str, Any] = {"as_of": day.isoformat(), "projection": moment.projection}
    details["people"] = len(detail.pivots) + len(detail.members)
    if export_format is not None:
        details["format"] = export_format
    action = "coverage.organization_viewed" if export_format is None else "coverage.organization_exported"
    record(action, actor=viewer, object_type="organization", object_id=detail.code, details=details)
    return detail
