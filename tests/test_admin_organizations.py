"""Organizations under ``/admin/organizations``: an Admin creates and edits them, the Table edits their mandates
and sets their targets (a new dated row each time, the history kept and shown); refused forms change nothing;
an organization that leaves the Table drops out of the coverage report from its left date and keeps its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Organization, OrganizationTarget
from elearning.services.reports import coverage
from tests.factories import PASSWORD, make_org, make_person
from tests.web import csrf_token, signed_in_client, visible_texts

ADMIN = "admin@orgs.example.org"
TABLE = "table@orgs.example.org"


@pytest.fixture
def people(app: Flask) -> None:
    with app.app_context():
        make_org("ALPHA", target=3)
        make_person(email=ADMIN, roles=("admin",), org=None)
        make_person(email=TABLE, roles=("table",), org=None)
        db.session.commit()


def _post(client: Any, path: str, **form: str) -> Any:
    return client.post(f"{path}?lang=en", data={"csrf_token": csrf_token(client, "/admin/organizations"), **form})


def _org(app: Flask, code: str) -> Organization | None:
    with app.app_context():
        found = db.session.scalar(sa.select(Organization).where(Organization.code == code))
        if found is not None:
            db.session.expunge(found)
        return found


FULL = {
    "code": "beta-2",
    "name_fr": "Organisme Bêta",
    "name_en": "Beta Organization",
    "kind": "community",
    "mandate_fr": "Accompagner les jeunes.",
    "mandate_en": "Supporting young people.",
    "joined_on": "2020-09-01",
    "target": "2",
}


def test_an_admin_creates_an_organization_with_its_first_target(app: Flask, people: None) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    response = _post(client, "/admin/organizations/new", **FULL)
    assert response.status_code == 303
    created = _org(app, "BETA-2")
    assert created is not None and created.name_en == "Beta Organization" and created.joined_on == dt.date(2020, 9, 1)
    page = " ".join(visible_texts(client.get("/admin/organizations/BETA-2?lang=en").get_data(as_text=True)))
    assert "Targets, the latest first" in page and "Ada" not in page
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(OrganizationTarget.value).where(OrganizationTarget.organization_id == created.id)
            )
            == 2
        )


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"code": "pas valide!"}, "code", 400),
        ({"code": "ALPHA"}, "code", 409),
        ({"name_fr": "  "}, "name_fr", 400),
        ({"joined_on": "2020-02-30"}, "joined_on", 400),
        ({"target": "beaucoup"}, "target", 400),
        ({"kind": "casino"}, "kind", 400),
    ],
)
def test_a_refused_creation_names_the_field_and_writes_nothing(
    app: Flask, people: None, change: dict[str, str], field: str, status: int
) -> None:
    response = _post(signed_in_client(app, ADMIN, PASSWORD), "/admin/organizations/new", **{**FULL, **change})
    assert response.status_code == status
    assert f'id="org-{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 1


def _edit_form(app: Flask, **change: str) -> dict[str, str]:
    organization = _org(app, "ALPHA")
    assert organization is not None
    form = {
        "code": organization.code,
        "name_fr": organization.name_fr,
        "name_en": organization.name_en,
        "kind": organization.kind,
        "mandate_fr": organization.mandate_fr,
        "mandate_en": organization.mandate_en,
        "joined_on": organization.joined_on.isoformat(),
        "left_on": "",
    }
    return {**form, **change}


def test_an_admin_edits_an_organization_and_the_change_is_recorded(app: Flask, people: None) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    response = _post(client, "/admin/organizations/ALPHA", **_edit_form(app, name_en="Alpha Org", left_on="2026-06-30"))
    assert response.status_code == 303
    organization = _org(app, "ALPHA")
    assert organization is not None and organization.name_en == "Alpha Org"
    assert organization.left_on == dt.date(2026, 6, 30)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organization.updated"))
        assert event is not None and event.details["fields"] == ["left_on", "name_en"]
    refused = _post(client, "/admin/organizations/ALPHA", **_edit_form(app, left_on="1990-01-01"))
    assert refused.status_code == 400 and "comes before the day it joined" in refused.get_data(as_text=True)
    assert _org(app, "ALPHA").left_on == dt.date(2026, 6, 30)  # type: ignore[union-attr]


def test_the_table_edits_the_mandates_only_and_sets_targets(app: Flask, people: None, clock: FrozenClock) -> None:
    client = signed_in_client(app, TABLE, PASSWORD)
    page = client.get("/admin/organizations/ALPHA?lang=en").get_data(as_text=True)
    assert 'name="mandate_fr"' in page and 'name="code"' not in page
    response = _post(
        client, "/admin/organizations/ALPHA", mandate_fr="Nouveau mandat.", mandate_en="New mandate.", code="HACKED"
    )
    assert response.status_code == 303
    organization = _org(app, "ALPHA")
    assert organization is not None and organization.mandate_fr == "Nouveau mandat."
    assert _org(app, "HACKED") is None  # a field the Table may not change is not read
    later = (clock.today() + dt.timedelta(days=30)).isoformat()
    assert _post(client, "/admin/organizations/ALPHA/target", value="5", effective_from=later).status_code == 303
    assert _post(client, "/admin/organizations/ALPHA/target", value="-1", effective_from=later).status_code == 400
    history = " ".join(visible_texts(client.get("/admin/organizations/ALPHA?lang=en").get_data(as_text=True)))
    assert "Targets, the latest first" in history
    with app.app_context():
        values = db.session.scalars(
            sa.select(OrganizationTarget.value).order_by(OrganizationTarget.effective_from)
        ).all()
    assert values == [3, 5]  # the first stays: the target on a past day is still known


def test_an_organization_that_left_drops_out_of_the_coverage_report_after_its_left_date(
    app: Flask, people: None, clock: FrozenClock
) -> None:
    client = signed_in_client(app, ADMIN, PASSWORD)
    left = clock.today() - dt.timedelta(days=10)
    _post(client, "/admin/organizations/ALPHA", **_edit_form(app, left_on=left.isoformat()))
    with app.app_context():
        before = coverage.compute([coverage.moment_of(left - dt.timedelta(days=1), clock.today())])
        after = coverage.compute([coverage.moment_of(left, clock.today())])
    assert [row.code for row in next(iter(before.values()))] == ["ALPHA"]
    assert next(iter(after.values())) == []
    assert _org(app, "ALPHA") is not None  # its history stays
