"""What learners did: section views and module completions. Rows are inserted once and never rewritten."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime


class SectionView(Model):
    """A person read a section's text on a day. Keyed by the section's content hash, so a view carries over
    to every later version in which that section did not change; one row per day at most, so a renewal can
    ask for views since its cycle started."""

    __tablename__ = "section_views"
    __table_args__ = (sa.UniqueConstraint("person_id", "module_id", "section_slug", "content_hash", "viewed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    section_slug: Mapped[str] = mapped_column(sa.String(80))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    #: The section row (of the version shown) when it was first viewed.
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id"))
    viewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    viewed_on: Mapped[dt.date] = mapped_column(sa.Date)


class Completion(Model):
    """A person completed a module version: every section viewed and its quiz passed (or no quiz).

    A renewal completes the same version again in a later cycle: at most one row per version and day."""

    __tablename__ = "completions"
    __table_args__ = (sa.UniqueConstraint("person_id", "module_version_id", "completed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), index=True)
    #: Percentage of the passing attempt (None for a module without a quiz).
    score: Mapped[int | None] = mapped_column(sa.Integer)
    completed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_on: Mapped[dt.date] = mapped_column(sa.Date)
