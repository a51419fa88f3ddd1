"""Questions learners ask on a module's section, answered by their pivots (or their coordinator) from an inbox.

A question goes to the pivots of the asker's teams (teams of the organization the asker belonged to when
asking); when those teams have no pivot, to the coordinators of that organization, who see every question of
their organization and may answer any of them. The Table reads every question and may hide a question or an
answer, with a reason (the row stays, the text is no longer shown). Who may read or answer is decided by
:mod:`elearning.permissions` (``can_view_question``, ``can_answer_question``, ``can_hide_question``) and, for
lists, by the scopes beside them (:func:`~elearning.permissions.scopes.questions_visible_to`).

Texts are stored as typed (Markdown) and rendered through the sanitizer when read
(:func:`elearning.content.render_message`). What the asker reads about their own questions is kept per process
under their revision (:mod:`elearning.services.revisions`): every write here gives the asker a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from elearning import clock, permissions
from elearning.content import render_message
from elearning.extensions import db
from elearning.models import (
    Module,
    ModuleQuestion,
    Person,
    QuestionAnswer,
    Team,
    TeamMembership,
)
from elearning.models.people import new_facts_revision
from elearning.models.questions import MAX_QUESTION_LENGTH
from elearning.models.types import in_language
from elearning.permissions import QuestionRef, Viewer, scopes
from elearning.services import history, revisions, transactions
from elearning.services.access import NOT_FOUND, check, require
from elearning.services.audit import record
from elearning.services.catalog import cache, lookup
from elearning.services.errors import Invalid, NotFound
from elearning.services.mail import outbox

__all__ = [
    "MAX_HIDE_REASON_LENGTH",
    "MAX_QUESTION_LENGTH",
    "AnswerView",
    "Inbox",
    "QuestionView",
    "UnseenAnswer",
    "UnseenAnswers",
    "answer",
    "ask",
    "catalog_titles",
    "hide_answer",
    "hide_question",
    "mark_answers_seen",
    "question_ref",
    "rendered",
    "section_questions",
    "unseen_answers",
]

MAX_HIDE_REASON_LENGTH = 500


# -- plain values --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerView:
    id: int
    author_name: str
    #: Sanitized HTML of the answer; None once the Table hid it.
    body_html: str | None
    answered_at: dt.datetime
    hidden: bool
    #: Why the Table hid it (shown to the Table only; None for everyone else).
    hidden_reason: str | None = None


class _Titled:
    """Where a question was asked, named in a language (the catalog's titles, both languages)."""

    module_title_fr: str
    module_title_en: str | None
    section_title_fr: str
    section_title_en: str | None

    def module_title(self, language: str) -> str:
        return in_language(language, self.module_title_fr, self.module_title_en)

    def section_title(self, language: str) -> str:
        return in_language(language, self.section_title_fr, self.section_title_en)


@dataclass(frozen=True)
class QuestionView(_Titled):
    id: int
    asker_name: str
    module_slug: str
    section_slug: str
    module_title_fr: str
    module_title_en: str | None
    section_title_fr: str
    section_title_en: str | None
    #: Sanitized HTML of the question; None once the Table hid it.
    body_html: str | None
    asked_at: dt.datetime
    answered_at: dt.datetime | None
    hidden: bool
    answers: tuple[AnswerView, ...] = ()
    hidden_reason: str | None = None
    #: The asker's teams have no pivot: the question went to the organization's coordinators.
    to_coordinator: bool = False
    #: The viewer may answer it.
    may_answer: bool = False
    #: An answer came after the asker last read them.
    new_answer: bool = False
    organization_code: str | None = None


@dataclass(frozen=True)
class Inbox:
    questions: tuple[QuestionView, ...]
    #: The ``after`` of the next page (None: this is the last one).
    next_after: int | None
    #: The viewer may hide questions and answers (the Table).
    may_hide: bool


def catalog_titles(module_id: int, module_slug: str, section_slug: str) -> tuple[str, str | None, str, str | None]:
    """The module's and the section's titles from the catalog (the slugs for a retired module or section)."""
    catalog = cache.catalog()
    ref = catalog.by_id.get(module_id)
    if ref is None:
        return module_slug, None, section_slug, None
    section = next((s for s in catalog.sections.get(ref.version.id, ()) if s.slug == section_slug), None)
    if section is None:
        return ref.version.title_fr, ref.version.title_en, section_slug, None
    return ref.version.title_fr, ref.version.title_en, section.title_fr, section.title_en


def rendered(body: str, hidden_at: dt.datetime | None) -> str | None:
    return None if hidden_at is not None else render_message(body)


# -- access --------------------------------------------------------------------------------------------


def question_ref(question: ModuleQuestion, day: dt.date) -> QuestionRef:
    """The question as access rules see it: its asker's teams of the question's organization on ``day`` (one
    statement)."""
    team_ids: frozenset[int] = frozenset()
    if question.organization_id is not None:
        team_ids = frozenset(
            db.session.scalars(
                sa.select(TeamMembership.team_id)
                .join(Team, Team.id == TeamMembership.team_id)
                .where(
                    TeamMembership.person_id == question.person_id,
                    TeamMembership.holds_on(day),
                    Team.organization_id == question.organization_id,
                )
            )
        )
    return QuestionRef(question.person_id, question.organization_id, team_ids)


def _load_question(actor: Viewer, question_id: int, day: dt.date) -> tuple[ModuleQuestion, QuestionRef]:
    """The question, when the actor may read it; :class:`NotFound` otherwise (a question is private, even within
    the organization)."""
    question = db.session.get(ModuleQuestion, question_id)
    if question is None:
        raise NotFound(NOT_FOUND)
    ref = question_ref(question, day)
    if not permissions.can_view_question(actor, ref):
        raise NotFound(NOT_FOUND)
    return question, ref


# -- writes --------------------------------------------------------------------------------------------


def _text(body: str, field: str) -> str:
    text = (body or "").strip()
    if not text:
        raise Invalid(_l("Write your message before sending it."), field=field)
    if len(text) > MAX_QUESTION_LENGTH:
        raise Invalid(_l("A message holds at most %(max)s characters.", max=MAX_QUESTION_LENGTH), field=field)
    return text


def _changed(person_id: int) -> None:
    """The person's questions changed: a new :attr:`Person.questions_revision` (never 0), in this transaction.
    Not a fact about them: their facts revision (roles, progress, reports' kept figures) stays."""
    db.session.execute(
        sa.update(Person)
        .where(Person.id == person_id)
        .values(questions_revision=new_facts_revision())
        .execution_options(synchronize_session=False)
    )


# -- notifications (through the outbox: they commit with the question or the answer) -------------------


def _titles(question: ModuleQuestion, module_slug: str) -> dict[str, Any]:
    module_fr, module_en, section_fr, section_en = catalog_titles(
        question.module_id, module_slug, question.section_slug
    )
    return {
        "module_title": {"fr": module_fr, "en": module_en or module_fr},
        "section_title": {"fr": section_fr, "en": section_en or section_fr},
        "module_slug": module_slug,
        "section_slug": question.section_slug,
    }


def _notify_routed(actor: Viewer, question: ModuleQuestion, module_slug: str) -> None:
    """A new question notifies whom it is routed to: the pivots of the asker's teams, or failing them the
    coordinators of the asker's organization (the same rule as the inbox's). The message names the asker and
    where they asked, never the question's text (it stays on the site, behind sign-in)."""
    day = clock.today()
    pivots = list(db.session.scalars(sa.select(Person).where(scopes.pivots_of(actor, day)).order_by(Person.id)))
    recipients = pivots or list(
        db.session.scalars(sa.select(Person).where(scopes.coordinators_of(actor, day)).order_by(Person.id))
    )
    asker = db.session.get(Person, question.person_id)
    assert asker is not None
    for recipient in recipients:
        outbox.enqueue_message(
            "question_asked",
            kind="question.asked",
            to_person=recipient,
            asker_name=asker.full_name,
            to_coordinator=not pivots,
            **_titles(question, module_slug),
        )


def _notify_asker(question: ModuleQuestion) -> None:
    """An answer notifies the asker, with a link to the section where they read it (not the answer's text)."""
    asker = db.session.get(Person, question.person_id)
    module = db.session.get(Module, question.module_id)
    if asker is None or module is None or asker.deactivated_at is not None:
        return
    outbox.enqueue_message(
        "question_answered", kind="question.answered", to_person=asker, **_titles(question, module.slug)
    )


def ask(actor: Viewer, ref: lookup.ModuleRef, section_slug: str, body: str, *, language: str = "fr") -> ModuleQuestion:
    """A question of the actor on a section of a module (any signed-in person): routed to the pivots of their
    teams, or failing them to their organization's coordinators. The caller commits."""
    require(permissions.can_use_learning(actor))
    if not any(section.slug == section_slug for section in lookup.sections_of([ref])[ref.version.id]):
        raise NotFound(_l("This section does not exist."))
    text = _text(body, "body")
    assert actor.person_id is not None
    now = clock.now()
    organization = history.organization_of(actor.person_id, clock.get_clock().local_date(now))
    question = ModuleQuestion(
        person_id=actor.person_id,
        organization_id=organization.id if organization is not None else None,
        module_id=ref.module.id,
        section_slug=section_slug,
        body=text,
        language="en" if language == "en" else "fr",
        asked_at=now,
    )
    db.session.add(question)
    db.session.flush()
    _changed(actor.person_id)
    record(
        "question.asked",
        actor=actor,
        object_type="question",
        object_id=question.id,
        details={"module": ref.module.slug, "section": section_slug, "organization_id": question.organization_id},
    )
    _notify_routed(actor, question, ref.module.slug)
    return question


def answer(actor: Viewer, question_id: int, body: str) -> QuestionAnswer:
    """An answer to a question: a pivot of one of the asker's teams or a coordinator of the question's
    organization (:class:`NotFound` for a question the actor may not read). The caller commits."""
    day = clock.today()
    question, ref = _load_question(actor, question_id, day)
    check(permissions.can_answer_question(actor, ref), actor, may_see=True)
    if question.hidden_at is not None:
        raise Invalid(_l("This question was hidden: it cannot be answered."), field="body")
    text = _text(body, "body")
    assert actor.person_id is not None
    now = clock.now()
    row = QuestionAnswer(question_id=question.id, person_id=actor.person_id, body=text, answered_at=now)
    db.session.add(row)
    question.answered_at = now
    db.session.flush()
    _changed(question.person_id)
    record(
        "question.answered",
        actor=actor,
        subject=question.person_id,
        object_type="question",
        object_id=question.id,
        details={"answer_id": row.id},
    )
    _notify_asker(question)
    return row


def _reason(reason: str, confirmed: bool) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise Invalid(_l("Say why it is hidden."), field="reason")
    if len(text) > MAX_HIDE_REASON_LENGTH:
        raise Invalid(_l("A reason holds at most %(max)s characters.", max=MAX_HIDE_REASON_LENGTH), field="reason")
    if not confirmed:
        raise Invalid(_l("Tick the box to confirm: the text will no longer be shown to anyone."), field="confirm")
    return text


def hide_question(actor: Viewer, question_id: int, reason: str, *, confirmed: bool = True) -> ModuleQuestion:
    """The Table hides a question (recorded with the reason); its text is no longer shown. The caller commits."""
    question, _ref = _load_question(actor, question_id, clock.today())
    check(permissions.can_hide_question(actor), actor, may_see=True)
    text = _reason(reason, confirmed)
    if question.hidden_at is None:
        question.hidden_at = clock.now()
        question.hidden_by_id = actor.person_id
        question.hidden_reason = text
        db.session.flush()
        _changed(question.person_id)
        record(
            "question.hidden",
            actor=actor,
            subject=question.person_id,
            object_type="question",
            object_id=question.id,
            details={"reason": text},
        )
    return question


def hide_answer(actor: Viewer, answer_id: int, reason: str, *, confirmed: bool = True) -> QuestionAnswer:
    """The Table hides an answer (recorded with the reason); its text is no longer shown. A question left with
    no answer shown goes back to the unanswered ones. The caller commits."""
    row = db.session.get(QuestionAnswer, answer_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    question, _ref = _load_question(actor, row.question_id, clock.today())
    check(permissions.can_hide_question(actor), actor, may_see=True)
    text = _reason(reason, confirmed)
    if row.hidden_at is None:
        row.hidden_at = clock.now()
        row.hidden_by_id = actor.person_id
        row.hidden_reason = text
        db.session.flush()
        shown = db.session.scalar(
            sa.select(sa.func.max(QuestionAnswer.answered_at)).where(
                QuestionAnswer.question_id == question.id, QuestionAnswer.hidden_at.is_(None)
            )
        )
        question.answered_at = shown
        db.session.flush()
        _changed(question.person_id)
        record(
            "answer.hidden",
            actor=actor,
            subject=question.person_id,
            object_type="question_answer",
            object_id=row.id,
            details={"question_id": question.id, "reason": text},
        )
    return row


# -- the asker's questions -----------------------------------------------------------------------------

_ANSWERER = orm.aliased(Person)


def _unseen() -> sa.ColumnElement[bool]:
    return sa.and_(
        ModuleQuestion.answered_at.is_not(None),
        ModuleQuestion.hidden_at.is_(None),
        sa.or_(ModuleQuestion.answer_seen_at.is_(None), ModuleQuestion.answer_seen_at < ModuleQuestion.answered_at),
    )


def section_questions(
    viewer: Viewer, questions_revision: int, module_id: int, section_slug: str
) -> tuple[QuestionView, ...]:
    """The viewer's own questions on a section, oldest first, each with its answers: one statement, none for
    someone who never asked (``questions_revision`` 0, read with their session) and none while their questions
    revision holds."""
    person_id = viewer.person_id
    if person_id is None or not questions_revision:
        return ()
    return revisions.memo_at(
        "section_questions",
        person_id,
        questions_revision,
        (module_id, section_slug, cache.current_token()),
        lambda: _section_questions(person_id, module_id, section_slug),
    )


def _section_questions(person_id: int, module_id: int, section_slug: str) -> tuple[QuestionView, ...]:
    rows = db.session.execute(
        sa.select(
            ModuleQuestion.id,
            ModuleQuestion.body,
            ModuleQuestion.asked_at,
            ModuleQuestion.answered_at,
            ModuleQuestion.hidden_at,
            _unseen().label("new_answer"),
            Person.full_name.label("asker_name"),
            Module.slug.label("module_slug"),
            QuestionAnswer.id.label("answer_id"),
            QuestionAnswer.body.label("answer_body"),
            QuestionAnswer.answered_at.label("answer_at"),
            QuestionAnswer.hidden_at.label("answer_hidden_at"),
            _ANSWERER.full_name.label("answerer_name"),
        )
        .join(Person, Person.id == ModuleQuestion.person_id)
        .join(Module, Module.id == ModuleQuestion.module_id)
        .outerjoin(QuestionAnswer, QuestionAnswer.question_id == ModuleQuestion.id)
        .outerjoin(_ANSWERER, _ANSWERER.id == QuestionAnswer.person_id)
        .where(
            ModuleQuestion.person_id == person_id,
            ModuleQuestion.module_id == module_id,
            ModuleQuestion.section_slug == section_slug,
        )
        .order_by(ModuleQuestion.asked_at, ModuleQuestion.id, QuestionAnswer.answered_at, QuestionAnswer.id)
    ).all()
    answers: dict[int, list[AnswerView]] = {}
    firsts: dict[int, Any] = {}
    for row in rows:
        firsts.setdefault(row.id, row)
        if row.answer_id is not None:
            answers.setdefault(row.id, []).append(
                AnswerView(
                    id=row.answer_id,
                    author_name=row.answerer_name,
                    body_html=rendered(row.answer_body, row.answer_hidden_at),
                    answered_at=row.answer_at,
                    hidden=row.answer_hidden_at is not None,
                )
            )
    titles = catalog_titles(module_id, "", section_slug)
    return tuple(
        QuestionView(
            id=row.id,
            asker_name=row.asker_name,
            module_slug=row.module_slug,
            section_slug=section_slug,
            module_title_fr=titles[0] or row.module_slug,
            module_title_en=titles[1],
            section_title_fr=titles[2],
            section_title_en=titles[3],
            body_html=rendered(row.body, row.hidden_at),
            asked_at=row.asked_at,
            answered_at=row.answered_at,
            hidden=row.hidden_at is not None,
            answers=tuple(answers.get(row.id, ())),
            new_answer=bool(row.new_answer),
        )
        for row in firsts.values()
    )


def mark_answers_seen(viewer: Viewer, questions: Iterable[QuestionView]) -> bool:
    """The asker read the answers of ``questions`` (their own, shown on a section): the dashboard notice forgets
    them. Writes only when one of them had a new answer (a page calls it: it begins writing then)."""
    ids = sorted(question.id for question in questions if question.new_answer)
    if not ids or viewer.person_id is None:
        return False
    transactions.begin_writing()
    db.session.execute(
        sa.update(ModuleQuestion)
        .where(ModuleQuestion.id.in_(ids), ModuleQuestion.person_id == viewer.person_id)
        .values(answer_seen_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    _changed(viewer.person_id)
    return True


@dataclass(frozen=True)
class UnseenAnswer(_Titled):
    """One of the asker's questions whose answer they have not read yet: where to read it."""

    question_id: int
    module_slug: str
    section_slug: str
    module_title_fr: str
    module_title_en: str | None
    section_title_fr: str
    section_title_en: str | None


@dataclass(frozen=True)
class UnseenAnswers:
    """The dashboard's notice: how many of the asker's questions have answers they have not read, and the most
    recent of them (at most :data:`UNSEEN_SHOWN`)."""

    count: int = 0
    questions: tuple[UnseenAnswer, ...] = ()


def unseen_answers(viewer: Viewer, questions_revision: int) -> UnseenAnswers:
    """The viewer's questions with answers they have not read (the dashboard's notice): one statement, none for
    someone who never asked (``questions_revision`` 0) and none while their questions revision holds."""
    person_id = viewer.person_id
    if person_id is None or not questions_revision:
        return UnseenAnswers()
    return revisions.memo_at(
        "unseen_answers", person_id, questions_revision, cache.current_token(), lambda: _unseen_answers(person_id)
    )


#: At most this many questions are listed in the dashboard's notice (the count says how many there are).
UNSEEN_SHOWN = 10


def _unseen_answers(person_id: int) -> UnseenAnswers:
    rows = db.session.execute(
        sa.select(
            ModuleQuestion.id,
            ModuleQuestion.module_id,
            ModuleQuestion.section_slug,
            Module.slug,
            sa.func.count().over().label("total"),
        )
        .join(Module, Module.id == ModuleQuestion.module_id)
        .where(ModuleQuestion.person_id == person_id, _unseen())
        .order_by(ModuleQuestion.answered_at.desc(), ModuleQuestion.id.desc())
        .limit(UNSEEN_SHOWN)
    ).all()
    found = []
    for row in rows:
        titles = catalog_titles(row.module_id, row.slug, row.section_slug)
        found.append(UnseenAnswer(row.id, row.slug, row.section_slug, *titles))
    return UnseenAnswers(rows[0].total if rows else 0, tuple(found))
