"""Reading certificates: a holder's own, one by id, and the public verification by code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Certificate
from elearning.models.types import in_language
from elearning.permissions import Viewer
from elearning.services import history
from elearning.services.access import check
from elearning.services.certification import codes
from elearning.services.errors import NotFound
from elearning.services.learning import cycles


def certificates_of(person_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.person_id == person_id)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        )
    )


def get_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound(_l("This certificate does not exist."))
    return certificate


def holder_organization_id(certificate: Certificate) -> int | None:
    """The organization the holder belongs to today (what a refusal's 403 or 404 depends on)."""
    organization = history.organization_of(certificate.person_id, clock.today())
    return organization.id if organization is not None else None


def certificate_for(viewer: Viewer, certificate_id: int) -> Certificate:
    """A certificate the viewer may see and download (its holder, the Table, an Admin); :class:`NotFound` or
    :class:`~elearning.services.errors.Forbidden` otherwise."""
    certificate = get_certificate(certificate_id)
    allowed = permissions.can_download_certificate(viewer, certificate.person_id)
    check(allowed, viewer, holder_organization_id(certificate), may_see=allowed)
    return certificate


@dataclass(frozen=True)
class PublicCertificate:
    """What the public verification page shows of a certificate, as plain values."""

    code: str
    holder_name: str
    track_title_fr: str
    track_title_en: str
    issued_on: dt.date
    valid_from: dt.date
    expires_on: dt.date
    revoked_at: dt.datetime | None

    def track_title(self, language: str) -> str:
        return in_language(language, self.track_title_fr, self.track_title_en)


@dataclass(frozen=True)
class Verification:
    certificate: PublicCertificate
    status: str
    #: The business day it was revoked, when it was.
    revoked_on: dt.date | None = None


@functools.cache
def _verification_statement() -> sa.Select[Any]:
    """:func:`verify`'s statement, built once per process (parameter ``code``): of the table's columns, so that it
    runs on the connection without the ORM's execution path (it loads no object)."""
    table = Certificate.__table__
    columns = [table.c[field.name] for field in dataclasses.fields(PublicCertificate)]
    return sa.select(*columns).where(table.c.code == sa.bindparam("code", type_=sa.String))


def verify(code_text: str) -> Verification | None:
    """What the public verification page shows; None for an unknown or malformed code (the same 404). One
    statement."""
    code = codes.normalize_code(code_text)
    if code is None:
        return None
    row = db.session.connection().execute(_verification_statement(), {"code": code}).first()
    if row is None:
        return None
    certificate = PublicCertificate(*row)
    return Verification(certificate, cycles.status_on(certificate, clock.today()), cycles.revoked_on(certificate))
