"""Own certificates, a certificate's page (revoke, reissue), its PDF, and the public verification page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
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
from elearning.web.certificates.pdf import CertificatePrint, render
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
    return render_template(
        "certificates/detail.html",
        certificate=certificate,
        status=cycles.status_on(certificate, clock.today()),
        can_revoke=permissions.can_govern(viewer) and certificate.revoked_at is None,
        can_reissue=permissions.can_reissue_certificate(viewer) and certificate.revoked_at is None,
        verify_url=verify_url(certificate.code),
    )


def print_context(certificate: Certificate, language: str) -> CertificatePrint:
    """What the PDF prints, translated into ``language`` (the holder's)."""
    with force_locale(language):
        return CertificatePrint(
            language=language,
            heading=_("Certificate of training"),
            awarded_to=_("awarded to"),
            holder_name=certificate.holder_name,
            for_completing=_("for completing the track"),
            track_title=certificate.track_title(language),
            organization_line=certificate.organization_name(language),
            issued_line=_("Issued on %(date)s", date=format_day(certificate.issued_on)),
            validity_line=_(
                "Valid from %(start)s until %(end)s",
                start=format_day(certificate.valid_from),
                end=format_day(certificate.expires_on),
            ),
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
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{certificate.id}.pdf"'
    return response


@blueprint.post("/certificates/<int:certificate_id>/revoke")
@login_required
def revoke(certificate_id: int) -> BaseResponse:
    revocation.revoke(current_viewer(), certificate_id, request.form.get("reason", ""))
    flash(_("The certificate is revoked."), "success")
    return redirect(url_for("certificates.detail", certificate_id=certificate_id))


@blueprint.post("/certificates/<int:certificate_id>/reissue")
@login_required
def reissue(certificate_id: int) -> BaseResponse:
    copy = revocation.reissue(current_viewer(), certificate_id, request.form.get("holder_name", ""))
    flash(_("The certificate was reissued with a new code; the old one is revoked."), "success")
    return redirect(url_for("certificates.detail", certificate_id=copy.id))


@blueprint.get("/verify/<code>")
def verify(code: str) -> tuple[str, int]:
    address = ("verify", request.remote_addr or "unknown")
    wait = ratelimit.retry_after(VERIFICATIONS_PER_ADDRESS, ratelimit.key(*address))
    if wait is not None:
        raise TooManyRequests(retry_after=wait)
    ratelimit.hit(VERIFICATIONS_PER_ADDRESS, ratelimit.key(*address))
    found = register.verify(code)
    if found is None:
        abort(404)

    def page() -> str:
        return render_template(
            "certificates/verify.html",
            certificate=found.certificate,
            status=found.status,
            code=codes.display_code(found.certificate.code),
        )

    # What it shows is all in ``found`` (read on every request: a revocation shows at once).
    return kept_page(("verify", found), page), 200
