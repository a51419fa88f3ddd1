"""Sign-in, sign-out, server-side sessions, password change, and the failed sign-in limit."""

from __future__ import annotations

import re

import argon2
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from elearning.extensions import db
from elearning.models import AuditEvent, Person, WebSession
from elearning.permissions import SYSTEM
from elearning.security.passwords import OWASP, verify_password
from elearning.services.people import accounts
from tests.factories import PASSWORD, make_org, make_person
from tests.web import AUTH_COOKIE, auth_cookie, csrf_token, sign_in, signed_in_client

EMAIL = "zoe@example.org"
REFUSAL = "L’adresse courriel ou le mot de passe est incorrect."


@pytest.fixture
def person(app: Flask) -> int:
    with app.app_context():
        org = make_org("ORG")
        person = make_person(email=EMAIL, name="Zoé Cœur-D’Arcy", org=org)
        db.session.commit()
        return person.id


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_sign_in_success(app: Flask, client: FlaskClient, person: int) -> None:
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(AUTH_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    token = auth_cookie(client)
    assert token and len(token) >= 22  # at least 128 bits, URL-safe base64
    page = client.get("/")
    assert page.status_code == 200
    assert "Bonjour, Zoé Cœur-D’Arcy" in page.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(sa.select(WebSession))
        assert row.person_id == person and row.token_hash != token and len(row.token_hash) == 64
        assert db.session.get(Person, person).last_sign_in_at is not None
    assert "auth.signed_in" in _actions(app)


def test_cookie_is_secure_in_production(app: Flask, client: FlaskClient, person: int) -> None:
    app.config["COOKIE_SECURE"] = True
    response = sign_in(client, EMAIL, PASSWORD)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(AUTH_COOKIE))
    assert "Secure" in cookie


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "wrong password!"), ("nobody@example.org", PASSWORD), ("ZOE@example.org", "wrong password!")],
    ids=["wrong password", "unknown e-mail", "wrong password, other case"],
)
def test_refusals_share_one_message(app: Flask, client: FlaskClient, person: int, email: str, password: str) -> None:
    response = sign_in(client, email, password)
    assert response.status_code == 400
    assert REFUSAL in response.get_data(as_text=True)
    assert auth_cookie(client) is None
    assert _actions(app)[-1] == "auth.sign_in_failed"


def test_deactivated_account_gets_the_same_message(app: Flask, client: FlaskClient, person: int) -> None:
    with app.app_context():
        accounts.deactivate(SYSTEM, db.session.get(Person, person))
        db.session.commit()
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 400
    assert REFUSAL in response.get_data(as_text=True)


def test_email_is_case_insensitive(client: FlaskClient, person: int) -> None:
    assert sign_in(client, "  Zoe@EXAMPLE.org ", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "%2F%5Cevil.example",
        "https%3Aevil.example",
        "javascript%3Aalert(1)",
        "%252F%252Fevil.example",
        "/%09/evil.example",
        "evil.example",
    ],
)
def test_next_only_goes_to_a_path_on_this_site(client: FlaskClient, person: int, target: str) -> None:
    response = sign_in(client, EMAIL, PASSWORD, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_to_a_local_path_is_followed(client: FlaskClient, person: int) -> None:
    response = sign_in(client, EMAIL, PASSWORD, next_path="/account?tab=1")
    assert response.headers["Location"] == "/account?tab=1"


def _form_token(page: str) -> str:
    match = re.search(r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">', page)
    assert match, "no CSRF field in the sign-in form"
    return match.group(1)


def test_the_kept_sign_in_form_gives_each_visitor_their_own_token(app: Flask, person: int) -> None:
    """The sign-in form is kept rendered (:func:`elearning.web.layout.kept_page`), but its CSRF token, in the
    form and in the page's meta, is each visitor's own: with the first visitor's, nobody else could sign in
    (and the first visitor's token would be handed to strangers)."""
    visitors = [app.test_client() for _ in range(3)]
    pages = [visitor.get("/login").get_data(as_text=True) for visitor in visitors]
    tokens = [_form_token(page) for page in pages]
    assert len(set(tokens)) == 3
    for page, token in zip(pages, tokens, strict=True):
        assert f'<meta name="csrf-token" content="{token}">' in page
    for visitor, token in zip(visitors, tokens, strict=True):
        response = visitor.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
    stranger = app.test_client()
    stranger.get("/login")
    refused = stranger.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": tokens[0]})
    assert refused.status_code == 400


def test_the_kept_sign_in_form_keeps_each_next_and_language(client: FlaskClient, person: int) -> None:
    to_account = client.get("/login?next=/account").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/account">' in to_account
    to_home = client.get("/login").get_data(as_text=True)
    assert 'name="next"' not in to_home and "<h1>Connexion</h1>" in to_home
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "<h1>Sign in</h1>" in english and 'name="next"' not in english
    assert client.head("/login").status_code == 200


def test_anonymous_goes_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"


def test_logout_needs_the_csrf_token(app: Flask, person: int) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert _actions(app)[-1] == "auth.signed_out"


def _copy(app: Flask, token: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie(AUTH_COOKIE, token)
    return other


def test_copied_cookie_is_refused_after_sign_out(app: Flask, person: int) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)
    copy = _copy(app, auth_cookie(client))
    assert copy.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert copy.get("/").status_code == 302


def test_copied_cookie_is_refused_after_deactivation(app: Flask, person: int) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)
    copy = _copy(app, auth_cookie(client))
    assert copy.get("/").status_code == 200
    with app.app_context():
        accounts.deactivate(SYSTEM, db.session.get(Person, person))
        db.session.commit()
        assert db.session.scalar(sa.select(WebSession.revoked_at)) is not None
    assert copy.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_copied_cookie_is_refused_after_a_password_change(app: Flask, person: int) -> None:
    other_browser = signed_in_client(app, EMAIL, PASSWORD)
    client = signed_in_client(app, EMAIL, PASSWORD)
    copy = _copy(app, auth_cookie(other_browser))
    new = "a brand new passphrase"
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # the session that changed it stays
    assert copy.get("/").status_code == 302
    assert other_browser.get("/").status_code == 302
    with app.app_context():
        assert verify_password(db.session.get(Person, person).password_hash, new)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        (
            "wrong current password",
            "a brand new passphrase",
            "a brand new passphrase",
            "Le mot de passe actuel est incorrect.",
        ),
        (PASSWORD, "short", "short", "au moins 12 caractères"),
        (PASSWORD, "a brand new passphrase", "another passphrase!", "Les deux nouveaux mots de passe sont différents."),
        (PASSWORD, PASSWORD, PASSWORD, "doit être différent"),
    ],
)
def test_password_change_refusals(app: Flask, person: int, current: str, new: str, confirm: str, message: str) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)
    response = client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": confirm,
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert verify_password(db.session.get(Person, person).password_hash, PASSWORD)


