"""Certificates: issued once per (holder, track, cycle) when the track is complete, verified publicly,
renewed without losing a day, revoked (and reissued) by the Table or an Admin."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock
from elearning.extensions import db
from elearning.models import Certificate, Person, Track
from elearning.services import cycles, history, learning
from elearning.services.audit import record
from elearning.services.dates import add_months
from elearning.services.errors import Conflict, Invalid, NotFound
from elearning.services.inserts import insert_once

#: Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 bits
_CODE_INPUT = re.compile(r"^[0-9A-Za-z-]{16,19}$")
MAX_REASON = 500

#: A certificate's standing on a day (defined with the cycles, which need it too).
Status = cycles.Status
status_on = cycles.status_on


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """``ABCD-EFGH-JKMN-PQRS``: easier to read and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(text: str) -> str | None:
    """The stored form of a code typed or linked in any case, with or without hyphens; None when malformed."""
    if not _CODE_INPUT.match(text or ""):
        return None
    code = text.replace("-", "").upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def expiry(valid_from: dt.date, months: int) -> dt.date:
    return add_months(valid_from, months)


# -- issuing ---------------------------------------------------------------------------------------------


def track_complete(person_id: int, cycle: cycles.TrackCycle, refs: dict[int, learning.ModuleRef]) -> bool:
    """Every module of the track (``refs``: the active modules by id) complete in this cycle, none "to
    review"."""
    items = learning.track_progress(person_id, refs, cycle)
    return bool(items) and len(items) == len(cycle.module_ids) and all(item.done for item in items)


def issue(person: Person, cycle: cycles.TrackCycle, day: dt.date) -> Certificate | None:
    """Issue the cycle's certificate (exactly once, even when two requests race); None when it existed."""
    track = cycle.track
    latest = cycle.latest
    renewing = latest is not None and latest.revoked_at is None
    valid_from = max(day, latest.expires_on) if renewing and latest is not None else day
    organization = history.organization_of(person.id, day)
    certificate_id = insert_once(
        Certificate,
        {
            "person_id": person.id,
            "track_id": track.id,
            "cycle": cycle.next_cycle,
            "code": new_code(),
            "holder_name": person.full_name,
            "organization_id": organization.id if organization else None,
            "organization_name_fr": organization.name_fr if organization else "",
            "organization_name_en": organization.name_en if organization else "",
            "track_title_fr": track.title_fr,
            "track_title_en": track.title_en or track.title_fr,
            "validity_months": track.validity_months,
            "issued_on": day,
            "valid_from": valid_from,
            "expires_on": expiry(valid_from, track.validity_months),
            "renews_id": latest.id if latest is not None else None,
            "created_at": clock.now(),
        },
        ["person_id", "track_id", "cycle"],
    )
    if certificate_id is None:
        return None
    record(
        "certificate.issued",
        actor=None,
        subject=person,
        object_type="certificate",
        object_id=certificate_id,
        details={"track": track.slug, "cycle": cycle.next_cycle},
    )
    return db.session.get(Certificate, certificate_id)


def issue_due(person: Person, day: dt.date | None = None) -> list[Certificate]:
    """Issue every certificate the person has earned and not received yet. The caller commits."""
    day = day or clock.today()
    issued = []
    refs = {ref.module.id: ref for ref in learning.active_modules()}
    for cycle in cycles.track_cycles(person.id, day):
        if cycle.open and track_complete(person.id, cycle, refs):
            certificate = issue(person, cycle, day)
            if certificate is not None:
                issued.append(certificate)
    return issued


# -- reading ---------------------------------------------------------------------------------------------


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
    code = normalize_code(code_text)
    if code is None:
        return None
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
    if certificate is None:
        return None
    return Verification(certificate, status_on(certificate, clock.today()))


# -- revoking and reissuing ------------------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid(_l("Give the reason for the revocation."), field="reason")
    if len(reason) > MAX_REASON:
        raise Invalid(_l("The reason must have at most %(max)s characters.", max=MAX_REASON), field="reason")
    return reason


def _mark_revoked(actor: Person, certificate: Certificate, reason: str) -> None:
    certificate.revoked_at = clock.now()
    certificate.revoked_by_id = actor.id
    certificate.revocation_reason = reason


def revoke(actor: Person, certificate: Certificate, reason: str) -> None:
    """Revoke from now on, with a reason; the verification page says "revoked" from then on."""
    reason = _check_reason(reason)
    if certificate.revoked_at is not None:
        raise Conflict(_l("This certificate is already revoked."))
    _mark_revoked(actor, certificate, reason)
    db.session.flush()
    record(
        "certificate.revoked",
        actor=actor,
        subject=db.session.get(Person, certificate.person_id),
        object_type="certificate",
        object_id=certificate.id,
    )


REISSUED = "reissued"


def reissue(actor: Person, certificate: Certificate, holder_name: str) -> Certificate:
    """A corrected copy (e.g. the name) with a new code; the old one is revoked with the reason "reissued".

    The new certificate keeps the old one's dates and counts as the next cycle of the same track.
    """
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
        code=new_code(),
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


def track_of(certificate: Certificate) -> Track:
    track = db.session.get(Track, certificate.track_id)
    assert track is not None
    return track
