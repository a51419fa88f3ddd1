"""An insert that cannot happen twice: the database decides, even when two requests race."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from elearning.extensions import db
from elearning.services import revisions


def insert_once(model: type, values: dict[str, Any], unique: list[str]) -> int | None:
    """``INSERT ... ON CONFLICT (unique) DO NOTHING RETURNING id``: the new row's id, or None when a row with
    the same ``unique`` columns exists (or is being inserted by a concurrent transaction that commits)."""
    table = model.__table__  # type: ignore[attr-defined]
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
    inserted: int | None = db.session.execute(statement).scalar()
    if inserted is not None and issubclass(model, revisions.PERSON_FACTS):
        revisions.touch([values["person_id"]])
    return inserted
