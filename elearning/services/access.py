"""Refusing an actor inside the service: every write (and every read of one object for someone) asks the
permission predicate itself before doing anything, so the web, the command line, the API and imports cannot
skip the check. The decision stays in :mod:`elearning.permissions`; this module only turns a "no" into the
service error that says whether the object's existence may be known."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearning.permissions import Viewer, refusal_status
from elearning.services.errors import Forbidden, NotFound

NOT_FOUND = _l("This does not exist, or it is not available to you.")
FORBIDDEN = _l("Your account does not allow this.")


def check(allowed: bool, viewer: Viewer, organization_id: int | None = None, *, may_see: bool = False) -> None:
    """Raise unless ``allowed``: :class:`Forbidden` when the viewer may know the object exists (``may_see``,
    or it belongs to the viewer's organization), :class:`NotFound` otherwise (another organization's object)."""
    if allowed:
        return
    if refusal_status(viewer, organization_id, may_see=may_see) == 404:
        raise NotFound(NOT_FOUND)
    raise Forbidden(FORBIDDEN)


def require(allowed: bool) -> None:
    """Raise :class:`Forbidden` unless ``allowed`` (for actions whose object is not private, e.g. creating one)."""
    if not allowed:
        raise Forbidden(FORBIDDEN)
