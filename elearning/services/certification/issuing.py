"""Issuing certificates: once per (holder, track, cycle) when the track is complete; renewals lose no day."""

from __future__ import annotations

import datetime as dt

from elearning import clock
from elearning.extensions import db
from elearning.models import Certificate, Person
from elearning.services import history
from elearning.services.audit import record
from elearning.services.catalog import lookup
from elearning.services.certification import codes
from elearning.services.dates import add_months
from elearning.services.inserts import insert_once
from elearning.services.learning import cycles, progress


def expiry(valid_from: dt.date, months: int) -> dt.date:
    return add_months(valid_from, months)


# -- issuing ---------------------------------------------------------------------------------------------


def track_complete(person_id: int, cycle: cycles.TrackCycle, refs: dict[int, lookup.ModuleRef]) -> bool:
    """Every module of the track (``refs``: the active modules by id) complete in this cycle, none "to
    review"."""
    items = progress.track_progress(person_id, refs, cycle)
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
            "code": codes.new_code(),
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
    refs = {ref.module.id: ref for ref in lookup.active_modules()}
    for cycle in cycles.track_cycles(person.id, day):
        if cycle.open and track_complete(person.id, cycle, refs):
            certificate = issue(person, cycle, day)
            if certificate is not None:
                issued.append(certificate)
    return issued


# -- reading ---------------------------------------------------------------------------------------------
