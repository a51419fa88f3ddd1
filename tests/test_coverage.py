"""Coverage (PRODUCT.md, "Coverage, precisely"): the one computation agrees with the definitions computed by brute
force on generated worlds; a scripted year of events gives the figures written by hand, and the drill-down's
statuses agree with them; the report asks the same statements whatever the size; ``as_of`` is parsed strictly."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, example, given, settings

from elearning import clock
from elearning.extensions import db
from elearning.models import AuditEvent, GlobalGrant, Organization, Person
from elearning.permissions import Viewer
from elearning.services.dates import add_months
from elearning.services.errors import Invalid
from elearning.services.people.viewers import load_viewer
from elearning.services.reports import coverage, drilldown
from elearning.services.reports.coverage import PivotStatus, compute, moment_of, parse_day, totals_of, trend_points
from tests.conftest import TODAY
from tests.coverage_world import (
    DAYS,
    CertificateSpec,
    FactSpec,
    Figures,
    OrganizationSpec,
    PersonSpec,
    WorldSpec,
    add_certificate,
    add_designation,
    add_membership,
    add_organization,
    add_person,
    brute_force,
    build,
    bulk_world,
    coverage_worlds,
    figures_of,
    make_tracks,
    on,
    read_rows,
)


@pytest.fixture
def tracks(app: Flask) -> dict[str, int]:
    """The pivot, core and coordinator tracks, kept for every example (each example rolls its own rows back)."""
    with app.app_context():
        ids = make_tracks()
        db.session.commit()
    return ids


@pytest.fixture
def window(app: Flask) -> int:
    return int(app.config["RENEWAL_WINDOW_DAYS"])


# -- the computation against the definitions ----------------------------------------------------------------

#: Written by hand, always run: two targets set on the same day (the later row, 0, wins: no target); an
#: organization joining 45 days ago and leaving in 60; a pivot who moves yesterday, designated in both (the one
#: in the old organization left open), whose renewal is issued today; pivots deactivated one second before
#: tomorrow starts and at the instant today starts (both active yesterday, neither today); a certificate revoked
#: at the instant today starts (holds yesterday, not today); a core certificate printed with the other
#: organization; a coordinators' certificate.
HAND_WRITTEN = WorldSpec(
    organizations=(
        OrganizationSpec(-800, None, ((-800, 2), (-45, 3), (-45, 0))),
        OrganizationSpec(-45, 60, ((-800, 1),)),
    ),
    people=(
        PersonSpec(
            memberships=(FactSpec(0, -800, -1), FactSpec(1, -1, None)),
            designations=(FactSpec(0, -800, None), FactSpec(1, -1, None)),
            deactivated=None,
            certificates=(
                CertificateSpec("pivot", 1, -400, -400, 60, None, 0),
                CertificateSpec("pivot", 2, 0, 60, 361, None, 1),
            ),
        ),
        PersonSpec(
            memberships=(FactSpec(0, -800, None),),
            designations=(FactSpec(0, -800, 1),),
            deactivated=(1, -1),
            certificates=(CertificateSpec("pivot", 1, -800, -800, -45, None, None),),
        ),
        PersonSpec(
            memberships=(FactSpec(0, -800, None),),
            designations=(FactSpec(0, -800, None),),
            deactivated=(0, 0),
            certificates=(CertificateSpec("pivot", 1, -400, -400, 300, None, None),),
        ),
        PersonSpec(
            memberships=(FactSpec(0, -800, None),),
            designations=(FactSpec(0, -400, None),),
            deactivated=None,
            certificates=(
                CertificateSpec("pivot", 1, -400, -400, 59, (0, 0), None),
                CertificateSpec("worker", 1, -400, -400, 300, None, None),
            ),
        ),
        PersonSpec(
            memberships=(FactSpec(1, -45, None),),
            designations=(),
            deactivated=None,
            certificates=(
                CertificateSpec("worker", 1, -400, -400, 300, None, 0),
                CertificateSpec("coordinator", 1, -400, -400, 300, None, None),
            ),
        ),
    ),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=coverage_worlds())
@example(spec=HAND_WRITTEN)
def test_compute_agrees_with_the_definitions(app: Flask, tracks: dict[str, int], window: int, spec: WorldSpec) -> None:
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0, "an example left rows behind"
        savepoint = db.session.begin_nested()
        try:
            rows = build(spec, tracks)
            today = clock.today()
            moments = [moment_of(on(offset), today) for offset in DAYS]
            result = compute(moments)
            assert set(result) == {moment.day for moment in moments}
            for moment in moments:
                figures = result[moment.day]
                assert [row.code for row in figures] == sorted(row.code for row in figures)
                expected = brute_force(rows, moment.day, today, window)
                assert {row.organization_id: figures_of(row) for row in figures} == expected, moment
            one = rows.organizations[0].id
            alone = compute(moments, one)
            assert alone == {
                day: [row for row in figures if row.organization_id == one] for day, figures in result.items()
            }
        finally:
            savepoint.rollback()


# -- a scripted year ----------------------------------------------------------------------------------------

D1 = dt.date(2026, 1, 15)
D2 = dt.date(2026, 3, 1)
#: A projection: facts read today, the organizations' schedules read on the day.
PROJECTION = dt.date(2026, 8, 1)


def figures(
    code: str,
    target: int | None,
    designated: int,
    certified: int,
    expiring: int,
    expired: int,
    members: int,
    core_certified: int,
) -> Figures:
    return Figures(
        code=code,
        target=target,
        coverage=certified / target if target else None,
        designated=designated,
        certified=certified,
        expiring=expiring,
        expired=expired,
        not_certified=designated - certified - expired,
        members=members,
        core_certified=core_certified,
    )


@dataclass(frozen=True)
class Story:
    table: int
    people: dict[str, int]


def tell_the_story(tracks: dict[str, int]) -> Story:
    """Between D1 (15 January) and D2 (1 March): A's target goes from 3 to 2 (1 February) and will be 4 from
    1 July; Bruno moves from A to B, designated in both in turn (1 February), his pivot certificate printed with
    A; Hugo (A) is deactivated (5 February); Alice is withdrawn as A's pivot (10 February); C leaves the Table
    (15 February); Denis (B) renews (1 February) the certificate expiring on 15 February; Emma's (B) certificate
    is revoked (20 February) and Bruno's core certificate expires; Jules (B) renews (25 February) the certificate
    expiring on 10 April. Chloé's (A) certificate expires on 1 May. E joins on 1 June, with Iris to come."""
    pivot, core = tracks["pivot"], tracks["worker"]
    since = dt.date(2020, 1, 1)
    a = add_organization("ORG-A", since, targets=[(since, 3), (dt.date(2026, 2, 1), 2), (dt.date(2026, 7, 1), 4)])
    b = add_organization("ORG-B", since, targets=[(since, 2)])
    c = add_organization("ORG-C", dt.date(2025, 6, 1), left_on=dt.date(2026, 2, 15))
    e = add_organization("ORG-E", dt.date(2026, 6, 1), targets=[(dt.date(2026, 6, 1), 1)])
    start = dt.date(2024, 1, 1)
    people: dict[str, Person] = {}

    def person(
        name: str, organization: Organization, since: dt.date, *, designated: bool = True, **kwargs: Any
    ) -> Person:
        """A member of ``organization`` from ``since``, designated from then too (unless not)."""
        people[name] = someone = add_person(name, **kwargs)
        add_membership(someone, organization, since)
        if designated:
            add_designation(someone, organization, since)
        return someone

    alice = people["Alice"] = add_person("Alice")
    add_membership(alice, a, start)
    add_designation(alice, a, start, dt.date(2026, 2, 10))
    add_certificate(alice, pivot, cycle=1, issued_on=dt.date(2024, 6, 1), expires_on=dt.date(2026, 6, 1), printed=a)
    add_certificate(alice, core, cycle=1, issued_on=dt.date(2024, 3, 1), expires_on=dt.date(2027, 3, 1))

    bruno = people["Bruno"] = add_person("Bruno")
    moved = dt.date(2026, 2, 1)
    add_membership(bruno, a, start, moved)
    add_membership(bruno, b, moved)
    add_designation(bruno, a, start, moved)
    add_designation(bruno, b, moved)
    add_certificate(bruno, pivot, cycle=1, issued_on=dt.date(2025, 1, 10), expires_on=dt.date(2027, 1, 10), printed=a)
    add_certificate(bruno, core, cycle=1, issued_on=dt.date(2024, 2, 1), expires_on=dt.date(2026, 2, 20), printed=a)

    chloe = person("Chloé", a, start, designated=False)
    add_designation(chloe, a, dt.date(2025, 1, 1))
    add_certificate(chloe, pivot, cycle=1, issued_on=dt.date(2024, 5, 1), expires_on=dt.date(2026, 5, 1))

    denis = person("Denis", b, start)
    first = add_certificate(denis, pivot, cycle=1, issued_on=dt.date(2023, 12, 1), expires_on=dt.date(2026, 2, 15))
    add_certificate(
        denis,
        pivot,
        cycle=2,
        issued_on=dt.date(2026, 2, 1),
        valid_from=dt.date(2026, 2, 15),
        expires_on=dt.date(2028, 2, 15),
        renews=first,
    )

    jules = person("Jules", b, start)
    first = add_certificate(jules, pivot, cycle=1, issued_on=dt.date(2024, 4, 10), expires_on=dt.date(2026, 4, 10))
    add_certificate(
        jules,
        pivot,
        cycle=2,
        issued_on=dt.date(2026, 2, 25),
        valid_from=dt.date(2026, 4, 10),
        expires_on=dt.date(2028, 4, 10),
        renews=first,
    )

    emma = person("Emma", b, start)
    revoked_at = dt.datetime(2026, 2, 20, 15, 0, tzinfo=dt.UTC)
    add_certificate(
        emma, pivot, cycle=1, issued_on=dt.date(2025, 6, 1), expires_on=dt.date(2027, 6, 1), revoked_at=revoked_at
    )
    add_certificate(emma, core, cycle=1, issued_on=dt.date(2025, 1, 1), expires_on=dt.date(2028, 1, 1))

    felix = person("Félix", b, start)
    add_certificate(felix, pivot, cycle=1, issued_on=dt.date(2023, 1, 1), expires_on=dt.date(2025, 12, 1))

    gaby = person("Gaby", c, c.joined_on)
    add_certificate(gaby, pivot, cycle=1, issued_on=dt.date(2025, 7, 1), expires_on=dt.date(2027, 7, 1))
    hugo = person("Hugo", a, start, designated=False, deactivated_at=dt.datetime(2026, 2, 5, 14, 0, tzinfo=dt.UTC))
    add_certificate(hugo, core, cycle=1, issued_on=dt.date(2025, 1, 1), expires_on=dt.date(2028, 1, 1))
    iris = person("Iris", e, e.joined_on)
    add_certificate(iris, pivot, cycle=1, issued_on=dt.date(2025, 1, 1), expires_on=dt.date(2027, 1, 1))

    table = add_person("Table")
    db.session.add(GlobalGrant(person_id=table.id, role="table", start_on=since))
    db.session.flush()
    return Story(table=table.id, people={name: someone.id for name, someone in people.items()})


