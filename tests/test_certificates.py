"""Tracks and certificates: assignment, issue once, to review, expiry, renewal, revocation, verification."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from elearning.extensions import db
from elearning.models import AuditEvent, Certificate, TrackAssignment
from elearning.permissions import SYSTEM
from elearning.roles import Role
from elearning.services.catalog import lookup
from elearning.services.certification import codes
from elearning.services.dates import add_months
from elearning.services.learning import cycles, quizzes
from elearning.services.people import accounts
from elearning.services.people.accounts import get_person
from elearning.web.layout import format_day
from tests.conftest import TODAY
from tests.factories import PASSWORD, load_content, make_org, make_person
from tests.quiz_helpers import post_answers, read_quiz_form
from tests.test_quizzes import RIGHT, WRONG
from tests.web import csrf_token, signed_in_client

LEARNER = "zoe@example.org"
NAME = "Zoé Cœur-D’Arcy"
ORG_NAME = "Centre jeunesse de Québec"
DAY = dt.timedelta(days=1)


@pytest.fixture
def content(app: Flask, content_root: Path) -> Path:
    root = content_root
    with app.app_context():
        org = make_org("CJQ", name=ORG_NAME)
        make_person(email=LEARNER, name=NAME, org=org)
        make_person(email="table@example.org", org=None, roles=("table",))
        make_person(email="admin@example.org", org=None, roles=("admin",))
        db.session.commit()
    return root


@pytest.fixture
def learner(app: Flask, content: Path) -> FlaskClient:
    return signed_in_client(app, LEARNER, PASSWORD)


def complete_core_track(client: FlaskClient, *, fail_first: bool = False, quiz: bool = True) -> None:
    """Read every section of both modules of the core track and pass the quiz, as the learner would."""
    for slug, sections in (
        ("mise-en-contexte", ("decembre-2002", "constats", "suites")),
        ("table-regionale", ("membres", "mandat")),
    ):
        for section in sections:
            assert client.get(f"/modules/{slug}/{section}").status_code == 200
    for answers in (([WRONG] if fail_first else []) + [RIGHT]) if quiz else []:
        form = read_quiz_form(client.get("/modules/mise-en-contexte/quiz").get_data(as_text=True))
        assert post_answers(client, form, answers).status_code == 302


def _certificates(app: Flask) -> list[Certificate]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Certificate).order_by(Certificate.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _assignments(app: Flask, email: str) -> list[tuple[str, dt.date, dt.date, dt.date | None]]:
    with app.app_context():
        from elearning.models import Track

        rows = db.session.execute(
            sa.select(Track.slug, TrackAssignment.assigned_on, TrackAssignment.due_on, TrackAssignment.ended_on)
            .join(Track)
            .where(TrackAssignment.person_id == get_person(email).id)
            .order_by(TrackAssignment.id)
        ).all()
        return [tuple(row) for row in rows]


# -- assignment ------------------------------------------------------------------------------------------


def test_workers_get_the_core_track_due_in_its_days(app: Flask, content: Path) -> None:
    assert _assignments(app, LEARNER) == [("formation-de-base", TODAY, TODAY + 60 * DAY, None)]


def test_designation_assigns_the_pivot_track_and_withdrawal_ends_it(app: Flask, content: Path, clock) -> None:
    with app.app_context():
        person = get_person(LEARNER)
        clock.advance(days=3)
        accounts.set_roles(SYSTEM, person, {Role.PIVOT})
        db.session.commit()
    assert _assignments(app, LEARNER)[-1] == ("certification-pivot", TODAY + 3 * DAY, TODAY + 93 * DAY, None)
    with app.app_context():
        clock.advance(days=7)
        accounts.set_roles(SYSTEM, get_person(LEARNER), {Role.WORKER})
        db.session.commit()
    rows = _assignments(app, LEARNER)
    assert rows[-1] == ("certification-pivot", TODAY + 3 * DAY, TODAY + 93 * DAY, TODAY + 10 * DAY)
    assert rows[0][3] is None  # the core track stays


def test_reconcile_after_a_content_change(app: Flask, content: Path, runner) -> None:
    tracks = content / "modules" / "tracks.yml"
    tracks.write_text(tracks.read_text(encoding="utf-8").replace("assigned_to: [worker]", "assigned_to: [pivot]"))
    result = runner.invoke(args=["content", "sync", str(content)])
    assert result.exit_code == 0, result.output
    assert "tracks reconcile: 0 assigned, 1 ended" in result.output
    assert _assignments(app, LEARNER)[0][3] == TODAY
    again = runner.invoke(args=["tracks", "reconcile"])
    assert again.output.strip() == "tracks reconcile: 0 assigned, 0 ended, 0 certificates issued"


# -- issuing ---------------------------------------------------------------------------------------------


def test_certificate_issued_once_when_the_last_module_completes(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner, fail_first=True)
    issued = _certificates(app)
    assert len(issued) == 1
    certificate = issued[0]
    assert certificate.holder_name == NAME
    assert certificate.organization_name_fr == ORG_NAME
    assert certificate.track_title_fr == "Formation de base"
    assert certificate.issued_on == certificate.valid_from == TODAY
    assert certificate.expires_on == dt.date(2029, 3, 16)  # 36 months
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", certificate.code)
    # Visiting again, or reconciling, issues nothing more.
    complete_core_track(learner, quiz=False)
    with app.app_context():
        from elearning.services.certification.everyone import reconcile_everyone

        assert reconcile_everyone(SYSTEM).certificates == 0
    assert len(_certificates(app)) == 1
    page = learner.get("/certificates").get_data(as_text=True)
    assert "Formation de base" in page and "Valide" in page


def test_not_issued_while_a_module_is_to_review(app: Flask, learner: FlaskClient, content: Path) -> None:
    for section in ("membres", "mandat"):
        learner.get(f"/modules/table-regionale/{section}")
    module = content / "modules" / "table-regionale"
    (module / "membres.fr.md").write_text((module / "membres.fr.md").read_text(encoding="utf-8") + "\nAjout.\n")
    yml = module / "module.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace('version: "2.1"', 'version: "2.2"'), encoding="utf-8")
    with app.app_context():
        load_content(content)
        db.session.commit()
    for section in ("decembre-2002", "constats", "suites"):
        learner.get(f"/modules/mise-en-contexte/{section}")
    form = read_quiz_form(learner.get("/modules/mise-en-contexte/quiz").get_data(as_text=True))
    post_answers(learner, form, RIGHT)
    assert _certificates(app) == []
    assert "À revoir" in learner.get("/").get_data(as_text=True)
    learner.get("/modules/table-regionale/membres")  # the changed section; the other carries over
    assert len(_certificates(app)) == 1


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 8, 31), 1, dt.date(2026, 9, 30)),
        (dt.date(2026, 3, 31), 11, dt.date(2027, 2, 28)),
        (dt.date(2026, 3, 16), 36, dt.date(2029, 3, 16)),
        (dt.date(2026, 12, 31), 2, dt.date(2027, 2, 28)),
    ],
)
def test_expiry_keeps_the_day_number_clamped_to_the_month_end(start: dt.date, months: int, end: dt.date) -> None:
    assert add_months(start, months) == end


def test_certificate_issued_on_the_31st_expires_at_the_month_end(app: Flask, content: Path, clock) -> None:
    with app.app_context():
        from elearning.models import Track

        db.session.execute(sa.update(Track).where(Track.slug == "formation-de-base").values(validity_months=11))
        db.session.commit()
    clock.set(dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC))
    complete_core_track(signed_in_client(app, LEARNER, PASSWORD))
    certificate = _certificates(app)[0]
    assert (certificate.valid_from, certificate.expires_on) == (dt.date(2026, 3, 31), dt.date(2027, 2, 28))


# -- renewal ---------------------------------------------------------------------------------------------


def test_renewal_window_early_renewal_and_attempt_limits_per_cycle(app: Flask, learner: FlaskClient, clock) -> None:
    # First cycle: two failed attempts, then a pass (3 of 3 attempts used).
    for section in ("decembre-2002", "constats", "suites", "membres", "mandat"):
        module = "table-regionale" if section in ("membres", "mandat") else "mise-en-contexte"
        learner.get(f"/modules/{module}/{section}")
    for answers in (WRONG, WRONG, RIGHT):
        form = read_quiz_form(learner.get("/modules/mise-en-contexte/quiz").get_data(as_text=True))
        post_answers(learner, form, answers)
    first = _certificates(app)[0]
    expires = first.expires_on
    # 61 days before expiry: no renewal yet.
    clock.set(dt.datetime.combine(expires - 61 * DAY, dt.time(16), tzinfo=dt.UTC))
    learner = signed_in_client(app, LEARNER, PASSWORD)
    assert "Renouvelez votre attestation" not in learner.get("/").get_data(as_text=True)
    # 60 days before: the window opens; attempts count again from zero.
    clock.set(dt.datetime.combine(expires - 60 * DAY, dt.time(16), tzinfo=dt.UTC))
    learner = signed_in_client(app, LEARNER, PASSWORD)
    page = learner.get("/").get_data(as_text=True)
    assert "Renouvelez votre attestation" in page
    assert "Tentatives soumises\u00a0: 0 sur 3." in learner.get("/modules/mise-en-contexte/quiz").get_data(as_text=True)
    # Renewing early: the new certificate starts when the old one ends; the old one stays valid until then.
    complete_core_track(learner)
    first, renewal = _certificates(app)
    assert renewal.cycle == 2 and renewal.renews_id == first.id
    assert renewal.issued_on == expires - 60 * DAY
    assert renewal.valid_from == expires
    assert renewal.expires_on == add_months(expires, 36)
    with app.app_context():
        assert cycles.status_on(first, clock.today()) == cycles.CertificateStatus.VALID
        assert cycles.status_on(renewal, clock.today()) == cycles.CertificateStatus.UPCOMING
        assert cycles.status_on(renewal, expires) == cycles.CertificateStatus.VALID
        assert cycles.status_on(first, expires) == cycles.CertificateStatus.EXPIRED
        cycle = cycles.track_cycles(get_person(LEARNER).id, clock.today())[0]
        assert not cycle.open and cycle.current.id == first.id
    assert "Renouvelez votre attestation" not in learner.get("/").get_data(as_text=True)


# -- revocation and reissue ------------------------------------------------------------------------------


def _revoke(client: FlaskClient, certificate_id: int, reason: str = "Erreur de saisie") -> None:
    """Give the reason, then confirm on the confirmation page, as the Table would."""
    token = csrf_token(client, "/account")
    asked = client.post(f"/certificates/{certificate_id}/revoke", data={"csrf_token": token, "reason": reason})
    assert asked.status_code == 303 and asked.headers["Location"] == f"/certificates/{certificate_id}/revoke"
    done = client.post(
        f"/certificates/{certificate_id}/revoke",
        data={"csrf_token": token, "reason": reason, "confirmed": "yes"},
    )
    assert done.status_code == 303 and done.headers["Location"] == f"/certificates/{certificate_id}"


def test_revocation_by_the_table_after_a_confirmation(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    table = signed_in_client(app, "table@example.org", PASSWORD)
    token = csrf_token(table, "/account")
    missing = table.post(f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": " "})
    assert missing.status_code == 400 and "Indiquez la raison" in missing.get_data(as_text=True)
    for confirmed in ("", "yes"):
        refused = learner.post(
            f"/certificates/{certificate.id}/revoke",
            data={"csrf_token": csrf_token(learner, "/account"), "reason": "x", "confirmed": confirmed},
        )
        assert refused.status_code == 403
    assert learner.get(f"/certificates/{certificate.id}/revoke").status_code == 403
    # Nothing asked yet: the confirmation page sends back to the certificate.
    assert table.get(f"/certificates/{certificate.id}/revoke").headers["Location"] == f"/certificates/{certificate.id}"

    asked = table.post(
        f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": "  Erreur   de saisie "}
    )
    assert asked.status_code == 303 and asked.headers["Location"] == f"/certificates/{certificate.id}/revoke"
    assert _certificates(app)[0].revoked_at is None  # nothing changes until confirmed
    page = table.get(f"/certificates/{certificate.id}/revoke").get_data(as_text=True)
    for shown in (
        "Révoquer cette attestation\u00a0?",
        NAME,
        "Formation de base",
        "Erreur de saisie",
        codes.display_code(certificate.code),
        "Confirmer la révocation",
    ):
        assert shown in page, shown
    assert f'href="/certificates/{certificate.id}">Annuler</a>' in page
    assert 'name="csrf_token"' in page and 'name="confirmed" value="yes"' in page
    without_token = table.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": "Erreur de saisie", "confirmed": "yes"}
    )
    assert without_token.status_code == 400 and _certificates(app)[0].revoked_at is None
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "certificate.revoked"))
            == 0
        )

    done = table.post(
        f"/certificates/{certificate.id}/revoke",
        data={"csrf_token": token, "reason": "Erreur de saisie", "confirmed": "yes"},
    )
    assert done.status_code == 303 and done.headers["Location"] == f"/certificates/{certificate.id}"
    assert _certificates(app)[0].revocation_reason == "Erreur de saisie"
    assert "Cette attestation a été révoquée." in table.get(f"/verify/{certificate.code}").get_data(as_text=True)
    # Back to the confirmation page once revoked: the certificate's page.
    assert table.get(f"/certificates/{certificate.id}/revoke").headers["Location"] == f"/certificates/{certificate.id}"
    again = table.post(
        f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": "encore", "confirmed": "yes"}
    )
    assert again.status_code == 409
    assert (
        table.post(f"/certificates/{certificate.id}/revoke", data={"csrf_token": token, "reason": "encore"}).status_code
        == 409
    )
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
        assert event.object_id == str(certificate.id) and event.actor_id == get_person("table@example.org").id
        assert "Erreur" not in str(event.details)


def _day(app: Flask, day: dt.date, language: str = "fr") -> str:
    """``day`` as the pages write it (the one formatter)."""
    with app.test_request_context("/"), force_locale(language):
        return format_day(day)


def test_a_revoked_certificate_says_so_on_its_page_verification_and_pdf(
    app: Flask, learner: FlaskClient, clock
) -> None:
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    valid_pdf = learner.get(f"/certificates/{certificate.id}.pdf").data
    assert "Valide du" in _pdf_text(valid_pdf) and "RÉVOQUÉE" not in _pdf_text(valid_pdf)
    clock.advance(days=3)
    _revoke(signed_in_client(app, "table@example.org", PASSWORD), certificate.id, "Parcours suivi par erreur")
    learner = signed_in_client(app, LEARNER, PASSWORD)  # (the first session is over, days later)
    revoked_on = _day(app, TODAY + 3 * DAY)

    holder_page = learner.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert f"Révoquée le {revoked_on}\u00a0: cette attestation n’est plus valide." in holder_page
    assert "Parcours suivi par erreur" not in holder_page  # the reason is the Table's and Admin's
    for governor in ("table@example.org", "admin@example.org"):
        page = signed_in_client(app, governor, PASSWORD).get(f"/certificates/{certificate.id}").get_data(as_text=True)
        assert f"Révoquée le {revoked_on}" in page and "Raison\u00a0: Parcours suivi par erreur" in page
    public = app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Cette attestation a été révoquée." in public and f"Révoquée le {revoked_on}" in public
    assert "Parcours suivi" not in public

    revoked_pdf = learner.get(f"/certificates/{certificate.id}.pdf").data  # not the one kept before
    text = _pdf_text(revoked_pdf)
    assert "RÉVOQUÉE" in text and f"Révoquée le {revoked_on} : cette attestation n’est plus valide." in text
    assert "Valide du" not in text and "Parcours suivi" not in text
    with app.app_context():
        get_person(LEARNER).preferred_language = "en"
        db.session.commit()
    english = _pdf_text(learner.get(f"/certificates/{certificate.id}.pdf").data)
    assert "REVOKED" in english and f"Revoked on {_day(app, TODAY + 3 * DAY, 'en')}" in english
    assert "Valid from" not in english


def test_after_a_revocation_the_new_cycle_is_due_from_the_revocation(app: Flask, learner: FlaskClient, clock) -> None:
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    clock.advance(days=100)  # the assignment was due on TODAY + 60
    _revoke(signed_in_client(app, "table@example.org", PASSWORD), certificate.id)
    learner = signed_in_client(app, LEARNER, PASSWORD)
    with app.app_context():
        (cycle,) = cycles.track_cycles(get_person(LEARNER).id, TODAY + 100 * DAY)
        assert cycle.open and cycle.due_on == TODAY + 160 * DAY  # the track's 60 days, from the revocation
    dashboard = learner.get("/").get_data(as_text=True)
    assert _day(app, TODAY + 160 * DAY) in dashboard
    assert "En retard" not in dashboard and _day(app, TODAY + 60 * DAY) not in dashboard
    clock.advance(days=61)
    assert "En retard" in signed_in_client(app, LEARNER, PASSWORD).get("/").get_data(as_text=True)


def test_reissue_with_a_corrected_name(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner)
    old = _certificates(app)[0]
    admin = signed_in_client(app, "admin@example.org", PASSWORD)
    response = admin.post(
        f"/certificates/{old.id}/reissue",
        data={"csrf_token": csrf_token(admin, "/account"), "holder_name": "Zoé Cœur-d’Arcy"},
    )
    assert response.status_code == 302
    old, new = _certificates(app)
    assert old.revocation_reason == "reissued" and old.revoked_at is not None
    assert new.holder_name == "Zoé Cœur-d’Arcy" and new.code != old.code
    assert (new.valid_from, new.expires_on) == (old.valid_from, old.expires_on)
    assert "Cette attestation est valide." in admin.get(f"/verify/{new.code}").get_data(as_text=True)
    assert "révoquée" in admin.get(f"/verify/{old.code}").get_data(as_text=True)


# -- verification ----------------------------------------------------------------------------------------


def test_verification_page(app: Flask, learner: FlaskClient, clock) -> None:
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    public = app.test_client()
    page = public.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Cette attestation est valide." in page and NAME in page and "Formation de base" in page
    assert LEARNER not in page and ORG_NAME not in page  # status, name, track and dates only
    grouped = codes.display_code(certificate.code)
    assert public.get(f"/verify/{grouped.lower()}").status_code == 200  # hyphens and case do not matter
    clock.set(dt.datetime.combine(certificate.expires_on, dt.time(16), tzinfo=dt.UTC))
    assert "Cette attestation est expirée." in public.get(f"/verify/{certificate.code}").get_data(as_text=True)


def test_the_verification_form_leads_to_the_code_page(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    public = app.test_client()
    form = public.get("/verify")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert (
        '<form method="get" action="/verify"' in page and '<label class="label" for="code">Code de vérification' in page
    )
    assert 'id="code" name="code"' in page and "Set-Cookie" not in form.headers
    grouped = codes.display_code(certificate.code)
    for typed in (certificate.code, grouped, grouped.lower(), " ".join(grouped.split("-")), f"  {grouped} "):
        answer = public.get("/verify", query_string={"code": typed})
        assert answer.status_code == 302 and answer.headers["Location"] == f"/verify/{certificate.code}", typed
    assert "Cette attestation est valide." in public.get(f"/verify/{certificate.code}").get_data(as_text=True)


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZZZZZ", "not-a-code", "ABC", "%3Cscript%3E", "A" * 40])
def test_unknown_and_malformed_codes_get_the_same_404(app: Flask, content: Path, code: str) -> None:
    client = app.test_client()
    reference = client.get("/verify/0000000000000000")
    response = client.get(f"/verify/{code}")
    typed = client.get("/verify", query_string={"code": code})
    assert response.status_code == reference.status_code == 404
    assert typed.status_code in (302, 404)  # well-formed codes go to their page (the same 404)
    if typed.status_code == 302:
        typed = client.get(typed.headers["Location"])
    assert typed.status_code == 404

    def without_switch(html: str) -> str:  # the language switch links to the same address
        return re.sub(r'href="/verify[^"]*lang=en"', "", html)

    expected = without_switch(reference.get_data(as_text=True))
    assert without_switch(response.get_data(as_text=True)) == expected
    assert without_switch(typed.get_data(as_text=True)) == expected
    assert "Aucune attestation ne correspond à ce code." in expected and 'id="code" name="code"' in expected
    assert 'aria-invalid="true"' in expected and "Page introuvable" not in expected
    english = client.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    assert "No certificate matches this code." in english


def test_verification_is_rate_limited_per_address(app: Flask, content: Path) -> None:
    client = app.test_client()
    for _ in range(60):
        assert client.get("/verify/0000000000000000").status_code == 404
    limited = client.get("/verify/0000000000000000")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 600
    assert "Trop de tentatives" in limited.get_data(as_text=True)
    # The form answers the same while limited, whatever it is given.
    for typed in ("0000000000000000", "not-a-code"):
        assert client.get("/verify", query_string={"code": typed}).status_code == 429


def test_malformed_codes_typed_in_the_form_count_against_the_limit(app: Flask, content: Path) -> None:
    client = app.test_client()
    for _ in range(60):
        assert client.get("/verify", query_string={"code": "not-a-code"}).status_code == 404
    assert client.get("/verify/0000000000000000").status_code == 429
    assert client.get("/verify").status_code == 200  # the empty form is no look-up


# -- the PDF ---------------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize(
    ("language", "title", "heading", "filename_start"),
    [
        ("fr", "Formation de base", "Attestation de formation", "attestation-formation-de-base"),
        ("en", "Core training", "Certificate of training", "certificate-core-training"),
    ],
)
def test_pdf_prints_name_organization_and_track_exactly(
    app: Flask, learner: FlaskClient, language: str, title: str, heading: str, filename_start: str
) -> None:
    """...and downloads (an attachment) named after the track and the holder, in the holder's language."""
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    with app.app_context():
        get_person(LEARNER).preferred_language = language
        db.session.commit()
    response = learner.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    name = f"{filename_start}-zoe-coeur-darcy.pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    text = _pdf_text(response.data)
    for expected in (NAME, ORG_NAME, title, heading, codes.display_code(certificate.code)):
        assert expected in text, (expected, text)


