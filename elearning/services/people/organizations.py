"""Organizations and their targets."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization, OrganizationTarget
from elearning.permissions import Viewer
from elearning.roles import OrganizationKind
from elearning.services.access import require
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid, NotFound

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
MAX_TARGET = 10_000


def get_organization(code: str) -> Organization:
    organization = db.session.scalar(sa.select(Organization).where(Organization.code == code.strip().upper()))
    if organization is None:
        raise NotFound(_l("No organization has the code %(code)s.", code=code), field="org")
    return organization


def list_organizations() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.code)))


def _check_target(value: int) -> None:
    if not 0 <= value <= MAX_TARGET:
        raise Invalid(_l("A target must be between 0 and %(max)s.", max=MAX_TARGET), field="target")


def create_organization(
    actor: Viewer,
    *,
    code: str,
    name_fr: str,
    name_en: str | None = None,
    kind: str = OrganizationKind.OTHER.value,
    mandate_fr: str = "",
    mandate_en: str = "",
    joined_on: dt.date | None = None,
    target: int | None = None,
) -> Organization:
    """Create an organization (and its first target, effective on the day it joined or today): an Admin."""
    require(permissions.can_administer(actor))
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise Invalid(
            _l("The code %(code)s is not valid: use 1 to 20 capital letters, digits or hyphens.", code=code),
            field="code",
        )
    name_fr = name_fr.strip()
    if not name_fr:
        raise Invalid(_l("The name is required."), field="name")
    if kind not in {k.value for k in OrganizationKind}:
        raise Invalid(
            _l(
                "Unknown kind %(kind)s: use one of %(kinds)s.",
                kind=kind,
                kinds=", ".join(k.value for k in OrganizationKind),
            ),
            field="kind",
        )
    if target is not None:
        _check_target(target)
    if db.session.scalar(sa.select(Organization.id).where(Organization.code == code)) is not None:
        raise Conflict(_l("An organization with the code %(code)s already exists.", code=code), field="code")
    today = clock.today()
    organization = Organization(
        code=code,
        name_fr=name_fr,
        name_en=(name_en or "").strip() or name_fr,
        kind=kind,
        mandate_fr=mandate_fr.strip(),
        mandate_en=mandate_en.strip(),
        joined_on=joined_on or today,
        created_at=clock.now(),
    )
    db.session.add(organization)
    db.session.flush()
    record("organization.created", actor=actor, object_type="organization", object_id=organization.id)
    if target is not None:
        set_target(actor, organization, target, effective_from=min(organization.joined_on, today))
    return organization


def set_target(
    actor: Viewer, organization: Organization, value: int, *, effective_from: dt.date | None = None
) -> OrganizationTarget:
    """Add a target row (the Table, an Admin); earlier rows stay, so the target on any past day can be
    answered."""
    require(permissions.can_govern(actor))
    _check_target(value)
    row = OrganizationTarget(
        organization_id=organization.id,
        value=value,
        effective_from=effective_from or clock.today(),
        set_by_id=actor.person_id,
        set_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    record(
        "organization.target_set",
        actor=actor,
        object_type="organization",
        object_id=organization.id,
        details={"value": value, "effective_from": row.effective_from.isoformat()},
    )
    return row