#: What the story's organizations show on each day (target, designated, certified, expiring, expired, members,
#: core certified).
STORY = {
    D1: [
        # Alice, Bruno, Chloé certified; Hugo still active; Bruno's core certificate still valid.
        figures("ORG-A", 3, 3, 3, 0, 0, 4, 3),
        # Denis expiring (his renewal is not issued yet), Jules and Emma (not revoked yet) certified: 3 for a
        # target of 2; Félix expired.
        figures("ORG-B", 2, 4, 3, 1, 1, 4, 1),
        figures("ORG-C", None, 1, 1, 0, 0, 1, 0),
    ],
    D2: [
        # Alice withdrawn, Bruno gone, Hugo deactivated; Chloé's 1 May expiry is one day past the window.
        figures("ORG-A", 2, 1, 1, 0, 0, 2, 1),
        # Bruno's certificate printed with A counts for B; Denis renewed; Jules's issued renewal pushes his
        # expiry (10 April) past the window; Emma revoked (not certified, not expired).
        figures("ORG-B", 2, 5, 3, 0, 1, 5, 1),
    ],
    TODAY: [
        # Chloé's certificate now expires within the window.
        figures("ORG-A", 2, 1, 1, 1, 0, 2, 1),
        figures("ORG-B", 2, 5, 3, 0, 1, 5, 1),
    ],
    PROJECTION: [
        # Chloé's known expiry drops A's certified pivots; A's target of 1 July is read.
        figures("ORG-A", 4, 1, 0, 0, 1, 2, 1),
        figures("ORG-B", 2, 5, 3, 0, 1, 5, 1),
        # E has joined by then, but people's facts are today's: Iris is not a member yet.
        figures("ORG-E", 1, 0, 0, 0, 0, 0, 0),
    ],
}


