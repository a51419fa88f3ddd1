"""``/admin/users/import``: an Admin uploads a CSV file of accounts, reads the preview of every row (create,
update, unchanged, error, with its line and reason), then applies it: the valid rows land in one transaction,
and the new accounts may get a link to set their password (:mod:`elearning.services.people.imports`).

Between the preview and the apply, the file waits in the instance folder (``imports/<sha256>.csv``), named by
its digest: the apply form carries the digest only, and what lands is the file previewed, byte for byte. A
file is deleted once applied; files left more than a day are deleted at the next upload.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import permissions
from elearning.services.access import check
from elearning.services.people import imports
from elearning.web.admin.views import blueprint
from elearning.web.visitors import current_viewer

#: What a multipart form adds around the file, at most (its boundary, headers and the other fields).
FORM_OVERHEAD = 64 * 1024
KEEP_SECONDS = 24 * 3600
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(
    *, result: imports.Preview | None = None, digest: str = "", name: str = "", error: str | None = None
) -> tuple[str, int]:
    page = render_template(
        "admin/import.html",
        result=result,
        digest=digest,
        name=name,
        error=error,
        columns=";".join(imports.COLUMNS),
        max_rows=imports.MAX_ROWS,
        max_mb=imports.MAX_BYTES // (1024 * 1024),
    )
    return page, 400 if error else 200


@blueprint.get("/users/import")
@login_required
def users_import() -> tuple[str, int]:
    check(permissions.can_administer(current_viewer()), current_viewer())
    return _page()


@blueprint.post("/users/import")
@login_required
def users_import_preview() -> tuple[str, int]:
    viewer = current_viewer()
    check(permissions.can_administer(viewer), viewer)
    if (request.content_length or 0) > imports.MAX_BYTES + FORM_OVERHEAD:
        return _page(error=imports.too_big())  # refused before the upload is read
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(error=_("Choose a CSV file to import."))
    try:
        data = imports.read_limited(upload.stream)
        result = imports.preview(viewer, data)
    except imports.ImportFileError as exc:
        return _page(error=str(exc))
    digest = hashlib.sha256(data).hexdigest()
    folder = _folder()
    now = time.time()
    for old in folder.glob("*.csv"):
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    (folder / f"{digest}.csv").write_bytes(data)
    return _page(result=result, digest=digest, name=Path(upload.filename).name[:100])


@blueprint.post("/users/import/apply")
@login_required
def users_import_apply() -> Response | tuple[str, int]:
    viewer = current_viewer()
    check(permissions.can_administer(viewer), viewer)
    digest = request.form.get("digest", "")
    path = _folder() / f"{digest}.csv"
    if not _DIGEST.match(digest) or not path.is_file():
        return _page(
            error=_(
                "This import is no longer waiting (it was applied, or left more than a day): upload the file again."
            )
        )
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        return _page(
            error=_(
                "This import is no longer waiting (it was applied, or left more than a day): upload the file again."
            )
        )
    name = request.form.get("name", "")[:100]
    try:
        applied = imports.apply(viewer, data, send_links=request.form.get("send_links") == "1", file_name=name)
    except imports.ImportFileError as exc:
        return _page(error=str(exc))
    path.unlink(missing_ok=True)
    counts = applied.preview.counts
    flash(
        _(
            "Import applied: %(create)d created, %(update)d updated, %(unchanged)d unchanged, %(error)d rows with an "
            "error left out; %(links)d password-set links sent.",
            create=counts["create"],
            update=counts["update"],
            unchanged=counts["unchanged"],
            error=counts["error"],
            links=applied.links_sent,
        ),
        "success",
    )
    return redirect(url_for("admin.users_import"), code=303)
