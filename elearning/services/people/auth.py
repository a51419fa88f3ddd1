"""Signing in and changing one's password."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the person, the cookie value (shown once) and the session; ``token`` is None
    when refused (unknown e-mail, wrong password or deactivated account, deliberately indistinguishable)."""

    person: Person | None
    token: str | None = None
    session: WebSession | None = None

    @property
    def refused(self) -> bool:
        return self.token is None


def sign_in(email: str, password: str) -> SignIn:
    """Check the credentials and open a session.

    Re-hashes the password when the hashing parameters changed. A refusal is recorded in the audit log and
    returned (not raised): the caller commits in both cases.
    """
    person = accounts.find_person(email)
    valid = verify_password(person.password_hash if person else None, password)
    if person is None or not valid or person.deactivated_at is not None:
        record("auth.sign_in_failed", actor=None, subject=person, details={"known_account": person is not None})
        return SignIn(person)
    if person.password_hash is not None and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    person.last_sign_in_at = clock.now()
    token, row = sessions.open_session(person)
    record("auth.signed_in", actor=person, subject=person, object_type="session", object_id=row.id)
    return SignIn(person, token, row)


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
