"""Worlds for the coverage tests, and coverage computed again by brute force from the rows they hold.

- :func:`coverage_worlds` draws a plain :class:`WorldSpec` (readable when hypothesis prints a failing example):
  organizations joining and leaving with target histories, people who move between organizations, are designated
  and withdrawn, deactivated, and hold certificates of the pivot, core and coordinator tracks, renewed and
  revoked. Every date is an offset in days from today, taken from :data:`POINTS` (the report days and the days
  next to them and to their renewal windows) so that boundaries are hit often.
- :func:`build` writes it through the models (flushes, never commits) and returns the rows as plain
  :class:`Rows`; :func:`brute_force` computes PRODUCT.md's figures from those rows in Python, one definition
  after the other, without the coverage module's SQL.
- :func:`bulk_world` inserts a large regular world in a few statements (query-count tests).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from hypothesis import strategies as st

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
from elearning.services.reports.coverage import OrganizationCoverage
from tests.conftest import NOW, TIMEZONE, TODAY

#: The report days of the differential test, in days from today: past, yesterday, today, then projections.
DAYS = (-400, -45, -1, 0, 1, 60, 300)
#: Days facts start and end on: the report days, the days around them and around their renewal windows (the
#: default window is 60 days), and one long before.
POINTS = tuple(sorted({-800} | {day + delta for day in DAYS for delta in (-61, -60, -1, 0, 1, 59, 60, 61)}))
#: Seconds from the start of a business day at which revocations and deactivations happen.
SECONDS = (-1, 0, 1, 12 * 3600)
#: The tracks a world's certificates belong to, by the role they are assigned to.
TRACK_ROLES = {"pivot": "pivot,coordinator", "worker": "worker", "coordinator": "coordinator"}
_codes = itertools.count(1)


def on(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def start_of_day(day: dt.date) -> dt.datetime:
    """The UTC instant business day ``day`` starts (written again here, not taken from the clock)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(TIMEZONE)).astimezone(dt.UTC)


def stamp(offset: int, seconds: int) -> dt.datetime:
    return start_of_day(on(offset)) + dt.timedelta(seconds=seconds)


# -- what a world is made of --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationSpec:
    joined: int
    left: int | None
    #: (effective from, value), in insertion order (two on the same day: the later row wins).
    targets: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FactSpec:
    """A membership or a designation: organization index, start and end offsets."""

    organization: int
    start: int
    end: int | None


@dataclass(frozen=True)
class CertificateSpec:
    #: A key of :data:`TRACK_ROLES`.
    track: str
    cycle: int
    issued: int
    valid_from: int
    expires: int
    #: (day offset, seconds) of the revocation.
    revoked: tuple[int, int] | None
    #: The organization printed on it (index), which must not matter.
    printed: int | None


@dataclass(frozen=True)
class PersonSpec:
    memberships: tuple[FactSpec, ...]
    designations: tuple[FactSpec, ...]
    deactivated: tuple[int, int] | None
    #: Per track, in cycle order (each renews the previous one).
    certificates: tuple[CertificateSpec, ...]


@dataclass(frozen=True)
class WorldSpec:
    organizations: tuple[OrganizationSpec, ...]
    people: tuple[PersonSpec, ...]


# -- drawing one --------------------------------------------------------------------------------------------

point = st.sampled_from(POINTS)


def _after(draw: st.DrawFn, offset: int, *, strictly: bool = False) -> int:
    """A point on or after ``offset`` (strictly after: a later one), or a year after when there is none."""
    later = [p for p in POINTS if p > offset or (p == offset and not strictly)]
    return draw(st.sampled_from([*later, offset + 365]))


def _sometimes(draw: st.DrawFn, one_in: int) -> bool:
    return draw(st.integers(1, one_in)) == 1


def _memberships(draw: st.DrawFn, organizations: int) -> tuple[FactSpec, ...]:
    """One membership, then moves (ended and the next one started the same day), and maybe an end."""
    if _sometimes(draw, 8):
        return ()
    org = st.integers(0, organizations - 1)
    start = draw(point)
    current = draw(org)
    facts = []
    for move in sorted(draw(st.lists(point, max_size=2))):
        if move < start:
            continue
        facts.append(FactSpec(current, start, move))
        start, current = move, draw(org)
    facts.append(FactSpec(current, start, _after(draw, start) if _sometimes(draw, 4) else None))
    return tuple(facts)


