"""Progress of many people on many modules at once, in a fixed number of grouped queries.

This module is the one home of the progress rules; the per-learner reads (:func:`progress.for_learner`,
:func:`quizzes.allowance`) are thin wrappers over it.

- A module's **cycle start** for a person is the latest start among the person's open tracks that contain it
  (:func:`cycles.module_starts`). Views, completions, attempts and extra attempts count from it; without one
  (a first certification) everything counts.
- **Viewed**: the sections of the current version that the person viewed in the cycle with the same content (slug
  and content hash, so views carry over to versions where a section did not change).
- **Completion**: the person's latest completion of the current version in the cycle. Without one, the **earlier
  completion** is the latest in the cycle of an earlier version; it is "to review" when a version after it, up to
  the current one, requires review.
- **Allowance**: attempts submitted in the cycle; allowed = the quiz's limit plus the extra attempts granted in the
  cycle (None: unlimited); passed = a passing attempt in the cycle on a quiz with the current quiz's content hash.
- **Status**: see :func:`states.status_of` (the values returned are in :mod:`states`).

Every query on progress rows returns at most one row per person × module, whatever the number of views,
attempts, versions or cycles; the track cycles' queries return a row per person × track (and the few certificates
a cycle needs), the last one reads content (the versions that require review).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVarTuple

import sqlalchemy as sa

from elearning.extensions import db
from elearning.models import Completion, ExtraAttempt, ModuleVersion, QuizAttempt, Section, SectionView
from elearning.models.types import UTCDateTime
from elearning.services import revisions
from elearning.services.catalog import cache, lookup
from elearning.services.learning import cycles
from elearning.services.learning.states import (
    Allowance,
    CompletionInfo,
    ModuleState,
    QuizRule,
    status_of,
)

#: The start of each (person id, module id)'s current cycle; a missing key means everything counts.
Starts = Mapping[tuple[int, int], dt.datetime]
Columns = TypeVarTuple("Columns")


# -- public reads ----------------------------------------------------------------------------------------


def cycle_starts(track_cycles: Mapping[int, Sequence[cycles.TrackCycle]]) -> dict[tuple[int, int], dt.datetime]:
    """The cycle start of each (person id, module id) that has one, from each person's track cycles."""
    return {
        (person_id, module_id): start
        for person_id, own in track_cycles.items()
        for module_id, start in cycles.module_starts(list(own)).items()
    }


def progress_for(
    person_ids: Iterable[int],
    modules: Iterable[lookup.ModuleInfo],
    day: dt.date,
    *,
    track_cycles: Mapping[int, Sequence[cycles.TrackCycle]] | None = None,
) -> Mapping[tuple[int, int], ModuleState]:
    """Each person's progress on each module, by (person id, module id), counted from their current cycles.

    Four queries whatever the number of people, modules, views, attempts and certificates: one for the track
    cycles (none when the caller passes ``track_cycles``, from :func:`cycles.track_cycles_for`) and three for
    the progress (see :func:`progress_since`).
    """
    ids = sorted(set(person_ids))
    if track_cycles is None and len(ids) == 1:
        # One person (their own pages): the cycle starts as :func:`cycles.module_starts_of` keeps them.
        own = cycles.module_starts_of(ids[0], day)
        return progress_since(ids, modules, {(ids[0], module_id): start for module_id, start in own.items()})
    if track_cycles is None:
        track_cycles = cycles.track_cycles_for(ids, day)
    return progress_since(ids, modules, cycle_starts(track_cycles))


def progress_since(
    person_ids: Iterable[int], modules: Iterable[lookup.ModuleInfo], starts: Starts
) -> Mapping[tuple[int, int], ModuleState]:
    """Each person's progress on each module, counted from the given cycle starts (three queries: views,
    completions, attempts with extra attempts; the versions requiring review come from the content catalog).

    For one person, kept under their revision (see :mod:`elearning.services.revisions`): no query while it
    holds."""
    ids = sorted(set(person_ids))
    infos = list(modules)
    if not ids or not infos:
        return {}
    if len(ids) == 1:
        person_id = ids[0]

        def key() -> tuple[object, ...]:
            return (
                cache.current_token(),
                tuple((info.module_id, info.version_id) for info in infos),
                _starts_key(starts),
            )

        return revisions.memo("progress", person_id, key, lambda: MappingProxyType(_progress_since(ids, infos, starts)))
    return _progress_since(ids, infos, starts)


def _starts_key(starts: Starts) -> tuple[tuple[int, dt.datetime], ...]:
    """One person's cycle starts as part of a memo key (see :func:`revisions.memo`)."""
    return tuple(sorted((module_id, start) for (_, module_id), start in starts.items()))


