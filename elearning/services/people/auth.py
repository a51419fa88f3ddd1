"""Signing in and changing one's password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearning import clock
from elearning.extensions import db
from elearning.models import Person, WebSession
from elearning.security.passwords import hash_password, needs_rehash, verify_password
from elearning.services.audit import record
from elearning.services.errors import Invalid
from elearning.services.people import accounts, sessions

#: The one message for an unknown e-mail, a wrong password and a deactivated account.
SIGN_IN_REFUSED = _l("The e-mail address or the password is incorrect.")


class SignInRefused(Exception):
    """Unknown e-mail, wrong password or deactivated account (deliberately indistinguishable)."""

    def __init__(self, person: Person | None) -> None:
        super().__init__(str(SIGN_IN_REFUSED))
        self.person = person


def sign_in(email: str, password: str) -> tuple[Person, str, WebSession]:
    """Check the credentials and open a session; returns the person, the cookie value and the session.

    Re-hashes the password when the hashing parameters changed. Raises :class:`SignInRefused`. The caller
    commits in both cases (a refusal records an audit event).
    """
    person = accounts.find_person(email)
    valid = verify_password(person.password_hash if person else None, password)
    if person is None or not valid or person.deactivated_at is not None:
        record("auth.sign_in_failed", actor=None, subject=person, details={"known_account": person is not None})
        raise SignInRefused(person)
    if person.password_hash is not None and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    person.last_sign_in_at = clock.now()
    token, row = sessions.open_session(person)
    record("auth.signed_in", actor=person, subject=person, object_type="session", object_id=row.id)
    return person, token, row


def sign_out(person: Person, row: WebSession) -> None:
    sessions.revoke(row)
    record("auth.signed_out", actor=person, subject=person, object_type="session", object_id=row.id)


def change_password(person: Person, current: str, new: str, *, current_session: WebSession | None) -> None:
    """Change the password after checking the current one; every other session of the person is revoked."""
    if not verify_password(person.password_hash, current):
        raise Invalid(_l("The current password is incorrect."), field="current_password")
    accounts.check_password(new, field="new_password")
    if new == current:
        raise Invalid(_l("The new password must differ from the current one."), field="new_password")
    person.password_hash = hash_password(new)
    revoked = sessions.revoke_all(person, keep=current_session)
    db.session.flush()
    record("auth.password_changed", actor=person, subject=person, details={"sessions_revoked": revoked})
