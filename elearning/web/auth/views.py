"""``/login``, ``/logout``, ``/account`` and "forgot password" (``/password/forgot``, ``/password/reset/<token>``)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from elearning import clock
from elearning.extensions import db
from elearning.security import ratelimit
from elearning.services import history
from elearning.services.errors import ServiceError
from elearning.services.notices import digests
from elearning.services.people import accounts, auth, directory, password_resets
from elearning.web.auth.forms import (
    DigestForm,
    DirectoryContactForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
)
from elearning.web.auth.redirects import safe_next
from elearning.web.layout import kept_page
from elearning.web.visitors import (
    current_person,
    current_viewer,
    current_web_session,
    end_session_cookie,
    signed_in_person,
    start_session_cookie,
)

blueprint = Blueprint("auth", __name__)


def _client_address() -> str:
    return request.remote_addr or "unknown"


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    target = safe_next(request.values.get("next"))
    if request.method != "POST":
        if current_person() is not None:
            return redirect(target)
        next_path = request.args.get("next", "")
        return kept_page(("login", next_path), lambda: _render_login(LoginForm(), None, next_path)), 200
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data or ""
        wait = ratelimit.sign_in_retry_after(email, _client_address())
        if wait is not None:
            raise TooManyRequests(retry_after=wait)
        outcome = auth.sign_in(email, form.password.data or "")
        if outcome.token is None:  # refused: the audit event of the refusal commits with the request
            ratelimit.count_failed_sign_in(email, _client_address())
            error = auth.SIGN_IN_REFUSED
        else:
            start_session_cookie(outcome.token)
            return redirect(target)
    return _render_login(form, error, request.values.get("next", "")), 400


def _render_login(form: LoginForm, error: str | None, next_path: str) -> str:
    return render_template("auth/login.html", form=form, error=error, next=next_path)


@blueprint.post("/logout")
@login_required
def logout() -> Response:
    person = signed_in_person()
    auth.sign_out(person, current_web_session())
    end_session_cookie()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


def _render_account(
    password_form: PasswordChangeForm | None = None,
    language_form: LanguageForm | None = None,
    contact_form: DirectoryContactForm | None = None,
    digest_form: DigestForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    person = signed_in_person()
    language_form = language_form or LanguageForm(language=person.preferred_language)
    contact_form = contact_form or DirectoryContactForm(
        formdata=None, work_phone=person.work_phone, phone_in_directory=person.phone_in_directory
    )
    digest_form = digest_form or DigestForm(formdata=None, digests_enabled=person.digests_enabled)
    organization, teams = history.affiliation_of(person.id, clock.today())
    return (
        render_template(
            "auth/account.html",
            person=person,
            organization=organization,
            teams=teams,
            viewer=current_viewer(),
            password_form=password_form or PasswordChangeForm(),
            language_form=language_form,
            contact_form=contact_form,
            digest_form=digest_form,
        ),
        status,
    )


@blueprint.get("/account")
@login_required
def account() -> tuple[str, int]:
    return _render_account()


@blueprint.post("/account/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        person = signed_in_person()
        try:
            auth.change_password(
                person,
                form.current_password.data or "",
                form.new_password.data or "",
                current_session=current_web_session(),
            )
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "new_password").errors.append(exc.message)
        else:
            flash(_("Your password has been changed. Your other sessions were signed out."), "success")
            return redirect(url_for("auth.account"))
    return _render_account(password_form=form, status=400)


@blueprint.post("/account/language")
@login_required
def change_language() -> Response | tuple[str, int]:
    form = LanguageForm()
    if not form.validate_on_submit():
        return _render_account(language_form=form, status=400)
    person = signed_in_person()
    person.preferred_language = form.language.data
    g.language = person.preferred_language
    flash(_("Your language has been saved."), "success")
    return redirect(url_for("auth.account"))


@blueprint.post("/account/directory")
@login_required
def change_directory_contact() -> Response | tuple[str, int]:
    form = DirectoryContactForm()
    if form.validate_on_submit():
        try:
            directory.set_contact(signed_in_person(), form.work_phone.data, bool(form.phone_in_directory.data))
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "work_phone").errors.append(exc.message)
        else:
            flash(_("Your work phone and your choice for the directory have been saved."), "success")
            return redirect(url_for("auth.account"))
    return _render_account(contact_form=form, status=400)


@blueprint.post("/account/digests")
@login_required
def change_digests() -> Response | tuple[str, int]:
    form = DigestForm()
    if not form.validate_on_submit():
        return _render_account(digest_form=form, status=400)
    enabled = bool(form.digests_enabled.data)
    digests.set_enabled(signed_in_person(), enabled)
    flash(_("You will get the weekly digest.") if enabled else _("You will not get the weekly digest."), "success")
    return redirect(url_for("auth.account"))


@blueprint.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Response | tuple[str, int]:
    """Ask for a reset link. Whatever the address, a well-formed one gets the same redirect to the same page;
    beyond the per-address limit nothing is sent (the same answer), beyond the per-client limit a 429."""
    if request.method != "POST":
        return kept_page(("forgot password",), lambda: _render_forgot(ForgotPasswordForm())), 200
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        wait = ratelimit.password_reset_retry_after(_client_address())
        if wait is not None:
            raise TooManyRequests(retry_after=wait)
        try:
            email = accounts.normalize_email(form.email.data or "")
        except ServiceError as exc:
            form.email.errors.append(exc.message)
        else:
            if ratelimit.count_password_reset(email, _client_address()):
                password_resets.request_reset(email)
            return redirect(url_for("auth.password_reset_sent"), code=303)
    return _render_forgot(form), 400


def _render_forgot(form: ForgotPasswordForm) -> str:
    return render_template("auth/forgot_password.html", form=form)


@blueprint.get("/password/forgot/sent")
def password_reset_sent() -> tuple[str, int]:
    def page() -> str:
        return render_template("auth/reset_sent.html", minutes=password_resets.validity_minutes())

    return kept_page(("reset link sent",), page), 200


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int]:
    """Choose a new password with a link from the e-mail; an unknown, used or expired link: one 404 page."""
    if password_resets.usable_token(token) is None:
        return _link_refused()
    form = PasswordResetForm()
    if request.method != "POST":
        return render_template("auth/reset_password.html", form=form, token=token), 200
    if form.validate_on_submit():
        try:
            password_resets.reset_password(token, form.password.data or "")
        except ServiceError as exc:
            db.session.rollback()
            if exc.field is None:
                return _link_refused()
            form.password.errors.append(exc.message)
        else:
            if current_person() is not None:
                end_session_cookie()  # its session ended with all the others
            flash(_("Your password was changed; sign in with it."), "success")
            return redirect(url_for("auth.login"), code=303)
    return render_template("auth/reset_password.html", form=form, token=token), 400


def _link_refused() -> tuple[str, int]:
    page = render_template("auth/reset_refused.html", message=password_resets.LINK_REFUSED)
    return page, 404
