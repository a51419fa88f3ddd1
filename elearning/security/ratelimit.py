"""Application rate limits, counted by the views themselves (Flask-Limiter's storage and strategy).

Failed sign-ins are limited per (account, client address) and, more loosely, per address; successful ones do
not count. While limited, even the correct password is refused.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from flask import current_app
from limits import RateLimitItem, parse

from elearning.extensions import limiter

log = logging.getLogger(__name__)

SIGN_IN_PER_ACCOUNT_AND_ADDRESS = parse("10 per 15 minutes")
SIGN_IN_PER_ADDRESS = parse("100 per hour")


def _account_key(email: str) -> str:
    """The account part of a key: a hash, so that no e-mail address is written to the limiter's storage."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


def _checks(email: str, address: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    return [
        (SIGN_IN_PER_ACCOUNT_AND_ADDRESS, key("sign-in", _account_key(email), address)),
        (SIGN_IN_PER_ADDRESS, key("sign-in", address)),
    ]


def retry_after(item: RateLimitItem, identifiers: tuple[str, ...]) -> int | None:
    """Seconds until ``identifiers`` may try again under ``item``, or None when not limited.

    When the limiter's storage is unreachable the check fails open (and logs), so that sign-in keeps working.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    strategy = limiter.limiter
    try:
        if strategy.test(item, *identifiers):
            return None
        stats = strategy.get_window_stats(item, *identifiers)
    except Exception:
        log.warning("rate limit storage unavailable; not limiting %s", identifiers[:2], exc_info=True)
        return None
    return max(1, math.ceil(stats.reset_time - time.time()))


def hit(item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    try:
        limiter.limiter.hit(item, *identifiers)
    except Exception:
        log.warning("rate limit storage unavailable; not counting %s", identifiers[:2], exc_info=True)


def key(*parts: object) -> tuple[str, ...]:
    """Identifiers of a limit, under the configured key prefix."""
    return (current_app.config["RATELIMIT_KEY_PREFIX"], *(str(part) for part in parts))


def sign_in_retry_after(email: str, address: str) -> int | None:
    """Seconds before this account may try again from this address, or None."""
    waits = [wait for item, ids in _checks(email, address) if (wait := retry_after(item, ids)) is not None]
    return max(waits) if waits else None


def count_failed_sign_in(email: str, address: str) -> None:
    for item, ids in _checks(email, address):
        hit(item, ids)


#: "Forgot password" requests for one address (so, one account): beyond, the same answer and no message.
PASSWORD_RESETS_PER_EMAIL = parse("3 per hour")
#: "Forgot password" requests from one client address: beyond, a 429.
PASSWORD_RESETS_PER_ADDRESS = parse("10 per hour")


def password_reset_retry_after(address: str) -> int | None:
    """Seconds before this client address may ask for a reset link again, or None."""
    return retry_after(PASSWORD_RESETS_PER_ADDRESS, key("password-reset", address))


def count_password_reset(email: str, address: str) -> bool:
    """Count one request; whether the address typed (``email``, normalized) may still get a message."""
    per_email = key("password-reset", _account_key(email))
    allowed = retry_after(PASSWORD_RESETS_PER_EMAIL, per_email) is None
    hit(PASSWORD_RESETS_PER_ADDRESS, key("password-reset", address))
    if allowed:
        hit(PASSWORD_RESETS_PER_EMAIL, per_email)
    return allowed
