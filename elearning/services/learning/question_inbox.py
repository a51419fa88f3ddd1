"""The questions inbox of pivots, coordinators and the Table (``/team/inbox``): one page of the questions they may
read but did not ask, unanswered first, with their answers, who may answer each, and which went to the
coordinator because the asker's teams have no pivot. A fixed number of statements whatever the data, and no
statement returns a row the page does not show."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import (
    Membership,
    Module,
    ModuleQuestion,
    Organization,
    Person,
    PivotDesignation,
    QuestionAnswer,
    Team,
    TeamMembership,
)
from elearning.permissions import Viewer, scopes
from elearning.roles import TeamRole
from elearning.services.access import NOT_FOUND
from elearning.services.errors import NotFound
from elearning.services.learning.questions import AnswerView, Inbox, QuestionView, catalog_titles, rendered

__all__ = ["PAGE_SIZE", "has_inbox", "inbox", "require_inbox", "unanswered_count"]

#: Questions per inbox page.
PAGE_SIZE = 20


# -- the inbox -----------------------------------------------------------------------------------------


def has_inbox(viewer: Viewer) -> bool:
    """Pivots, coordinators and the Table have a questions inbox."""
    return permissions.can_open_question_inbox(viewer)


def require_inbox(viewer: Viewer) -> None:
    """:class:`NotFound` for a viewer without a questions inbox."""
    if not has_inbox(viewer):
        raise NotFound(NOT_FOUND)


_PIVOT_OWN = orm.aliased(TeamMembership)
_PIVOT_THEIRS = orm.aliased(TeamMembership)
_PIVOT_TEAM = orm.aliased(Team)
_PIVOT_DESIGNATION = orm.aliased(PivotDesignation)
_PIVOT_MEMBERSHIP = orm.aliased(Membership)
_PIVOT_PERSON = orm.aliased(Person)
_CURSOR = orm.aliased(ModuleQuestion)


def _has_pivot(day: dt.date) -> sa.ColumnElement[bool]:
    """On :class:`ModuleQuestion`: the asker's teams of the question's organization have a pivot on ``day``
    other than the asker (as ``load_viewer`` reads pivots: a designated member of the organization, in a team
    not archived, not deactivated)."""
    own, theirs, team = _PIVOT_OWN, _PIVOT_THEIRS, _PIVOT_TEAM
    designation, membership, pivot = _PIVOT_DESIGNATION, _PIVOT_MEMBERSHIP, _PIVOT_PERSON
    cutoff = clock.get_clock().start_of_day(day + dt.timedelta(days=1))
    routed = (
        sa.select(own.person_id, team.organization_id)
        .join(theirs, theirs.team_id == own.team_id)
        .join(team, team.id == own.team_id)
        .join(pivot, pivot.id == theirs.person_id)
        .join(
            designation,
            sa.and_(designation.person_id == theirs.person_id, designation.organization_id == team.organization_id),
        )
        .join(
            membership,
            sa.and_(membership.person_id == theirs.person_id, membership.organization_id == team.organization_id),
        )
        .where(
            own.holds_on(day),
            theirs.role == TeamRole.PIVOT.value,
            theirs.holds_on(day),
            theirs.person_id != own.person_id,
            team.archived_at.is_(None),
            designation.holds_on(day),
            membership.holds_on(day),
            sa.or_(pivot.deactivated_at.is_(None), pivot.deactivated_at >= cutoff),
        )
        .correlate(None)
    )
    return sa.tuple_(ModuleQuestion.person_id, ModuleQuestion.organization_id).in_(routed)


def _in_inbox(viewer: Viewer, day: dt.date) -> sa.ColumnElement[bool]:
    """The questions of the viewer's inbox: those they may read but did not ask; hidden ones for the Table only."""
    conditions = [scopes.questions_visible_to(viewer, day)]
    if viewer.person_id is not None:
        conditions.append(ModuleQuestion.person_id != viewer.person_id)
    if not permissions.can_hide_question(viewer):
        conditions.append(ModuleQuestion.hidden_at.is_(None))
    return sa.and_(*conditions)


def _answered_flag() -> sa.ColumnElement[int]:
    return sa.case((ModuleQuestion.answered_at.is_(None), 0), else_=1)


