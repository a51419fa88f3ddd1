"""The synced content, read once per process and content revision.

Content changes only when a sync lands, and every sync that changes it adds a :class:`ContentRevision` with a
random token. Each unit of work reads the newest token once (one indexed read); when this process already
holds the catalog of that token, nothing else is read. When a sync lands in any process, the next unit of work
of every process sees the new token and reads the content again (a handful of grouped queries). Nothing here
is needed by another process: each keeps its own copy.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from elearning.extensions import db
from elearning.models import (
    Choice,
    ContentRevision,
    Module,
    ModuleVersion,
    Question,
    Quiz,
    Section,
    Track,
    TrackModule,
)
from elearning.services.catalog.entries import (
    ChoiceEntry,
    ModuleEntry,
    ModuleRef,
    QuestionEntry,
    QuizEntry,
    SectionEntry,
    TrackEntry,
    VersionEntry,
)

_Entry = TypeVar("_Entry")

#: Catalogs kept per process (one per database and revision; tests use many databases).
KEPT = 8
#: :attr:`Session.info` keys: the catalog this unit of work reads, the content token it read.
IN_SESSION = "elearning.catalog"
KNOWN_REVISION = "elearning.catalog_token"


@dataclass(frozen=True)
class Catalog:
    """The active modules with their current version, sections and quiz, and the modules of each track."""

    token: str
    #: Active modules, by French title then slug.
    modules: tuple[ModuleRef, ...]
    #: The same modules in track order: the tracks in turn (oldest first, retired ones left out), each module
    #: where it first appears, then the modules of no track by French title.
    in_track_order: tuple[ModuleRef, ...]
    by_slug: Mapping[str, ModuleRef]
    by_id: Mapping[int, ModuleRef]
    #: By module version id.
    sections: Mapping[int, tuple[SectionEntry, ...]]
    quizzes: Mapping[int, QuizEntry]
    #: The same quizzes, by quiz id.
    quizzes_by_id: Mapping[int, QuizEntry]
    #: Module ids of each track, in track order (retired tracks included; assignments say which count).
    track_modules: Mapping[int, tuple[int, ...]]
    #: The versions (any, not only current ones) that require review, by module id.
    review_versions: Mapping[int, tuple[int, ...]]
    #: The active tracks, oldest first.
    tracks: tuple[TrackEntry, ...]


_lock = threading.Lock()
_kept: OrderedDict[tuple[str, str], Catalog] = OrderedDict()


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(IN_SESSION, None)
        session.info.pop(KNOWN_REVISION, None)


@functools.cache
def token_column() -> sa.ColumnElement[str | None]:
    """The newest content revision's token, as a column another statement can read along (the sign-in
    session's lookup does, so that most requests spend no statement on the content)."""
    return sa.select(ContentRevision.token).order_by(ContentRevision.id.desc()).limit(1).scalar_subquery()


@functools.cache
def _token_statement() -> sa.Select[str | None]:
    return sa.select(token_column())


def remember_token(token: str | None) -> None:
    """The token read along another statement in this unit of work (see :func:`token_column`)."""
    db.session().info[KNOWN_REVISION] = token or ""


def current_token() -> str:
    """The newest content revision's token ("" before the first sync): one indexed read, unless this unit of
    work read it already."""
    known = db.session().info.get(KNOWN_REVISION)
    if isinstance(known, str):
        return known
    token = db.session.scalar(_token_statement())
    return token or ""


def catalog() -> Catalog:
    """The catalog of the content the database holds now (read at most once per unit of work)."""
    session = db.session()
    held = session.info.get(IN_SESSION)
    if isinstance(held, Catalog):
        return held
    key = (str(session.get_bind().engine.url), current_token())
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
    if found is None:
        found = load(key[1])
        with _lock:
            _kept[key] = found
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    session.info[IN_SESSION] = found
    return found


def forget_in_session() -> None:
    """Read the catalog again in this unit of work (a sync changed the content)."""
    db.session().info.pop(IN_SESSION, None)
    db.session().info.pop(KNOWN_REVISION, None)


def clear() -> None:
    """Forget every catalog this process holds (tests that change content rows without a sync)."""
    with _lock:
        _kept.clear()
    db.session().info.pop(IN_SESSION, None)


def _entry(kind: type[_Entry], row: object, **extra: object) -> _Entry:
    """The plain entry of an ORM row: its fields are the row's columns of the same names (``extra`` gives the
    others, e.g. a question's choices)."""
    names = [field.name for field in dataclasses.fields(kind)]  # type: ignore[arg-type]
    return kind(**{name: getattr(row, name) for name in names if name not in extra}, **extra)


