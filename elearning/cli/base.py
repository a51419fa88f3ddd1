"""What every command shares: errors as one line with a non-zero exit, and one transaction for writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from elearning.extensions import db
from elearning.services import transactions
from elearning.services.errors import ServiceError


class Command(click.Command):
    """A command that commits once, after it ran, or not at all: its refusals print one line
    (``Error: ...``) and exit 1, never a traceback, and roll back everything it began. On SQLite its
    transactions take the write lock from their first statement (see :mod:`elearning.services.transactions`).
    """

    def invoke(self, ctx: click.Context) -> Any:
        transactions.start_writing()
        try:
            result = super().invoke(ctx)
            db.session.commit()
            return result
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        except (OperationalError, ProgrammingError) as exc:
            db.session.rollback()
            reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
            raise click.ClickException(
                f"the database is not ready ({reason}); run `elearning db upgrade` first"
            ) from None
        except BaseException:
            db.session.rollback()
            raise
        finally:
            transactions.stop_writing()


class Group(AppGroup):
    """A command group (in the application context) whose commands are :class:`Command`."""

    command_class = Command


class DateParam(click.ParamType):
    """A calendar day written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


DATE = DateParam()


def echo_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print aligned columns."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    for line in [headers, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
