"""The append-only audit log. Rows are written by :func:`elearning.services.audit.record` only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True, default=None)
    subject_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True, default=None)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    object_id: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@sa.event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit events are never changed or deleted")