def quizzes_by_id(quiz_ids: list[int]) -> dict[int, QuizEntry]:
    """Quizzes with their questions and choices, by quiz id (three queries), of any version."""
    if not quiz_ids:
        return {}
    choices: dict[int, list[ChoiceEntry]] = defaultdict(list)
    for choice in db.session.scalars(
        sa.select(Choice).join(Question).where(Question.quiz_id.in_(quiz_ids)).order_by(Choice.position)
    ):
        choices[choice.question_id].append(_entry(ChoiceEntry, choice))
    questions: dict[int, list[QuestionEntry]] = defaultdict(list)
    for question in db.session.scalars(
        sa.select(Question).where(Question.quiz_id.in_(quiz_ids)).order_by(Question.position)
    ):
        questions[question.quiz_id].append(_entry(QuestionEntry, question, choices=tuple(choices[question.id])))
    return {
        quiz.id: _entry(QuizEntry, quiz, questions=tuple(questions[quiz.id]))
        for quiz in db.session.scalars(sa.select(Quiz).where(Quiz.id.in_(quiz_ids)))
    }


def load(token: str) -> Catalog:
    """Read the catalog from the database (nine queries, whatever the amount of content)."""
    modules = {
        row.id: ModuleEntry(row.id, row.slug)
        for row in db.session.execute(sa.select(Module.id, Module.slug).where(Module.retired_at.is_(None)))
    }
    newest = sa.select(sa.func.max(ModuleVersion.id)).group_by(ModuleVersion.module_id)
    versions = {
        row.module_id: _entry(VersionEntry, row)
        for row in db.session.scalars(
            sa.select(ModuleVersion).where(ModuleVersion.id.in_(newest), ModuleVersion.module_id.in_(list(modules)))
        )
    }
    refs = sorted(
        (ModuleRef(modules[module_id], version) for module_id, version in versions.items()),
        key=lambda ref: (ref.version.title_fr.casefold(), ref.module.slug),
    )
    version_ids = [ref.version.id for ref in refs]
    sections: dict[int, list[SectionEntry]] = {version_id: [] for version_id in version_ids}
    for row in db.session.scalars(
        sa.select(Section).where(Section.module_version_id.in_(version_ids)).order_by(Section.position)
    ):
        sections[row.module_version_id].append(_entry(SectionEntry, row))
    quiz_ids = list(db.session.scalars(sa.select(Quiz.id).where(Quiz.module_version_id.in_(version_ids))))
    quizzes = {quiz.module_version_id: quiz for quiz in quizzes_by_id(quiz_ids).values()}
    track_modules: dict[int, list[int]] = defaultdict(list)
    in_active_tracks: dict[int, None] = {}  # module ids in track order (a dict keeps the first appearance)
    tracks: dict[int, TrackEntry] = {}
    for track_id, slug, title_fr, title_en, retired_at, module_id in db.session.execute(
        sa.select(Track.id, Track.slug, Track.title_fr, Track.title_en, Track.retired_at, TrackModule.module_id)
        .outerjoin(TrackModule, TrackModule.track_id == Track.id)
        .order_by(Track.id, TrackModule.position)
    ):
        if retired_at is None:
            tracks.setdefault(track_id, TrackEntry(track_id, slug, title_fr, title_en))
        if module_id is None:
            continue
        track_modules[track_id].append(module_id)
        if retired_at is None:
            in_active_tracks.setdefault(module_id, None)
    by_id = {ref.module.id: ref for ref in refs}
    in_track_order = [by_id[module_id] for module_id in in_active_tracks if module_id in by_id]
    in_track_order += [ref for ref in refs if ref.module.id not in in_active_tracks]
    reviews: dict[int, list[int]] = defaultdict(list)
    for module_id, version_id in db.session.execute(
        sa.select(ModuleVersion.module_id, ModuleVersion.id)
        .where(ModuleVersion.requires_review.is_(True))
        .order_by(ModuleVersion.id)
    ):
        reviews[module_id].append(version_id)
    return Catalog(
        token=token,
        modules=tuple(refs),
        in_track_order=tuple(in_track_order),
        by_slug={ref.module.slug: ref for ref in refs},
        by_id=by_id,
        sections={version_id: tuple(rows) for version_id, rows in sections.items()},
        quizzes=quizzes,
        quizzes_by_id={quiz.id: quiz for quiz in quizzes.values()},
        track_modules={track_id: tuple(ids) for track_id, ids in track_modules.items()},
        tracks=tuple(tracks.values()),
        review_versions={module_id: tuple(ids) for module_id, ids in reviews.items()},
    )
