"""Teams inside an organization, and who belongs to them (as member or as pivot), dated."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearning.extensions import Model
from elearning.models.intervals import Dated, end_after_start, open_unique_index
from elearning.models.organizations import Organization
from elearning.models.types import UTCDateTime


class Team(Model):
    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    organization: Mapped[Organization] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Team {self.id}>"


class TeamMembership(Dated, Model):
    __tablename__ = "team_memberships"
    __table_args__ = (
        end_after_start(),
        sa.CheckConstraint("role IN ('member', 'pivot')", name="role"),
        open_unique_index("uq_team_memberships_open_team_person", "team_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(10))

    team: Mapped[Team] = relationship(lazy="joined")
