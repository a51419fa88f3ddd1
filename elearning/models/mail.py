"""The e-mail outbox: every message is a row written in the transaction of the action that causes it, delivered
after commit by :func:`elearning.services.mail.flush` (``elearning mail flush``).

A row goes ``queued`` -> ``sending`` (claimed by one flusher, with a claim token) -> ``sent``; a failed delivery
puts it back to ``queued`` with a later ``next_attempt_at``, until ``failed`` after the last attempt.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)
#: ``last_error`` keeps at most this many characters.
MAX_ERROR_LENGTH = 500


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The flush's read: the queued messages that are due, oldest first.
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person the message is for, when it is for a person of the platform (None: an address only).
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True, default=None)
    address: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2))
    #: What the message is about, e.g. ``question.asked`` (for the status listing and the tests).
    kind: Mapped[str] = mapped_column(sa.String(60))
    subject: Mapped[str] = mapped_column(sa.String(250))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    #: Deliveries begun (a claim counts one, whatever its outcome).
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    claim_token: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Why the last delivery failed, short (the server's answer; never a password).
    last_error: Mapped[str | None] = mapped_column(sa.String(MAX_ERROR_LENGTH), default=None)
