"""Where services take "now" and "today" from.

Timestamps are aware datetimes in UTC; business dates are calendar days in the ``TIMEZONE`` setting. The
application holds one :class:`Clock`; tests replace it with a :class:`FrozenClock` they can move.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import current_app

UTC = dt.UTC


class Clock:
    """The real clock."""

    def __init__(self, timezone: str) -> None:
        self.tz = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def today(self) -> dt.date:
        return self.now().astimezone(self.tz).date()

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The business date of a UTC timestamp."""
        return moment.astimezone(self.tz).date()

    def start_of_day(self, day: dt.date) -> dt.datetime:
        """The UTC instant at which business day ``day`` starts."""
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.tz).astimezone(UTC)


class FrozenClock(Clock):
    """A clock that stands still until moved (tests, benchmarks)."""

    def __init__(self, timezone: str, at: dt.datetime) -> None:
        super().__init__(timezone)
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.at = at.astimezone(UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)

    def set(self, at: dt.datetime) -> None:
        self.at = at.astimezone(UTC)


@contextlib.contextmanager
def travel(moment: dt.datetime) -> Iterator[FrozenClock]:
    """Run a block as if it were ``moment`` (the demo lives its past this way); the clock is restored after."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    previous = app.extensions["elearning.clock"]
    frozen = FrozenClock(app.config["TIMEZONE"], moment)
    app.extensions["elearning.clock"] = frozen
    try:
        yield frozen
    finally:
        app.extensions["elearning.clock"] = previous


def get_clock() -> Clock:
    """The current application's clock."""
    return current_app.extensions["elearning.clock"]


def now() -> dt.datetime:
    return get_clock().now()


def today() -> dt.date:
    return get_clock().today()
