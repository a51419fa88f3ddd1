"""Reminders from ``/team/reminders`` and ``elearning reminders send-due``, read from a real SMTP server on
loopback: the right people, in their language, with links to their modules; the 7-day rule per member and
module under an injected clock (day 0 sent, day 6 skipped with the reason on the page, day 7 sent); each send
recorded; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import AuditEvent, Module, OutboxMessage, Reminder
from elearning.models import Team as TeamRow
from elearning.services import revisions
from elearning.services.mail import delivery
from tests.conftest import RowCounter
from tests.factories import PASSWORD, add_member, make_person
from tests.notices_world import Crew
from tests.smtp import Mailbox, smtp_settings
from tests.web import csrf_token, signed_in_client, visible_texts


@pytest.fixture
def app_config(mailbox: Mailbox) -> dict[str, Any]:
    return smtp_settings(mailbox)


def _pivot(app: Flask) -> Any:
    return signed_in_client(app, "pivot@r.example.org", PASSWORD)


def _send(client: Any, team_id: int, **form: Any) -> Any:
    token = csrf_token(client, f"/team/reminders?team={team_id}")
    return client.post(f"/team/reminders?team={team_id}&lang=en", data={"csrf_token": token, **form})


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_day_0_sent_day_6_skipped_with_the_reason_day_7_sent(
    app: Flask, crew: Crew, clock: FrozenClock, mailbox: Mailbox
) -> None:
    client = _pivot(app)
    sent = _send(client, crew.team_id, person=[str(crew.late)], action="selected")
    assert sent.status_code == 200
    texts = " ".join(visible_texts(sent.get_data(as_text=True)))
    assert "A reminder was sent to 1 member." in texts and "Lucie Retard" in texts
    with app.app_context():
        delivery.flush()
    (message,) = mailbox.delivered
    assert message.recipients == ["late@r.example.org"]
    assert message.message["Subject"] == "Rappel : formation à compléter"
    text = message.part("plain")
    assert "Paule Pivot" in text and "en retard" in text
    assert "http://elearning.test/modules/mise-en-contexte?lang=fr" in text
    assert "http://elearning.test/modules/table-regionale?lang=fr" in text
    assert 'href="http://elearning.test/modules/mise-en-contexte?lang=fr"' in message.part("html")

    clock.advance(days=6)
    client = _pivot(app)  # signed in again: a session does not last 6 days
    skipped = _send(client, crew.team_id, person=[str(crew.late)], action="selected")
    assert skipped.status_code == 200
    texts = " ".join(visible_texts(skipped.get_data(as_text=True)))
    assert "No reminder was sent." in texts
    assert "1 member skipped" in texts
    assert "Lucie Retard: everything due was reminded less than 7 days ago; the next reminder can go on" in texts
    with app.app_context():
        delivery.flush()
    assert len(mailbox.delivered) == 1

    clock.advance(days=1)
    again = _send(_pivot(app), crew.team_id, person=[str(crew.late)], action="selected")
    assert "A reminder was sent to 1 member." in " ".join(visible_texts(again.get_data(as_text=True)))
    with app.app_context():
        delivery.flush()
    assert [d.recipients for d in mailbox.delivered] == [["late@r.example.org"]] * 2
    assert _count(app, Reminder) == 4  # two modules, twice


def test_everyone_overdue_reminds_those_overdue_each_in_their_language(
    app: Flask, crew: Crew, mailbox: Mailbox
) -> None:
    response = _send(_pivot(app), crew.team_id, action="overdue")
    assert response.status_code == 200
    assert "Reminders were sent to 2 members." in " ".join(visible_texts(response.get_data(as_text=True)))
    with app.app_context():
        delivery.flush()
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reminders.sent"))
        assert event is not None and sorted(event.details["people"]) == sorted([crew.late, crew.late_en])
        reasons = set(db.session.scalars(sa.select(Reminder.reason)))
    assert reasons == {"overdue"}
    assert sorted(d.recipients[0] for d in mailbox.delivered) == ["late@r.example.org", "late_en@r.example.org"]
    (english,) = mailbox.to("late_en@r.example.org")
    assert english.message["Subject"] == "Reminder: training to complete"
    assert "http://elearning.test/modules/mise-en-contexte?lang=en" in english.part("plain")


def test_the_rule_is_per_module_a_module_not_reminded_goes_while_another_is_held(
    app: Flask, crew: Crew, clock: FrozenClock, mailbox: Mailbox
) -> None:
    _send(_pivot(app), crew.team_id, person=[str(crew.late)], action="selected")
    with app.app_context():  # as if only "mise-en-contexte" had been reminded: "table-regionale" may go again
        module_id = db.session.scalar(sa.select(Module.id).where(Module.slug == "table-regionale"))
        db.session.execute(sa.delete(Reminder).where(Reminder.module_id == module_id))
        db.session.commit()
    clock.advance(days=1)
    client = _pivot(app)
    page = " ".join(visible_texts(client.get(f"/team/reminders?team={crew.team_id}&lang=en").get_data(as_text=True)))
    assert "Background: overdue: it was due on" in page and "(reminded on" in page
    again = _send(client, crew.team_id, person=[str(crew.late)], action="selected")
    assert "Lucie Retard: The regional Table" in " ".join(visible_texts(again.get_data(as_text=True)))
    with app.app_context():
        delivery.flush()
    latest = mailbox.to("late@r.example.org")[-1].part("plain")
    assert "/modules/table-regionale?" in latest and "/modules/mise-en-contexte?" not in latest


def _checked(page: str, person_id: int) -> bool:
    match = re.search(rf'<input [^>]*id="person-{person_id}"[^>]*>', page)
    assert match is not None, f"no checkbox for {person_id}"
    return " checked" in match.group(0)


def test_the_page_preselects_everyone_overdue(app: Flask, crew: Crew) -> None:
    client = _pivot(app)
    page = client.get(f"/team/reminders?team={crew.team_id}&overdue=1").get_data(as_text=True)
    assert _checked(page, crew.late) and _checked(page, crew.late_en) and not _checked(page, crew.fresh)
    plain = client.get(f"/team/reminders?team={crew.team_id}").get_data(as_text=True)
    assert not any(_checked(plain, person_id) for person_id in (crew.late, crew.late_en, crew.fresh))
    assert f'id="person-{crew.ids["pivot"]}"' not in plain  # never oneself


@pytest.mark.parametrize(
    "form",
    [
        {"action": "selected"},  # nobody chosen
        {"action": "selected", "person": "abc"},
    ],
)
def test_a_bad_choice_is_refused_and_changes_nothing(app: Flask, crew: Crew, form: dict[str, str]) -> None:
    response = _send(_pivot(app), crew.team_id, **form)
    assert response.status_code == 400
    assert _count(app, OutboxMessage) == 0 and _count(app, Reminder) == 0


def test_someone_outside_the_team_is_refused_by_name_and_nothing_goes(app: Flask, crew: Crew) -> None:
    response = _send(_pivot(app), crew.team_id, person=[str(crew.late), str(crew.ids["stranger"])], action="selected")
    assert response.status_code == 400
    assert "is not a member of the team Équipe Rappels" in response.get_data(as_text=True)
    assert _count(app, OutboxMessage) == 0 and _count(app, Reminder) == 0


def test_only_the_teams_pivot_and_coordinator_may_remind(app: Flask, crew: Crew) -> None:
    client = _pivot(app)
    assert client.get(f"/team/reminders?team={crew.other_team_id}").status_code == 404
    assert _send(client, crew.other_team_id, person=[str(crew.ids["stranger"])]).status_code == 404
    table = signed_in_client(app, "table@r.example.org", PASSWORD)
    assert table.get(f"/team/reminders?team={crew.team_id}").status_code == 403
    worker = signed_in_client(app, "late@r.example.org", PASSWORD)
    assert worker.get(f"/team/reminders?team={crew.team_id}").status_code == 404
    assert _count(app, OutboxMessage) == 0


def test_the_matrix_links_to_the_reminders(app: Flask, crew: Crew) -> None:
    page = _pivot(app).get("/team?lang=en").get_data(as_text=True)
    assert f"/team/reminders?team={crew.team_id}&amp;overdue=1" in page
    assert "Remind those overdue" in page


# -- send-due ------------------------------------------------------------------------------------------


def test_send_due_twice_sends_nothing_the_second_time(app: Flask, crew: Crew, mailbox: Mailbox) -> None:
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["reminders", "send-due", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would remind 2 people of 4 modules" in dry.output  # not the one due in 60 days, nor the pivot (90)
    assert _count(app, OutboxMessage) == 0

    first = runner.invoke(args=["reminders", "send-due", "--within-days", "14"])
    assert first.exit_code == 0, first.output
    assert "reminded 2 people" in first.output and "0 skipped" in first.output
    second = runner.invoke(args=["reminders", "send-due"])
    assert second.exit_code == 0, second.output
    assert "reminded 0 people of 0 modules; 2 skipped" in second.output
    with app.app_context():
        delivery.flush()
    assert sorted(d.recipients[0] for d in mailbox.delivered) == ["late@r.example.org", "late_en@r.example.org"]


# -- cost ----------------------------------------------------------------------------------------------


def _grow(app: Flask, crew: Crew, count: int, clock: FrozenClock) -> None:
    """``count`` more members, all overdue (assigned 70 days ago)."""
    with app.app_context():
        group = db.session.get(TeamRow, crew.team_id)
        assert group is not None
        for number in range(count):
            person = make_person(
                org=group.organization, name=f"Membre {number:03d}", start_on=clock.today() - dt.timedelta(days=70)
            )
            add_member(group, person, start_on=clock.today() - dt.timedelta(days=70))
        db.session.commit()


def test_the_page_and_a_send_cost_the_same_for_4_and_60_members_but_an_insert_per_message(
    app: Flask, crew: Crew, clock: FrozenClock, count_queries: Callable[[], Any]
) -> None:
    page_counts, send_counts, rows = {}, {}, {}
    members = 4
    for size in (4, 60):
        _grow(app, crew, size - members, clock)
        members = size
        client = _pivot(app)
        assert client.get(f"/team/reminders?team={crew.team_id}").status_code == 200  # warm (catalog, session)
        revisions.clear()  # the standings read, not kept
        counter = RowCounter()
        with count_queries() as counted:
            sa.event.listen(sa.Engine, "before_cursor_execute", counter)
            try:
                response = client.get(f"/team/reminders?team={crew.team_id}")
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", counter)
        assert response.status_code == 200
        page_counts[size] = counted.count
        rows[size] = counter.most_rows(app)
        assert rows[size] <= size * 4, (size, rows[size])
        token = csrf_token(client, f"/team/reminders?team={crew.team_id}")
        revisions.clear()
        with count_queries() as counted:
            sent = client.post(f"/team/reminders?team={crew.team_id}", data={"csrf_token": token, "action": "overdue"})
        assert sent.status_code == 200
        send_counts[size] = counted.count
        inserts = sum(1 for statement in counted.statements if statement.startswith("INSERT INTO outbox_messages"))
        assert 1 <= inserts <= size - 2  # those overdue: every member but Frédéric and the pivot
        send_counts[size] = counted.count - inserts  # an INSERT per message on SQLite (one batch on PostgreSQL)
        with app.app_context():  # the next round sends again
            assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == size - 2
            db.session.execute(sa.delete(Reminder))
            db.session.execute(sa.delete(OutboxMessage))
            db.session.commit()
    assert page_counts[4] == page_counts[60], page_counts
    assert send_counts[4] == send_counts[60], send_counts
