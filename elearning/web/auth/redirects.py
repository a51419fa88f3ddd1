"""Where ``next`` may send someone after signing in: only to a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def safe_next(value: str | None, default: str = "/") -> str:
    """Return ``value`` when it is a local path, else ``default``.

    Refuses scheme-relative (``//host``), backslash tricks (``/\\host``), any scheme (``https:``,
    ``javascript:``), control characters, and the same written with percent-encoding (decoded repeatedly).
    """
    if not value:
        return default
    candidate = value
    for _ in range(4):
        decoded = unquote(candidate)
        if decoded == candidate:
            break
        candidate = decoded
    else:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in candidate) or "\\" in candidate:
        return default
    if not candidate.startswith("/") or candidate.startswith("//"):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return value if value.startswith("/") and not value.startswith("//") else default
