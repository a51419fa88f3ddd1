"""A member as seen by the people who follow them: organization, teams and progress per module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elearning.extensions import db
from elearning.models import Person
from elearning.models.types import in_language
from elearning.services import history
from elearning.services.catalog import lookup
from elearning.services.learning import batch, states


@dataclass(frozen=True)
class MemberOrganization:
    organization_id: int
    code: str
    name_fr: str
    name_en: str

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)


@dataclass(frozen=True)
class MemberTeam:
    team_id: int
    name: str
    #: "member" or "pivot".
    role: str


@dataclass(frozen=True)
class MemberModule:
    module: lookup.ModuleInfo
    state: states.ModuleState


@dataclass(frozen=True)
class MemberDetail:
    """A member's page, as plain values."""

    person_id: int
    full_name: str
    organization: MemberOrganization | None
    teams: tuple[MemberTeam, ...]
    #: Every active module, in track order, with the member's progress in their current cycles.
    modules: tuple[MemberModule, ...]


def member_detail(person_id: int, day: dt.date) -> MemberDetail:
    """The member's progress and quiz attempts per module, in a fixed number of queries whatever the number of
    modules, attempts and certificates (see :func:`batch.progress_for`)."""
    person = db.session.get(Person, person_id)
    assert person is not None
    infos = lookup.module_infos(lookup.modules_in_track_order())
    cells = batch.progress_for([person_id], infos.values(), day)
    organization = history.organization_of(person_id, day)
    return MemberDetail(
        person_id=person.id,
        full_name=person.full_name,
        organization=(
            MemberOrganization(organization.id, organization.code, organization.name_fr, organization.name_en)
            if organization is not None
            else None
        ),
        teams=tuple(MemberTeam(team.id, team.name, role) for team, role in history.teams_of(person_id, day)),
        modules=tuple(MemberModule(info, cells[(person_id, info.module_id)]) for info in infos.values()),
    )
