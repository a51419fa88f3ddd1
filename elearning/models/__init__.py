"""Typed SQLAlchemy models, by area. Import them from here."""

from elearning.models.audit import AuditEvent
from elearning.models.organizations import Organization, OrganizationTarget
from elearning.models.people import CoordinatorGrant, GlobalGrant, Membership, Person, PivotDesignation
from elearning.models.sessions import WebSession
from elearning.models.teams import Team, TeamMembership

__all__ = [
    "AuditEvent",
    "CoordinatorGrant",
    "GlobalGrant",
    "Membership",
    "Organization",
    "OrganizationTarget",
    "Person",
    "PivotDesignation",
    "Team",
    "TeamMembership",
    "WebSession",
]
