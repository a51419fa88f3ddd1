"""The demo's past reminders, and what became of their messages: SPVQ's pivot reminded two overdue members of
"Section jeunesse" three days ago (one message delivered, one refused by the server 8 times: failed), and
SPVQ's coordinator reminded a member of "Patrouille Est" (a team with no pivot) yesterday (the server could
not be reached twice: retrying). ``/team/reminders`` shows who was reminded when, ``/admin/mail`` the failures.

Sent through the services, each sender acting as themself, at past moments; once (while no reminder was ever
sent from a team page: their audit events say so).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from elearning import clock
from elearning.demo.data import DemoReport
from elearning.extensions import db
from elearning.models import AuditEvent, OutboxMessage, Reminder, Team
from elearning.models.mail import FAILED, QUEUED, SENT
from elearning.services.notices import reminders
from elearning.services.people import accounts
from elearning.services.people.viewers import load_viewer

#: (sender, team, members, days ago, what became of the message)
SENDS = (
    ("pivot.spvq@example.org", "Section jeunesse", ("sophie.tremblay@example.org",), 3, SENT),
    ("pivot.spvq@example.org", "Section jeunesse", ("marc.gagnon@example.org",), 3, FAILED),
    ("coord.spvq@example.org", "Patrouille Est", ("gabriel.lemieux@example.org",), 1, QUEUED),
)
REFUSED = "recipient refused: 550 5.1.1 <{address}>: No such user"
UNREACHABLE = "could not reach the SMTP server: [Errno 111] Connection refused"


def _moment(days_ago: int) -> dt.datetime:
    start = clock.get_clock().start_of_day(clock.today() - dt.timedelta(days=days_ago))
    return start + dt.timedelta(hours=10)


def load_reminders(report: DemoReport) -> None:
    """Send the demo's past reminders, once. The caller commits."""
    if db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "reminders.sent").limit(1)):
        return
    for sender_email, team_name, member_emails, days_ago, outcome in SENDS:
        sender = accounts.find_person(sender_email)
        members = [accounts.find_person(email) for email in member_emails]
        team_id = db.session.scalar(sa.select(Team.id).where(Team.name == team_name))
        if sender is None or team_id is None or any(member is None for member in members):
            continue
        moment = _moment(days_ago)
        with clock.travel(moment):
            sent = reminders.send_team_reminders(
                load_viewer(sender.id, clock.today()), team_id, [m.id for m in members if m is not None]
            )
        if not sent.sent:
            continue
        db.session.flush()
        message_ids = list(
            db.session.scalars(
                sa.select(Reminder.message_id).where(
                    Reminder.person_id.in_([item.person_id for item in sent.sent]), Reminder.sent_at == moment
                )
            )
        )
        _settle(message_ids, moment, outcome)
        report.created.append(f"reminder from {sender_email} to {', '.join(member_emails)}")


def _settle(message_ids: list[int], moment: dt.datetime, outcome: str) -> None:
    """What became of the messages since (the demo's addresses are example.org: none is sent now)."""
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(message_ids)))
    for message in messages:
        if outcome == SENT:
            message.status, message.attempts, message.sent_at = SENT, 1, moment + dt.timedelta(minutes=1)
        elif outcome == FAILED:
            message.status, message.attempts = FAILED, 8
            message.last_error = REFUSED.format(address=message.address)
            message.next_attempt_at = moment + dt.timedelta(hours=39)
        else:
            message.attempts = 2
            message.last_error = UNREACHABLE
            message.next_attempt_at = clock.now() + dt.timedelta(hours=2)
        db.session.add(message)
