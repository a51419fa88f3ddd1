"""The public pages (sign-in, verification) say what the platform is in a ``<meta name="description">`` in the
page's language; the sign-in page tells a visitor who was sent there why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning.extensions import db
from elearning.models import Certificate
from tests.factories import PASSWORD, make_org, make_person
from tests.test_certificates import complete_core_track
from tests.web import signed_in_client

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
SENT_THERE = {"fr": "Connectez-vous pour continuer.", "en": "Sign in to continue."}


def _description(html: str) -> list[str]:
    return DESCRIPTION.findall(html)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_visitor_sent_to_sign_in_is_told_why(client: FlaskClient, language: str) -> None:
    sent = client.get("/account", follow_redirects=True)
    assert sent.request.path == "/login"
    for _ in range(2):  # the second time from the kept page
        page = client.get(f"/login?next=/account&lang={language}").get_data(as_text=True)
        assert f'<p class="alert">{SENT_THERE[language]}</p>' in page
        assert '<input type="hidden" name="next" value="/account">' in page
        plain = client.get(f"/login?lang={language}").get_data(as_text=True)
        assert SENT_THERE[language] not in plain
    assert SENT_THERE["fr"] in client.get("/login?next=/certificates&lang=fr").get_data(as_text=True)


def test_the_reason_gives_way_to_the_errors_of_a_refused_sign_in(app: Flask, client: FlaskClient) -> None:
    client.get("/login?next=/account")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token
    refused = client.post(
        "/login",
        data={"email": "nobody@example.org", "password": "x", "csrf_token": token.group(1), "next": "/account"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "L’adresse courriel ou le mot de passe est incorrect." in html
    assert SENT_THERE["fr"] not in html


def test_the_sign_in_page_describes_the_platform_in_its_language(client: FlaskClient) -> None:
    french = _description(client.get("/login").get_data(as_text=True))
    english = _description(client.get("/login?lang=en&next=/account").get_data(as_text=True))
    assert french == [
        "Formation en ligne de la Table régionale de Québec sur la prostitution juvénile\u00a0: modules, "
        "questionnaires et attestations vérifiables pour les intervenant·e·s de ses organisations membres."
    ]
    assert english == [
        "Online training of the Table régionale de Québec sur la prostitution juvénile: modules, quizzes and "
        "verifiable certificates for the workers of its member organizations."
    ]


def test_the_verification_page_describes_the_platform_and_other_pages_do_not(app: Flask, content_root: Path) -> None:
    with app.app_context():
        make_person(email="zoe@example.org", name="Zoé Cœur-D’Arcy", org=make_org("CJQ"))
        db.session.commit()
    learner = signed_in_client(app, "zoe@example.org", PASSWORD)
    complete_core_track(learner)
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.code))
    public = app.test_client()
    french = _description(public.get(f"/verify/{code}").get_data(as_text=True))
    english = _description(public.get(f"/verify/{code}?lang=en").get_data(as_text=True))
    assert len(french) == 1 and french[0].startswith("Vérifiez qu’une attestation de la formation en ligne")
    assert len(english) == 1 and english[0].startswith("Check that a certificate of the online training")
    form = _description(public.get("/verify?lang=en").get_data(as_text=True))
    assert form == english, "the page with the field to type a code says the same"
    for path in ("/", "/modules", "/certificates", "/account"):
        assert _description(learner.get(path).get_data(as_text=True)) == [], path
    assert _description(public.get("/verify/0000000000000000").get_data(as_text=True)) == []
