"""The certificate register (``/reports/certificates`` and its exports): the certificates the viewer may see, with
the organization printed on each and its holder's organization today, each one's status today; searched,
filtered and read a page at a time, all in SQL.

**Who sees what** (PRODUCT.md): the Table and Admin, every certificate; a coordinator, the certificates of the
people who belong today to an organization they coordinate, whatever organization is printed on them (a holder
who moved away takes theirs along, one who moved in brings theirs: the register follows people, as coverage
does); everyone else has no register (404). The predicate is ``permissions.can_view_certificate_register`` (and
``can_view_organization`` for the rows of one organization); the rows' scope is the SQL condition
:func:`certificates_in_register`, beside it.

**Status** on day D (today), one SQL ``CASE``, the first that applies:

- ``revoked``: revoked on or before D;
- ``renewed``: a later certificate not revoked by D renews it (``renews_id``); it may still be valid until its
  own expiry, as its expiry column says;
- ``expired``: D is on or after its expiry;
- ``upcoming``: valid from a later day (a renewal issued before the old expiry: valid from that expiry);
- ``expiring``: expires within ``RENEWAL_WINDOW_DAYS`` after D (D < expiry <= D + window);
- ``valid``.

**Reading**: newest issued first (issue date, then id, both descending), :data:`PAGE_SIZE` rows a page by keyset:
the next page starts after the last row's key (``after=<issue date>.<id>``), so a page costs the same whichever it
is and rows issued meanwhile shift nothing. The page asks three statements whatever the number of certificates:
the organizations the viewer may filter on, the counts by status of the rows matching the filters, and the
page's rows (``LIMIT`` page size + 1, the extra row saying whether there is a next page). An export asks two:
the organizations and every matching row (no page limit), and is recorded (``certificates.exported``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Certificate, Membership, Organization
from elearning.models.types import in_language
from elearning.permissions import Viewer, scopes
from elearning.services import transactions
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.catalog import cache
from elearning.services.catalog.entries import TrackEntry
from elearning.services.certification.codes import CODE_ALPHABET, CODE_LENGTH
from elearning.services.dates import parse_day
from elearning.services.errors import Invalid
from elearning.services.learning import cycles
from elearning.services.reports.members import OrganizationRef
from elearning.services.search import contains_folded

PAGE_SIZE = 50
#: The query parameters of the register, in the order a URL names them (``after``: the page's keyset).
FILTER_KEYS = ("name", "code", "org", "track", "status", "issued_from", "issued_to")
NAME_MAX = 100


class RegisterStatus:
    """A certificate's status in the register, in the order of precedence."""

    REVOKED = "revoked"
    RENEWED = "renewed"
    EXPIRED = "expired"
    UPCOMING = "upcoming"
    EXPIRING = "expiring"
    VALID = "valid"
    ALL = (REVOKED, RENEWED, EXPIRED, UPCOMING, EXPIRING, VALID)


# -- filters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """Where a page starts: after the row issued on ``issued_on`` with id ``certificate_id``."""

    issued_on: dt.date
    certificate_id: int

    def __str__(self) -> str:
        return f"{self.issued_on.isoformat()}.{self.certificate_id}"


@dataclass(frozen=True)
class Filters:
    """What the viewer asked to see (all kept in the URL). ``code`` is normalized (upper case, no separators)."""

    name: str = ""
    code: str = ""
    org: str | None = None
    track: str | None = None
    status: str | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    after: Key | None = None

    def as_args(self, *, with_after: bool = False) -> dict[str, str]:
        """The filters as query parameters (only those set); the page's key with ``with_after``."""
        values = {
            "name": self.name,
            "code": self.code,
            "org": self.org or "",
            "track": self.track or "",
            "status": self.status or "",
            "issued_from": self.issued_from.isoformat() if self.issued_from else "",
            "issued_to": self.issued_to.isoformat() if self.issued_to else "",
        }
        args = {key: value for key, value in values.items() if value}
        if with_after and self.after is not None:
            args["after"] = str(self.after)
        return args

    @property
    def narrowing(self) -> bool:
        """Whether a filter or the search leaves certificates out."""
        return bool(self.as_args())


_SEPARATORS = re.compile(r"[\s-]+")
_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d{1,12})$")
FIELD_NAMES = {
    "name": _l("Holder's name"),
    "code": _l("Certificate code"),
    "org": _l("Organization"),
    "track": _l("Track"),
    "status": _l("Status"),
    "issued_from": _l("Issued from"),
    "issued_to": _l("Issued until"),
    "after": _l("Page"),
}


def _day(args: Mapping[str, str], key: str) -> dt.date | None:
    return parse_day(args.get(key), field=key, label=FIELD_NAMES[key])