def _designations(draw: st.DrawFn, organizations: int, memberships: tuple[FactSpec, ...]) -> tuple[FactSpec, ...]:
    """Up to two designations, mostly in an organization the person belongs to at some point; at most one open
    per organization (the database's rule)."""
    own = sorted({fact.organization for fact in memberships})
    facts: list[FactSpec] = []
    for _ in range(draw(st.integers(0, 2))):
        if own and not _sometimes(draw, 4):
            organization = draw(st.sampled_from(own))
        else:
            organization = draw(st.integers(0, organizations - 1))
        start = draw(point)
        end = _after(draw, start) if _sometimes(draw, 2) else None
        if end is None and any(f.organization == organization and f.end is None for f in facts):
            end = start + 30
        facts.append(FactSpec(organization, start, end))
    return tuple(facts)


def _certificates(draw: st.DrawFn, organizations: int) -> tuple[CertificateSpec, ...]:
    """Per track, a chain of certificates: the first valid from its issue, each renewal valid from the later of
    its issue and the previous expiry; some revoked, on or after their issue."""
    result = []
    for track, longest in (("pivot", 3), ("worker", 2), ("coordinator", 1)):
        previous: CertificateSpec | None = None
        for cycle in range(1, draw(st.integers(0, longest)) + 1):
            issued = draw(point) if previous is None else _after(draw, previous.issued)
            valid_from = issued if previous is None else max(issued, previous.expires)
            revoked = (_after(draw, issued), draw(st.sampled_from(SECONDS))) if _sometimes(draw, 3) else None
            previous = CertificateSpec(
                track=track,
                cycle=cycle,
                issued=issued,
                valid_from=valid_from,
                expires=_after(draw, valid_from, strictly=True),
                revoked=revoked,
                printed=draw(st.none() | st.integers(0, organizations - 1)),
            )
            result.append(previous)
    return tuple(result)


@st.composite
def coverage_worlds(draw: st.DrawFn) -> WorldSpec:
    """2-3 organizations (most joined long ago, some leaving, 0-3 targets each) and 4-8 people."""
    organizations = []
    for _ in range(draw(st.integers(2, 3))):
        joined = -800 if not _sometimes(draw, 3) else draw(point)
        left = _after(draw, joined) if _sometimes(draw, 4) else None
        targets = draw(st.lists(st.tuples(point, st.integers(0, 4)), max_size=3))
        organizations.append(OrganizationSpec(joined, left, tuple(targets)))
    count = len(organizations)
    people = []
    for _ in range(draw(st.integers(4, 8))):
        memberships = _memberships(draw, count)
        people.append(
            PersonSpec(
                memberships=memberships,
                designations=_designations(draw, count, memberships),
                deactivated=(draw(point), draw(st.sampled_from(SECONDS))) if _sometimes(draw, 4) else None,
                certificates=_certificates(draw, count),
            )
        )
    return WorldSpec(tuple(organizations), tuple(people))


# -- the rows -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationRow:
    id: int
    code: str
    joined_on: dt.date
    left_on: dt.date | None


@dataclass(frozen=True)
class TargetRow:
    id: int
    organization_id: int
    value: int
    effective_from: dt.date


@dataclass(frozen=True)
class FactRow:
    person_id: int
    organization_id: int
    start_on: dt.date
    end_on: dt.date | None


@dataclass(frozen=True)
class PersonRow:
    id: int
    deactivated_at: dt.datetime | None


@dataclass(frozen=True)
class CertificateRow:
    person_id: int
    #: The role its track is assigned to (a key of :data:`TRACK_ROLES`).
    track: str
    issued_on: dt.date
    valid_from: dt.date
    expires_on: dt.date
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class Rows:
    organizations: tuple[OrganizationRow, ...]
    targets: tuple[TargetRow, ...]
    people: tuple[PersonRow, ...]
    memberships: tuple[FactRow, ...]
    designations: tuple[FactRow, ...]
    certificates: tuple[CertificateRow, ...]


def make_tracks() -> dict[str, int]:
    """A track per key of :data:`TRACK_ROLES` (the pivot's certification, the core training, a coordinators'
    track whose certificates never count): their ids."""
    ids = {}
    for key, roles in TRACK_ROLES.items():
        track = Track(
            slug=f"coverage-{key}",
            title_fr=f"Parcours {key}",
            title_en=f"Track {key}",
            assigned_to=roles,
            validity_months=24,
            days_to_finish=90,
            updated_at=NOW,
        )
        db.session.add(track)
        db.session.flush()
        ids[key] = track.id
    return ids


