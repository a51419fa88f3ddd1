"""A member as seen by the people who follow them: organization, teams, tracks with what is overdue, progress
per module, every quiz attempt, section views by version and certificates.

:func:`member_detail` checks that the viewer may see the member (404 otherwise: a training record is private,
even within the organization) and records each view through the audit ``record()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from elearning import permissions
from elearning.extensions import db
from elearning.models import ModuleVersion, Person, QuizAttempt, Section, SectionView
from elearning.models.types import in_language
from elearning.permissions import Viewer
from elearning.services import history, transactions
from elearning.services.audit import record
from elearning.services.catalog import cache, lookup
from elearning.services.certification import register
from elearning.services.learning import batch, cycles, states
from elearning.services.people import viewers
from elearning.services.reports import team


@dataclass(frozen=True)
class OrganizationRef:
    """An organization as reports name it: its id, its code, its names."""

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
class AttemptLine:
    """A submitted quiz attempt (every cycle, every quiz version)."""

    submitted_at: dt.datetime
    score: int | None
    passed: bool


@dataclass(frozen=True)
class VersionViews:
    """The sections of one version of a module that the member read."""

    version: str
    viewed: int
    sections: int
    last_on: dt.date
    current: bool


@dataclass(frozen=True)
class MemberModule:
    module: lookup.ModuleInfo
    state: states.ModuleState
    #: Not completed, in a track whose due date has passed.
    overdue: bool
    #: Newest first.
    attempts: tuple[AttemptLine, ...]
    #: Newest version first.
    views: tuple[VersionViews, ...]


@dataclass(frozen=True)
class MemberCertificate:
    certificate_id: int
    track_title_fr: str
    track_title_en: str
    cycle: int
    issued_on: dt.date
    valid_from: dt.date
    expires_on: dt.date
    #: :class:`cycles.CertificateStatus` on the day shown.
    status: str
    #: Valid, and expiring within the renewal window.
    expiring: bool

    def track_title(self, language: str) -> str:
        return in_language(language, self.track_title_fr, self.track_title_en)


@dataclass(frozen=True)
class MemberDetail:
    """A member's page, as plain values."""

    person_id: int
    full_name: str
    organization: OrganizationRef | None
    teams: tuple[MemberTeam, ...]
    #: The member's assigned tracks: progress, certificate, due date, overdue.
    tracks: tuple[team.MemberTrack, ...]
    #: Every active module, in track order, with the member's progress in their current cycles.
    modules: tuple[MemberModule, ...]
    #: Newest first, revoked ones included.
    certificates: tuple[MemberCertificate, ...]
    #: Whether the viewer may grant one more attempt where the limit is reached.
    can_grant: bool
    renewal_days: int

    @property
    def overdue(self) -> tuple[MemberModule, ...]:
        return tuple(item for item in self.modules if item.overdue)

    @property
    def attempt_count(self) -> int:
        return sum(len(item.attempts) for item in self.modules)

    @property
    def views(self) -> tuple[tuple[MemberModule, VersionViews], ...]:
        return tuple((item, views) for item in self.modules for views in item.views)


def _attempts(person_id: int) -> dict[int, list[AttemptLine]]:
    statement = (
        sa.select(QuizAttempt.module_id, QuizAttempt.submitted_at, QuizAttempt.score, QuizAttempt.passed)
        .where(
            QuizAttempt.person_id == person_id,
            QuizAttempt.submitted_at.is_not(None),
            QuizAttempt.discarded_at.is_(None),
        )
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    )
    result: dict[int, list[AttemptLine]] = {}
    for module_id, submitted_at, score, passed in db.session.execute(statement):
        assert submitted_at is not None  # submitted attempts only
        result.setdefault(module_id, []).append(AttemptLine(submitted_at, score, bool(passed)))
    return result


