"""Dated facts: a start day and an optional end day, half-open.

A fact holds on day ``D`` when ``start_on <= D`` and (``end_on`` is empty or ``D < end_on``): a membership
ended on the day a person moves and the new one started that same day never overlap.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement


class Dated:
    """Mixin for rows that hold from ``start_on`` until ``end_on`` (exclusive)."""

    start_on: Mapped[dt.date] = mapped_column(sa.Date)
    end_on: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)

    @classmethod
    def holds_on(cls, day: dt.date) -> ColumnElement[bool]:
        """SQL condition: the fact holds on ``day``."""
        return sa.and_(cls.start_on <= day, sa.or_(cls.end_on.is_(None), cls.end_on > day))


def partial_unique_index(name: str, *columns: str, where: str) -> sa.Index:
    """A unique index over ``columns`` among the rows matching ``where`` (SQLite and PostgreSQL)."""
    condition = sa.text(where)
    return sa.Index(name, *columns, unique=True, sqlite_where=condition, postgresql_where=condition)


def open_unique_index(name: str, *columns: str) -> sa.Index:
    """A unique index over ``columns`` among rows not yet ended (one open fact at a time)."""
    return partial_unique_index(name, *columns, where="end_on IS NULL")


def end_after_start() -> sa.CheckConstraint:
    """CHECK: an end day, when set, is not before the start day."""
    return sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start")
