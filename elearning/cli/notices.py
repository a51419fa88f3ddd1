"""``elearning reminders send-due`` (a daily cron) and ``elearning digests send`` (a weekly cron): what the
platform tells people on its own, queued in the outbox (``elearning mail flush`` delivers it)."""

from __future__ import annotations

import click

from elearning.cli.base import Group, echo_table
from elearning.services.notices import digests, reminders

reminders_group = Group("reminders", help="Reminders of the training people have due.")


@reminders_group.command("send-due")
@click.option(
    "--within-days",
    type=click.IntRange(min=0, max=3650),
    default=reminders.DEFAULT_WITHIN_DAYS,
    show_default=True,
    help="Remind of what is due within this many days (besides what is overdue or in a renewal window).",
)
@click.option("--dry-run", is_flag=True, help="List what would go, and send nothing.")
def send_due(within_days: int, dry_run: bool) -> None:
    """Remind everyone of what is overdue, renewing or due soon, at most once a week per module (cron: daily)."""
    report = reminders.send_due(within_days=within_days, dry_run=dry_run)
    if dry_run and report.sent:
        echo_table(
            ["person", "module", "reason", "due on"],
            [
                [str(item.person_id), module.slug, module.reason, module.due_on.isoformat()]
                for item in report.sent
                for module in item.to_send
            ],
        )
    click.echo(report.summary())


digests_group = Group("digests", help="Weekly digests for pivots and coordinators.")


@digests_group.command("send")
@click.option("--dry-run", is_flag=True, help="Say who would get a digest, and send nothing.")
def send_digests(dry_run: bool) -> None:
    """Send this week's digests to whoever has something to report (cron: weekly; once a week whatever runs)."""
    report = digests.send(dry_run=dry_run)
    if dry_run and report.sent:
        echo_table(["person", "digest"], [[str(person_id), kind] for person_id, kind in report.sent])
    click.echo(report.summary())
