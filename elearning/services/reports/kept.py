"""Report figures kept per process while the facts they are computed from stay the same.

One statement sums up the state of those facts: every person's revision (replaced, in the same transaction,
by any write of their memberships, designations, teams, certificates, attempts, their deactivation, and of
their organization: see :mod:`elearning.services.revisions`), the targets (rows are added, never changed) and
the organizations' participation dates. Two equal states give the same figures for the same days, settings
and scope, so a report asked again (the next request, another reader, the export after the page) costs that
one statement. The state is read in the request's own transaction: a unit of work sees its own writes.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app

from elearning.extensions import db
from elearning.models import Organization, OrganizationTarget, Person

_Value = TypeVar("_Value")
_Stored = TypeVar("_Stored")

#: A prime: each person's revision is summed modulo it, so the sum never overflows a 64-bit integer.
REVISION_MODULUS = 1_000_000_007
#: How many results a process keeps (the least recently used go first).
KEPT_SIZE = 128

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


@functools.cache
def _state_statement() -> sa.Select[Any]:
    """:func:`facts_state`'s statement, built once per process, of the tables' columns (it loads no object)."""
    people, targets, organizations = Person.__table__, OrganizationTarget.__table__, Organization.__table__
    revisions = sa.func.coalesce(sa.func.sum(people.c.facts_revision % REVISION_MODULUS), 0)
    values = (
        (people, sa.func.count()),
        (people, revisions),
        (targets, sa.func.count()),
        (targets, sa.func.max(targets.c.id)),
        (organizations, sa.func.count()),
        (organizations, sa.func.max(organizations.c.id)),
        (organizations, sa.func.min(organizations.c.joined_on)),
        (organizations, sa.func.max(organizations.c.joined_on)),
        (organizations, sa.func.count(organizations.c.left_on)),
        (organizations, sa.func.max(organizations.c.left_on)),
    )
    return sa.select(*(sa.select(value).select_from(table).scalar_subquery() for table, value in values))


def facts_state() -> tuple[Any, ...]:
    """The state of the facts reports are computed from (one statement)."""
    return tuple(db.session.connection().execute(_state_statement()).one())


def remembered(
    store: OrderedDict[Hashable, _Stored], key: Hashable, make: Callable[[], _Stored], limit: int
) -> _Stored:
    """``store[key]``, made by ``make()`` the first time and kept, the least recently used dropped past ``limit``
    (the one keep-and-evict helper of the reports and their pages)."""
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = make()
    with _lock:
        store[key] = value
        while len(store) > limit:
            store.popitem(last=False)
    return value


def kept(kind: str, key: Hashable, compute: Callable[[], _Value]) -> _Value:
    """``compute()``, or what it gave before for the same ``kind`` and ``key`` while the facts' state (read here)
    and the settings reports depend on are the same."""
    config = current_app.config
    full_key = (kind, facts_state(), config["RENEWAL_WINDOW_DAYS"], config["TIMEZONE"], key)
    return remembered(_kept, full_key, compute, KEPT_SIZE)  # type: ignore[no-any-return]


def clear() -> None:
    with _lock:
        _kept.clear()
