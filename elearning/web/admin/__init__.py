"""The administration area ``/admin/`` (one blueprint): for now its index and the e-mail outbox; the
administration issue adds organizations, people, imports, teams, tracks and the audit log."""

from elearning.web.admin.views import blueprint

__all__ = ["blueprint"]
