"""Reading certificates: a holder's own, one by id, and the public verification by code."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock
from elearning.extensions import db
from elearning.models import Certificate
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


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    status: str


def verify(code_text: str) -> Verification | None:
    """What the public verification page shows; None for an unknown or malformed code (the same 404)."""
    code = codes.normalize_code(code_text)
    if code is None:
        return None
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
    if certificate is None:
        return None
    return Verification(certificate, cycles.status_on(certificate, clock.today()))


# -- revoking and reissuing ------------------------------------------------------------------------------