def _qr_matrix_from_pdf(data: bytes) -> list[list[bool]]:
    """Rebuild the QR code from the filled rectangles the PDF draws (one per run of dark modules)."""
    from io import BytesIO

    from pypdf import PdfReader

    from elearning.web.certificates.pdf import QR_MODULE_MM

    stream = PdfReader(BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    module = QR_MODULE_MM * 72 / 25.4
    rects = []
    for x, y, w, h in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f", stream):
        if abs(abs(float(h)) - module) < 0.01:
            rects.append((float(x), float(y), float(w)))
    left = min(x for x, _y, _w in rects)
    top = max(y for _x, y, _w in rects)
    size = round((max(x + w for x, _y, w in rects) - left) / module)
    matrix = [[False] * size for _ in range(size)]
    for x, y, w in rects:
        row, column, length = round((top - y) / module), round((x - left) / module), round(w / module)
        for offset in range(length):
            matrix[row][column + offset] = True
    return matrix


def test_pdf_qr_code_points_at_the_verification_page(app: Flask, learner: FlaskClient) -> None:
    import segno

    complete_core_track(learner)
    certificate = _certificates(app)[0]
    data = learner.get(f"/certificates/{certificate.id}.pdf").data
    expected_url = f"http://elearning.test/verify/{certificate.code}"
    expected = [[bool(cell) for cell in row] for row in segno.make(expected_url, error="m").matrix]
    assert _qr_matrix_from_pdf(data) == expected
    assert expected_url in _pdf_text(data)


def test_only_the_holder_the_table_and_admin_download_the_pdf(app: Flask, learner: FlaskClient, content: Path) -> None:
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    with app.app_context():
        colleague = make_person(email="colleague@example.org", org=make_org("OTHER"))
        db.session.commit()
        del colleague
    assert (
        signed_in_client(app, "table@example.org", PASSWORD).get(f"/certificates/{certificate.id}.pdf").status_code
        == 200
    )
    assert (
        signed_in_client(app, "admin@example.org", PASSWORD).get(f"/certificates/{certificate.id}.pdf").status_code
        == 200
    )
    assert (
        signed_in_client(app, "colleague@example.org", PASSWORD).get(f"/certificates/{certificate.id}.pdf").status_code
        == 404
    )


def test_allowance_counts_from_the_cycle_start(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner, fail_first=True)
    with app.app_context():
        ref = lookup.find_module("mise-en-contexte")
        quiz = lookup.quiz_of(ref.version)
        person_id = get_person(LEARNER).id
        assert quizzes.allowance(person_id, ref.module.id, quiz).used == 2


def test_dashboard_uses_a_fixed_number_of_queries(app: Flask, content: Path, clock, count_queries) -> None:
    """A learner with three certification cycles and extra attempts costs the dashboard as many queries as a
    learner who just started."""
    with app.app_context():
        make_person(email="new@example.org", org=make_org("NEW"))
        db.session.commit()
    newcomer = signed_in_client(app, "new@example.org", PASSWORD)
    assert newcomer.get("/").status_code == 200  # warm: the content is read once per process and revision
    with count_queries() as small:
        assert newcomer.get("/").status_code == 200
    for cycle in range(3):
        if cycle:
            expires = _certificates(app)[-1].expires_on
            clock.set(dt.datetime.combine(expires - 30 * DAY, dt.time(16), tzinfo=dt.UTC))
        complete_core_track(signed_in_client(app, LEARNER, PASSWORD), fail_first=True)
    assert len(_certificates(app)) == 3
    learner = signed_in_client(app, LEARNER, PASSWORD)
    learner.get("/")
    with count_queries() as large:
        page = learner.get("/").get_data(as_text=True)
    assert page.count('href="/certificates/') == 3
    assert small.count == large.count, (small.count, large.count)


def test_the_verification_page_kept_for_visitors_still_shows_each_its_own(app: Flask, learner: FlaskClient) -> None:
    """The page is kept rendered for visitors who are not signed in (:func:`elearning.web.layout.kept_page`):
    a revocation shows at once, each language and query gets its own, and a signed-in viewer or a visitor
    with a message waiting gets the page rendered for them."""
    complete_core_track(learner)
    certificate = _certificates(app)[0]
    path = f"/verify/{certificate.code}"
    public = app.test_client()
    for _ in range(2):  # the second from what was kept
        page = public.get(f"{path}?from=email").get_data(as_text=True)
        assert "Cette attestation est valide." in page and NAME in page
        assert 'class="lang-switch" href="/verify/' in page and "from=email&amp;lang=en" in page
    english = app.test_client().get(f"{path}?lang=en").get_data(as_text=True)
    assert "This certificate is valid." in english and '<html lang="en">' in english
    first_visit = app.test_client().get(path)
    assert "Set-Cookie" not in first_visit.headers  # no form on it: no session, no token, for a public visitor
    other_query = public.get(f"{path}?from=letter").get_data(as_text=True)
    assert "from=letter&amp;lang=en" in other_query and "from=email" not in other_query
    signed_in = learner.get(path).get_data(as_text=True)
    assert 'class="sign-out"' in signed_in and 'class="sign-out"' not in page

    leaving = signed_in_client(app, "table@example.org", PASSWORD)
    assert leaving.post("/logout", data={"csrf_token": csrf_token(leaving, "/account")}).status_code == 302
    assert 'class="alert alert-success"' in leaving.get(path).get_data(as_text=True)  # "signed out", waiting
    assert 'class="alert alert-success"' not in leaving.get(path).get_data(as_text=True)  # shown once

    _revoke(signed_in_client(app, "table@example.org", PASSWORD), certificate.id)
    assert "Cette attestation a été révoquée." in public.get(f"{path}?from=email").get_data(as_text=True)