@pytest.fixture
def story(app: Flask, tracks: dict[str, int]) -> Iterator[Story]:
    with app.test_request_context():
        told = tell_the_story(tracks)
        db.session.commit()
        yield told


def test_the_story_s_figures(app: Flask, story: Story, tracks: dict[str, int], window: int) -> None:
    assert window == 60, "the story's figures assume the default renewal window"
    today = clock.today()
    assert today == TODAY
    moments = [moment_of(day, today) for day in STORY]
    assert [moment.projection for moment in moments] == [False, False, False, True]
    result = compute(moments)
    assert {day: [figures_of(row) for row in rows] for day, rows in result.items()} == STORY
    rows = read_rows(tracks)
    for day, expected in STORY.items():
        assert list(brute_force(rows, day, today, window).values()) == expected, day

    totals = totals_of(result[D2])
    assert (totals.organizations, totals.target, totals.designated, totals.certified) == (2, 4, 6, 4)
    assert (totals.expiring, totals.expired, totals.not_certified, totals.members, totals.core_certified) == (
        0,
        1,
        1,
        7,
        2,
    )
    assert totals.coverage == 4 / 4
    on_d1 = totals_of(result[D1])
    assert (on_d1.target, on_d1.certified, on_d1.certified_with_target) == (5, 7, 6)
    assert on_d1.coverage == 6 / 5, "C has no target: its certified pivot stays out of the total coverage"

    viewer = load_viewer(story.table, today)
    report = coverage.coverage_report(viewer, D2)
    assert [row.code for row in report.rows] == ["ORG-A", "ORG-B"], "lowest coverage first"
    assert len(report.trend) == coverage.TREND_MONTHS
    assert report.trend[-1].moment.day == D2
    assert report.trend[-1].organizations == {row.organization_id: row for row in result[D2]}
    january = next(point for point in report.trend if point.moment.day == dt.date(2026, 1, 31))
    assert sorted(row.code for row in january.organizations.values()) == ["ORG-A", "ORG-B", "ORG-C"]


