"""The layout's header, footer and head links are rendered once per what they show and kept
(:mod:`elearning.web.layout`): what differs per viewer, per page and per request still differs."""

from __future__ import annotations

import re

import flask_babel
import pytest
from flask import Flask
from flask_babel import force_locale

from elearning.extensions import db
from elearning.web.layout import translate
from tests.factories import PASSWORD, make_org, make_person
from tests.web import CSRF_META, signed_in_client

NAV = re.compile(r'<nav class="main-nav".*?</nav>', re.S)
SIGN_OUT_TOKEN = re.compile(r'<form class="sign-out"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"')
SWITCH = re.compile(r'<a class="lang-switch" href="([^"]+)" lang="(\w+)"')


def _people(app: Flask) -> None:
    """A worker and a member of the Table (for whom the navigation shows "My team")."""
    with app.app_context():
        org = make_org("CJQ")
        make_person(email="worker@example.org", org=org)
        make_person(email="table@example.org", org=org, roles=("worker", "table"))
        db.session.commit()


def _nav(html: str) -> str:
    found = NAV.search(html)
    return found.group(0) if found else ""


def test_each_viewer_sees_their_own_navigation(app: Flask) -> None:
    _people(app)
    worker = signed_in_client(app, "worker@example.org", PASSWORD)
    table = signed_in_client(app, "table@example.org", PASSWORD)
    for _ in range(2):  # the second time from the kept header
        worker_nav = _nav(worker.get("/").get_data(as_text=True))
        table_nav = _nav(table.get("/").get_data(as_text=True))
        assert "Tableau de bord" in worker_nav and "Tableau de bord" in table_nav
        assert "Mon équipe" not in worker_nav
        assert 'href="/team">Mon équipe</a>' in table_nav
        visitor = app.test_client().get("/login").get_data(as_text=True)
        assert _nav(visitor) == ""
        assert 'class="sign-out"' not in visitor


def test_the_current_page_is_marked_on_each_page(app: Flask) -> None:
    _people(app)
    worker = signed_in_client(app, "worker@example.org", PASSWORD)
    for _ in range(2):
        dashboard = _nav(worker.get("/").get_data(as_text=True))
        account = _nav(worker.get("/account").get_data(as_text=True))
        assert '<a href="/" aria-current="page">Tableau de bord</a>' in dashboard
        assert '<a href="/account" aria-current="page">' not in dashboard
        assert '<a href="/account" aria-current="page">Mon compte</a>' in account
        assert '<a href="/" aria-current="page">' not in account


def test_the_language_switch_keeps_each_requests_own_query(app: Flask) -> None:
    visitor = app.test_client()
    first = SWITCH.search(visitor.get("/login?next=/a").get_data(as_text=True))
    second = SWITCH.search(visitor.get("/login?next=/b%26c").get_data(as_text=True))
    english = SWITCH.search(visitor.get("/login?lang=en&next=/a").get_data(as_text=True))
    assert first and second and english
    assert first.groups() == ("/login?next=%2Fa&amp;lang=en", "en")
    assert second.groups() == ("/login?next=%2Fb%26c&amp;lang=en", "en")
    assert english.groups() == ("/login?next=%2Fa&amp;lang=fr", "fr")


def test_the_sign_out_form_carries_each_sessions_own_token(app: Flask) -> None:
    _people(app)
    worker = signed_in_client(app, "worker@example.org", PASSWORD)
    table = signed_in_client(app, "table@example.org", PASSWORD)
    tokens = {}
    for name, client in (("worker", worker), ("table", table)):
        page = client.get("/").get_data(as_text=True)
        form_token, meta_token = SIGN_OUT_TOKEN.search(page), CSRF_META.search(page)
        assert form_token and meta_token
        assert form_token.group(1) == meta_token.group(1)
        tokens[name] = form_token.group(1)
    assert tokens["worker"] != tokens["table"]
    assert worker.post("/logout", data={"csrf_token": tokens["table"]}).status_code == 400
    assert worker.post("/logout", data={"csrf_token": tokens["worker"]}).status_code == 302
    assert 'class="sign-out"' in table.get("/").get_data(as_text=True)  # the other session is still signed in
    assert worker.get("/").status_code == 302  # signed out: back to the sign-in form


def test_the_footer_follows_the_language(app: Flask) -> None:
    visitor = app.test_client()
    for _ in range(2):
        french = visitor.get("/login?lang=fr").get_data(as_text=True)
        english = visitor.get("/login?lang=en").get_data(as_text=True)
        assert "On n’intervient pas seul." in french and "Nobody intervenes alone." not in french
        assert "Nobody intervenes alone." in english and "On n’intervient pas seul." not in english


def test_markup_translated_in_python_follows_a_forced_locale(app: Flask) -> None:
    with app.test_request_context("/?lang=fr"):
        assert translate("Sign out") == "Déconnexion"
        with force_locale("en"):
            assert translate("Sign out") == "Sign out"
        assert translate("Sign out") == "Déconnexion"
        assert translate("Question %(number)d of %(total)d", number=2, total=8) == "Question 2 sur 8"


def test_a_page_looks_its_translations_up_once(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = flask_babel.get_translations

    def counted():  # type: ignore[no-untyped-def]
        calls.append(1)
        return real()

    monkeypatch.setattr(flask_babel, "get_translations", counted)
    page = app.test_client().get("/login?lang=en").get_data(as_text=True)
    assert "Sign in" in page and "Nobody intervenes alone." in page
    assert len(calls) == 1
