"""``elearning orgs``: organizations of the Table."""

from __future__ import annotations

import datetime as dt

import click

from elearning import clock
from elearning.cli.base import DATE, Group, echo_table
from elearning.permissions import SYSTEM
from elearning.roles import OrganizationKind
from elearning.services import history
from elearning.services.people import organizations

orgs = Group("orgs", help="Create and list organizations.")


@orgs.command("create")
@click.option("--code", required=True, help="Short code, e.g. SPVQ (capital letters, digits, hyphens).")
@click.option("--name", required=True, help="Name in French.")
@click.option("--name-en", default=None, help="Name in English (defaults to the French name).")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in OrganizationKind]),
    default=OrganizationKind.OTHER.value,
    show_default=True,
)
@click.option("--target", type=click.IntRange(min=0), default=None, help="Certified pivots committed to.")
@click.option("--joined", type=DATE, default=None, help="Day it joined the Table (default today).")
def create(code: str, name: str, name_en: str | None, kind: str, target: int | None, joined: dt.date | None) -> None:
    """Create an organization, with a target effective today when --target is given."""
    organization = organizations.create_organization(
        SYSTEM, code=code, name_fr=name, name_en=name_en, kind=kind, target=target, joined_on=joined
    )
    click.echo(f"created organization {organization.code}")


@orgs.command("list")
def list_() -> None:
    """List organizations with today's target and member count."""
    today = clock.today()
    rows = []
    for organization in organizations.list_organizations():
        target = history.target_of(organization.id, today)
        members = len(history.members_of(organization.id, today))
        rows.append(
            [
                organization.code,
                organization.name_fr,
                organization.kind,
                "-" if target is None else str(target),
                str(members),
                organization.joined_on.isoformat(),
            ]
        )
    echo_table(["code", "name", "kind", "target", "members", "joined"], rows)
