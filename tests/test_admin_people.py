"""People under ``/admin/users``: the list (search, filters, keyset pages at a fixed cost), one person's record
and its writes, each recorded: name, e-mail and language; roles granted and removed with history kept; a
password-set link that works once; deactivation ending sessions at once and the dated facts that day; a move
between organizations checked in the coverage report before and after the move date, for both organizations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Membership, OutboxMessage, Person, PivotDesignation, TeamMembership
from elearning.services.reports import coverage
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team
from tests.web import csrf_token, signed_in_client, visible_texts

ADMIN = "admin@people.example.org"


@pytest.fixture
def people(app: Flask, clock: FrozenClock) -> dict[str, int]:
    start = clock.today() - dt.timedelta(days=30)
    with app.app_context():
        alpha = make_org("ALPHA", target=1)
        beta = make_org("BETA", target=1)
        team = make_team(alpha, "Équipe Alpha")
        make_person(email=ADMIN, name="Ada Admin", roles=("admin",), org=None)
        pivot = make_person(
            email="pivot@alpha.example.org", name="Paula Pivot", org=alpha, roles=("worker", "pivot"), start_on=start
        )
        add_member(team, pivot, "pivot", start_on=start)
        worker = make_person(email="zoe@alpha.example.org", name="Zoé Cœur", org=alpha, start_on=start)
        for n in range(60):
            make_person(email=f"p{n:02d}@beta.example.org", name=f"Personne {n:02d}", org=beta, start_on=start)
        db.session.commit()
        return {"pivot": pivot.id, "worker": worker.id, "team": team.id}


def _admin(app: Flask) -> Any:
    return signed_in_client(app, ADMIN, PASSWORD)


def _post(client: Any, path: str, **form: Any) -> Any:
    return client.post(f"{path}?lang=en", data={"csrf_token": csrf_token(client, "/admin/users"), **form})


def _texts(response: Any) -> str:
    return " ".join(visible_texts(response.get_data(as_text=True)))


def test_the_list_searches_filters_and_pages_at_a_fixed_cost(
    app: Flask, people: dict[str, int], count_queries: Callable[[], Any]
) -> None:
    client = _admin(app)
    found = _texts(client.get("/admin/users?lang=en&q=ZOE"))
    assert "Zoé Cœur" in found and "Paula Pivot" not in found
    pivots = _texts(client.get("/admin/users?lang=en&role=pivot"))
    assert "Paula Pivot" in pivots and "Zoé Cœur" not in pivots
    first = client.get("/admin/users?org=BETA").get_data(as_text=True)
    assert first.count("Personne ") == 50
    link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(link).get_data(as_text=True)
    assert second.count("Personne ") == 10 and "Personne 59" in second and "Personne 49" not in second
    counts = []
    for path in ("/admin/users?org=BETA", link):
        client.get(path)
        with count_queries() as counted:
            client.get(path)
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
    assert client.get("/admin/users?role=chef").status_code == 400


def test_an_admin_edits_grants_and_removes_roles_with_history(app: Flask, people: dict[str, int]) -> None:
    client = _admin(app)
    worker = people["worker"]
    assert (
        _post(
            client,
            f"/admin/users/{worker}",
            full_name="Zoé Cœur-Vaillant",
            email="ZOE.c@alpha.example.org",
            language="en",
        ).status_code
        == 303
    )
    assert _post(client, f"/admin/users/{worker}/roles", role=["worker", "coordinator"]).status_code == 303
    assert _post(client, f"/admin/users/{people['pivot']}/roles", role=["worker"]).status_code == 303
    with app.app_context():
        person = db.session.get(Person, worker)
        assert person is not None and (person.full_name, person.email, person.preferred_language) == (
            "Zoé Cœur-Vaillant",
            "zoe.c@alpha.example.org",
            "en",
        )
        designation = db.session.scalar(
            sa.select(PivotDesignation).where(PivotDesignation.person_id == people["pivot"])
        )
        assert designation is not None and designation.end_on is not None  # ended, not deleted
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"person.updated", "person.roles_set", "pivot_designation.ended"} <= actions
    taken = _post(client, f"/admin/users/{worker}", full_name="X", email="pivot@alpha.example.org", language="fr")
    assert taken.status_code == 409 and "already exists" in taken.get_data(as_text=True)


def test_deactivation_ends_sessions_at_once_and_the_facts_that_day(
    app: Flask, people: dict[str, int], clock: FrozenClock
) -> None:
    pivot_client = signed_in_client(app, "pivot@alpha.example.org", PASSWORD)
    assert pivot_client.get("/team").status_code == 200
    client = _admin(app)
    assert _post(client, f"/admin/users/{people['pivot']}/deactivate").status_code == 400  # not confirmed
    assert pivot_client.get("/team").status_code == 200
    assert _post(client, f"/admin/users/{people['pivot']}/deactivate", confirmed="yes").status_code == 303
    assert pivot_client.get("/team").status_code == 302  # signed out on the next request
    with app.app_context():
        today = clock.today()
        for model in (Membership, PivotDesignation, TeamMembership):
            ends = db.session.scalars(sa.select(model.end_on).where(model.person_id == people["pivot"])).all()
            assert ends == [today], model


def test_a_password_set_link_works_once(app: Flask, people: dict[str, int]) -> None:
    client = _admin(app)
    assert _post(client, f"/admin/users/{people['worker']}/password-link").status_code == 400  # no form field
    assert _post(client, f"/admin/users/{people['worker']}/password-link", send="yes").status_code == 303
    with app.app_context():
        (message,) = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "password.set_link"))
        token = message.text_body.split("/password/reset/")[1].split("?")[0]
    visitor = app.test_client()
    chosen = "un tout nouveau mot de passe"
    form = {
        "csrf_token": csrf_token(visitor, f"/password/reset/{token}"),
        "password": chosen,
        "confirm_password": chosen,
    }
    assert visitor.post(f"/password/reset/{token}", data=form).status_code in (302, 303)
    assert visitor.get(f"/password/reset/{token}").status_code == 404


def test_a_move_counts_the_certified_pivot_for_the_old_organization_before_and_the_new_one_after(
    app: Flask, people: dict[str, int], clock: FrozenClock
) -> None:
    """Before the move, the pivot's designation counts for ALPHA; from the move day, ALPHA has no designated
    pivot any more and the person is a member (not a pivot) of BETA; the past stays as it was."""
    before_day = clock.today() - dt.timedelta(days=1)
    client = _admin(app)
    assert _post(client, f"/admin/users/{people['pivot']}/move", organization="BETA").status_code == 400  # unconfirmed
    assert (
        _post(client, f"/admin/users/{people['pivot']}/move", organization="BETA", confirmed="yes").status_code == 303
    )
    with app.app_context():
        moments = [coverage.moment_of(before_day, clock.today()), coverage.moment_of(clock.today(), clock.today())]
        found = coverage.compute(moments)
        by_day = {day: {row.code: row for row in rows} for day, rows in found.items()}
        assert by_day[before_day]["ALPHA"].designated == 1 and by_day[before_day]["BETA"].members == 60
        assert by_day[clock.today()]["ALPHA"].designated == 0
        assert by_day[clock.today()]["BETA"].members == 61 and by_day[clock.today()]["BETA"].designated == 0
        moved = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.moved"))
        assert moved is not None and moved.details["from"] == "ALPHA" and moved.details["to"] == "BETA"
    page = _texts(client.get(f"/admin/users/{people['pivot']}?lang=en"))
    assert "(BETA)" in page


def test_an_admin_creates_an_account_and_sends_its_link(app: Flask, people: dict[str, int]) -> None:
    client = _admin(app)
    response = _post(
        client,
        "/admin/users/new",
        email="nouveau@alpha.example.org",
        full_name="Nouveau Membre",
        language="fr",
        organization="ALPHA",
        role=["worker"],
        send_link="1",
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Person.id).where(Person.email == "nouveau@alpha.example.org")) is not None
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "password.set_link")
            )
            == 1
        )
    refused = _post(
        client, "/admin/users/new", email="pas-une-adresse", full_name="X", organization="ALPHA", role=["worker"]
    )
    assert refused.status_code == 400


def test_a_password_set_link_expires_after_its_days(app: Flask, people: dict[str, int], clock: FrozenClock) -> None:
    client = _admin(app)
    assert _post(client, f"/admin/users/{people['worker']}/password-link", send="yes").status_code == 303
    with app.app_context():
        (message,) = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "password.set_link"))
        token = message.text_body.split("/password/reset/")[1].split("?")[0]
    visitor = app.test_client()
    clock.advance(days=6, hours=23)
    assert visitor.get(f"/password/reset/{token}").status_code == 200
    clock.advance(hours=2)  # past PASSWORD_SET_DAYS (7)
    assert visitor.get(f"/password/reset/{token}").status_code == 404
