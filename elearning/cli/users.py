"""``elearning users``: accounts and their roles."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from elearning import clock
from elearning.cli.base import Group, echo_table
from elearning.permissions import SYSTEM
from elearning.services import history
from elearning.services.errors import Invalid
from elearning.services.people import accounts, imports, organizations

users = Group("users", help="Create accounts, set their roles, deactivate them.")

ROLE_OPTION = click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="worker, pivot, coordinator, table or admin; repeat for several.",
)


def read_new_password() -> str:
    """From a hidden prompt (asked twice) on a terminal, else two lines of standard input. Never argv."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    first = sys.stdin.readline().rstrip("\r\n")
    second = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise click.ClickException("no password on standard input: give it on two lines")
    if first != second:
        raise click.ClickException("the two passwords on standard input differ")
    return first


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Full name.")
@click.option("--org", "org_code", default=None, help="Organization code (required unless every role is global).")
@ROLE_OPTION
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--no-password", is_flag=True, help="Create the account without a password (cannot sign in yet).")
def create(
    email: str, name: str, org_code: str | None, roles: tuple[str, ...], language: str, no_password: bool
) -> None:
    """Create an account. The password is read from a prompt, or twice from standard input."""
    parsed = accounts.parse_roles(roles)
    organization = organizations.get_organization(org_code) if org_code else None
    if organization is None and any(role.needs_organization for role in parsed):
        raise Invalid("--org is required for the roles worker, pivot and coordinator")
    accounts.normalize_email(email)
    password = None if no_password else read_new_password()
    person = accounts.create_person(
        SYSTEM,
        email=email,
        full_name=name,
        roles=parsed,
        organization=organization,
        password=password,
        language=language,
    )
    click.echo(f"created {person.email} ({', '.join(sorted(r.value for r in parsed))})")


@users.command("list")
@click.option("--org", "org_code", default=None, help="Only the members of this organization.")
def list_(org_code: str | None) -> None:
    """List accounts with today's organization and roles."""
    today = clock.today()
    only = organizations.get_organization(org_code).id if org_code else None
    rows = []
    for person in accounts.list_people():
        organization = history.organization_of(person.id, today)
        if only is not None and (organization is None or organization.id != only):
            continue
        roles = history.roles_of(person.id, today)
        rows.append(
            [
                person.email,
                person.full_name,
                organization.code if organization else "-",
                ",".join(sorted(role.value for role in roles)) or "-",
                "deactivated" if person.deactivated_at else "active",
            ]
        )
    echo_table(["email", "name", "org", "roles", "status"], rows)


@users.command("set-roles")
@click.option("--email", required=True)
@ROLE_OPTION
@click.option("--org", "org_code", default=None, help="Organization (default: the current one); another moves them.")
def set_roles(email: str, roles: tuple[str, ...], org_code: str | None) -> None:
    """Make the given roles the account's roles from today."""
    parsed = accounts.parse_roles(roles)
    organization = organizations.get_organization(org_code) if org_code else None
    person = accounts.get_person(email)
    accounts.set_roles(SYSTEM, person, parsed, organization)
    click.echo(f"{person.email}: {', '.join(sorted(r.value for r in parsed))}")


@users.command("deactivate")
@click.option("--email", required=True)
def deactivate(email: str) -> None:
    """Deactivate an account; its history is kept."""
    person = accounts.get_person(email)
    accounts.deactivate(SYSTEM, person)
    click.echo(f"deactivated {person.email}")


@users.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Land the valid rows (without it: a preview, nothing written).")
@click.option("--send-links", is_flag=True, help="With --apply: e-mail each new account a link to set its password.")
def import_(file: Path, apply_: bool, send_links: bool) -> None:
    """Import accounts from a CSV file (email;full_name;organization;roles;team;language): a preview of every
    row (create, update, unchanged or error, with its line and reason) unless --apply."""
    if send_links and not apply_:
        raise click.ClickException("--send-links goes with --apply")
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror}") from None
    if size > imports.MAX_BYTES:
        raise click.ClickException(imports.too_big())
    with file.open("rb") as stream:
        data = imports.read_limited(stream)
    if apply_:
        applied = imports.apply(SYSTEM, data, send_links=send_links, file_name=file.name)
        result = applied.preview
    else:
        result = imports.preview(SYSTEM, data)
    shown = [row for row in result.rows if row.action != imports.UNCHANGED]
    if shown:
        echo_table(
            ["line", "action", "email", "reason"],
            [[str(row.line), row.action, row.email, row.reason] for row in shown],
        )
    counts = result.counts
    summary = ", ".join(f"{counts[action]} {action}" for action in imports.ACTIONS)
    if apply_:
        links = f"; {applied.links_sent} password-set links queued" if send_links else ""
        click.echo(f"import applied: {summary}{links}")
    else:
        click.echo(f"import preview: {summary} (nothing written; --apply lands the valid rows)")