def _progress_since(
    ids: list[int], infos: list[lookup.ModuleInfo], starts: Starts
) -> dict[tuple[int, int], ModuleState]:
    module_ids = [info.module_id for info in infos]
    counted_from = _starts(ids, module_ids, starts)
    viewed = _viewed(ids, infos, counted_from)
    completions = _latest_completions(ids, module_ids, counted_from)
    reviews = cache.catalog().review_versions
    quizzes = {info.module_id: info.quiz for info in infos if info.quiz}
    attempts, extras = _attempts_and_extras(ids, module_ids, quizzes, counted_from)
    result = {}
    for person_id in ids:
        for info in infos:
            key = (person_id, info.module_id)
            seen = viewed.get(key, set())
            latest = completions.get(key)
            completion = latest if latest is not None and latest.version_id == info.version_id else None
            earlier = latest if completion is None else None
            review_required = earlier is not None and any(
                earlier.version_id < version_id <= info.version_id for version_id in reviews.get(info.module_id, ())
            )
            tried = attempts.get(key)
            granted = extras.get(key)
            allowance = _allowance(info.quiz, tried, granted.count if granted else 0) if info.quiz else None
            result[key] = ModuleState(
                person_id=person_id,
                module_id=info.module_id,
                status=status_of(
                    completed=completion is not None,
                    earlier_completed=earlier is not None,
                    review_required=review_required,
                    any_viewed=bool(seen),
                    exhausted=allowance is not None and allowance.exhausted,
                ),
                viewed=tuple(section.slug for section in info.sections if section.slug in seen),
                section_count=len(info.sections),
                completion=completion,
                earlier_completion=earlier,
                review_required=review_required,
                cycle_start=starts.get(key),
                allowance=allowance,
                best_score=tried.best_score if tried else None,
                last_attempt_at=tried.last_at if tried else None,
                last_granted_at=granted.last_at if granted else None,
            )
    return result


def allowances_since(
    person_ids: Iterable[int], quizzes: Mapping[int, QuizRule], starts: Starts
) -> Mapping[tuple[int, int], Allowance]:
    """Each person's allowance at each quiz (``quizzes``: by module id), counted from the given cycle starts (one
    query: attempts and extra attempts). For one person, kept under their revision (see
    :mod:`elearning.services.revisions`): no query while it holds."""
    ids = sorted(set(person_ids))
    module_ids = list(quizzes)
    if not ids or not module_ids:
        return {}
    if len(ids) == 1:

        def key() -> tuple[object, ...]:
            rules = tuple((module_id, quiz.content_hash, quiz.attempt_limit) for module_id, quiz in quizzes.items())
            return (rules, _starts_key(starts))

        return revisions.memo(
            "allowances", ids[0], key, lambda: MappingProxyType(_allowances_since(ids, quizzes, starts))
        )
    return _allowances_since(ids, quizzes, starts)


def _allowances_since(
    ids: list[int], quizzes: Mapping[int, QuizRule], starts: Starts
) -> dict[tuple[int, int], Allowance]:
    module_ids = list(quizzes)
    counted_from = _starts(ids, module_ids, starts)
    attempts, extras = _attempts_and_extras(ids, module_ids, quizzes, counted_from)
    result = {}
    for person_id in ids:
        for module_id, quiz in quizzes.items():
            key = (person_id, module_id)
            granted = extras.get(key)
            result[key] = _allowance(quiz, attempts.get(key), granted.count if granted else 0)
    return result


# -- the grouped queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempts:
    used: int
    passed: bool
    best_score: int | None
    last_at: dt.datetime | None


def _allowance(quiz: QuizRule, tried: _Attempts | None, extra: int) -> Allowance:
    allowed = None if quiz.attempt_limit == 0 else quiz.attempt_limit + extra
    return Allowance(used=tried.used if tried else 0, allowed=allowed, passed=tried.passed if tried else False)


@dataclass(frozen=True)
class _StartRows:
    """The cycle starts that concern the people and modules read: how many (the statements' shape) and their
    values (the statements' parameters)."""

    count: int
    parameters: dict[str, Any]


def _starts(person_ids: list[int], module_ids: list[int], starts: Starts) -> _StartRows:
    people, wanted = set(person_ids), set(module_ids)
    rows = sorted(
        (person_id, module_id, start)
        for (person_id, module_id), start in starts.items()
        if person_id in people and module_id in wanted
    )
    parameters: dict[str, Any] = {}
    for index, (person_id, module_id, start) in enumerate(rows):
        parameters |= {f"sp{index}": person_id, f"sm{index}": module_id, f"ss{index}": start}
    return _StartRows(len(rows), parameters)


