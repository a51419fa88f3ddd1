"""French typography and grammar, and the one date and time formatter of pages and PDFs
(:func:`elearning.web.layout.format_day`, :func:`elearning.web.layout.format_moment`)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from pypdf import PdfReader

from elearning.extensions import db
from elearning.models import Certificate
from elearning.permissions import SYSTEM
from elearning.services.certification import revocation
from elearning.services.people.accounts import get_person
from elearning.web.certificates.pdf import draw
from elearning.web.certificates.views import print_context
from elearning.web.layout import format_day, format_moment
from tests.conftest import TODAY
from tests.factories import PASSWORD, add_member, make_org, make_person, make_team, unsaved_certificate
from tests.test_certificates import complete_core_track
from tests.test_certificates import content as content
from tests.test_certificates import learner as learner
from tests.web import csrf_token, signed_in_client, visible_texts

NBSP = "\u00a0"
FIRST = dt.date(2026, 12, 1)
#: 20:02 UTC on December 1, 2026 is 15:02 in America/Toronto (EST, UTC-5).
MOMENT = dt.datetime(2026, 12, 1, 20, 2, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("fr", FIRST, "1er décembre 2026"),
        ("fr", dt.date(2026, 12, 2), "2 décembre 2026"),
        ("fr", dt.date(2026, 12, 11), "11 décembre 2026"),
        ("fr", dt.date(2026, 12, 21), "21 décembre 2026"),
        ("fr", dt.date(2027, 1, 31), "31 janvier 2027"),
        ("en", FIRST, "December 1, 2026"),
        ("en", dt.date(2026, 7, 4), "July 4, 2026"),
    ],
)
def test_dates(app: Flask, language: str, day: dt.date, expected: str) -> None:
    with app.test_request_context(), force_locale(language):
        assert format_day(day) == expected
        assert format_day(day) == expected  # kept per locale and day


@pytest.mark.parametrize(
    ("language", "moment", "expected"),
    [
        ("fr", MOMENT, f"1er décembre 2026 à 15{NBSP}h{NBSP}02"),
        ("fr", dt.datetime(2026, 3, 16, 4, 5, tzinfo=dt.UTC), f"16 mars 2026 à 0{NBSP}h{NBSP}05"),
        ("fr", dt.datetime(2026, 7, 4, 13, 30, tzinfo=dt.UTC), f"4 juillet 2026 à 9{NBSP}h{NBSP}30"),
        ("en", MOMENT, f"December 1, 2026, 3:02{NBSP}PM"),
        ("en", dt.datetime(2026, 3, 16, 4, 5, tzinfo=dt.UTC), f"March 16, 2026, 12:05{NBSP}AM"),
        ("en", dt.datetime(2026, 7, 4, 16, 0, tzinfo=dt.UTC), f"July 4, 2026, 12:00{NBSP}PM"),
        # Stored without a zone (SQLite): UTC.
        ("fr", MOMENT.replace(tzinfo=None), f"1er décembre 2026 à 15{NBSP}h{NBSP}02"),
    ],
)
def test_moments_in_the_configured_time_zone(app: Flask, language: str, moment: dt.datetime, expected: str) -> None:
    with app.test_request_context(), force_locale(language):
        text = format_moment(moment)
    assert text == expected
    assert ":" not in text or language == "en"


def test_a_moment_near_midnight_takes_the_local_day(app: Flask) -> None:
    # 02:30 UTC on December 2 is still December 1 in Québec.
    with app.test_request_context(), force_locale("fr"):
        assert format_moment(dt.datetime(2026, 12, 2, 2, 30, tzinfo=dt.UTC)) == f"1er décembre 2026 à 21{NBSP}h{NBSP}30"


@pytest.mark.parametrize(
    ("language", "issued", "validity"),
    [
        ("fr", "Délivrée le 1er décembre 2026", "Valide du 1er décembre 2026 au 1er décembre 2029"),
        ("en", "Issued on December 1, 2026", "Valid from December 1, 2026 until December 1, 2029"),
    ],
)
def test_the_pdf_prints_dates_with_the_same_formatter(app: Flask, language: str, issued: str, validity: str) -> None:
    with app.test_request_context():
        context = print_context(unsaved_certificate(FIRST, expires_on=dt.date(2029, 12, 1)), language)
    assert (context.issued_line, context.validity_line) == (issued, validity)
    printed = " ".join(PdfReader(BytesIO(draw(context))).pages[0].extract_text().replace(NBSP, " ").split())
    assert issued in printed and validity in printed


# -- the wording on the pages ----------------------------------------------------------------------------


@pytest.fixture
def people(app: Flask) -> None:
    with app.app_context():
        org = make_org("CJQ")
        make_person(email="alone@example.org", org=None, roles=("table",))
        pivot = make_person(email="pivot@example.org", name="Paule Pivot", org=org, roles=("worker", "pivot"))
        alex = make_person(email="alex@example.org", name="Alex Tremblay", org=org)
        team = make_team(org, "Équipe A")
        add_member(team, pivot, "pivot")
        add_member(team, alex)
        db.session.commit()


def _texts(client: FlaskClient, path: str) -> list[str]:
    """The page's text nodes, spaces normalized (non-breaking spaces become plain ones)."""
    response = client.get(path)
    assert response.status_code == 200, path
    return visible_texts(response.get_data(as_text=True))