def _statuses(people: tuple[drilldown.PersonStanding, ...]) -> dict[str, str]:
    return {person.full_name: person.status for person in people}


def _assert_detail_agrees(detail: drilldown.OrganizationDetail, expected: Figures) -> None:
    counts = Counter(person.status for person in detail.pivots)
    assert detail.figures is not None
    assert figures_of(detail.figures) == expected
    assert counts[PivotStatus.CERTIFIED] + counts[PivotStatus.EXPIRING] == expected.certified
    assert counts[PivotStatus.EXPIRING] == expected.expiring
    assert counts[PivotStatus.EXPIRED] == expected.expired
    assert counts[PivotStatus.NOT_CERTIFIED] == expected.not_certified
    assert len(detail.pivots) == expected.designated
    assert len(detail.members) == expected.members
    core = [person for person in detail.members if person.status in (PivotStatus.CERTIFIED, PivotStatus.EXPIRING)]
    assert len(core) == expected.core_certified


def test_the_drilldown_agrees_with_the_figures(app: Flask, story: Story) -> None:
    viewer = load_viewer(story.table, TODAY)
    for day, expected in STORY.items():
        for organization in expected:
            detail = drilldown.organization_detail(viewer, organization.code, day)
            assert detail.moment == moment_of(day, TODAY)
            _assert_detail_agrees(detail, organization)
            assert detail.trend[-1].moment.day == day

    b_on_d1 = drilldown.organization_detail(viewer, "ORG-B", D1)
    denis = next(person for person in b_on_d1.pivots if person.full_name == "Denis")
    assert (denis.status, denis.expires_on, denis.renewed_until) == (PivotStatus.EXPIRING, dt.date(2026, 2, 15), None)

    b_on_d2 = drilldown.organization_detail(viewer, "org-b", D2)
    assert _statuses(b_on_d2.pivots) == {
        "Bruno": PivotStatus.CERTIFIED,
        "Denis": PivotStatus.CERTIFIED,
        "Emma": PivotStatus.NOT_CERTIFIED,
        "Félix": PivotStatus.EXPIRED,
        "Jules": PivotStatus.CERTIFIED,
    }
    by_name = {person.full_name: person for person in b_on_d2.pivots}
    jules = by_name["Jules"]
    assert (jules.valid_from, jules.expires_on, jules.renewed_until) == (
        dt.date(2024, 4, 10),
        dt.date(2026, 4, 10),
        dt.date(2028, 4, 10),
    )
    assert by_name["Emma"].revoked and not by_name["Félix"].revoked
    assert (by_name["Félix"].valid_from, by_name["Félix"].expires_on) == (dt.date(2023, 1, 1), dt.date(2025, 12, 1))
    assert by_name["Emma"].expires_on is None
    assert _statuses(b_on_d2.members) == {
        "Bruno": PivotStatus.EXPIRED,
        "Denis": PivotStatus.NOT_CERTIFIED,
        "Emma": PivotStatus.CERTIFIED,
        "Félix": PivotStatus.NOT_CERTIFIED,
        "Jules": PivotStatus.NOT_CERTIFIED,
    }

    a_today = drilldown.organization_detail(viewer, "ORG-A", TODAY)
    assert _statuses(a_today.pivots) == {"Chloé": PivotStatus.EXPIRING}
    a_later = drilldown.organization_detail(viewer, "ORG-A", PROJECTION)
    assert a_later.moment.projection
    assert _statuses(a_later.pivots) == {"Chloé": PivotStatus.EXPIRED}

    c_on_d2 = drilldown.organization_detail(viewer, "ORG-C", D2)
    assert (c_on_d2.figures, c_on_d2.pivots, c_on_d2.members) == (None, (), ())

    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "coverage.organization_viewed").order_by(AuditEvent.id)
    ).all()
    assert events[-1].actor_id == story.table
    assert (events[-1].object_id, events[-1].details["as_of"]) == ("ORG-C", D2.isoformat())
    assert len(events) == sum(len(expected) for expected in STORY.values()) + 5


