"""What is known about a person, kept per process while nothing about them changes.

Every person carries a random ``facts_revision``. Any write of a fact about a person (their memberships, roles,
designations, teams, track assignments, certificates, attempts, extra attempts, section views and completions;
a team's or an organization's own change counts for everyone in it) replaces it, in the same transaction: the
ORM writes through the flush hook below, the few statements written by hand through :func:`touch`.

The sign-in session's lookup reads the signed-in person's revision along (no statement of its own) and
:func:`remember`\\ s it for the unit of work. What is read about that person and depends only on such facts,
the content and the day (their roles and teams, their cycle starts, their progress) is then kept per process
under the revision (:func:`memo`) and read again only once it changed: in every process, on its next request,
since each one reads the revision afresh. A unit of work that wrote about the person no longer uses the memo
for them (it would not see its own writes), and nothing it reads after its write is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from elearning.extensions import db
from elearning.models import (
    Certificate,
    Completion,
    CoordinatorGrant,
    ExtraAttempt,
    GlobalGrant,
    Membership,
    Organization,
    Person,
    PivotDesignation,
    QuizAttempt,
    SectionView,
    Team,
    TeamMembership,
    TrackAssignment,
)
from elearning.models.people import new_facts_revision

_Value = TypeVar("_Value")

#: The models whose rows are facts about the person of their ``person_id``.
PERSON_FACTS: tuple[type, ...] = (
    Membership,
    PivotDesignation,
    CoordinatorGrant,
    GlobalGrant,
    TeamMembership,
    TrackAssignment,
    Certificate,
    QuizAttempt,
    ExtraAttempt,
    SectionView,
    Completion,
)
#: Entries kept per process (each a small frozen value: a viewer, cycle starts, one person's progress).
KEPT = 4096
#: :attr:`Session.info` key: the revisions this unit of work read, by person id.
KNOWN = "elearning.person_revisions"

_lock = threading.Lock()
_kept: OrderedDict[Hashable, Any] = OrderedDict()


def remember(person_id: int, revision: int | None) -> None:
    """The revision of ``person_id`` as this unit of work read it (the sign-in session's lookup reads it)."""
    if revision is not None:
        db.session().info.setdefault(KNOWN, {})[person_id] = revision


def remember_read(revisions: Iterable[tuple[int, int | None]]) -> None:
    """The revisions of (person id, revision) pairs a read returned along with other columns (a report's
    members), so that what depends on them can be kept (:func:`memo_many`). Call it only before this unit of
    work writes (what it reads after a write is not kept); a revision it already knows stays."""
    known = db.session().info.setdefault(KNOWN, {})
    for person_id, revision in revisions:
        if revision is not None and person_id not in known:
            known[person_id] = revision


def memo(kind: str, person_id: int, key: Callable[[], Hashable], compute: Callable[[], _Value]) -> _Value:
    """``compute()``, kept per process under the person's revision as this unit of work read it, with
    ``kind`` and ``key()`` (which must name everything else the value depends on: the day, the content token,
    the modules...). Without a known revision (another person, a command), or once this unit of work wrote
    about the person, ``compute()`` runs, nothing is kept and ``key`` is not called. The value must be
    immutable."""
    session = db.session()
    revision = session.info.get(KNOWN, {}).get(person_id)
    if revision is None:
        return compute()
    full = (str(session.get_bind().engine.url), kind, person_id, revision, key())
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full]  # type: ignore[no-any-return]
    value = compute()
    if session.info.get(KNOWN, {}).get(person_id) != revision:
        return value  # computing it wrote about the person
    with _lock:
        _kept[full] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def memo_at(kind: str, person_id: int, revision: int, key: Hashable, compute: Callable[[], _Value]) -> _Value:
    """``compute()``, kept per process under a revision the caller read itself (not the facts revision: a value
    that depends on something else about the person, such as their questions), with ``kind`` and ``key``. The
    value must be immutable."""
    full = (str(db.session().get_bind().engine.url), kind, person_id, "at", revision, key)
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _kept[full] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def memo_many(
    kind: str, person_ids: Iterable[int], key: Hashable, compute: Callable[[list[int]], Mapping[int, _Value]]
) -> dict[int, _Value]:
    """:func:`memo` for many people at once, by person id: the values kept under each person's revision, and
    one ``compute(missing)`` (a batch read) for the others. ``key`` names everything else the values depend on.
    """
    session = db.session()
    known = session.info.get(KNOWN, {})
    url = str(session.get_bind().engine.url)
    result: dict[int, _Value] = {}
    missing: list[int] = []
    wanted: dict[int, tuple[str, str, int, Any, Hashable]] = {}
    with _lock:
        for person_id in person_ids:
            revision = known.get(person_id)
            full = (url, kind, person_id, revision, key)
            if revision is not None and full in _kept:
                _kept.move_to_end(full)
                result[person_id] = _kept[full]
                continue
            missing.append(person_id)
            if revision is not None:
                wanted[person_id] = full
    if not missing:
        return result
    computed = compute(missing)
    after = session.info.get(KNOWN, {})
    with _lock:
        for person_id in missing:
            value = result[person_id] = computed[person_id]
            kept = wanted.get(person_id)
            if kept is not None and after.get(person_id) == kept[3]:  # computing it wrote nothing about them
                _kept[kept] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return result


def forget(person_id: int) -> None:
    """This unit of work reads everything about the person afresh from now on (it took their lock)."""
    known = db.session().info.get(KNOWN)
    if known:
        known.pop(person_id, None)


def clear() -> None:
    """Forget everything this process keeps (tests)."""
    with _lock:
        _kept.clear()


def touch(person_ids: Iterable[int]) -> None:
    """Give these people a new revision, in the current transaction (writes the ORM does not see)."""
    ids = sorted(set(person_ids))
    if ids:
        _bump(db.session(), ids)


def _bump(session: Session, ids: list[int], subqueries: Iterable[Any] = ()) -> None:
    """A new revision for ``ids`` and for the people the ``subqueries`` select; this unit of work forgets the
    revisions it read for them."""
    conditions = [Person.id.in_(ids)] if ids else []
    conditions.extend(Person.id.in_(subquery) for subquery in subqueries)
    if not conditions:
        return
    known = session.info.get(KNOWN)
    if known:
        if subqueries:
            known.clear()  # whoever is in a team or an organization that changed
        for person_id in ids:
            known.pop(person_id, None)
    session.connection().execute(
        sa.update(Person).where(sa.or_(*conditions)).values(facts_revision=new_facts_revision())
    )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Every ORM write of a fact about a person gives that person a new revision, in the same transaction."""
    people: set[int] = set()
    teams: set[int] = set()
    organizations: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, PERSON_FACTS):
            people.add(instance.person_id)  # type: ignore[attr-defined]
        elif isinstance(instance, Person) and instance in session.dirty and session.is_modified(instance):
            people.add(instance.id)
        elif isinstance(instance, Team) and instance not in session.new:
            teams.add(instance.id)
        elif isinstance(instance, Organization) and instance not in session.new:
            organizations.add(instance.id)
    subqueries = []
    if teams:
        subqueries.append(sa.select(TeamMembership.person_id).where(TeamMembership.team_id.in_(sorted(teams))))
    if organizations:
        subqueries.append(sa.select(Membership.person_id).where(Membership.organization_id.in_(sorted(organizations))))
    if people or subqueries:
        _bump(session, sorted(people), subqueries)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(KNOWN, None)
