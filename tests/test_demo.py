"""``elearning demo``: the published accounts, idempotent, refused in production."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from elearning.demo.data import DEMO_PASSWORD, ORGANIZATIONS
from elearning.extensions import db
from elearning.models import Organization, Person
from elearning.security.passwords import verify_password
from elearning.services import history
from elearning.services.catalog import lookup
from elearning.services.learning import cycles, quizzes
from elearning.services.people.accounts import get_person
from elearning.services.people.organizations import get_organization
from tests.conftest import TODAY

PUBLISHED = {
    "admin@example.org": {"admin"},
    "table@example.org": {"table"},
    "coord.spvq@example.org": {"coordinator", "worker"},
    "pivot.spvq@example.org": {"pivot", "worker"},
    "pivot.cjq@example.org": {"pivot", "worker"},
    "worker.spvq@example.org": {"worker"},
    "worker.cjq@example.org": {"worker"},
    "worker.pipq@example.org": {"worker"},
}


def test_demo_twice_changes_nothing_the_second_time(runner: FlaskCliRunner, dump: Callable[[], Any]) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("demo: created 12 organizations, 4 teams, ")
    for email in PUBLISHED:
        assert email in first.output
    assert DEMO_PASSWORD in first.output
    after_first = dump()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert second.output.startswith("demo: nothing to create")
    assert dump() == after_first


def test_demo_creates_the_seed_organizations_and_accounts(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        codes = set(db.session.scalars(sa.select(Organization.code)))
        assert codes == {
            "CJQ",
            "JEFAR",
            "SPVQ",
            "PIPQ",
            "CSSS-VC",
            "CSSS-QN",
            "CSDD",
            "CSC",
            "CSPS",
            "ASSS-CN",
            "CSCQ",
            "TRAIC",
        }
        for spec in ORGANIZATIONS:
            organization = get_organization(spec.code)
            assert organization.mandate_fr and organization.mandate_en
            assert organization.joined_on.year == (2009 if spec.code in {"CSCQ", "TRAIC"} else 2007)
            assert history.target_of(organization.id, TODAY) == spec.target
        for email, roles in PUBLISHED.items():
            person = get_person(email)
            assert verify_password(person.password_hash, DEMO_PASSWORD)
            assert {role.value for role in history.roles_of(person.id, TODAY)} == roles
        spvq = get_organization("SPVQ")
        coordinator = get_person("coord.spvq@example.org")
        assert history.roles_of(coordinator.id, TODAY)["coordinator"] == {spvq.id}
        for email in (
            "pivot.spvq@example.org",
            "worker.spvq@example.org",
            "pivot.cjq@example.org",
            "worker.cjq@example.org",
        ):
            teams = history.teams_of(get_person(email).id, TODAY)
            assert len(teams) == 1
            assert teams[0][1] == ("pivot" if email.startswith("pivot") else "member")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) > len(PUBLISHED)


def test_demo_history_answers_past_dates(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from datetime import timedelta

        cjq = get_organization("CJQ")
        assert history.target_of(cjq.id, TODAY - timedelta(days=731)) == 3
        assert history.target_of(cjq.id, TODAY) == 4
        julie = get_person("julie.roy@example.org")
        assert history.organization_of(julie.id, TODAY - timedelta(days=201)).code == "CJQ"
        assert history.organization_of(julie.id, TODAY).code == "SPVQ"


def test_demo_refused_in_production_unless_forced(app: Flask, runner: FlaskCliRunner, dump: Callable[[], Any]) -> None:
    app.config["ELEARNING_ENV"] = "production"
    before = dump()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: refusing to load demo data in production (ELEARNING_ENV=production); use --force"
    ]
    assert dump() == before
    assert runner.invoke(args=["demo", "--force"]).exit_code == 0
    assert dump() != before


def test_each_published_account_signs_in_and_sees_its_dashboard(app: Flask, runner: FlaskCliRunner) -> None:
    from tests.web import sign_in

    assert runner.invoke(args=["demo"]).exit_code == 0
    for email in PUBLISHED:
        client = app.test_client()
        assert sign_in(client, email, DEMO_PASSWORD).status_code == 302
        page = client.get("/")
        assert page.status_code == 200
        with app.app_context():
            person = get_person(email)
            greeting = "Hello" if person.preferred_language == "en" else "Bonjour"
            assert f"{greeting}, {person.full_name}" in page.get_data(as_text=True)


def test_demo_with_content_has_certificate_history_and_stays_idempotent(
    app: Flask, runner: FlaskCliRunner, dump: Callable[[], Any]
) -> None:
    from elearning.models import Certificate, Completion, QuizAttempt

    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    after_first = dump()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert dump() == after_first
    with app.app_context():
        today = TODAY

        def pivot_certificates(email: str) -> list[Certificate]:
            person = get_person(email)
            return [
                c
                for c in db.session.scalars(sa.select(Certificate).where(Certificate.person_id == person.id))
                if c.track_title_fr == "Certification pivot"
            ]

        # pivot.cjq: certified 23 months ago, expiring soon, in its renewal window.
        (expiring,) = pivot_certificates("pivot.cjq@example.org")
        assert cycles.status_on(expiring, today) == cycles.CertificateStatus.VALID
        assert 0 < (expiring.expires_on - today).days <= 60
        pivot_cycle = next(
            c
            for c in cycles.track_cycles(get_person("pivot.cjq@example.org").id, today)
            if c.track.slug == "certification-pivot"
        )
        assert pivot_cycle.renewing
        # karine.gauthier: expired.
        (expired,) = pivot_certificates("karine.gauthier@example.org")
        assert cycles.status_on(expired, today) == cycles.CertificateStatus.EXPIRED
        # Some workers hold the core track.
        holders = {
            c.person_id for c in db.session.scalars(sa.select(Certificate)) if c.track_title_fr == "Formation de base"
        }
        assert get_person("worker.cjq@example.org").id in holders
        # worker.pipq: the core certificate revoked 12 days ago; the new cycle is due 60 days after it.
        (revoked,) = db.session.scalars(
            sa.select(Certificate).where(Certificate.person_id == get_person("worker.pipq@example.org").id)
        )
        assert cycles.status_on(revoked, today) == cycles.CertificateStatus.REVOKED
        assert cycles.revoked_on(revoked) == today - dt.timedelta(days=12) and revoked.revocation_reason
        (core,) = cycles.track_cycles(revoked.person_id, today)
        assert core.open and core.due_on == today + dt.timedelta(days=48)
        # worker.spvq starts with nothing done.
        nobody = get_person("worker.spvq@example.org").id
        for model in (Completion, QuizAttempt, Certificate):
            assert (
                db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.person_id == nobody)) == 0
            )
        # marc.gagnon has no attempts left.

        ref = lookup.find_module("mise-en-contexte")
        quiz = lookup.quiz_of(ref.version)
        assert quizzes.allowance(get_person("marc.gagnon@example.org").id, ref.module.id, quiz).exhausted


def test_demo_coverage_shows_every_kind_of_figure(app: Flask, runner: FlaskCliRunner) -> None:
    from elearning.models import Certificate
    from elearning.services.dates import add_months
    from elearning.services.reports import coverage

    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():

        def on(day: dt.date) -> dict[str, coverage.OrganizationCoverage]:
            return {row.code: row for row in coverage.compute([coverage.moment_of(day, TODAY)])[day]}

        def pivot_certificates(email: str) -> list[Certificate]:
            return list(
                db.session.scalars(
                    sa.select(Certificate)
                    .where(
                        Certificate.person_id == get_person(email).id,
                        Certificate.track_title_fr == "Certification pivot",
                    )
                    .order_by(Certificate.cycle)
                )
            )

        today = on(TODAY)
        assert any(row.expiring > 0 for row in today.values())
        assert any(row.expired > 0 for row in today.values())
        assert any(row.not_certified > 0 for row in today.values())
        # TRAiC: its target met today, and no target at all a year ago.
        assert (today["TRAIC"].target, today["TRAIC"].certified) == (1, 1)
        # A year ago: other targets (SPVQ, PIPQ, CSDD) and designations (a withdrawn pivot at PIPQ, a pivot who
        # has since moved from CSSS-QN to CJQ).
        year_ago = on(TODAY - dt.timedelta(days=365))
        assert any(
            (row.target, row.designated) != (today[code].target, today[code].designated)
            for code, row in year_ago.items()
        )
        assert (year_ago["PIPQ"].target, year_ago["PIPQ"].designated) == (1, 2)
        assert year_ago["TRAIC"].target is None and year_ago["TRAIC"].coverage is None
        assert (today["PIPQ"].target, today["PIPQ"].designated) == (2, 1)
        # Twelve months ahead, certificates expire and no renewal is assumed.
        ahead = on(add_months(TODAY, coverage.PROJECTION_MONTHS))
        assert sum(row.certified for row in ahead.values()) < sum(row.certified for row in today.values())
        # Martine Dionne's certificate names the organization she earned it in; it counts for the one she is in.
        (moved,) = pivot_certificates("martine.dionne@example.org")
        assert moved.organization_name_fr == "CSSS de Québec-Nord"
        assert history.organization_of(moved.person_id, TODAY).code == "CJQ"
        # Hélène Tardif's renewal is issued and starts when her first certificate expires.
        first, renewal = pivot_certificates("helene.tardif@example.org")
        assert renewal.renews_id == first.id and renewal.valid_from == first.expires_on > TODAY
        (revoked,) = pivot_certificates("sylvain.boucher@example.org")
        assert cycles.status_on(revoked, TODAY) == cycles.CertificateStatus.REVOKED


def test_demo_organization_view_and_directory_have_something_to_show(app: Flask, runner: FlaskCliRunner) -> None:
    """coord.spvq's ``/org`` flags a team without a pivot, a pivot in no team (expired), and the directory shows a
    pivot's phone by choice and leaves out a phone entered but not shown (journey 3, the directory)."""
    from elearning.services.people import directory
    from elearning.services.people.viewers import load_viewer
    from elearning.services.reports.organization_view import organization_view

    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.test_request_context():
        viewer = load_viewer(get_person("coord.spvq@example.org").id, TODAY)
        view = organization_view(viewer, None, "fr")
        assert view.organization.code == "SPVQ" and view.can_manage
        assert [team.name for team in view.teams_without_pivot] == ["Patrouille Est"]
        (alone,) = view.pivots_without_team
        assert alone.standing.full_name == "Stéphane Ménard" and alone.standing.status == "expired"
        assert view.overdue_members
        listing = directory.directory(viewer, TODAY, language="fr")
        pivots = {pivot.name: pivot for org in listing.organizations for pivot in org.pivots}
        assert pivots["Patrice Pivot"].phone == "418 641-6411 poste 2210"
        assert pivots["Pascale Pivot"].phone is None
        assert "Stéphane Ménard" in pivots and "William Intervenant" not in pivots
        # The demo's questions were asked in the past: their notifications are not queued for sending. Its past
        # reminders' messages were delivered, refused (failed) or wait for another attempt; each is recorded.
        from elearning.models import OutboxMessage, Reminder

        messages = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.status, OutboxMessage.address)).all()
        assert sorted((kind, status) for kind, status, _address in messages) == [
            ("reminder", "failed"),
            ("reminder", "queued"),
            ("reminder", "sent"),
        ]
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Reminder.message_id)))) == 3
