"""Track assignments (with due dates) and certificates (with the names and titles printed at issue)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.intervals import partial_unique_index
from elearning.models.types import UTCDateTime, in_language


class TrackAssignment(Model):
    """A track assigned to a person from a day, due by a day; ended (not deleted) when the role goes."""

    __tablename__ = "track_assignments"
    __table_args__ = (
        partial_unique_index(
            "uq_track_assignments_open_person_track", "person_id", "track_id", where="ended_on IS NULL"
        ),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= assigned_on", name="ended_after_assigned"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    assigned_on: Mapped[dt.date] = mapped_column(sa.Date)
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    ended_on: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)


class Certificate(Model):
    """Issued once per (holder, track, cycle). What is printed is kept as it stood at issue."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "track_id", "cycle"),
        sa.CheckConstraint("expires_on > valid_from", name="expires_after_valid_from"),
        # The certificate register's order and keyset pages (newest issued first).
        sa.Index("ix_certificates_issued_on_id", "issued_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    #: 1 for the first certification; each renewal (or re-certification after a revocation) adds one.
    cycle: Mapped[int] = mapped_column(sa.Integer)
    #: Unguessable, for the public verification page (16 characters of Crockford base32: 80 bits).
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    holder_name: Mapped[str] = mapped_column(sa.String(200))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    organization_name_fr: Mapped[str] = mapped_column(sa.String(200))
    organization_name_en: Mapped[str] = mapped_column(sa.String(200))
    track_title_fr: Mapped[str] = mapped_column(sa.String(200))
    track_title_en: Mapped[str] = mapped_column(sa.String(200))
    validity_months: Mapped[int] = mapped_column(sa.Integer)
    issued_on: Mapped[dt.date] = mapped_column(sa.Date)
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    expires_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    #: The certificate this one renews (or replaces after a reissue).
    renews_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), default=None)
    revocation_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)

    def organization_name(self, language: str) -> str:
        return in_language(language, self.organization_name_fr, self.organization_name_en)

    def track_title(self, language: str) -> str:
        return in_language(language, self.track_title_fr, self.track_title_en)