def add_organization(
    code: str, joined_on: dt.date, *, left_on: dt.date | None = None, targets: Iterable[tuple[dt.date, int]] = ()
) -> Organization:
    """An organization and its targets (``(effective from, value)``, inserted in that order)."""
    organization = Organization(
        code=code,
        name_fr=f"Organisation {code}",
        name_en=f"Organization {code}",
        joined_on=joined_on,
        left_on=left_on,
        created_at=NOW,
    )
    db.session.add(organization)
    db.session.flush()
    for effective_from, value in targets:
        db.session.add(
            OrganizationTarget(organization_id=organization.id, value=value, effective_from=effective_from, set_at=NOW)
        )
        db.session.flush()
    return organization


def add_person(name: str, *, deactivated_at: dt.datetime | None = None) -> Person:
    n = next(_codes)
    person = Person(
        email=f"coverage{n}@example.org",
        full_name=name,
        created_at=NOW - dt.timedelta(days=900),
        deactivated_at=deactivated_at,
    )
    db.session.add(person)
    db.session.flush()
    return person


def add_membership(
    person: Person, organization: Organization, start_on: dt.date, end_on: dt.date | None = None
) -> None:
    db.session.add(Membership(person_id=person.id, organization_id=organization.id, start_on=start_on, end_on=end_on))


def add_designation(
    person: Person, organization: Organization, start_on: dt.date, end_on: dt.date | None = None
) -> None:
    db.session.add(
        PivotDesignation(person_id=person.id, organization_id=organization.id, start_on=start_on, end_on=end_on)
    )


