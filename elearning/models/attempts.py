"""Quiz attempts and the extra attempts pivots grant. An attempt keeps what it was judged against."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.intervals import partial_unique_index
from elearning.models.types import UTCDateTime


class QuizAttempt(Model):
    """One attempt at a module version's quiz.

    Fixed when it starts: the quiz (hence the version), the pass mark and the order of questions and choices
    shown. Answers may be saved as the learner goes; the grading write is a conditional update
    (``submitted_at IS NULL``), so a submission is accepted exactly once. At most one open attempt per
    learner and module (a unique index), so two tabs share it.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        partial_unique_index(
            "uq_quiz_attempts_open_person_module",
            "person_id",
            "module_id",
            where="submitted_at IS NULL AND discarded_at IS NULL",
        ),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"), index=True)
    #: Snapshot of the quiz's content hash: a pass counts for every version with the same quiz.
    quiz_hash: Mapped[str] = mapped_column(sa.String(64))
    pass_mark: Mapped[int] = mapped_column(sa.Integer)
    #: Question keys in the order shown, and for each question its choice keys in the order shown.
    question_order: Mapped[list[str]] = mapped_column(sa.JSON)
    choice_order: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON)
    #: Saved answers, question key -> list of choice keys (or ["true"] / ["false"]).
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    saved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Set when an open attempt on a superseded version is dropped (never counted).
    discarded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    score: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    passed: Mapped[bool | None] = mapped_column(sa.Boolean, default=None)
    #: Per question key: whether it was answered right (filled at grading).
    results: Mapped[dict[str, bool] | None] = mapped_column(sa.JSON, default=None)

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None and self.discarded_at is None


class ExtraAttempt(Model):
    """One more attempt at a module's quiz, granted to a learner (by a pivot, coordinator or Admin)."""

    __tablename__ = "extra_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