def _after(question_id: int) -> sa.ColumnElement[bool]:
    """Keyset: the questions that come after ``question_id`` in the inbox's order (unanswered first, then the
    most recent first), read in the same statement."""
    cursor = _CURSOR
    flag = sa.select(sa.case((cursor.answered_at.is_(None), 0), else_=1)).where(cursor.id == question_id)
    asked = sa.select(cursor.asked_at).where(cursor.id == question_id)
    cursor_flag, cursor_asked = flag.scalar_subquery(), asked.scalar_subquery()
    return sa.or_(
        _answered_flag() > cursor_flag,
        sa.and_(
            _answered_flag() == cursor_flag,
            sa.or_(
                ModuleQuestion.asked_at < cursor_asked,
                sa.and_(ModuleQuestion.asked_at == cursor_asked, ModuleQuestion.id < question_id),
            ),
        ),
    )


def inbox(viewer: Viewer, day: dt.date, *, after: int | None = None, limit: int = PAGE_SIZE) -> Inbox:
    """One page of the viewer's questions inbox, unanswered first, then the most recent first; ``after`` is the
    last question of the previous page. Two statements whatever the data (the page's questions, their
    answers); neither returns a row that is not shown. :class:`NotFound` for a viewer without an inbox."""
    require_inbox(viewer)
    may_hide = permissions.can_hide_question(viewer)
    answerable = scopes.questions_answerable_by(viewer, day)
    query = (
        sa.select(
            ModuleQuestion,
            Person.full_name.label("asker_name"),
            Module.slug.label("module_slug"),
            Organization.code.label("organization_code"),
            answerable.label("may_answer"),
            sa.not_(_has_pivot(day)).label("to_coordinator"),
            sa.func.count().over().label("remaining"),
        )
        .join(Person, Person.id == ModuleQuestion.person_id)
        .join(Module, Module.id == ModuleQuestion.module_id)
        .outerjoin(Organization, Organization.id == ModuleQuestion.organization_id)
        .where(_in_inbox(viewer, day))
        .order_by(_answered_flag(), ModuleQuestion.asked_at.desc(), ModuleQuestion.id.desc())
        .limit(limit)
    )
    if after is not None:
        query = query.where(_after(after))
    rows = db.session.execute(query).all()
    answers = _answers_of([row.ModuleQuestion.id for row in rows], may_hide)
    questions = []
    for row in rows:
        question: ModuleQuestion = row.ModuleQuestion
        titles = catalog_titles(question.module_id, row.module_slug, question.section_slug)
        questions.append(
            QuestionView(
                id=question.id,
                asker_name=row.asker_name,
                module_slug=row.module_slug,
                section_slug=question.section_slug,
                module_title_fr=titles[0],
                module_title_en=titles[1],
                section_title_fr=titles[2],
                section_title_en=titles[3],
                body_html=rendered(question.body, question.hidden_at),
                asked_at=question.asked_at,
                answered_at=question.answered_at,
                hidden=question.hidden_at is not None,
                answers=answers.get(question.id, ()),
                hidden_reason=question.hidden_reason if may_hide else None,
                to_coordinator=bool(row.to_coordinator),
                may_answer=bool(row.may_answer) and question.hidden_at is None,
                organization_code=row.organization_code,
            )
        )
    more = bool(rows) and rows[0].remaining > len(rows)
    return Inbox(tuple(questions), questions[-1].id if more else None, may_hide)


def _answers_of(question_ids: list[int], may_hide: bool) -> dict[int, tuple[AnswerView, ...]]:
    """The answers of these questions, oldest first (one statement; none without a question)."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        sa.select(QuestionAnswer, Person.full_name)
        .join(Person, Person.id == QuestionAnswer.person_id)
        .where(QuestionAnswer.question_id.in_(question_ids))
        .order_by(QuestionAnswer.answered_at, QuestionAnswer.id)
    ).all()
    found: dict[int, list[AnswerView]] = {}
    for row in rows:
        item: QuestionAnswer = row.QuestionAnswer
        found.setdefault(item.question_id, []).append(
            AnswerView(
                id=item.id,
                author_name=row.full_name,
                body_html=rendered(item.body, item.hidden_at),
                answered_at=item.answered_at,
                hidden=item.hidden_at is not None,
                hidden_reason=item.hidden_reason if may_hide else None,
            )
        )
    return {key: tuple(value) for key, value in found.items()}


def unanswered_count(viewer: Viewer, day: dt.date) -> int:
    """How many questions of the viewer's inbox are waiting for an answer (one statement; 0 without an inbox,
    and no statement then)."""
    if not has_inbox(viewer):
        return 0
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ModuleQuestion)
            .where(_in_inbox(viewer, day), ModuleQuestion.answered_at.is_(None), ModuleQuestion.hidden_at.is_(None))
        )
        or 0
    )
