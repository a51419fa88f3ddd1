"""Organizations of the Table and their pivot targets."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime, in_language
from elearning.roles import OrganizationKind

_KINDS = ", ".join(f"'{kind.value}'" for kind in OrganizationKind)


class Organization(Model):
    """A member organization; its participation in the Table is dated (joined, left)."""

    __tablename__ = "organizations"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({_KINDS})", name="kind"),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_fr: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default=OrganizationKind.OTHER.value)
    mandate_fr: Mapped[str] = mapped_column(sa.Text, default="")
    mandate_en: Mapped[str] = mapped_column(sa.Text, default="")
    joined_on: Mapped[dt.date] = mapped_column(sa.Date)
    left_on: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def name(self, language: str) -> str:
        return in_language(language, self.name_fr, self.name_en)

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"


class OrganizationTarget(Model):
    """The number of certified pivots an organization commits to, from a day on (never overwritten)."""

    __tablename__ = "organization_targets"
    __table_args__ = (
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
        # The target as it stood on a day: the latest row effective by then, per organization.
        sa.Index("ix_organization_targets_organization_effective", "organization_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    value: Mapped[int] = mapped_column(sa.Integer)
    effective_from: Mapped[dt.date] = mapped_column(sa.Date)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
