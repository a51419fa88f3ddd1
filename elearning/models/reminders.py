"""What the mail jobs remember: every reminder sent (per person and module, the 7-day rule reads them) and every
digest sent (one per person, kind and week)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime

#: Why a module is in a reminder.
OVERDUE = "overdue"
DUE = "due"
RENEWAL = "renewal"
REASONS = (OVERDUE, DUE, RENEWAL)


class Reminder(Model):
    """One module named in one reminder message: who was reminded of what, when, by whom (None: the daily
    ``elearning reminders send-due``), and the message that carried it."""

    __tablename__ = "reminders"
    __table_args__ = (
        # The 7-day rule's read: a person's latest reminders, by module.
        sa.Index("ix_reminders_person_id_module_id_sent_at", "person_id", "module_id", "sent_at"),
        sa.CheckConstraint("reason IN ('overdue', 'due', 'renewal')", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)
    reason: Mapped[str] = mapped_column(sa.String(10))
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id"), index=True)


class Digest(Model):
    """A weekly digest sent: at most one per person, kind and week (the week's Monday), whoever runs the job and
    however often."""

    __tablename__ = "digests"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "kind", "week_of"),
        sa.CheckConstraint("kind IN ('pivot', 'coordinator')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(sa.String(12))
    week_of: Mapped[dt.date] = mapped_column(sa.Date)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"), default=None)