def _starts_table(count: int) -> sa.CTE | None:
    """``count`` cycle starts as a ``VALUES`` table of parameters the queries join (None when everything counts
    for everyone)."""
    if not count:
        return None
    rows = [
        (
            sa.bindparam(f"sp{index}", type_=sa.Integer),
            sa.bindparam(f"sm{index}", type_=sa.Integer),
            sa.bindparam(f"ss{index}", type_=UTCDateTime()),
        )
        for index in range(count)
    ]
    columns = (
        sa.column("person_id", sa.Integer),
        sa.column("module_id", sa.Integer),
        sa.column("start", UTCDateTime()),
    )
    return sa.values(*columns, name="cycle_starts").data(rows).cte("cycle_starts")


def _counted(
    query: sa.Select[*Columns], starts: sa.CTE | None, person: Any, module: Any, moment: Any
) -> tuple[sa.Select[*Columns], sa.ColumnElement[bool]]:
    """``query`` joined to the cycle starts, and the condition "``moment`` falls in the person's cycle"."""
    if starts is None:
        return query, sa.true()
    joined = query.outerjoin(starts, sa.and_(starts.c.person_id == person, starts.c.module_id == module))
    return joined, sa.or_(starts.c.start.is_(None), moment >= starts.c.start)


PERSON_IDS = "person_ids"
MODULE_IDS = "module_ids"
VERSION_IDS = "version_ids"


def _ids(name: str) -> sa.BindParameter[Any]:
    return sa.bindparam(name, expanding=True)


# The statements below are built once per process for each shape (how many cycle starts, how many quizzes) and
# run with parameters: building them for every request cost more than running them.


@functools.lru_cache(maxsize=64)
def _viewed_statement(start_count: int) -> sa.Select[int, int, str]:
    starts = _starts_table(start_count)
    query = (
        sa.select(SectionView.person_id, SectionView.module_id, SectionView.section_slug)
        .join(
            Section,
            sa.and_(
                Section.module_version_id.in_(_ids(VERSION_IDS)),
                Section.slug == SectionView.section_slug,
                Section.content_hash == SectionView.content_hash,
            ),
        )
        .join(
            ModuleVersion,
            sa.and_(ModuleVersion.id == Section.module_version_id, ModuleVersion.module_id == SectionView.module_id),
        )
    )
    query, counted = _counted(query, starts, SectionView.person_id, SectionView.module_id, SectionView.viewed_at)
    slugs = (
        query.where(SectionView.person_id.in_(_ids(PERSON_IDS)), SectionView.module_id.in_(_ids(MODULE_IDS)), counted)
        .group_by(SectionView.person_id, SectionView.module_id, SectionView.section_slug)
        .subquery()
    )
    return sa.select(
        slugs.c.person_id, slugs.c.module_id, sa.func.aggregate_strings(slugs.c.section_slug, ",")
    ).group_by(slugs.c.person_id, slugs.c.module_id)


def _viewed(
    person_ids: list[int], infos: list[lookup.ModuleInfo], starts: _StartRows
) -> dict[tuple[int, int], set[str]]:
    """Slugs of the current versions' sections viewed in the cycle with the same content (one row per person
    and module)."""
    parameters = {
        PERSON_IDS: person_ids,
        MODULE_IDS: [info.module_id for info in infos],
        VERSION_IDS: [info.version_id for info in infos],
        **starts.parameters,
    }
    viewed: dict[tuple[int, int], set[str]] = {}
    for person_id, module_id, joined in db.session.execute(_viewed_statement(starts.count), parameters):
        viewed[(person_id, module_id)] = set(joined.split(","))  # slugs hold no comma (see the module format)
    return viewed


@functools.lru_cache(maxsize=64)
def _completions_statement(start_count: int) -> sa.Select[Any]:
    starts = _starts_table(start_count)
    rank = sa.func.row_number().over(
        partition_by=(Completion.person_id, Completion.module_id),
        order_by=(Completion.module_version_id.desc(), Completion.completed_at.desc(), Completion.id.desc()),
    )
    query = sa.select(
        Completion.person_id,
        Completion.module_id,
        Completion.module_version_id,
        ModuleVersion.version,
        Completion.score,
        Completion.completed_at,
        Completion.completed_on,
        rank.label("rank"),
    ).join(ModuleVersion, ModuleVersion.id == Completion.module_version_id)
    query, counted = _counted(query, starts, Completion.person_id, Completion.module_id, Completion.completed_at)
    ranked = query.where(
        Completion.person_id.in_(_ids(PERSON_IDS)), Completion.module_id.in_(_ids(MODULE_IDS)), counted
    ).subquery()
    return sa.select(ranked).where(ranked.c.rank == 1)


