"""Content hashes: hex SHA-256 digests over raw file bytes.

Nothing is normalized, not even line endings: any edit to a file, including one that only changes whitespace or
line endings, is a change (keep content files with LF line endings; a checkout that converts them changes the
hashes). A hash over several files covers each file's name and bytes, length-prefixed so that no two different
sets of files can run together into the same bytes, in sorted name order, so the order files are found in does not
matter and renaming a file is a change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def hash_bytes(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def hash_files(files: Iterable[tuple[str, bytes | None]]) -> str:
    """The hex SHA-256 over named files, in name order; a ``None`` content stands for a missing file."""
    digest = hashlib.sha256(b"elearning-content-1\n")
    for name, data in sorted(files, key=lambda item: item[0]):
        encoded = name.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        if data is None:
            digest.update(b"\xff" * 8)
        else:
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