# -- statements -----------------------------------------------------------------------------------------------


def _statement_counts(
    tracks: dict[str, int], count_queries: Callable[[], Any], organizations: int, people: int, window: int
) -> tuple[int, int, int]:
    """(compute, trend, drill-down) statements on a bulk world of that size; its figures checked too."""
    savepoint = db.session.begin_nested()
    try:
        bulk_world(organizations, people, tracks)
        table = add_person("Table")
        db.session.add(GlobalGrant(person_id=table.id, role="table", start_on=on(-800)))
        db.session.flush()
        today = clock.today()
        viewer: Viewer = load_viewer(table.id, today)
        moment = moment_of(today, today)
        code = db.session.scalar(sa.select(Organization.code).order_by(Organization.code).limit(1))
        assert code is not None
        with count_queries() as counter:
            result = compute([moment])
        computed = counter.count
        assert len(result[today]) == organizations
        expected = brute_force(read_rows(tracks), today, today, window)
        assert {row.organization_id: figures_of(row) for row in result[today]} == expected
        with count_queries() as counter:
            trend = trend_points(moment, today)
        assert len(trend) == coverage.TREND_MONTHS
        trended = counter.count
        with count_queries() as counter:
            detail = drilldown.organization_detail(viewer, code, today)
        assert detail.figures is not None and len(detail.members) == detail.figures.members > 0
        return computed, trended, counter.count
    finally:
        savepoint.rollback()


def test_statements_do_not_grow_with_the_data(
    app: Flask, tracks: dict[str, int], count_queries: Callable[[], Any], window: int
) -> None:
    with app.test_request_context():
        small = _statement_counts(tracks, count_queries, 2, 5, window)
        large = _statement_counts(tracks, count_queries, 20, 500, window)
    assert small == large, (small, large)
    assert small[:2] == (3, 3)


# -- as_of ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "  "])
def test_no_day_is_today(app: Flask, text: str | None) -> None:
    with app.app_context():
        assert parse_day(text, TODAY) == TODAY


@pytest.mark.parametrize("text", ["2026-13-01", "yesterday", "2026-1-1", "20260101", "2026-W01-1", "2026-02-30"])
def test_a_malformed_day_is_refused(app: Flask, text: str) -> None:
    with app.app_context():
        add_organization("ORG-P", dt.date(2025, 1, 1))
        with pytest.raises(Invalid) as refused:
            parse_day(text, TODAY)
        assert "YYYY-MM-DD" in str(refused.value)


def test_the_days_a_report_may_ask(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(Invalid):
            parse_day("2026-03-01", TODAY)  # no organization yet: no report at all
        add_organization("ORG-P", dt.date(2025, 1, 1))
        add_organization("ORG-Q", dt.date(2025, 6, 1))
        assert parse_day("2025-01-01", TODAY) == dt.date(2025, 1, 1)
        assert parse_day(" 2026-03-01 ", TODAY) == dt.date(2026, 3, 1)
        with pytest.raises(Invalid):
            parse_day("2024-12-31", TODAY)
        horizon = add_months(TODAY, coverage.PROJECTION_MONTHS)
        assert horizon == dt.date(2027, 3, 16)
        assert parse_day(horizon.isoformat(), TODAY) == horizon
        with pytest.raises(Invalid) as refused:
            parse_day((horizon + dt.timedelta(days=1)).isoformat(), TODAY)
        assert "12" in str(refused.value)
