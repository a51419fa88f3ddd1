"""Questions learners ask on a module's section, and the answers their pivots (or coordinator) give.

A question belongs to its asker and is routed by the asker's organization and teams as they stand when it is
read (see :func:`elearning.permissions.scopes.questions_visible_to`); ``organization_id`` keeps the
organization the asker belonged to when asking, so a question never travels to another organization with a
person who moves. The Table may hide a question or an answer, with a reason: the row stays (the audit log says
who hid it), the text is no longer shown.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime

MAX_QUESTION_LENGTH = 4000


class ModuleQuestion(Model):
    __tablename__ = "module_questions"
    __table_args__ = (sa.Index("ix_module_questions_organization_asked", "organization_id", "asked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), default=None)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    section_slug: Mapped[str] = mapped_column(sa.String(80))
    #: The question as typed (Markdown); rendered through the sanitizer, never stored as HTML.
    body: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(2), default="fr")
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When the first answer came (None: unanswered), so the inbox sorts unanswered first in one index read.
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    #: When the asker last read the answers (None: never); the dashboard notice shows answers newer than this.
    answer_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)


class QuestionAnswer(Model):
    __tablename__ = "question_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("module_questions.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
