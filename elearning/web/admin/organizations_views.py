"""``/admin/organizations``: the organizations of the Table (an Admin creates and edits them; the Table edits their
mandates) and their targets (a new dated row each time, the history shown), through
:mod:`elearning.services.people.organizations`. A refused form shows the page again with the message beside the
field (a 4xx, nothing written); an accepted one redirects (303) with a notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization
from elearning.roles import OrganizationKind
from elearning.services.access import check
from elearning.services.dates import parse_day
from elearning.services.errors import Invalid, ServiceError
from elearning.services.people import organizations
from elearning.web.admin.views import blueprint
from elearning.web.errors import status_of
from elearning.web.labels import ORGANIZATION_KIND_LABELS
from elearning.web.visitors import current_viewer


def _governed() -> None:
    check(permissions.can_govern(current_viewer()), current_viewer())


def _organization(code: str) -> Organization:
    return organizations.get_organization(code[:40])


def _day(field: str, *, required: bool) -> dt.date | None:
    return parse_day(request.form.get(field), field=field, required=required)


def _kinds() -> list[tuple[str, str]]:
    return [(kind.value, str(ORGANIZATION_KIND_LABELS[kind])) for kind in OrganizationKind]


def _list_page(**context: Any) -> str:
    rows = organizations.list_organizations()
    targets = organizations.current_targets([row.id for row in rows], clock.today())
    return render_template(
        "admin/organizations.html", rows=rows, targets=targets, kinds=dict(_kinds()), today=clock.today(), **context
    )


@blueprint.get("/organizations")
@login_required
def organizations_list() -> str:
    _governed()
    return _list_page()


def _form_page(organization: Organization | None, *, status: int = 200, **context: Any) -> tuple[str, int]:
    editable = organizations.can_edit(current_viewer()) if organization else organizations.ADMIN_FIELDS
    history = organizations.target_history(organization) if organization else []
    page = render_template(
        "admin/organization.html",
        organization=organization,
        editable=editable,
        history=history,
        kinds=_kinds(),
        typed=context.pop("typed", None) or {},
        errors=context.pop("errors", None) or {},
        today=clock.today(),
        **context,
    )
    return page, status


@blueprint.get("/organizations/new")
@login_required
def organization_new() -> tuple[str, int]:
    check(permissions.can_administer(current_viewer()), current_viewer())
    return _form_page(None)


FIELDS = ("code", "name_fr", "name_en", "kind", "mandate_fr", "mandate_en", "joined_on", "left_on", "target")


def _typed() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in FIELDS}


@blueprint.post("/organizations/new")
@login_required
def organization_create() -> Response | tuple[str, int]:
    viewer = current_viewer()
    check(permissions.can_administer(viewer), viewer)
    try:
        target_text = request.form.get("target", "").strip()
        if target_text and not target_text.isdigit():
            raise Invalid(_l("A target must be between 0 and %(max)s.", max=organizations.MAX_TARGET), field="target")
        organization = organizations.create_organization(
            viewer,
            code=request.form.get("code", ""),
            name_fr=request.form.get("name_fr", ""),
            name_en=request.form.get("name_en", ""),
            kind=request.form.get("kind", ""),
            mandate_fr=request.form.get("mandate_fr", ""),
            mandate_en=request.form.get("mandate_en", ""),
            joined_on=_day("joined_on", required=True),
            target=int(target_text) if target_text else None,
        )
    except ServiceError as exc:
        db.session.rollback()
        return _form_page(None, status=status_of(exc), typed=_typed(), errors={exc.field or "code": str(exc)})
    flash(_("The organization %(code)s was created.", code=organization.code), "success")
    return redirect(url_for("admin.organization_edit", code=organization.code), code=303)


@blueprint.get("/organizations/<code>")
@login_required
def organization_edit(code: str) -> tuple[str, int]:
    _governed()
    return _form_page(_organization(code))


@blueprint.post("/organizations/<code>")
@login_required
def organization_update(code: str) -> Response | tuple[str, int]:
    _governed()
    viewer = current_viewer()
    organization = _organization(code)
    editable = organizations.can_edit(viewer)
    try:
        values: dict[str, object] = {}
        for name in editable:
            if name not in request.form:
                raise Invalid(_l("The form is incomplete. Reload the page and send it again."), field=name)
            values[name] = request.form.get(name, "")
        if "joined_on" in values:
            values["joined_on"] = _day("joined_on", required=True)
        if "left_on" in values:
            values["left_on"] = _day("left_on", required=False)
        changed = organizations.update_organization(viewer, organization, **values)
    except ServiceError as exc:
        db.session.rollback()
        return _form_page(
            _organization(code), status=status_of(exc), typed=_typed(), errors={exc.field or "code": str(exc)}
        )
    flash(
        _("The organization %(code)s was saved.", code=organization.code) if changed else _("Nothing was changed."),
        "success",
    )
    return redirect(url_for("admin.organization_edit", code=organization.code), code=303)


@blueprint.post("/organizations/<code>/target")
@login_required
def organization_target(code: str) -> Response | tuple[str, int]:
    _governed()
    viewer = current_viewer()
    organization = _organization(code)
    try:
        value = request.form.get("value", "").strip()
        if not value.isdigit() or len(value) > 6:
            raise Invalid(_l("A target must be between 0 and %(max)s.", max=organizations.MAX_TARGET), field="value")
        effective = _day("effective_from", required=True)
        organizations.set_target(viewer, organization, int(value), effective_from=effective)
    except ServiceError as exc:
        db.session.rollback()
        return _form_page(
            organization,
            status=status_of(exc),
            target_typed={
                "value": request.form.get("value", ""),
                "effective_from": request.form.get("effective_from", ""),
            },
            errors={exc.field or "value": str(exc)},
        )
    flash(_("The target of %(code)s was set.", code=organization.code), "success")
    return redirect(url_for("admin.organization_edit", code=organization.code), code=303)