def _latest_completions(
    person_ids: list[int], module_ids: list[int], starts: _StartRows
) -> dict[tuple[int, int], CompletionInfo]:
    """Each person's latest completion of each module in the cycle, the latest version first (one row per
    person and module)."""
    parameters = {PERSON_IDS: person_ids, MODULE_IDS: module_ids, **starts.parameters}
    return {
        (row.person_id, row.module_id): CompletionInfo(
            version_id=row.module_version_id,
            version=row.version,
            score=row.score,
            completed_at=row.completed_at,
            completed_on=row.completed_on,
        )
        for row in db.session.execute(_completions_statement(starts.count), parameters)
    }


@dataclass(frozen=True)
class _Granted:
    count: int
    last_at: dt.datetime | None


@functools.lru_cache(maxsize=64)
def _attempts_statement(start_count: int, quiz_count: int) -> sa.Select[Any]:
    """Attempts and extra attempts (see :func:`_attempts_and_extras`), for ``quiz_count`` current quizzes whose
    module ids and content hashes are the parameters ``qm<i>`` and ``qh<i>``."""
    starts = _starts_table(start_count)
    keys, counted = _counted(
        sa.select(QuizAttempt.person_id, QuizAttempt.module_id),
        starts,
        QuizAttempt.person_id,
        QuizAttempt.module_id,
        QuizAttempt.submitted_at,
    )
    passing: sa.ColumnElement[bool] = sa.false()
    if quiz_count:
        current_hash = sa.case(
            *(
                (
                    QuizAttempt.module_id == sa.bindparam(f"qm{index}", type_=sa.Integer),
                    sa.bindparam(f"qh{index}", type_=sa.String),
                )
                for index in range(quiz_count)
            )
        )
        passing = sa.and_(counted, QuizAttempt.passed.is_(True), QuizAttempt.quiz_hash == current_hash)
    tried = (
        keys.add_columns(
            sa.literal("attempts").label("kind"),
            sa.func.sum(sa.case((counted, 1), else_=0)).label("used"),
            sa.func.max(sa.case((passing, 1), else_=0)).label("passed"),
            sa.func.max(sa.case((counted, QuizAttempt.score))).label("best"),
            sa.func.max(sa.case((counted, QuizAttempt.submitted_at))).label("last"),
        )
        .where(
            QuizAttempt.person_id.in_(_ids(PERSON_IDS)),
            QuizAttempt.module_id.in_(_ids(MODULE_IDS)),
            QuizAttempt.submitted_at.is_not(None),
        )
        .group_by(QuizAttempt.person_id, QuizAttempt.module_id)
    )
    grants = sa.select(ExtraAttempt.person_id, ExtraAttempt.module_id)
    grants, granted_in_cycle = _counted(
        grants, starts, ExtraAttempt.person_id, ExtraAttempt.module_id, ExtraAttempt.granted_at
    )
    granted = (
        grants.add_columns(
            sa.literal("extras"),
            sa.func.count(),
            sa.literal(0),
            sa.cast(sa.null(), sa.Integer),
            sa.func.max(ExtraAttempt.granted_at),
        )
        .where(
            ExtraAttempt.person_id.in_(_ids(PERSON_IDS)),
            ExtraAttempt.module_id.in_(_ids(MODULE_IDS)),
            granted_in_cycle,
        )
        .group_by(ExtraAttempt.person_id, ExtraAttempt.module_id)
    )
    both = sa.union_all(tried, granted).subquery()
    last = sa.type_coerce(both.c.last, UTCDateTime())
    return sa.select(both.c.person_id, both.c.module_id, both.c.kind, both.c.used, both.c.passed, both.c.best, last)


def _attempts_and_extras(
    person_ids: list[int], module_ids: list[int], quizzes: Mapping[int, QuizRule], starts: _StartRows
) -> tuple[dict[tuple[int, int], _Attempts], dict[tuple[int, int], _Granted]]:
    """In one statement (two grouped selects, UNION ALL): the submitted attempts in the cycle (how many,
    whether one passed the current quiz (same content hash), the best score, the last submission) and the
    extra attempts granted in the cycle (how many, the last), each one row per person and module."""
    parameters: dict[str, Any] = {PERSON_IDS: person_ids, MODULE_IDS: module_ids, **starts.parameters}
    for index, (module_id, quiz) in enumerate(sorted(quizzes.items())):
        parameters |= {f"qm{index}": module_id, f"qh{index}": quiz.content_hash}
    attempts: dict[tuple[int, int], _Attempts] = {}
    extras: dict[tuple[int, int], _Granted] = {}
    rows = db.session.execute(_attempts_statement(starts.count, len(quizzes)), parameters)
    for person_id, module_id, kind, used, passed, best, last_at in rows:
        if kind == "attempts":
            attempts[(person_id, module_id)] = _Attempts(
                used=used or 0, passed=bool(passed), best_score=best, last_at=last_at
            )
        else:
            extras[(person_id, module_id)] = _Granted(count=used, last_at=last_at)
    return attempts, extras
