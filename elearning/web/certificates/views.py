"""Own certificates, a certificate's page (revoke, reissue), its PDF, and the public verification page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from limits import parse
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response as BaseResponse

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Certificate, Person
from elearning.security import ratelimit
from elearning.services.certification import codes, register, revocation
from elearning.services.learning import cycles
from elearning.web.certificates.pdf import CertificatePrint, file_name, render
from elearning.web.exports import attachment
from elearning.web.layout import format_day, kept_page
from elearning.web.visitors import current_viewer, signed_in_person

blueprint = Blueprint("certificates", __name__)

#: The public verification page, per client address.
VERIFICATIONS_PER_ADDRESS = parse("60 per 10 minutes")


def verify_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{code}"


@blueprint.get("/certificates")
@login_required
def mine() -> str:
    person = signed_in_person()
    today = clock.today()
    owned = register.certificates_of(person.id)
    return render_template(
        "certificates/list.html",
        certificates=[(c, cycles.status_on(c, today)) for c in owned],
    )


@blueprint.get("/certificates/<int:certificate_id>")
@login_required
def detail(certificate_id: int) -> str:
    viewer = current_viewer()
    certificate = register.certificate_for(viewer, certificate_id)
    governs = permissions.can_govern(viewer)
    return render_template(
        "certificates/detail.html",
        certificate=certificate,
        status=cycles.status_on(certificate, clock.today()),
        revoked_on=cycles.revoked_on(certificate),
        # The reason is the record's (PRODUCT.md: revocation is the Table's and Admin's); the holder sees the date.
        show_reason=governs,
        can_revoke=governs and certificate.revoked_at is None,
        can_reissue=permissions.can_reissue_certificate(viewer) and certificate.revoked_at is None,
        verify_url=verify_url(certificate.code),
    )


def print_context(certificate: Certificate, language: str) -> CertificatePrint:
    """What the PDF prints, translated into ``language`` (the holder's)."""
    revoked_on = cycles.revoked_on(certificate)
    with force_locale(language):
        if revoked_on is None:
            validity_line = _(
                "Valid from %(start)s until %(end)s",
                start=format_day(certificate.valid_from),
                end=format_day(certificate.expires_on),
            )
        else:
            validity_line = _("Revoked on %(date)s: this certificate is no longer valid.", date=format_day(revoked_on))
        return CertificatePrint(
            language=language,
            heading=_("Certificate of training"),
            awarded_to=_("awarded to"),
            holder_name=certificate.holder_name,
            for_completing=_("for completing the track"),
            track_title=certificate.track_title(language),
            organization_line=certificate.organization_name(language),
            issued_line=_("Issued on %(date)s", date=format_day(certificate.issued_on)),
            validity_line=validity_line,
            revoked_mark="" if revoked_on is None else _("REVOKED"),
            code_label=_("Verification code:"),
            code=codes.display_code(certificate.code),
            verify_label=_("Check it at:"),
            verify_url=verify_url(certificate.code),
            issuer="Table régionale de Québec sur la prostitution juvénile",
        )


@blueprint.get("/certificates/<int:certificate_id>.pdf")
@login_required
def pdf(certificate_id: int) -> Response:
    certificate = register.certificate_for(current_viewer(), certificate_id)
    holder = db.session.get(Person, certificate.person_id)
    language = holder.preferred_language if holder else "fr"
    data = render(print_context(certificate, language))
    response = Response(data, mimetype="application/pdf")
    with force_locale(language):
        name = file_name(_("certificate"), certificate.track_title(language), certificate.holder_name)
    response.headers["Content-Disposition"] = attachment(name)
    return response


#: Session key of the revocation waiting for its confirmation: "<certificate id>:<reason>".
PENDING_REVOCATION = "revoking"


@blueprint.post("/certificates/<int:certificate_id>/revoke")
@login_required
def revoke(certificate_id: int) -> BaseResponse:
    """The reason first (checked, nothing written: then the confirmation page), then, confirmed, the revocation."""
    viewer = current_viewer()
    if request.form.get("confirmed") != "yes":
        _certificate, reason = revocation.prepare_revocation(viewer, certificate_id, request.form.get("reason", ""))
        session[PENDING_REVOCATION] = f"{certificate_id}:{reason}"
        return redirect(url_for("certificates.confirm_revocation", certificate_id=certificate_id), 303)
    revocation.revoke(viewer, certificate_id, request.form.get("reason", ""))
    session.pop(PENDING_REVOCATION, None)
    flash(_("The certificate is revoked."), "success")
    return redirect(url_for("certificates.detail", certificate_id=certificate_id), 303)


@blueprint.get("/certificates/<int:certificate_id>/revoke")
@login_required
def confirm_revocation(certificate_id: int) -> BaseResponse | str:
    """The confirmation step: the certificate, its holder and the reason given, Confirm or Cancel. Without a
    reason waiting for this certificate (or once it is revoked), its page."""
    certificate = revocation.certificate_to_revoke(current_viewer(), certificate_id)
    waiting, _sep, reason = str(session.get(PENDING_REVOCATION, "")).partition(":")
    if waiting != str(certificate_id) or not reason or certificate.revoked_at is not None:
        return redirect(url_for("certificates.detail", certificate_id=certificate_id))
    return render_template("certificates/revoke.html", certificate=certificate, reason=reason)


@blueprint.post("/certificates/<int:certificate_id>/reissue")
@login_required
def reissue(certificate_id: int) -> BaseResponse:
    copy = revocation.reissue(current_viewer(), certificate_id, request.form.get("holder_name", ""))
    flash(_("The certificate was reissued with a new code; the old one is revoked."), "success")
    return redirect(url_for("certificates.detail", certificate_id=copy.id))


def _limit_verifications(*, count: bool) -> None:
    """429 while this address has used its verifications; ``count``: this request is one."""
    address = ratelimit.key("verify", request.remote_addr or "unknown")
    wait = ratelimit.retry_after(VERIFICATIONS_PER_ADDRESS, address)
    if wait is not None:
        raise TooManyRequests(retry_after=wait)
    if count:
        ratelimit.hit(VERIFICATIONS_PER_ADDRESS, address)


def _no_match() -> tuple[str, int]:
    """The one answer to an unknown or malformed code, whichever it was (codes cannot be probed): the field
    again, to retry."""
    page = kept_page(("verify", "no match"), lambda: render_template("certificates/verify_form.html", no_match=True))
    return page, 404


@blueprint.get("/verify")
def verify_form() -> BaseResponse | tuple[str, int]:
    """A field to type a code (GET ``?code=``): a well-formed code goes to its page, as printed or typed in any
    case, with or without hyphens or spaces."""
    typed = request.args.get("code")
    if typed is None:
        return kept_page(("verify", "form"), lambda: render_template("certificates/verify_form.html")), 200
    code = codes.normalize_code(typed)
    _limit_verifications(count=code is None)  # a well-formed code is counted on its own page
    if code is None:
        return _no_match()
    return redirect(url_for("certificates.verify", code=code))


@blueprint.get("/verify/<code>")
def verify(code: str) -> tuple[str, int]:
    _limit_verifications(count=True)
    found = register.verify(code)
    if found is None:
        return _no_match()

    def page() -> str:
        return render_template(
            "certificates/verify.html",
            certificate=found.certificate,
            status=found.status,
            revoked_on=found.revoked_on,
            code=codes.display_code(found.certificate.code),
        )

    # What it shows is all in ``found`` (read on every request: a revocation shows at once).
    return kept_page(("verify", found), page), 200
