"""Links to set a new password ("forgot password"): single-use, expiring. Only the SHA-256 of the link's random
part is stored, so a copy of the database cannot be turned into working links."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearning.extensions import Model
from elearning.models.types import UTCDateTime


class PasswordResetToken(Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When the link was used, or made void by a newer request (it works once).
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