def _code(text: str) -> str:
    """A code or a part of one as stored (any case, hyphens and spaces dropped, O/I/L read as 0/1/1)."""
    code = _SEPARATORS.sub("", text).upper().translate(str.maketrans("OIL", "011"))
    if len(code) > CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        raise Invalid(
            _l(
                "%(field)s: a code has at most %(length)d letters and digits (hyphens and spaces are ignored).",
                field=FIELD_NAMES["code"],
                length=CODE_LENGTH,
            ),
            field="code",
        )
    return code


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The filters of a query string; :class:`Invalid` naming the field for a malformed value (an unknown
    organization or track is refused by :func:`register_page`, which knows them)."""
    name = " ".join((args.get("name") or "").split())
    if len(name) > NAME_MAX:
        raise Invalid(
            _l("%(field)s: at most %(count)d characters.", field=FIELD_NAMES["name"], count=NAME_MAX), field="name"
        )
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in RegisterStatus.ALL:
        raise Invalid(
            _l("%(field)s: unknown status %(value)s.", field=FIELD_NAMES["status"], value=status[:40]), field="status"
        )
    issued_from, issued_to = _day(args, "issued_from"), _day(args, "issued_to")
    if issued_from and issued_to and issued_to < issued_from:
        raise Invalid(
            _l(
                "%(field)s: the end of the period comes before its start.",
                field=FIELD_NAMES["issued_to"],
            ),
            field="issued_to",
        )
    after: Key | None = None
    raw_after = (args.get("after") or "").strip()
    if raw_after:
        match = _KEY.match(raw_after)
        try:
            if match is None:
                raise ValueError(raw_after)
            after = Key(dt.date.fromisoformat(match.group(1)), int(match.group(2)))
        except ValueError:
            raise Invalid(
                _l(
                    "%(field)s: this page link is damaged; start again from the first page.", field=FIELD_NAMES["after"]
                ),
                field="after",
            ) from None
    return Filters(
        name=name,
        code=_code(args.get("code") or ""),
        org=(args.get("org") or "").strip() or None,
        track=(args.get("track") or "").strip() or None,
        status=status,
        issued_from=issued_from,
        issued_to=issued_to,
        after=after,
    )


# -- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    certificate_id: int
    person_id: int
    code: str
    holder_name: str
    #: The organization printed on the certificate (its id, None when it was issued to nobody's organization).
    printed_organization_id: int | None
    printed_organization_fr: str
    printed_organization_en: str
    #: The holder's organization today (None: they belong to none).
    organization_id: int | None
    organization_code: str | None
    organization_fr: str | None
    organization_en: str | None
    track_id: int
    track_title_fr: str
    track_title_en: str
    issued_on: dt.date
    valid_from: dt.date
    expires_on: dt.date
    #: One of :class:`RegisterStatus`.
    status: str

    def printed_organization(self, language: str) -> str:
        return in_language(language, self.printed_organization_fr, self.printed_organization_en)

    def organization(self, language: str) -> str | None:
        if self.organization_fr is None:
            return None
        return in_language(language, self.organization_fr, self.organization_en)

    def track_title(self, language: str) -> str:
        return in_language(language, self.track_title_fr, self.track_title_en)

    @property
    def moved(self) -> bool:
        """The holder belongs today to another organization than the one printed on the certificate."""
        return self.organization_id != self.printed_organization_id

    @property
    def key(self) -> Key:
        return Key(self.issued_on, self.certificate_id)


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the organizations whose certificates the viewer sees, the active tracks."""

    organizations: tuple[OrganizationRef, ...]
    tracks: tuple[TrackEntry, ...]
    statuses: tuple[str, ...] = RegisterStatus.ALL


@dataclass(frozen=True)
class RegisterPage:
    filters: Filters
    choices: Choices
    #: At most :data:`PAGE_SIZE` rows, newest issued first.
    rows: tuple[RegisterRow, ...]
    #: The key the next page starts after (None: this is the last page).
    next_after: Key | None
    #: How many certificates match the filters, by status (every status named, zeros included).
    counts: Mapping[str, int]
    renewal_days: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RegisterExport:
    filters: Filters
    #: Every row matching the filters, in the page's order.
    rows: tuple[RegisterRow, ...]


# -- the scope -----------------------------------------------------------------------------------------

_SCOPE_MEMBERSHIP = orm.aliased(Membership)


