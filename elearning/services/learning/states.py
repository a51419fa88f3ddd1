"""What a person's progress on a module is, as plain values, and the status rule.

The values :mod:`elearning.services.learning.batch` returns: ids, slugs, numbers, dates, so a template, a JSON
body and a CSV row can all use them (display labels belong to the web layer).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol


class ModuleStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    TO_REVIEW = "to_review"
    #: No attempts left at the quiz, and not completed.
    FAILED = "failed"


class QuizRule(Protocol):
    """What the allowance needs of a quiz (a :class:`~elearning.models.Quiz` row or a
    :class:`~elearning.services.catalog.lookup.QuizInfo`)."""

    @property
    def content_hash(self) -> str: ...

    @property
    def attempt_limit(self) -> int: ...


@dataclass(frozen=True)
class Allowance:
    used: int
    allowed: int | None  # None: unlimited
    passed: bool

    @property
    def exhausted(self) -> bool:
        return not self.passed and self.allowed is not None and self.used >= self.allowed


@dataclass(frozen=True)
class CompletionInfo:
    """A completion of a module version, as plain values."""

    version_id: int
    #: The version's authored label.
    version: str
    #: The passing attempt's percentage (None for a module without a quiz).
    score: int | None
    completed_at: dt.datetime
    completed_on: dt.date


@dataclass(frozen=True)
class ModuleState:
    """One person's progress on one module's current version, in their current cycle."""

    person_id: int
    module_id: int
    status: ModuleStatus
    #: Slugs of the current version's sections viewed in the cycle, in reading order.
    viewed: tuple[str, ...]
    section_count: int
    #: The latest completion of the current version in the cycle.
    completion: CompletionInfo | None
    #: Without a completion of the current version: the latest completion of an earlier version in the cycle.
    earlier_completion: CompletionInfo | None
    #: A version after the earlier completion's, up to the current one, requires review.
    review_required: bool
    #: The cycle's start (None: everything counts, a first certification).
    cycle_start: dt.datetime | None
    #: Attempts at the current quiz in the cycle (None: the current version has no quiz).
    allowance: Allowance | None
    #: The best score and the last submission among the module's attempts in the cycle (any quiz version).
    best_score: int | None
    last_attempt_at: dt.datetime | None
    #: The last extra attempt granted in the cycle (None: none granted).
    last_granted_at: dt.datetime | None = None

    @property
    def viewed_count(self) -> int:
        return len(self.viewed)

    @property
    def all_viewed(self) -> bool:
        return self.viewed_count == self.section_count

    @property
    def exhausted(self) -> bool:
        return self.allowance is not None and self.allowance.exhausted

    @property
    def to_review(self) -> bool:
        """An earlier completion that a later version asks to review (whether or not attempts are left)."""
        return self.earlier_completion is not None and self.review_required


def status_of(
    *, completed: bool, earlier_completed: bool, review_required: bool, any_viewed: bool, exhausted: bool
) -> ModuleStatus:
    """The status of a module for a person: completed (the current version, or an earlier one that no later
    version asks to review), then failed (no attempts left), to review, in progress (a section viewed), not
    started."""
    if completed or (earlier_completed and not review_required):
        return ModuleStatus.COMPLETED
    if exhausted:
        return ModuleStatus.FAILED
    if earlier_completed:
        return ModuleStatus.TO_REVIEW
    if any_viewed:
        return ModuleStatus.IN_PROGRESS
    return ModuleStatus.NOT_STARTED
