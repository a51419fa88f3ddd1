""" "Forgot password": a single-use link that expires, sent by e-mail through the outbox.

The answer to a request is the same whether an account has the address or not, and so is the work done while
answering: the message is rendered in both cases (queued only for an account) and delivery happens after the
request, never during it. The link's random part is in the e-mail only; the database keeps its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import PasswordResetToken, Person
from elearning.permissions import Viewer
from elearning.security.passwords import hash_password
from elearning.services.access import require
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid
from elearning.services.mail.messages import render_message
from elearning.services.mail.outbox import enqueue_message
from elearning.services.people import accounts, sessions

LINK_REFUSED = _l("This link has expired or was already used: ask for a new one.")
MAX_TOKEN_LENGTH = 100
TEMPLATE = "password_reset"
SET_TEMPLATE = "password_set"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def validity_minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_MINUTES"])


def request_reset(address: str) -> None:
    """Send a reset link to the active account that has ``address``, if any; silently nothing otherwise.

    A new link voids the person's older unused ones. Audit: ``password.reset_requested`` with the person as
    subject, or without any subject (and never the typed address) for an address no active account has.
    Raises :class:`Invalid` for a malformed address (which tells nothing about accounts). The caller commits.
    """
    normalized = accounts.normalize_email(address)
    person = db.session.scalar(sa.select(Person).where(Person.email == normalized))
    if person is not None and person.deactivated_at is not None:
        person = None
    minutes = validity_minutes()
    if person is None:
        # The same work as for an account, nothing kept.
        render_message(TEMPLATE, "fr", token=secrets.token_urlsafe(32), minutes=minutes)
        record("password.reset_requested", actor=None, details={"known_account": False})
        return
    token, row = issue_token(person)
    enqueue_message(TEMPLATE, kind="password.reset", to_person=person, token=token, minutes=minutes)
    record(
        "password.reset_requested",
        actor=None,
        subject=person,
        object_type="password_reset",
        object_id=row.id,
        details={"known_account": True},
    )


def issue_token(person: Person, valid_for: dt.timedelta | None = None) -> tuple[str, PasswordResetToken]:
    """A new link's random part (shown once: it goes in the e-mail) and its row, valid ``valid_for`` (default
    ``PASSWORD_RESET_MINUTES``); the person's older unused links stop working. Flushes; the caller commits."""
    now = clock.now()
    void = (
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.person_id == person.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(void)
    token = secrets.token_urlsafe(32)
    row = PasswordResetToken(
        person_id=person.id,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + (valid_for or dt.timedelta(minutes=validity_minutes())),
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def send_set_link(actor: Viewer, person: Person) -> PasswordResetToken:
    """Send the person a link to choose their own password (an Admin does, after creating or importing an
    account: nobody ever types someone else's password). The same single-use, hashed link as "forgot password",
    valid ``PASSWORD_SET_DAYS`` days; older unused links stop working. Flushes; the caller commits."""
    require(permissions.can_administer(actor))
    if person.deactivated_at is not None:
        raise Conflict(_l("The account %(email)s is deactivated.", email=person.email), field="email")
    days = int(current_app.config["PASSWORD_SET_DAYS"])
    token, row = issue_token(person, dt.timedelta(days=days))
    enqueue_message(SET_TEMPLATE, kind="password.set_link", to_person=person, token=token, days=days)
    record(
        "password.set_link_sent",
        actor=actor,
        subject=person,
        object_type="password_reset",
        object_id=row.id,
    )
    return row


def usable_token(token: str) -> PasswordResetToken | None:
    """The unused, unexpired link behind ``token``, or None (unknown, used, voided or expired alike)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(token)))
    if row is None or row.used_at is not None or clock.now() >= row.expires_at:
        return None
    person = db.session.get(Person, row.person_id)
    if person is None or person.deactivated_at is not None:
        return None
    return row


def reset_password(token: str, new_password: str) -> Person:
    """Set the password of the link's person and use the link up; every session of the person ends.

    Raises :class:`Invalid` (no field) for an unknown, used or expired link, and (field ``password``) for a
    password the rules refuse, in which case the link still works. The caller commits.
    """
    row = usable_token(token)
    if row is None:
        raise Invalid(LINK_REFUSED)
    accounts.check_password(new_password, field="password")
    now = clock.now()
    # Used once even if two requests send the same link at the same time: only one UPDATE changes the row.
    claim = (
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if (cast("sa.CursorResult[Any]", db.session.execute(claim)).rowcount or 0) != 1:
        raise Invalid(LINK_REFUSED)
    person = db.session.get(Person, row.person_id)
    assert person is not None
    person.password_hash = hash_password(new_password)
    revoked = sessions.revoke_all(person)
    db.session.flush()
    record(
        "password.reset",
        actor=person,
        subject=person,
        object_type="password_reset",
        object_id=row.id,
        details={"sessions_revoked": revoked},
    )
    return person