def certificates_in_register(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`Certificate`: the certificates in the viewer's register (``can_view_certificate_register``,
    then ``can_view_organization`` of the holder's organization on ``day``).

    The Table and Admin: every certificate; a coordinator: those of the people belonging on ``day`` to an
    organization they coordinate; anyone else: none. Written as :mod:`elearning.permissions.scopes` writes its
    scopes (an uncorrelated subquery with its own alias, so it fits any select over certificates).
    """
    if viewer.is_table or viewer.is_admin:
        return sa.true()
    if not viewer.coordinated_organization_ids:
        return sa.false()
    membership = _SCOPE_MEMBERSHIP
    holders = (
        sa.select(membership.person_id)
        .where(membership.organization_id.in_(sorted(viewer.coordinated_organization_ids)), membership.holds_on(day))
        .correlate(None)
    )
    return Certificate.person_id.in_(holders)


# -- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    """The filters' organization and track as ids (None: not filtered)."""

    organization_id: int | None
    track_id: int | None


def _organizations(viewer: Viewer, day: dt.date) -> tuple[OrganizationRef, ...]:
    statement = (
        sa.select(Organization.id, Organization.code, Organization.name_fr, Organization.name_en)
        .where(scopes.organizations_visible_to(viewer, day))
        .order_by(Organization.code)
    )
    return tuple(OrganizationRef(*row) for row in db.session.execute(statement))


def _choices(viewer: Viewer, day: dt.date) -> Choices:
    return Choices(organizations=_organizations(viewer, day), tracks=cache.catalog().tracks)


def check_register(viewer: Viewer) -> None:
    """:class:`~elearning.services.errors.NotFound` unless the viewer has a register (before anything else: a
    refused filter must not tell a viewer without one more than a 404)."""
    check(permissions.can_view_certificate_register(viewer), viewer)


def choices_for(viewer: Viewer, day: dt.date) -> Choices:
    """The filters' choices alone (the form shown again with a refused filter); access checked."""
    check_register(viewer)
    return _choices(viewer, day)


def _resolve(viewer: Viewer, filters: Filters, choices: Choices) -> _Resolved:
    organization_id: int | None = None
    if filters.org is not None:
        found = next((item for item in choices.organizations if item.code == filters.org), None)
        if found is None:
            other = db.session.scalar(sa.select(Organization.id).where(Organization.code == filters.org))
            if other is not None:  # another organization's register: not the viewer's to see
                check(permissions.can_view_organization(viewer, other), viewer, other)
            raise Invalid(
                _l("%(field)s: unknown organization %(value)s.", field=FIELD_NAMES["org"], value=filters.org[:40]),
                field="org",
            )
        organization_id = found.organization_id
    track_id: int | None = None
    if filters.track is not None:
        track = next((item for item in choices.tracks if item.slug == filters.track), None)
        if track is None:
            raise Invalid(
                _l("%(field)s: unknown track %(value)s.", field=FIELD_NAMES["track"], value=filters.track[:40]),
                field="track",
            )
        track_id = track.id
    return _Resolved(organization_id, track_id)


@dataclass(frozen=True)
class _Statement:
    """The register's columns over its joins, and the conditions of the filters (the keyset's apart)."""

    columns: tuple[Any, ...]
    status: Any
    source: Any
    conditions: tuple[sa.ColumnElement[bool], ...]
    after: sa.ColumnElement[bool] | None


def _statement(viewer: Viewer, filters: Filters, resolved: _Resolved, day: dt.date) -> _Statement:
    cutoff = clock.get_clock().start_of_day(day + dt.timedelta(days=1))  # revoked before it: revoked on D
    horizon = day + cycles.renewal_window()
    renewer = orm.aliased(Certificate)
    renewed = (
        sa.select(renewer.renews_id.label("certificate_id"))
        .where(renewer.renews_id.is_not(None), sa.or_(renewer.revoked_at.is_(None), renewer.revoked_at >= cutoff))
        .group_by(renewer.renews_id)
        .subquery("renewed")
    )
    holding = orm.aliased(Membership)
    current = (
        sa.select(holding.person_id, sa.func.max(holding.id).label("membership_id"))
        .where(holding.holds_on(day))
        .group_by(holding.person_id)
        .subquery("current_membership")
    )
    membership = orm.aliased(Membership)
    organization = orm.aliased(Organization)
    status = sa.case(
        (sa.and_(Certificate.revoked_at.is_not(None), Certificate.revoked_at < cutoff), RegisterStatus.REVOKED),
        (renewed.c.certificate_id.is_not(None), RegisterStatus.RENEWED),
        (Certificate.expires_on <= day, RegisterStatus.EXPIRED),
        (Certificate.valid_from > day, RegisterStatus.UPCOMING),
        (Certificate.expires_on <= horizon, RegisterStatus.EXPIRING),
        else_=RegisterStatus.VALID,
    )
    source = (
        orm.outerjoin(Certificate, renewed, renewed.c.certificate_id == Certificate.id)
        .outerjoin(current, current.c.person_id == Certificate.person_id)
        .outerjoin(membership, membership.id == current.c.membership_id)
        .outerjoin(organization, organization.id == membership.organization_id)
    )
    columns = (
        Certificate.id,
        Certificate.person_id,
        Certificate.code,
        Certificate.holder_name,
        Certificate.organization_id,
        Certificate.organization_name_fr,
        Certificate.organization_name_en,
        organization.id,
        organization.code,
        organization.name_fr,
        organization.name_en,
        Certificate.track_id,
        Certificate.track_title_fr,
        Certificate.track_title_en,
        Certificate.issued_on,
        Certificate.valid_from,
        Certificate.expires_on,
    )
    conditions: list[sa.ColumnElement[bool]] = [certificates_in_register(viewer, day)]
    if filters.name:
        conditions.append(contains_folded(Certificate.holder_name, filters.name))
    if filters.code:
        conditions.append(Certificate.code.contains(filters.code, autoescape=True))
    if resolved.organization_id is not None:
        conditions.append(organization.id == resolved.organization_id)
    if resolved.track_id is not None:
        conditions.append(Certificate.track_id == resolved.track_id)
    if filters.status is not None:
        conditions.append(status == filters.status)
    if filters.issued_from is not None:
        conditions.append(Certificate.issued_on >= filters.issued_from)
    if filters.issued_to is not None:
        conditions.append(Certificate.issued_on <= filters.issued_to)
    after = None
    if filters.after is not None:
        key = filters.after
        after = sa.or_(
            Certificate.issued_on < key.issued_on,
            sa.and_(Certificate.issued_on == key.issued_on, Certificate.id < key.certificate_id),
        )
    return _Statement(columns, status, source, tuple(conditions), after)


def _rows(parts: _Statement, limit: int | None) -> list[RegisterRow]:
    conditions = list(parts.conditions)
    if parts.after is not None:
        conditions.append(parts.after)
    statement = (
        sa.select(*parts.columns, parts.status.label("status"))
        .select_from(parts.source)
        .where(*conditions)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    values: list[tuple[Any, ...]] = [tuple(row) for row in db.session.execute(statement)]
    return [RegisterRow(*row) for row in values]


def _counts(parts: _Statement) -> Mapping[str, int]:
    matching = sa.select(parts.status.label("status")).select_from(parts.source).where(*parts.conditions).subquery()
    statement = sa.select(matching.c.status, sa.func.count()).group_by(matching.c.status)
    found = {status: count for status, count in db.session.execute(statement)}
    return MappingProxyType({status: found.get(status, 0) for status in RegisterStatus.ALL})


def register_page(viewer: Viewer, filters: Filters, day: dt.date) -> RegisterPage:
    """One page of the viewer's register on ``day`` (today): the rows after ``filters.after``.

    :class:`~elearning.services.errors.NotFound` for a viewer without a register, or asking for an organization
    whose certificates they may not see; :class:`Invalid` for an unknown organization or track."""
    check_register(viewer)
    choices = _choices(viewer, day)
    parts = _statement(viewer, filters, _resolve(viewer, filters, choices), day)
    counts = _counts(parts)
    rows = _rows(parts, PAGE_SIZE + 1)
    next_after = rows[PAGE_SIZE - 1].key if len(rows) > PAGE_SIZE else None
    return RegisterPage(
        filters=filters,
        choices=choices,
        rows=tuple(rows[:PAGE_SIZE]),
        next_after=next_after,
        counts=counts,
        renewal_days=cycles.renewal_window().days,
    )


def register_export(viewer: Viewer, filters: Filters, day: dt.date, file_format: str) -> RegisterExport:
    """Every row of the viewer's register matching the filters (the page's key ignored: all pages), recorded as
    an export (personal information leaves the platform). Access and errors as :func:`register_page`."""
    check_register(viewer)
    choices = _choices(viewer, day)
    everything = dataclasses.replace(filters, after=None)
    rows = _rows(_statement(viewer, everything, _resolve(viewer, everything, choices), day), None)
    transactions.begin_writing()
    shown = everything.as_args()
    # A name searched for is personal data: the event says there was one, not which.
    searched = "name" in shown
    shown.pop("name", None)
    record(
        "certificates.exported",
        actor=viewer,
        object_type="certificate_register",
        details={"format": file_format, "filters": urlencode(shown), "name_searched": searched, "rows": len(rows)},
    )
    return RegisterExport(everything, tuple(rows))
