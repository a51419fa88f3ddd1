"""Calendar arithmetic on business dates, and the one parser of a day a person types (YYYY-MM-DD)."""

from __future__ import annotations

import calendar
import datetime as dt

from flask_babel import lazy_gettext as _l

from elearning.services.errors import Invalid


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months``, same day number, clamped to the end of a shorter month (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_day(text: str | None, *, field: str, label: object = None, required: bool = False) -> dt.date | None:
    """A day written YYYY-MM-DD (None when empty and not ``required``). :class:`Invalid` for ``field``,
    its message led by ``label`` (the field's name as the page shows it) when given."""
    value = (text or "").strip()
    if not value and not required:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        message = (
            _l("%(field)s: write the date as YYYY-MM-DD, for example 2026-03-31.", field=label)
            if label is not None
            else _l("Write the date as YYYY-MM-DD, for example 2026-03-31.")
        )
        raise Invalid(message, field=field) from None
