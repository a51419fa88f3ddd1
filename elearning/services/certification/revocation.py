"""Revoking a certificate (the Table, an Admin) and reissuing a corrected copy (an Admin)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Certificate, Person
from elearning.permissions import Viewer
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.certification import codes, register
from elearning.services.errors import Conflict, Invalid

MAX_REASON = 500


def _check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid(_l("Give the reason for the revocation."), field="reason")
    if len(reason) > MAX_REASON:
        raise Invalid(_l("The reason must have at most %(max)s characters.", max=MAX_REASON), field="reason")
    return reason


def _mark_revoked(actor: Viewer, certificate: Certificate, reason: str) -> None:
    certificate.revoked_at = clock.now()
    certificate.revoked_by_id = actor.person_id
    certificate.revocation_reason = reason


def _certificate_to_change(actor: Viewer, certificate_id: int, allowed: Callable[[Viewer], bool]) -> Certificate:
    certificate = register.get_certificate(certificate_id)
    may_see = permissions.can_download_certificate(actor, certificate.person_id)
    check(allowed(actor), actor, register.holder_organization_id(certificate), may_see=may_see)
    return certificate


def certificate_to_revoke(actor: Viewer, certificate_id: int) -> Certificate:
    """The certificate, when the actor may revoke certificates (the Table, an Admin); refused otherwise (404
    when the actor may not even see it). Revoked or not: the caller looks."""
    return _certificate_to_change(actor, certificate_id, permissions.can_govern)


def prepare_revocation(actor: Viewer, certificate_id: int, reason: str) -> tuple[Certificate, str]:
    """What :func:`revoke` would do, checked as it checks (access, the reason, not revoked yet), writing
    nothing: the certificate and the reason as it would be kept, for the confirmation step."""
    certificate = certificate_to_revoke(actor, certificate_id)
    reason = _check_reason(reason)
    if certificate.revoked_at is not None:
        raise Conflict(_l("This certificate is already revoked."))
    return certificate, reason


def revoke(actor: Viewer, certificate_id: int, reason: str) -> Certificate:
    """Revoke from now on, with a reason (the Table, an Admin); the verification page says "revoked" from then
    on. Refused before anything is written. The caller commits."""
    certificate, reason = prepare_revocation(actor, certificate_id, reason)
    _mark_revoked(actor, certificate, reason)
    db.session.flush()
    record(
        "certificate.revoked",
        actor=actor,
        subject=db.session.get(Person, certificate.person_id),
        object_type="certificate",
        object_id=certificate.id,
    )
    return certificate


REISSUED = "reissued"


def reissue(actor: Viewer, certificate_id: int, holder_name: str) -> Certificate:
    """A corrected copy (e.g. the name) with a new code, by an Admin; the old one is revoked with the reason
    "reissued". The new certificate keeps the old one's dates and counts as the next cycle of the same track.
    Refused before anything is written. The caller commits.
    """
    certificate = _certificate_to_change(actor, certificate_id, permissions.can_reissue_certificate)
    name = " ".join((holder_name or "").split())
    if not name or len(name) > 200:
        raise Invalid(_l("A full name of 1 to %(max)s characters is required.", max=200), field="name")
    if certificate.revoked_at is not None:
        raise Conflict(_l("This certificate is revoked: it cannot be reissued."))
    last_cycle = db.session.scalar(
        sa.select(sa.func.max(Certificate.cycle)).where(
            Certificate.person_id == certificate.person_id, Certificate.track_id == certificate.track_id
        )
    )
    _mark_revoked(actor, certificate, REISSUED)
    copy = Certificate(
        person_id=certificate.person_id,
        track_id=certificate.track_id,
        cycle=(last_cycle or certificate.cycle) + 1,
        code=codes.new_code(),
        holder_name=name,
        organization_id=certificate.organization_id,
        organization_name_fr=certificate.organization_name_fr,
        organization_name_en=certificate.organization_name_en,
        track_title_fr=certificate.track_title_fr,
        track_title_en=certificate.track_title_en,
        validity_months=certificate.validity_months,
        issued_on=clock.today(),
        valid_from=certificate.valid_from,
        expires_on=certificate.expires_on,
        renews_id=certificate.id,
        created_at=clock.now(),
    )
    db.session.add(copy)
    db.session.flush()
    record(
        "certificate.reissued",
        actor=actor,
        subject=db.session.get(Person, certificate.person_id),
        object_type="certificate",
        object_id=copy.id,
        details={"replaces": certificate.id},
    )
    return copy