def add_certificate(
    person: Person,
    track_id: int,
    *,
    cycle: int,
    issued_on: dt.date,
    expires_on: dt.date,
    valid_from: dt.date | None = None,
    printed: Organization | None = None,
    renews: Certificate | None = None,
    revoked_at: dt.datetime | None = None,
) -> Certificate:
    certificate = Certificate(
        person_id=person.id,
        track_id=track_id,
        cycle=cycle,
        code=f"COV{next(_codes):013d}",
        holder_name=person.full_name,
        organization_id=printed.id if printed else None,
        organization_name_fr=printed.name_fr if printed else "",
        organization_name_en=printed.name_en if printed else "",
        track_title_fr="Parcours",
        track_title_en="Track",
        validity_months=24,
        issued_on=issued_on,
        valid_from=valid_from or issued_on,
        expires_on=expires_on,
        renews_id=renews.id if renews else None,
        created_at=NOW,
        revoked_at=revoked_at,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def build(spec: WorldSpec, tracks: dict[str, int]) -> Rows:
    """Write ``spec``'s rows (flushed) and return them as plain values."""
    organizations = [
        add_organization(
            f"COV{index}",
            on(item.joined),
            left_on=None if item.left is None else on(item.left),
            targets=[(on(day), value) for day, value in item.targets],
        )
        for index, item in enumerate(spec.organizations)
    ]
    for index, item in enumerate(spec.people):
        person = add_person(
            f"Personne {index}", deactivated_at=None if item.deactivated is None else stamp(*item.deactivated)
        )
        for fact in item.memberships:
            end = None if fact.end is None else on(fact.end)
            add_membership(person, organizations[fact.organization], on(fact.start), end)
        for fact in item.designations:
            end = None if fact.end is None else on(fact.end)
            add_designation(person, organizations[fact.organization], on(fact.start), end)
        previous: Certificate | None = None
        for cert in item.certificates:
            previous = add_certificate(
                person,
                tracks[cert.track],
                cycle=cert.cycle,
                issued_on=on(cert.issued),
                valid_from=on(cert.valid_from),
                expires_on=on(cert.expires),
                printed=None if cert.printed is None else organizations[cert.printed],
                renews=previous if cert.cycle > 1 else None,
                revoked_at=None if cert.revoked is None else stamp(*cert.revoked),
            )
    db.session.flush()
    return read_rows(tracks)


def read_rows(tracks: dict[str, int]) -> Rows:
    """Every row the coverage reads, as plain values."""
    session = db.session
    track_of = {track_id: key for key, track_id in tracks.items()}
    return Rows(
        organizations=tuple(
            OrganizationRow(o.id, o.code, o.joined_on, o.left_on) for o in session.scalars(sa.select(Organization))
        ),
        targets=tuple(
            TargetRow(t.id, t.organization_id, t.value, t.effective_from)
            for t in session.scalars(sa.select(OrganizationTarget))
        ),
        people=tuple(PersonRow(p.id, p.deactivated_at) for p in session.scalars(sa.select(Person))),
        memberships=tuple(
            FactRow(m.person_id, m.organization_id, m.start_on, m.end_on)
            for m in session.scalars(sa.select(Membership))
        ),
        designations=tuple(
            FactRow(d.person_id, d.organization_id, d.start_on, d.end_on)
            for d in session.scalars(sa.select(PivotDesignation))
        ),
        certificates=tuple(
            CertificateRow(c.person_id, track_of[c.track_id], c.issued_on, c.valid_from, c.expires_on, c.revoked_at)
            for c in session.scalars(sa.select(Certificate))
        ),
    )


# -- coverage by brute force ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    code: str
    target: int | None
    coverage: float | None
    designated: int
    certified: int
    expiring: int
    expired: int
    not_certified: int
    members: int
    core_certified: int


def figures_of(row: OrganizationCoverage) -> Figures:
    return Figures(
        code=row.code,
        target=row.target,
        coverage=row.coverage,
        designated=row.designated,
        certified=row.certified,
        expiring=row.expiring,
        expired=row.expired,
        not_certified=row.not_certified,
        members=row.members,
        core_certified=row.core_certified,
    )


def _holds(fact: FactRow, day: dt.date) -> bool:
    return fact.start_on <= day and (fact.end_on is None or day < fact.end_on)


def brute_force(rows: Rows, day: dt.date, today: dt.date, window_days: int) -> dict[int, Figures]:
    """PRODUCT.md's figures on ``day``, by organization id, one definition at a time:

    - an organization is in the report when ``joined_on <= day`` and (never left or ``day < left_on``); its
      target is the latest one effective on ``day`` (latest ``effective_from``, then latest row), None without
      one; coverage is certified / target, None when the target is None or 0;
    - people's facts are read on ``facts = min(day, today)`` (a future day is a projection from today): a dated
      fact holds when ``start_on <= facts < end_on``; a person is active unless deactivated before the instant
      ``facts + 1`` starts; a revocation before that instant counts, one at or after it does not;
    - designated: an active member of the organization on ``facts`` holding a designation in it then;
    - a certificate *counts* when issued on or before ``facts`` and not revoked before the cutoff; it is
      *valid* when it counts and ``valid_from <= day < expires_on``; pivot certificates are those of the track
      assigned to pivots, core ones those of the track assigned to workers (the coordinators' never count);
    - certified: designated with a valid pivot certificate; expiring: certified whose latest counting pivot
      expiry is on or before ``day + window`` (an issued renewal pushes it later); expired: not certified, with
      counting pivot certificates whose latest expiry is on or before ``day``; not certified: the rest;
    - members: active members on ``facts``; core certified: those of them with a valid core certificate;
    - a certificate counts for whichever organization its holder belongs to on ``facts``, whatever is printed.
    """
    facts = min(day, today)
    cutoff = start_of_day(facts + dt.timedelta(days=1))
    active = {p.id for p in rows.people if p.deactivated_at is None or p.deactivated_at >= cutoff}

    def counting(person_id: int, track: str) -> list[CertificateRow]:
        return [
            c
            for c in rows.certificates
            if c.person_id == person_id
            and c.track == track
            and c.issued_on <= facts
            and (c.revoked_at is None or c.revoked_at >= cutoff)
        ]

    def valid(person_id: int, track: str) -> bool:
        return any(c.valid_from <= day < c.expires_on for c in counting(person_id, track))

    result = {}
    for organization in rows.organizations:
        if not (organization.joined_on <= day and (organization.left_on is None or day < organization.left_on)):
            continue
        targets = [t for t in rows.targets if t.organization_id == organization.id and t.effective_from <= day]
        target = max(targets, key=lambda t: (t.effective_from, t.id)).value if targets else None
        members = {
            m.person_id
            for m in rows.memberships
            if m.organization_id == organization.id and _holds(m, facts) and m.person_id in active
        }
        designated = {
            d.person_id for d in rows.designations if d.organization_id == organization.id and _holds(d, facts)
        } & members
        certified = {person for person in designated if valid(person, "pivot")}
        expiring = {
            person
            for person in certified
            if max(c.expires_on for c in counting(person, "pivot")) <= day + dt.timedelta(days=window_days)
        }
        expired = {
            person
            for person in designated - certified
            if counting(person, "pivot") and max(c.expires_on for c in counting(person, "pivot")) <= day
        }
        result[organization.id] = Figures(
            code=organization.code,
            target=target,
            coverage=len(certified) / target if target else None,
            designated=len(designated),
            certified=len(certified),
            expiring=len(expiring),
            expired=len(expired),
            not_certified=len(designated - certified - expired),
            members=len(members),
            core_certified=len({person for person in members if valid(person, "worker")}),
        )
    return result


# -- a large world, quickly ---------------------------------------------------------------------------------------


def bulk_world(organizations: int, people: int, tracks: dict[str, int]) -> None:
    """``organizations`` organizations with two targets each and ``people`` people spread over them: members
    since long ago, every other one designated, most holding a core certificate, pivots a pivot certificate
    (a third of them renewed, some revoked), a few moved or deactivated. A handful of statements."""
    session = db.session
    long_ago = on(-800)
    session.execute(
        sa.insert(Organization),
        [
            {"code": f"BULK{i}", "name_fr": f"Org {i}", "name_en": f"Org {i}", "joined_on": long_ago, "created_at": NOW}
            for i in range(organizations)
        ],
    )
    org_ids = list(session.scalars(sa.select(Organization.id).where(Organization.code.like("BULK%"))))
    session.execute(
        sa.insert(OrganizationTarget),
        [
            {"organization_id": org_id, "value": value, "effective_from": day, "set_at": NOW}
            for org_id in org_ids
            for day, value in ((long_ago, 3), (on(-30), 5))
        ],
    )
    batch = next(_codes)
    session.execute(
        sa.insert(Person),
        [
            {
                "email": f"bulk{batch}-{i}@example.org",
                "full_name": f"Personne {i}",
                "created_at": NOW,
                "deactivated_at": NOW - dt.timedelta(days=10) if i % 50 == 7 else None,
            }
            for i in range(people)
        ],
    )
    person_ids = list(
        session.scalars(sa.select(Person.id).where(Person.email.like(f"bulk{batch}-%")).order_by(Person.id))
    )
    memberships, designations, certificates = [], [], []
    for i, person_id in enumerate(person_ids):
        org_id = org_ids[i % len(org_ids)]
        moved = i % 25 == 3
        memberships.append(
            {
                "person_id": person_id,
                "organization_id": org_id,
                "start_on": long_ago,
                "end_on": on(-20) if moved else None,
            }
        )
        if moved:
            memberships.append(
                {"person_id": person_id, "organization_id": org_ids[(i + 1) % len(org_ids)], "start_on": on(-20)}
            )
        if i % 2 == 0:
            designations.append({"person_id": person_id, "organization_id": org_id, "start_on": long_ago})
        issued = on(-700 + i % 600)
        expires = issued + dt.timedelta(days=730)
        chains: list[tuple[str, int, dt.date, dt.date, dt.date, dt.datetime | None]] = []
        if i % 4:
            chains.append(("worker", 1, issued, issued, expires, None))
        if i % 2 == 0:
            chains.append(("pivot", 1, issued, issued, expires, NOW if i % 20 == 4 else None))
            if i % 3 == 0:
                chains.append(("pivot", 2, on(-10), expires, expires + dt.timedelta(days=730), None))
        for track, cycle, issued_on, valid_from, expires_on, revoked_at in chains:
            certificates.append(
                {
                    "person_id": person_id,
                    "track_id": tracks[track],
                    "cycle": cycle,
                    "code": f"BULK{batch}-{i}-{track}-{cycle}",
                    "holder_name": f"Personne {i}",
                    "organization_id": org_id,
                    "organization_name_fr": "",
                    "organization_name_en": "",
                    "track_title_fr": track,
                    "track_title_en": track,
                    "validity_months": 24,
                    "issued_on": issued_on,
                    "valid_from": valid_from,
                    "expires_on": expires_on,
                    "created_at": NOW,
                    "revoked_at": revoked_at,
                }
            )
    session.execute(sa.insert(Membership), memberships)
    session.execute(sa.insert(PivotDesignation), designations)
    session.execute(sa.insert(Certificate), certificates)
