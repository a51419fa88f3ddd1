"""The one way to write the audit log.

Every audited action of every area calls :func:`record`. Details carry identifiers and facts about the action,
never personal data: no e-mail, name, password or address (checked here).
"""

from __future__ import annotations

from typing import Any

from elearning import clock
from elearning.extensions import db
from elearning.models import AuditEvent, Person
from elearning.permissions import Viewer

#: Keys that would put personal information into the log.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"email", "name", "full_name", "password", "password_hash", "ip", "address", "phone", "token"}
)
_PRIMITIVES = (str, int, float, bool, type(None))


def _check_details(details: dict[str, Any]) -> None:
    for key, value in details.items():
        if key.lower() in FORBIDDEN_DETAIL_KEYS:
            raise ValueError(f"audit details must not hold personal data ({key!r})")
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, _PRIMITIVES) for item in values):
            raise ValueError(f"audit detail {key!r} must be a primitive or a list of primitives")


def _person_id(actor: Viewer | Person | None) -> int | None:
    if isinstance(actor, Viewer):
        return actor.person_id
    return actor.id if actor is not None else None


def record(
    action: str,
    *,
    actor: Viewer | Person | None,
    subject: Person | int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: ``actor`` (a viewer, a person, or None; the command line and the system record no
    actor) did ``action``.

    The caller commits, together with the change the event describes.
    """
    details = dict(details or {})
    _check_details(details)
    event = AuditEvent(
        at=clock.now(),
        actor_id=_person_id(actor),
        subject_person_id=subject.id if isinstance(subject, Person) else subject,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        details=details,
    )
    db.session.add(event)
    return event
