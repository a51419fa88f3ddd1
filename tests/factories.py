"""Plain factories with keyword defaults. Call them inside an application context; they flush, not commit."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from pathlib import Path

from elearning.content import check_content
from elearning.models import Certificate, Organization, Person, Team, TeamMembership
from elearning.permissions import SYSTEM
from elearning.roles import Role, TeamRole
from elearning.services.catalog.sync import SyncReport, sync_content
from elearning.services.people import accounts, organizations, teams

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_org(
    code: str | None = None,
    *,
    name: str | None = None,
    kind: str = "other",
    target: int | None = 2,
    joined_on: dt.date = dt.date(2007, 2, 1),
) -> Organization:
    n = next(_sequence)
    code = code or f"ORG{n}"
    return organizations.create_organization(
        SYSTEM,
        code=code,
        name_fr=name or f"Organisation {code}",
        name_en=f"Organization {code}" if name is None else name,
        kind=kind,
        target=target,
        joined_on=joined_on,
    )


def make_person(
    *,
    email: str | None = None,
    name: str | None = None,
    org: Organization | None = None,
    roles: Iterable[str] = ("worker",),
    password: str | None = PASSWORD,
    language: str = "fr",
    start_on: dt.date | None = None,
) -> Person:
    n = next(_sequence)
    return accounts.create_person(
        SYSTEM,
        email=email or f"person{n}@example.org",
        full_name=name or f"Personne {n}",
        roles={Role(role) for role in roles},
        organization=org,
        password=password,
        language=language,
        start_on=start_on,
    )


def make_team(org: Organization, name: str | None = None) -> Team:
    return teams.create_team(SYSTEM, org, name or f"Équipe {next(_sequence)}")


def add_member(team: Team, person: Person, role: str = "member", start_on: dt.date | None = None) -> TeamMembership:
    return teams.add_to_team(SYSTEM, team, person, TeamRole(role), start_on=start_on)


def load_content(root: Path, *, strict: bool = False) -> SyncReport:
    """Check and sync the content tree at ``root`` (flushes; the caller commits)."""
    result = check_content(root, strict=strict)
    assert result.tree is not None, [str(problem) for problem in result.errors]
    return sync_content(SYSTEM, root, result.tree)


def unsaved_certificate(issued_on: dt.date, **fields: object) -> Certificate:
    """A certificate row that is never added to a session (what the PDF and its print context read)."""
    values: dict[str, object] = {
        "code": "ABCDEFGHJKMNPQRS",
        "holder_name": "Zoé Cœur-D’Arcy",
        "organization_name_fr": "Centre jeunesse de Québec",
        "organization_name_en": "Québec Youth Centre",
        "track_title_fr": "Formation de base",
        "track_title_en": "Core training",
        "issued_on": issued_on,
        "valid_from": issued_on,
        "expires_on": issued_on,
    }
    values.update(fields)
    return Certificate(**values)
