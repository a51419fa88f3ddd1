"""The roles and what each one's scope is (PRODUCT.md, "Who uses it").

Roles are never stored as such: they follow from dated facts. *worker* from a current membership, *pivot* from
a current pivot designation, *coordinator* from a current coordinator grant on one organization; *table* and
*admin* are global grants.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    WORKER = "worker"
    PIVOT = "pivot"
    COORDINATOR = "coordinator"
    TABLE = "table"
    ADMIN = "admin"

    @property
    def is_global(self) -> bool:
        return self in GLOBAL_ROLES

    @property
    def needs_organization(self) -> bool:
        return not self.is_global


GLOBAL_ROLES = frozenset({Role.TABLE, Role.ADMIN})
ORGANIZATION_ROLES = frozenset({Role.WORKER, Role.PIVOT, Role.COORDINATOR})


class TeamRole(enum.StrEnum):
    """How a person belongs to a team."""

    MEMBER = "member"
    PIVOT = "pivot"


class OrganizationKind(enum.StrEnum):
    YOUTH_CENTRE = "youth_centre"
    POLICE = "police"
    COMMUNITY = "community"
    HEALTH = "health"
    SCHOOL = "school"
    RESEARCH = "research"
    AGENCY = "agency"
    OTHER = "other"


LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