def _views(person_id: int, current_versions: dict[int, int]) -> dict[int, list[VersionViews]]:
    """Per module, the distinct sections read in each version (one grouped query)."""
    section_count = (
        sa.select(sa.func.count(Section.id))
        .where(Section.module_version_id == ModuleVersion.id)
        .correlate(ModuleVersion)
        .scalar_subquery()
    )
    statement = (
        sa.select(
            SectionView.module_id,
            ModuleVersion.id,
            ModuleVersion.version,
            sa.func.count(sa.distinct(SectionView.section_slug)),
            sa.func.max(SectionView.viewed_on),
            section_count,
        )
        .join(Section, Section.id == SectionView.section_id)
        .join(ModuleVersion, ModuleVersion.id == Section.module_version_id)
        .where(SectionView.person_id == person_id)
        .group_by(SectionView.module_id, ModuleVersion.id, ModuleVersion.version)
        .order_by(SectionView.module_id, ModuleVersion.id.desc())
    )
    result: dict[int, list[VersionViews]] = {}
    for module_id, version_id, label, viewed, last_on, sections in db.session.execute(statement):
        current = current_versions.get(module_id) == version_id
        result.setdefault(module_id, []).append(VersionViews(label, viewed, sections, last_on, current))
    return result


def _certificates(person_id: int, day: dt.date, window: dt.timedelta) -> tuple[MemberCertificate, ...]:
    result = []
    for certificate in register.certificates_of(person_id):
        status = cycles.status_on(certificate, day)
        result.append(
            MemberCertificate(
                certificate_id=certificate.id,
                track_title_fr=certificate.track_title_fr,
                track_title_en=certificate.track_title_en,
                cycle=certificate.cycle,
                issued_on=certificate.issued_on,
                valid_from=certificate.valid_from,
                expires_on=certificate.expires_on,
                status=status,
                expiring=status == cycles.CertificateStatus.VALID and certificate.expires_on <= day + window,
            )
        )
    return tuple(result)


def member_detail(viewer: Viewer, person_id: int, day: dt.date) -> MemberDetail:
    """The member's page for ``viewer``, and the audit event of this view.

    :class:`NotFound` when the viewer may not see the member. A fixed number of queries whatever the number of
    modules, attempts, section views and certificates."""
    member = viewers.member_for(viewer, person_id, day)
    person = db.session.get(Person, person_id)
    assert person is not None
    infos = lookup.module_infos(lookup.modules_in_track_order())
    track_cycles = cycles.track_cycles_for([person_id], day)
    cells = batch.progress_for([person_id], infos.values(), day, track_cycles=track_cycles)
    window = cycles.renewal_window()
    tracks = {entry.id: entry for entry in cache.catalog().tracks}
    pairs = team.member_tracks(track_cycles[person_id], cells, person_id, tracks, day, window)
    overdue_tracks = [cycle for cycle, item in pairs if item.overdue]
    attempts = _attempts(person_id)
    views = _views(person_id, {info.module_id: info.version_id for info in infos.values()})
    organization = history.organization_of(person_id, day)
    detail = MemberDetail(
        person_id=person.id,
        full_name=person.full_name,
        organization=(
            OrganizationRef(organization.id, organization.code, organization.name_fr, organization.name_en)
            if organization is not None
            else None
        ),
        teams=tuple(MemberTeam(item.id, item.name, role) for item, role in history.teams_of(person_id, day)),
        tracks=tuple(item for _cycle, item in pairs),
        modules=tuple(
            MemberModule(
                module=info,
                state=cells[(person_id, info.module_id)],
                overdue=team.cell_of(cells[(person_id, info.module_id)], info.module_id, overdue_tracks).overdue,
                attempts=tuple(attempts.get(info.module_id, ())),
                views=tuple(views.get(info.module_id, ())),
            )
            for info in infos.values()
        ),
        certificates=_certificates(person_id, day, window),
        can_grant=permissions.can_grant_extra_attempt(viewer, member),
        renewal_days=window.days,
    )
    transactions.begin_writing()
    record("team.member_viewed", actor=viewer, subject=person_id, object_type="person", object_id=person_id)
    return detail
