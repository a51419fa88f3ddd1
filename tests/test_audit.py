"""The audit log: one ``record()``, no personal data, never changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.extensions import db
from elearning.models import AuditEvent
from elearning.models.audit import AuditLogIsAppendOnly
from elearning.services.audit import record
from tests.conftest import NOW
from tests.factories import make_org, make_person


def test_record_writes_one_event_with_the_clock_time(app: Flask) -> None:
    with app.app_context():
        org = make_org()
        actor = make_person(org=org)
        event = record(
            "test.action",
            actor=actor,
            subject=actor,
            object_type="organization",
            object_id=org.id,
            details={"value": 3, "codes": ["A", "B"]},
        )
        db.session.commit()
        stored = db.session.get(AuditEvent, event.id)
        assert stored.at == NOW
        assert (stored.actor_id, stored.subject_person_id, stored.object_id) == (
            actor.id,
            actor.id,
            str(org.id),
        )
        assert stored.details == {"value": 3, "codes": ["A", "B"]}


@pytest.mark.parametrize("key", ["email", "full_name", "password", "Email", "ip"])
def test_record_refuses_personal_data(app: Flask, key: str) -> None:
    with app.app_context(), pytest.raises(ValueError, match="personal data"):
        record("test.action", actor=None, details={key: "x"})


def test_record_refuses_nested_objects(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="primitive"):
        record("test.action", actor=None, details={"person": {"id": 1}})


def test_events_are_never_changed_or_deleted(app: Flask) -> None:
    with app.app_context():
        event = record("test.action", actor=None)
        db.session.commit()
        event.action = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(sa.select(AuditEvent.action)) == "test.action"
