"""Exports as downloads: the export writer's bytes with their type and an attachment name."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from elearning.exports import CSV_MIMETYPE, XLSX_MIMETYPE, Sheet, to_csv, to_xlsx
from elearning.web.certificates.pdf import slug


def attachment(name: str) -> str:
    """A ``Content-Disposition`` for a download named ``name`` (ASCII already; ``filename*`` as well, for clients
    that prefer it)."""
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"


def export_response(sheet: Sheet, file_format: str, file_stem: str) -> Response:
    """The sheet as ``file_format`` ("csv" or "xlsx"), to download; never kept by a cache (personal data)."""
    if file_format == "csv":
        response = Response(to_csv(sheet), mimetype=CSV_MIMETYPE)
    elif file_format == "xlsx":
        response = Response(to_xlsx(sheet), mimetype=XLSX_MIMETYPE)
    else:
        raise ValueError(f"unknown export format {file_format!r}")
    response.headers["Content-Disposition"] = attachment(f"{slug(file_stem) or 'export'}.{file_format}")
    response.headers["Cache-Control"] = "no-store"
    return response
