"""Reading modules: a learner's progress per module, with the current version's sections, for the reader's pages.

The rules live in :mod:`elearning.services.learning.batch` (progress of many people at once, in plain values);
:func:`for_learner` is a thin wrapper that adds the sections' rows the reader shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from elearning import clock
from elearning.extensions import db
from elearning.models import Completion, Person, SectionView
from elearning.services.catalog import lookup
from elearning.services.catalog.entries import SectionEntry, VersionEntry
from elearning.services.inserts import insert_once
from elearning.services.learning import batch, cycles, states
from elearning.services.learning.states import ModuleStatus
from elearning.services.transactions import lock_learner


@dataclass
class ModuleProgress:
    """A learner's progress on a module's current version (see :class:`states.ModuleState`), with the version's
    section rows. ``viewed`` starts as the state's and grows when the reader records a view."""

    version: VersionEntry
    sections: Sequence[SectionEntry]
    state: states.ModuleState
    viewed: set[str]

    @property
    def completion(self) -> states.CompletionInfo | None:
        return self.state.completion

    @property
    def earlier_completion(self) -> states.CompletionInfo | None:
        return self.state.earlier_completion

    @property
    def review_required(self) -> bool:
        return self.state.review_required

    @property
    def since(self) -> dt.datetime | None:
        """The start of the learner's current cycle on this module (None: the first certification)."""
        return self.state.cycle_start

    @property
    def allowance(self) -> states.Allowance | None:
        return self.state.allowance

    @property
    def status(self) -> ModuleStatus:
        return states.status_of(
            completed=self.completion is not None,
            earlier_completed=self.earlier_completion is not None,
            review_required=self.review_required,
            any_viewed=bool(self.viewed),
            exhausted=self.state.exhausted,
        )

    @property
    def viewed_count(self) -> int:
        return sum(1 for section in self.sections if section.slug in self.viewed)

    @property
    def all_viewed(self) -> bool:
        return self.viewed_count == len(self.sections)

    def next_section(self) -> SectionEntry | None:
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


def counts_from_the_track(cycle: cycles.TrackCycle, starts: Mapping[int, dt.datetime]) -> bool:
    """Whether progress counted from the modules' own cycle starts (:func:`cycles.module_starts`) is the
    track's progress too: every module of the track starts where the track does (one open track, or tracks
    that started together)."""
    return all(starts.get(module_id) == cycle.start for module_id in cycle.module_ids)


def track_progress(
    person_id: int,
    refs: Mapping[int, lookup.ModuleRef],
    cycle: cycles.TrackCycle,
    known: Mapping[int, ModuleProgress] | None = None,
) -> list[TrackItem]:
    """The track's modules (those still active), in order, with the learner's progress counted from the
    cycle's start: ``known`` when the caller holds it counted from there (no query), else three queries."""
    own = [refs[module_id] for module_id in cycle.module_ids if module_id in refs]
    since = dict.fromkeys(cycle.module_ids, cycle.start) if cycle.start is not None else {}
    by_module = known if known is not None else for_learner(person_id, own, since=since)
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

    Views, completions and attempts count from each module's cycle start (``since``, by module id; by default
    the learner's current cycles, see :mod:`elearning.services.learning.cycles`). Seven queries (ten without
    ``since``) whatever the number of modules; the rules are :func:`batch.progress_since`'s.
    """
    refs = list(refs)
    if not refs:
        return {}
    if since is None:
        since = cycles.module_starts_of(person_id)
    sections = lookup.sections_of(refs)
    infos = lookup.module_infos(refs, sections)
    cells = batch.progress_since(
        [person_id], infos.values(), {(person_id, module_id): start for module_id, start in since.items()}
    )
    result = {}
    for ref in refs:
        state = cells[(person_id, ref.module.id)]
        result[ref.module.id] = ModuleProgress(ref.version, sections[ref.version.id], state, set(state.viewed))
    return result


def record_view(person: Person, ref: lookup.ModuleRef, section: SectionEntry, *, already_viewed: bool = False) -> bool:
    """Record that ``person`` read ``section``; True when this call recorded a view. The caller commits.

    A section is recorded once per cycle and content: when the caller knows it was viewed already in the
    current cycle with this content (``already_viewed``, from the learner's progress), or today's view exists,
    nothing is written and no lock is taken. Otherwise the insert happens under the learner's lock (it may
    complete the module)."""
    if already_viewed:
        return False
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
