"""Writing a message: a row of the outbox added to the current unit of work, which commits it with the action
that causes it (or rolls both back). Delivery comes after commit (:mod:`elearning.services.mail.delivery`).

What other services call: :func:`enqueue_message` (render a template in the recipient's language and queue it)
or :func:`enqueue` (queue a message already rendered). Neither commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from elearning import clock
from elearning.extensions import db
from elearning.models import OutboxMessage, Person
from elearning.models.mail import QUEUED
from elearning.roles import LANGUAGES
from elearning.services.mail.messages import render_message

#: :attr:`Session.info` key: the session's transaction queued a message (the web layer delivers after commit).
QUEUED_IN_SESSION = "elearning.mail_queued"
MAX_SUBJECT_LENGTH = 250


def enqueue(
    *,
    to_person: Person | None = None,
    address: str | None = None,
    language: str,
    kind: str,
    subject: str,
    text: str,
    html: str,
) -> OutboxMessage:
    """Queue one message in the current session (no commit: it commits with the action). The address is
    ``address`` or else ``to_person``'s e-mail. Raises ``ValueError`` for a message that cannot be sent."""
    recipient = address if address is not None else (to_person.email if to_person is not None else "")
    recipient = recipient.strip()
    if "@" not in recipient or any(char in recipient for char in "\r\n,;<>"):
        raise ValueError("a message needs one recipient address")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    subject = " ".join(subject.split())
    if not subject or len(subject) > MAX_SUBJECT_LENGTH:
        raise ValueError(f"a subject has 1 to {MAX_SUBJECT_LENGTH} characters")
    now = clock.now()
    message = OutboxMessage(
        recipient_id=to_person.id if to_person is not None else None,
        address=recipient,
        language=language,
        kind=kind,
        subject=subject,
        text_body=text,
        html_body=html,
        created_at=now,
        status=QUEUED,
        attempts=0,
        next_attempt_at=now,
    )
    session = db.session()
    session.add(message)
    session.info[QUEUED_IN_SESSION] = True
    return message


def enqueue_message(
    template_name: str,
    *,
    kind: str,
    to_person: Person | None = None,
    address: str | None = None,
    language: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``mail/<template_name>`` in the recipient's language (``language``, else ``to_person``'s preferred
    language, else French) and queue it like :func:`enqueue`."""
    if language is None:
        language = to_person.preferred_language if to_person is not None else "fr"
    subject, text, html = render_message(template_name, language, **context)
    return enqueue(
        to_person=to_person, address=address, language=language, kind=kind, subject=subject, text=text, html=html
    )


def take_queued_flag(session: Session) -> bool:
    """Whether the session's transaction queued a message since the last call (read just before commit)."""
    return bool(session.info.pop(QUEUED_IN_SESSION, False))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # Committed (the web layer took the flag just before) or rolled back (nothing was queued after all).
    if transaction.parent is None:
        session.info.pop(QUEUED_IN_SESSION, None)
