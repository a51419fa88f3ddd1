"""Display labels of the values services return (services return codes; the web layer names them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from elearning.roles import OrganizationKind
from elearning.services.learning.states import ModuleStatus

MODULE_STATUS_LABELS = {
    ModuleStatus.NOT_STARTED: _l("Not started"),
    ModuleStatus.IN_PROGRESS: _l("In progress"),
    ModuleStatus.COMPLETED: _l("Completed"),
    ModuleStatus.TO_REVIEW: _l("To review"),
    ModuleStatus.FAILED: _l("No attempts left"),
}

ORGANIZATION_KIND_LABELS = {
    OrganizationKind.YOUTH_CENTRE: _l("Youth centre"),
    OrganizationKind.POLICE: _l("Police service"),
    OrganizationKind.COMMUNITY: _l("Community organization"),
    OrganizationKind.HEALTH: _l("Health and social services"),
    OrganizationKind.SCHOOL: _l("School board"),
    OrganizationKind.RESEARCH: _l("Research centre"),
    OrganizationKind.AGENCY: _l("Regional agency"),
    OrganizationKind.OTHER: _l("Other partner"),
}
