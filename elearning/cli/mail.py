"""``elearning mail flush|status|test``: deliver the outbox, see what is queued or failed, check the settings."""

from __future__ import annotations

import click
from flask import current_app

from elearning.cli.base import Group, echo_table
from elearning.roles import LANGUAGES
from elearning.services.mail import delivery
from elearning.services.mail.outbox import enqueue_message

mail = Group("mail", help="The e-mail outbox.")


@mail.command("flush")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Deliver at most this many messages.")
def flush(limit: int | None) -> None:
    """Deliver the messages that are due (cron: every minute)."""
    click.echo(delivery.flush(limit).summary())


@mail.command("status")
def status() -> None:
    """Messages by status, then the failed ones and those retrying, with their last error."""
    outbox = delivery.status()
    click.echo("mail: " + ", ".join(f"{count} {name}" for name, count in outbox.counts.items()))
    rows = [[str(m.id), "failed", m.address, m.kind, str(m.attempts), m.last_error] for m in outbox.failed]
    rows += [[str(m.id), "retrying", m.address, m.kind, str(m.attempts), m.last_error] for m in outbox.retrying]
    if rows:
        echo_table(["id", "status", "recipient", "kind", "attempts", "last error"], rows)


@mail.command("test")
@click.argument("address")
@click.option("--language", type=click.Choice(LANGUAGES), default="fr", show_default=True)
def test(address: str, language: str) -> None:
    """Queue a test message to ADDRESS (then `elearning mail flush` delivers it)."""
    try:
        message = enqueue_message("test", kind="mail.test", address=address, language=language)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    transport = "SMTP " + current_app.config["SMTP_HOST"] if current_app.config["SMTP_HOST"] else "the log"
    click.echo(f"mail: test message queued for {message.address} (delivered through {transport})")
