"""The administration area ``/admin/`` (one blueprint): for now its index, the e-mail outbox and the bulk import
of accounts; the administration issue adds organizations, people, teams, tracks and the audit log."""

from elearning.web.admin import imports_views  # noqa: F401  (registers the import's routes)
from elearning.web.admin.views import blueprint

__all__ = ["blueprint"]
