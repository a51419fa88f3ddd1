"""``python -m bench.team``: grow the demo's "Section jeunesse" (pivot.spvq's team) to ``TEAM_SIZE`` members,
for the team matrix's benchmark (the page for a 40-member team). Run after ``elearning demo`` on the
benchmark's fresh database, with its environment. The new members' work is replayed through the same services
as the demo's: a third read part of a module, a third also failed its quiz once, the rest did nothing yet.
Idempotent: a team that already has ``TEAM_SIZE`` members is left as it is.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from elearning import clock, create_app
from elearning.demo import history
from elearning.demo.data import Progress
from elearning.extensions import db
from elearning.models import Organization, Team, TeamMembership
from elearning.permissions import SYSTEM
from elearning.roles import Role, TeamRole
from elearning.services import transactions
from elearning.services.certification.everyone import reconcile_everyone
from elearning.services.people import accounts, teams

TEAM_SIZE = 40
ORGANIZATION, TEAM = "SPVQ", "Section jeunesse"
JOINED_DAYS_AGO = 100


def grow_team() -> int:
    """Add members until the team has ``TEAM_SIZE`` today; returns how many were added. The caller commits."""
    organization = db.session.scalar(sa.select(Organization).where(Organization.code == ORGANIZATION))
    team = (
        db.session.scalar(sa.select(Team).where(Team.organization_id == organization.id, Team.name == TEAM))
        if organization is not None
        else None
    )
    if organization is None or team is None:
        raise SystemExit(f"bench.team: no team {ORGANIZATION}/{TEAM}: load the demo first (elearning demo)")
    today = clock.today()
    joined = today - dt.timedelta(days=JOINED_DAYS_AGO)
    present = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(TeamMembership)
        .where(TeamMembership.team_id == team.id, TeamMembership.holds_on(today))
    )
    missing = max(0, TEAM_SIZE - int(present or 0))
    for number in range(1, missing + 1):
        person = accounts.create_person(
            SYSTEM,
            email=f"banc.{number:03d}@example.org",
            full_name=f"Membre {number:03d} Banc",
            roles={Role.WORKER},
            organization=organization,
            start_on=joined,
        )
        teams.add_to_team(SYSTEM, team, person, TeamRole.MEMBER, start_on=joined)
        if number % 3 == 1:
            history.live(person, (Progress("mise-en-contexte", 20, sections_read=2),))
        elif number % 3 == 2:
            history.live(person, (Progress("mise-en-contexte", 10, sections_read=3, failed_attempts=1),))
    if missing:
        reconcile_everyone(SYSTEM)
    return missing


def main() -> None:
    app = create_app()
    with app.app_context():
        transactions.start_writing()
        try:
            added = grow_team()
            db.session.commit()
        finally:
            transactions.stop_writing()
    print(f"bench.team: {added} members added to {ORGANIZATION}/{TEAM} ({TEAM_SIZE} in all)")


if __name__ == "__main__":
    main()