def test_none_agrees_with_organization_and_teams_in_french(app: Flask, people: None) -> None:
    client = signed_in_client(app, "alone@example.org", PASSWORD)
    texts = _texts(client, "/account")
    # Organisation : Aucune, Rôles : Table, Équipes : Aucune
    assert texts[texts.index("Organisation") + 1] == "Aucune"
    assert texts[texts.index("Équipes") + 1] == "Aucune"
    assert "Aucun" not in texts
    english = _texts(client, "/account?lang=en")
    assert english[english.index("Organization") + 1] == "None"
    assert english[english.index("Teams") + 1] == "None"


def test_member_caption_has_no_elision_problem(app: Flask, people: None) -> None:
    client = signed_in_client(app, "pivot@example.org", PASSWORD)
    with app.app_context():
        alex_id = get_person("alex@example.org").id
    page = client.get(f"/team/members/{alex_id}").get_data(as_text=True)
    assert f"Alex Tremblay{NBSP}: modules et tentatives aux questionnaires" in page
    assert "questionnaires de Alex" not in page


def test_the_next_module_is_masculine(app: Flask, learner: FlaskClient) -> None:
    texts = " ".join(_texts(learner, "/"))
    assert "Suivant : Mise en contexte" in texts
    assert "Suivante" not in texts


def test_certificate_page_heading_and_revocation_moment(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner)
    with app.app_context():
        certificate = db.session.execute(db.select(Certificate)).scalars().first()
        assert certificate is not None and certificate.issued_on == TODAY
        revocation.revoke(SYSTEM, certificate.id, "Erreur de saisie")
        db.session.commit()
        certificate_id = certificate.id
    table = signed_in_client(app, "table@example.org", PASSWORD)
    french = _texts(table, f"/certificates/{certificate_id}")
    assert "Ce qu’indique l’attestation" in french and "Tel qu’imprimé" not in french
    # The clock stands at 16:00 UTC on March 16, 2026: noon in Québec (EDT).
    assert french[french.index("Révoquée le") + 1] == "16 mars 2026 à 12 h 00"
    english = _texts(table, f"/certificates/{certificate_id}?lang=en")
    assert english[english.index("Revoked on") + 1] == "March 16, 2026, 12:00 PM"
    assert "What the certificate shows" in english


def test_attempt_list_has_no_colon_after_a_time(app: Flask, learner: FlaskClient) -> None:
    complete_core_track(learner, fail_first=True)
    page = learner.get("/modules/mise-en-contexte/quiz").get_data(as_text=True)
    assert f"16 mars 2026 à 12{NBSP}h{NBSP}00</a> –" in page
    assert "12:00" not in page and "h 00</a>:" not in page


def test_the_error_summary_puts_a_non_breaking_space_before_the_colon_in_french(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    french = client.post("/login", data={"email": "", "password": "", "csrf_token": token}).get_data(as_text=True)
    assert f"Adresse courriel{NBSP}: Entrez votre adresse courriel." in french
    client.get("/login?lang=en")
    english = client.post("/login", data={"email": "", "password": "", "csrf_token": token}).get_data(as_text=True)
    assert "E-mail address: Enter your e-mail address." in english
