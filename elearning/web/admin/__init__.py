"""The administration area ``/admin/`` (one blueprint): for now its index, the e-mail outbox, the bulk import
of accounts, organizations, people, tracks and the audit log."""

from elearning.web.admin import (  # noqa: F401  (register their routes)
    audit_views,
    imports_views,
    organizations_views,
    people_views,
    tracks_views,
)
from elearning.web.admin.views import blueprint

__all__ = ["blueprint"]
