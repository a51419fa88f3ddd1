"""Thin commands over the services. ``register_commands`` adds them to the application's command group."""

from __future__ import annotations

from flask import Flask

from elearning.cli.content import content
from elearning.cli.demo import demo_command
from elearning.cli.mail import mail
from elearning.cli.notices import digests_group, reminders_group
from elearning.cli.orgs import orgs
from elearning.cli.report import report
from elearning.cli.tracks import tracks
from elearning.cli.users import users


def register_commands(app: Flask) -> None:
    app.cli.add_command(content)
    app.cli.add_command(digests_group)
    app.cli.add_command(mail)
    app.cli.add_command(orgs)
    app.cli.add_command(reminders_group)
    app.cli.add_command(report)
    app.cli.add_command(tracks)
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
