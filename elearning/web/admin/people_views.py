"""``/admin/users``: the people (search, filters, keyset pages), one person's record with its forms (name, e-mail
and language; roles; move to another organization; a password-set link; deactivation), and a new account. Every
write goes through :mod:`elearning.services.people.people_admin` and the services it builds on; a refused form
shows the page again with the message (a 4xx, nothing written), an accepted one redirects (303) with a notice."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from elearning.extensions import db
from elearning.models import Organization
from elearning.roles import Role
from elearning.services.errors import Invalid, ServiceError
from elearning.services.people import accounts, organizations, password_resets, people_admin
from elearning.web.admin.views import blueprint
from elearning.web.errors import status_of
from elearning.web.layout import ROLE_LABELS
from elearning.web.visitors import current_viewer

CONFIRM = _l("Check the box to confirm.")
#: (value, label) of every role, in the order the pages list them.
ROLE_CHOICES = [
    (role.value, ROLE_LABELS[role]) for role in (Role.WORKER, Role.PIVOT, Role.COORDINATOR, Role.TABLE, Role.ADMIN)
]


@blueprint.get("/users")
@login_required
def users() -> tuple[str, int]:
    viewer = current_viewer()
    people_admin.check_access(viewer)
    try:
        page = people_admin.people_page(viewer, people_admin.parse_filters(request.args))
    except Invalid as error:
        typed = {key: request.args.get(key, "") for key in people_admin.FILTER_KEYS}
        return render_template(
            "admin/users.html",
            page=None,
            typed=typed,
            error=error,
            roles=ROLE_CHOICES,
            field_names=people_admin.FIELD_NAMES,
            organizations=(),
        ), 400
    return render_template(
        "admin/users.html",
        page=page,
        typed=page.filters.as_args(),
        error=None,
        roles=ROLE_CHOICES,
        field_names=people_admin.FIELD_NAMES,
        organizations=page.organizations,
    ), 200


def _organizations() -> list[Organization]:
    return organizations.list_organizations()


def _person_page(
    person_id: int, *, status: int = 200, errors: dict[str, str] | None = None, **context: Any
) -> tuple[str, int]:
    found = people_admin.record_of(current_viewer(), person_id)
    page = render_template(
        "admin/user.html",
        found=found,
        organizations=_organizations(),
        roles=ROLE_CHOICES,
        errors=errors or {},
        **context,
    )
    return page, status


@blueprint.get("/users/<int:person_id>")
@login_required
def user(person_id: int) -> tuple[str, int]:
    return _person_page(person_id)


def _act(person_id: int, form: str, action: Any, notice: str) -> Response | tuple[str, int]:
    viewer = current_viewer()
    person = people_admin.person_for(viewer, person_id)
    try:
        action(viewer, person)
    except ServiceError as exc:
        db.session.rollback()
        return _person_page(person_id, status=status_of(exc), errors={form: str(exc)})
    flash(notice, "success")
    return redirect(url_for("admin.user", person_id=person_id), code=303)


@blueprint.post("/users/<int:person_id>")
@login_required
def user_update(person_id: int) -> Response | tuple[str, int]:
    def act(viewer: Any, person: Any) -> None:
        if not all(name in request.form for name in ("full_name", "email", "language")):
            raise Invalid(_l("The form is incomplete. Reload the page and send it again."))
        people_admin.update_person(
            viewer,
            person,
            full_name=request.form["full_name"],
            email=request.form["email"],
            language=request.form["language"],
        )

    return _act(person_id, "details", act, _("The account was saved."))


@blueprint.post("/users/<int:person_id>/roles")
@login_required
def user_roles(person_id: int) -> Response | tuple[str, int]:
    def act(viewer: Any, person: Any) -> None:
        people_admin.set_roles(viewer, person, accounts.parse_roles(request.form.getlist("role")))

    return _act(person_id, "roles", act, _("The roles were saved."))


@blueprint.post("/users/<int:person_id>/move")
@login_required
def user_move(person_id: int) -> Response | tuple[str, int]:
    def act(viewer: Any, person: Any) -> None:
        if request.form.get("confirmed") != "yes":
            raise Invalid(CONFIRM, field="confirmed")
        people_admin.move_person(viewer, person, request.form.get("organization", ""))

    return _act(person_id, "move", act, _("The person was moved; their records follow them."))


@blueprint.post("/users/<int:person_id>/password-link")
@login_required
def user_password_link(person_id: int) -> Response | tuple[str, int]:
    def act(viewer: Any, person: Any) -> None:
        if request.form.get("send") != "yes":  # the form's own field: an empty POST sends nothing
            raise Invalid(_l("The form is incomplete. Reload the page and send it again."))
        password_resets.send_set_link(viewer, person)

    return _act(person_id, "link", act, _("A link to choose a password was sent."))


@blueprint.post("/users/<int:person_id>/deactivate")
@login_required
def user_deactivate(person_id: int) -> Response | tuple[str, int]:
    def act(viewer: Any, person: Any) -> None:
        if request.form.get("confirmed") != "yes":
            raise Invalid(CONFIRM, field="confirmed")
        people_admin.check_access(viewer)
        accounts.deactivate(viewer, person)

    return _act(person_id, "deactivate", act, _("The account was deactivated; its sessions ended."))


@blueprint.get("/users/new")
@login_required
def user_new() -> tuple[str, int]:
    people_admin.check_access(current_viewer())
    return render_template(
        "admin/user_new.html", organizations=_organizations(), roles=ROLE_CHOICES, typed={}, error=None
    ), 200


@blueprint.post("/users/new")
@login_required
def user_create() -> Response | tuple[str, int]:
    viewer = current_viewer()
    people_admin.check_access(viewer)
    typed = {key: request.form.get(key, "") for key in ("email", "full_name", "language", "organization")}
    try:
        code = typed["organization"].strip()
        organization = organizations.find_organization(code)
        if code and organization is None:
            raise Invalid(_l("Choose the organization to move them to."), field="organization")
        person = accounts.create_person(
            viewer,
            email=typed["email"],
            full_name=typed["full_name"],
            roles=accounts.parse_roles(request.form.getlist("role")),
            organization=organization,
            language=typed["language"] or "fr",
        )
        if request.form.get("send_link") == "1":
            password_resets.send_set_link(viewer, person)
    except ServiceError as exc:
        db.session.rollback()
        page = render_template(
            "admin/user_new.html",
            organizations=_organizations(),
            roles=ROLE_CHOICES,
            typed={**typed, "roles": request.form.getlist("role")},
            error=exc,
        )
        return page, status_of(exc)
    flash(_("The account %(email)s was created.", email=person.email), "success")
    return redirect(url_for("admin.user", person_id=person.id), code=303)