def test_idle_expiry_with_the_clock_moved(app: Flask, person: int, clock) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)
    clock.advance(hours=7, minutes=59)
    assert client.get("/").status_code == 200  # activity resets the idle time
    clock.advance(hours=7, minutes=59)
    assert client.get("/").status_code == 200
    clock.advance(hours=8, minutes=1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_absolute_expiry_despite_activity(app: Flask, person: int, clock) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)
    for _ in range(7 * 24 // 6):
        clock.advance(hours=6)
        assert client.get("/").status_code == 200
    clock.advance(hours=1)
    assert client.get("/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(app: Flask, person: int, clock) -> None:
    client = signed_in_client(app, EMAIL, PASSWORD)

    def last_seen():
        with app.app_context():
            return db.session.scalar(sa.select(WebSession.last_seen_at))

    first = last_seen()
    clock.advance(seconds=30)
    client.get("/")
    assert last_seen() == first
    clock.advance(seconds=31)
    client.get("/")
    assert last_seen() == clock.now()


def test_password_is_rehashed_when_parameters_change(app: Flask, client: FlaskClient, person: int) -> None:
    with app.app_context():
        stored = argon2.PasswordHasher.from_parameters(OWASP).hash(PASSWORD)
        db.session.get(Person, person).password_hash = stored
        db.session.commit()
    assert sign_in(client, EMAIL, PASSWORD).status_code == 302
    with app.app_context():
        rehashed = db.session.get(Person, person).password_hash
        assert rehashed != stored
        assert "m=8" in rehashed  # the test profile (argon2 CHEAPEST)


def test_owasp_parameters_by_default(tmp_path) -> None:
    from elearning import create_app
    from elearning.security.passwords import hash_password
    from tests.conftest import settings

    app = create_app(settings("sqlite://", INSTANCE_PATH=str(tmp_path), PASSWORD_HASH_PROFILE="owasp"))
    with app.app_context():
        encoded = hash_password("x" * 12)
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_sign_in_limit_refuses_even_the_right_password(app: Flask, client: FlaskClient, person: int) -> None:
    for _ in range(10):
        assert sign_in(client, EMAIL, "wrong password!").status_code == 400
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= 15 * 60
    text = response.get_data(as_text=True)
    assert "Trop de tentatives" in text and "Vous pourrez réessayer dans" in text
    assert auth_cookie(client) is None
    # Another account from the same address is not limited by this account's failures.
    with app.app_context():
        make_person(email="other@example.org", org=None, roles=("table",))
        db.session.commit()
    assert sign_in(client, "other@example.org", PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(app: Flask, person: int) -> None:
    for _ in range(12):
        client = app.test_client()
        assert sign_in(client, EMAIL, PASSWORD).status_code == 302
    assert sign_in(app.test_client(), EMAIL, "wrong password!").status_code == 400


def test_limit_per_address_across_accounts(app: Flask, client: FlaskClient, person: int) -> None:
    for n in range(100):
        assert sign_in(client, f"nobody{n}@example.org", "wrong password!").status_code == 400
    assert sign_in(client, EMAIL, PASSWORD).status_code == 429
