"""Password hashing with Argon2id at or above OWASP's minimum (t=2, m=19 MiB, p=1)."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

OWASP = argon2.Parameters(
    type=argon2.Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=2,
    memory_cost=19 * 1024,
    parallelism=1,
)
PROFILES = {"owasp": OWASP, "cheapest": argon2.profiles.CHEAPEST}

#: A hash to verify against when the account does not exist, so that unknown e-mails cost the same time.
_DUMMY_PASSWORD = "not a password of anyone"  # noqa: S105


def _hasher() -> argon2.PasswordHasher:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "owasp")
    return argon2.PasswordHasher.from_parameters(PROFILES[profile])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash still spends the time of one verification."""
    hasher = _hasher()
    if password_hash is None:
        hasher.verify(hasher.hash(_DUMMY_PASSWORD), _DUMMY_PASSWORD)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
