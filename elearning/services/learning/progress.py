"""Reading modules: the catalog, a module's sections, views, and each learner's progress per module.

Progress is computed from rows that are only ever inserted (views, completions, attempts), in a fixed number
of queries whatever the number of modules.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from elearning import clock
from elearning.extensions import db
from elearning.models import (
    Completion,
    ModuleVersion,
    Person,
    Section,
    SectionView,
)
from elearning.services.catalog import lookup
from elearning.services.inserts import insert_once
from elearning.services.learning import cycles
from elearning.services.transactions import lock_learner


class ModuleStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    TO_REVIEW = "to_review"
    FAILED = "failed"


@dataclass
class ModuleProgress:
    """A learner's progress on a module's current version."""

    version: ModuleVersion
    sections: list[Section]
    viewed: set[str] = field(default_factory=set)
    completion: Completion | None = None
    #: The learner's latest completion of an earlier version, when they have none of the current one.
    earlier_completion: Completion | None = None
    #: A version after the learner's last completed one requires review.
    review_required: bool = False
    #: The start of the learner's current cycle on this module (None: the first certification).
    since: dt.datetime | None = None

    @property
    def status(self) -> ModuleStatus:
        if self.completion is not None:
            return ModuleStatus.COMPLETED
        if self.earlier_completion is not None:
            return ModuleStatus.TO_REVIEW if self.review_required else ModuleStatus.COMPLETED
        if self.viewed:
            return ModuleStatus.IN_PROGRESS
        return ModuleStatus.NOT_STARTED

    @property
    def viewed_count(self) -> int:
        return sum(1 for section in self.sections if section.slug in self.viewed)

    @property
    def all_viewed(self) -> bool:
        return self.viewed_count == len(self.sections)

    def next_section(self) -> Section | None:
        """The first section not read yet (None when all are read)."""
        return next((section for section in self.sections if section.slug not in self.viewed), None)


def assigned_first(refs: list[lookup.ModuleRef], track_cycles: list[cycles.TrackCycle]) -> list[lookup.ModuleRef]:
    """The modules of the learner's assigned tracks first (in track order), then the others (by title)."""
    order: dict[int, int] = {}
    for cycle in track_cycles:
        for module_id in cycle.module_ids:
            order.setdefault(module_id, len(order))
    assigned = sorted((ref for ref in refs if ref.module.id in order), key=lambda ref: order[ref.module.id])
    return assigned + [ref for ref in refs if ref.module.id not in order]


@dataclass(frozen=True)
class TrackItem:
    ref: lookup.ModuleRef
    progress: ModuleProgress
    #: Done in the track's current cycle: a renewal asks for the current version again; a first certification
    #: also accepts an earlier version's completion, unless a later version requires review.
    done: bool


def track_progress(person_id: int, refs: Mapping[int, lookup.ModuleRef], cycle: cycles.TrackCycle) -> list[TrackItem]:
    """The track's modules (those still active), in order, with the learner's progress counted from the
    cycle's start (five queries)."""
    own = [refs[module_id] for module_id in cycle.module_ids if module_id in refs]
    since = dict.fromkeys(cycle.module_ids, cycle.start) if cycle.start is not None else {}
    by_module = for_learner(person_id, own, since=since)
    items = []
    for ref in own:
        item = by_module[ref.module.id]
        done = item.completion is not None if cycle.start is not None else item.status == ModuleStatus.COMPLETED
        items.append(TrackItem(ref, item, done))
    return items


def for_learner(
    person_id: int, refs: Iterable[lookup.ModuleRef], since: Mapping[int, dt.datetime] | None = None
) -> dict[int, ModuleProgress]:
    """Progress of one learner on the current version of each module, by module id.

    Views and completions count from each module's cycle start (``since``, by module id; by default the
    learner's current cycles, see :mod:`elearning.services.cycles`). Five queries whatever the number of
    modules.
    """
    refs = list(refs)
    if not refs:
        return {}
    if since is None:
        since = cycles.module_starts_of(person_id)
    module_ids = [ref.module.id for ref in refs]
    version_ids = [ref.version.id for ref in refs]
    sections: dict[int, list[Section]] = defaultdict(list)
    for section in db.session.scalars(
        sa.select(Section).where(Section.module_version_id.in_(version_ids)).order_by(Section.position)
    ):
        sections[section.module_version_id].append(section)
    seen: set[tuple[int, str, str]] = set()
    for row in db.session.execute(
        sa.select(
            SectionView.module_id, SectionView.section_slug, SectionView.content_hash, SectionView.viewed_at
        ).where(SectionView.person_id == person_id, SectionView.module_id.in_(module_ids))
    ):
        start = since.get(row.module_id)
        if start is None or row.viewed_at >= start:
            seen.add((row.module_id, row.section_slug, row.content_hash))
    completions: dict[int, list[Completion]] = defaultdict(list)
    for done in db.session.scalars(
        sa.select(Completion)
        .where(Completion.person_id == person_id, Completion.module_id.in_(module_ids))
        .order_by(Completion.module_version_id, Completion.completed_at)
    ):
        start = since.get(done.module_id)
        if start is None or done.completed_at >= start:
            completions[done.module_id].append(done)
    reviews: dict[int, list[int]] = defaultdict(list)
    for module_id, version_id in db.session.execute(
        sa.select(ModuleVersion.module_id, ModuleVersion.id).where(
            ModuleVersion.module_id.in_(module_ids), ModuleVersion.requires_review.is_(True)
        )
    ):
        reviews[module_id].append(version_id)

    result: dict[int, ModuleProgress] = {}
    for ref in refs:
        own = sections[ref.version.id]
        item = ModuleProgress(
            version=ref.version,
            sections=own,
            viewed={s.slug for s in own if (ref.module.id, s.slug, s.content_hash) in seen},
            since=since.get(ref.module.id),
        )
        completed = completions[ref.module.id]
        item.completion = next((c for c in reversed(completed) if c.module_version_id == ref.version.id), None)
        if item.completion is None and completed:
            last = max(completed, key=lambda c: (c.module_version_id, c.completed_at))
            item.earlier_completion = last
            item.review_required = any(last.module_version_id < v <= ref.version.id for v in reviews[ref.module.id])
        result[ref.module.id] = item
    return result


def record_view(person: Person, ref: lookup.ModuleRef, section: Section) -> bool:
    """Record that ``person`` read ``section`` today; idempotent. Returns whether this was today's first view.

    Today's view already recorded: nothing is written and no lock is taken (a read). Otherwise the insert
    happens under the learner's lock (it may complete the module). The caller commits."""
    key = {
        "person_id": person.id,
        "module_id": ref.module.id,
        "section_slug": section.slug,
        "content_hash": section.content_hash,
        "viewed_on": clock.today(),
    }
    seen = db.session.scalar(
        sa.select(SectionView.id).where(*(getattr(SectionView, name) == value for name, value in key.items())).limit(1)
    )
    if seen is not None:
        return False
    lock_learner(person.id)
    values = {**key, "section_id": section.id, "viewed_at": clock.now()}
    return insert_once(SectionView, values, list(key)) is not None


def record_completion(person: Person, ref: lookup.ModuleRef, score: int | None) -> bool:
    """Record the completion of the current version (at most once a day); True when this call recorded it."""
    return (
        insert_once(
            Completion,
            {
                "person_id": person.id,
                "module_id": ref.module.id,
                "module_version_id": ref.version.id,
                "score": score,
                "completed_at": clock.now(),
                "completed_on": clock.today(),
            },
            ["person_id", "module_version_id", "completed_on"],
        )
        is not None
    )
