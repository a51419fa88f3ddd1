"""People and the dated facts their roles follow from."""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearning.extensions import Model
from elearning.models.intervals import Dated, end_after_start, open_unique_index
from elearning.models.organizations import Organization
from elearning.models.types import UTCDateTime
from elearning.roles import GLOBAL_ROLES


def new_facts_revision() -> int:
    """A fresh random :attr:`Person.facts_revision` (random, not counted: tests and tools use many databases in
    one process, and a revision must not mean the same in two of them)."""
    return secrets.randbits(62)


class Person(UserMixin, Model):
    """Anyone with an account. E-mail addresses are stored lower-cased, hence unique whatever their case."""

    __tablename__ = "people"
    __table_args__ = (sa.CheckConstraint("preferred_language IN ('fr', 'en')", name="preferred_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    preferred_language: Mapped[str] = mapped_column(sa.String(2), default="fr")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Replaced whenever a fact about the person changes (see :mod:`elearning.services.revisions`).
    facts_revision: Mapped[int] = mapped_column(sa.BigInteger, default=new_facts_revision, server_default="0")
    #: A work telephone number, shown in the directory only while ``phone_in_directory`` is set (the person's
    #: choice on ``/account``; off by default).
    work_phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    phone_in_directory: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    #: Replaced whenever the person's questions on modules change (asked, answered, hidden, answers read); 0 while
    #: they never asked one. Read with the sign-in session, so the section page and the dashboard skip the
    #: questions read for someone who has none, and keep the rest per process under it.
    questions_revision: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    #: When the person last looked at the module changes listed in their team inbox (None: never).
    changes_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Whether the person gets the weekly digest when they are a pivot or a coordinator (their choice on
    #: ``/account``; on by default).
    digests_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class Membership(Dated, Model):
    """A person belongs to one organization at a time, and may move."""

    __tablename__ = "memberships"
    __table_args__ = (end_after_start(), open_unique_index("uq_memberships_open_person", "person_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)

    organization: Mapped[Organization] = relationship(lazy="joined")


class PivotDesignation(Dated, Model):
    """An organization designates a person as pivot worker, from a day until withdrawn."""

    __tablename__ = "pivot_designations"
    __table_args__ = (
        end_after_start(),
        open_unique_index("uq_pivot_designations_open_person_org", "person_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    designated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)


class CoordinatorGrant(Dated, Model):
    """The person who sits at the Table for one organization coordinates its pivots."""

    __tablename__ = "coordinator_grants"
    __table_args__ = (
        end_after_start(),
        open_unique_index("uq_coordinator_grants_open_person_org", "person_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)


_GLOBAL = ", ".join(f"'{role.value}'" for role in sorted(GLOBAL_ROLES))


class GlobalGrant(Dated, Model):
    """The Table's coordination and platform administrators: roles over every organization."""

    __tablename__ = "global_grants"
    __table_args__ = (
        end_after_start(),
        sa.CheckConstraint(f"role IN ({_GLOBAL})", name="role"),
        open_unique_index("uq_global_grants_open_person_role", "person_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)
