"""Delivering the outbox after commit: ``elearning mail flush`` (cron, every minute), and after the request in
local use (``MAIL_FLUSH_AFTER_REQUEST``).

Unlike other services, :func:`flush` owns its transactions, since a message must be claimed (committed) before
it is sent and marked after. For each due message:

1. **claim**: a conditional UPDATE, ``queued`` and due -> ``sending`` with a fresh claim token, committed; only
   the flusher whose UPDATE changed the row (rowcount 1) sends it, so two flushers at once never both do;
2. **send** through the transport, outside any transaction;
3. **mark**: ``sent``, or back to ``queued`` with the next attempt after :data:`BACKOFF` (``failed`` after
   :data:`MAX_ATTEMPTS` deliveries), and the reason in ``last_error``; committed.

A claim older than :data:`STALE_CLAIM` belongs to a flusher that stopped between claim and mark (a crash, a
killed process, a database lost after sending): the next flush puts the message back in the queue, counted as
an attempt. That is the one case where a message could go twice: the flusher stopped after the server accepted
it and before the mark was committed (a window of one SMTP reply and one commit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import OutboxMessage
from elearning.models.mail import FAILED, MAX_ERROR_LENGTH, QUEUED, SENDING, SENT, STATUSES
from elearning.permissions import Viewer
from elearning.services import transactions
from elearning.services.access import check
from elearning.services.mail.transports import DeliveryError, Outgoing, Transport, transport_for

log = logging.getLogger(__name__)

#: The wait after the 1st, 2nd, ... failed delivery; the last one repeats.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
#: Deliveries begun before a message is ``failed``.
MAX_ATTEMPTS = 8
#: A claim this old is a flusher that stopped: its message goes back to the queue.
STALE_CLAIM = dt.timedelta(minutes=15)
#: Messages read at a time.
BATCH = 100
INTERRUPTED = "delivery interrupted (the flusher stopped after claiming it); it may have been sent"


@dataclasses.dataclass
class FlushReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Stale claims put back in the queue (or failed) by this flush.
    reclaimed: int = 0

    def summary(self) -> str:
        return f"mail: {self.sent} sent, {self.retrying} retrying, {self.failed} failed"


#: How many failed (and retrying) messages the Admin's page shows, newest (oldest) first.
SHOWN_FAILURES = 50


@dataclasses.dataclass(frozen=True)
class FailedMessage:
    """A message that failed, or is waiting for another attempt after failing."""

    id: int
    address: str
    kind: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]
    #: Newest first.
    failed: list[FailedMessage]
    #: Queued again after a failed delivery, oldest first.
    retrying: list[FailedMessage] = dataclasses.field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next delivery after ``attempts`` (>= 1) failed ones."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _rowcount(result: sa.Result[Any]) -> int:
    return cast("sa.CursorResult[Any]", result).rowcount


def _begin() -> None:
    """Each step is a transaction of its own; on SQLite a write transaction (the write lock from its start)."""
    session = db.session()
    if session.new or session.dirty or session.deleted or session.info.get(transactions.WROTE):
        raise RuntimeError("mail flush runs after the commit of a unit of work, never inside one")
    if session.in_transaction():
        session.commit()  # what was read so far (nothing written)


def _release_stale_claims(now: dt.datetime) -> int:
    """Claims older than :data:`STALE_CLAIM` go back to the queue, or to ``failed`` past the last attempt."""
    statement = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at <= now - STALE_CLAIM)
        .values(
            status=sa.case((OutboxMessage.attempts >= MAX_ATTEMPTS, FAILED), else_=QUEUED),
            next_attempt_at=now,
            claim_token=None,
            claimed_at=None,
            last_error=INTERRUPTED,
        )
        .execution_options(synchronize_session=False)
    )
    count = _rowcount(db.session.execute(statement))
    db.session.commit()
    if count:
        log.warning("mail: %d interrupted deliveries put back in the queue", count)
    return count


def _due(now: dt.datetime, after: int, size: int) -> list[int]:
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now, OutboxMessage.id > after)
        .order_by(OutboxMessage.id)
        .limit(size)
    ).all()
    db.session.commit()
    return list(ids)


def _claim(message_id: int, now: dt.datetime) -> str | None:
    """Take the message for this flusher: the claim token when this UPDATE changed the row, else None (another
    flusher has it, or it is no longer due). Committed before the message is sent."""
    token = secrets.token_hex(16)
    statement = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .values(status=SENDING, claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = _rowcount(db.session.execute(statement)) == 1
    db.session.commit()
    return token if claimed else None


def _read(message_id: int) -> tuple[Outgoing, int]:
    row = db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.address,
            OutboxMessage.language,
            OutboxMessage.subject,
            OutboxMessage.text_body,
            OutboxMessage.html_body,
            OutboxMessage.attempts,
        ).where(OutboxMessage.id == message_id)
    ).one()
    db.session.commit()
    return Outgoing(*row[:6]), row.attempts


def _mark(message_id: int, token: str, values: dict[str, object]) -> None:
    statement = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(claim_token=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(db.session.execute(statement)) != 1:
        log.warning("mail %d: the claim expired before the delivery ended; it may be sent again", message_id)
    db.session.commit()


def _deliver(transport: Transport, message_id: int, token: str, report: FlushReport) -> None:
    message, attempts = _read(message_id)
    try:
        transport.send(message)
    except DeliveryError as exc:
        now = clock.now()
        error = str(exc)[:MAX_ERROR_LENGTH]
        if attempts >= MAX_ATTEMPTS:
            _mark(message_id, token, {"status": FAILED, "last_error": error})
            report.failed += 1
            log.error("mail %d to %s failed after %d attempts: %s", message_id, message.address, attempts, error)
        else:
            _mark(
                message_id,
                token,
                {"status": QUEUED, "next_attempt_at": now + backoff(attempts), "last_error": error},
            )
            report.retrying += 1
            log.warning("mail %d: attempt %d failed, retrying: %s", message_id, attempts, error)
        return
    _mark(message_id, token, {"status": SENT, "sent_at": clock.now()})
    report.sent += 1


def flush(limit: int | None = None) -> FlushReport:
    """Deliver the due messages (at most ``limit``), each once, through the transport of the settings.

    Call it outside a unit of work (after its commit): it commits its own steps. A delivery error is recorded
    on the message, never raised; database errors are raised.
    """
    report = FlushReport()
    with transactions.writing():
        _begin()
        report.reclaimed = _release_stale_claims(clock.now())
        transport = transport_for(current_app.config, current_app.logger)
        handled = 0
        last = 0
        with transport:
            while limit is None or handled < limit:
                size = BATCH if limit is None else min(BATCH, limit - handled)
                ids = _due(clock.now(), last, size)
                for message_id in ids:
                    last = message_id
                    token = _claim(message_id, clock.now())
                    if token is None:
                        continue  # another flusher has it
                    _deliver(transport, message_id, token, report)
                    handled += 1
                if len(ids) < size:
                    break
    return report


def _troubled(condition: sa.ColumnElement[bool], order: Any, limit: int | None) -> list[FailedMessage]:
    statement = (
        sa.select(
            OutboxMessage.id,
            OutboxMessage.address,
            OutboxMessage.kind,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
            OutboxMessage.next_attempt_at,
        )
        .where(condition)
        .order_by(order)
        .limit(limit)
    )
    return [
        FailedMessage(
            row.id, row.address, row.kind, row.attempts, row.last_error or "", row.created_at, row.next_attempt_at
        )
        for row in db.session.execute(statement)
    ]


def status(limit: int | None = None) -> OutboxStatus:
    """Messages by status, the failed ones (newest first) and those retrying after a failure (oldest first), at
    most ``limit`` of each (None: all): what ``elearning mail status`` prints (three statements)."""
    counts = dict.fromkeys(STATUSES, 0)
    for name, count in db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ):
        counts[name] = count
    failed = _troubled(OutboxMessage.status == FAILED, OutboxMessage.id.desc(), limit)
    retrying = _troubled(sa.and_(OutboxMessage.status == QUEUED, OutboxMessage.attempts > 0), OutboxMessage.id, limit)
    return OutboxStatus(counts, failed, retrying)


def outbox_status(viewer: Viewer) -> OutboxStatus:
    """The outbox as an Admin sees it on ``/admin/mail``: the counts, and the newest :data:`SHOWN_FAILURES`
    failed and oldest retrying messages. :class:`NotFound` for anyone else."""
    check(permissions.can_administer(viewer), viewer)
    return status(SHOWN_FAILURES)
