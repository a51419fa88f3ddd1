"""Organizations and their targets."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization, OrganizationTarget, Person
from elearning.permissions import Viewer
from elearning.roles import OrganizationKind
from elearning.services.access import require
from elearning.services.audit import record
from elearning.services.errors import Conflict, Invalid, NotFound

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
MAX_TARGET = 10_000


def find_organization(code: str | None) -> Organization | None:
    """The organization with this code (any case, spaces around ignored), or None."""
    text = (code or "").strip().upper()
    return db.session.scalar(sa.select(Organization).where(Organization.code == text)) if text else None


def get_organization(code: str) -> Organization:
    organization = find_organization(code)
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
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise Invalid(
            _l("The code %(code)s is not valid: use 1 to 20 capital letters, digits or hyphens.", code=code),
            field="code",
        )
    name_fr = " ".join((name_fr or "").split())
    if not name_fr or len(name_fr) > MAX_NAME:
        raise Invalid(_l("A name of 1 to %(max)d characters is required.", max=MAX_NAME), field="name_fr")
    if len(" ".join((name_en or "").split())) > MAX_NAME:
        raise Invalid(_l("A name of 1 to %(max)d characters is required.", max=MAX_NAME), field="name_en")
    if len(mandate_fr or "") > MAX_MANDATE or len(mandate_en or "") > MAX_MANDATE:
        raise Invalid(_l("A mandate has at most %(max)d characters.", max=MAX_MANDATE), field="mandate_fr")
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
        name_en=" ".join((name_en or "").split()) or name_fr,
        kind=kind,
        mandate_fr=(mandate_fr or "").strip(),
        mandate_en=(mandate_en or "").strip(),
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


#: The fields an Admin edits; the Table edits the mandates only (and sets targets, :func:`set_target`).
ADMIN_FIELDS = ("code", "name_fr", "name_en", "kind", "mandate_fr", "mandate_en", "joined_on", "left_on")
GOVERNED_FIELDS = ("mandate_fr", "mandate_en")
MAX_NAME = 200
MAX_MANDATE = 4000


def can_edit(actor: Viewer) -> tuple[str, ...]:
    """The fields of an organization the actor may change."""
    if permissions.can_administer(actor):
        return ADMIN_FIELDS
    if permissions.can_govern(actor):
        return GOVERNED_FIELDS
    return ()


def update_organization(actor: Viewer, organization: Organization, **values: object) -> list[str]:
    """Change the organization's fields the actor may change (an Admin: all; the Table: the mandates); returns
    the names of the fields changed, recorded as ``organization.updated``. :class:`Invalid` naming the field for
    a bad value, :class:`Forbidden` for a field the actor may not change; nothing is written then.

    An organization that leaves the Table (``left_on``) keeps its history: its people, certificates and targets
    stay, and reports leave it out from that day (``scopes.table_members_on``)."""
    allowed = can_edit(actor)
    require(bool(allowed))
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name not in ADMIN_FIELDS:
            raise ValueError(f"unknown field {name!r}")
        if getattr(organization, name) == value:
            continue
        require(name in allowed)
        cleaned[name] = value
    if "code" in cleaned:
        code = str(cleaned["code"]).strip().upper()
        if not CODE_PATTERN.match(code):
            raise Invalid(
                _l("The code %(code)s is not valid: use 1 to 20 capital letters, digits or hyphens.", code=code[:40]),
                field="code",
            )
        taken = db.session.scalar(
            sa.select(Organization.id).where(Organization.code == code, Organization.id != organization.id)
        )
        if taken is not None:
            raise Conflict(_l("An organization with the code %(code)s already exists.", code=code), field="code")
        cleaned["code"] = code
    for name in ("name_fr", "name_en"):
        if name in cleaned:
            text = " ".join(str(cleaned[name] or "").split())
            if not text or len(text) > MAX_NAME:
                raise Invalid(_l("A name of 1 to %(max)d characters is required.", max=MAX_NAME), field=name)
            cleaned[name] = text
    for name in ("mandate_fr", "mandate_en"):
        if name in cleaned:
            text = str(cleaned[name] or "").strip()
            if len(text) > MAX_MANDATE:
                raise Invalid(_l("A mandate has at most %(max)d characters.", max=MAX_MANDATE), field=name)
            cleaned[name] = text
    if "kind" in cleaned and cleaned["kind"] not in {k.value for k in OrganizationKind}:
        raise Invalid(_l("Choose the kind of organization."), field="kind")
    joined = cleaned.get("joined_on", organization.joined_on)
    left = cleaned.get("left_on", organization.left_on)
    if "joined_on" in cleaned and not isinstance(joined, dt.date):
        raise Invalid(_l("The day it joined the Table is required."), field="joined_on")
    if isinstance(joined, dt.date) and isinstance(left, dt.date) and left < joined:
        raise Invalid(_l("The day it left the Table comes before the day it joined."), field="left_on")
    if not cleaned:
        return []
    for name, value in cleaned.items():
        setattr(organization, name, value)
    db.session.flush()
    record(
        "organization.updated",
        actor=actor,
        object_type="organization",
        object_id=organization.id,
        details={
            "fields": sorted(cleaned),
            **({"left_on": left.isoformat()} if "left_on" in cleaned and isinstance(left, dt.date) else {}),
        },
    )
    return sorted(cleaned)


def target_history(organization: Organization) -> list[tuple[OrganizationTarget, str | None]]:
    """Every target row of the organization, the latest effective first, with who set it (one statement)."""
    rows = db.session.execute(
        sa.select(OrganizationTarget, Person.full_name)
        .outerjoin(Person, Person.id == OrganizationTarget.set_by_id)
        .where(OrganizationTarget.organization_id == organization.id)
        .order_by(OrganizationTarget.effective_from.desc(), OrganizationTarget.id.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


def current_targets(organization_ids: list[int], day: dt.date) -> dict[int, int]:
    """Each organization's target on ``day`` (the latest row effective by then), one statement."""
    if not organization_ids:
        return {}
    latest = (
        sa.select(OrganizationTarget.organization_id, sa.func.max(OrganizationTarget.effective_from).label("day"))
        .where(OrganizationTarget.organization_id.in_(organization_ids), OrganizationTarget.effective_from <= day)
        .group_by(OrganizationTarget.organization_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(OrganizationTarget.organization_id, OrganizationTarget.value, OrganizationTarget.id)
        .join(
            latest,
            sa.and_(
                latest.c.organization_id == OrganizationTarget.organization_id,
                latest.c.day == OrganizationTarget.effective_from,
            ),
        )
        .order_by(OrganizationTarget.id)
    ).all()
    return {organization_id: value for organization_id, value, _id in rows}
