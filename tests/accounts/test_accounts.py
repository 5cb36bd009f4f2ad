"""Logging in: hashed passwords, rate limits, OpenID Connect mapping."""

import importlib

import pytest
from django.conf import settings

from samen.accounts.models import User
from tests.plan.factories import OrganisationFactory


def test_passwords_are_hashed_with_argon2_outside_tests():
    base = importlib.import_module("samen.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    encoded = Argon2PasswordHasher().encode("geheim-wachtwoord", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$") and Argon2PasswordHasher().verify(
        "geheim-wachtwoord", encoded
    )


@pytest.fixture
def person(db):
    return User.objects.create_user(
        "anna",
        password="juist-wachtwoord",
        role=User.Role.HOLDER,
        organisation=OrganisationFactory(),
    )


def test_login_and_logout(client, person):
    response = client.post("/inloggen", {"username": "anna", "password": "juist-wachtwoord"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Ingelogd als anna" in client.get("/").content.decode()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analyst_and_viewer_land_on_a_home_page_made_for_them(db, client, role):
    User.objects.create_user("lezer", password="juist-wachtwoord", role=role)
    response = client.post(
        "/inloggen", {"username": "lezer", "password": "juist-wachtwoord"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "voortgangsrapportages in te vullen" not in html  # not the holders' task list
    assert "Ingelogd als lezer" in html
    client.post("/uitloggen")
    assert "Inloggen" in client.get("/").content.decode()


def test_wrong_password_is_explained_without_saying_which_part_was_wrong(client, person):
    response = client.post("/inloggen", {"username": "anna", "password": "fout"})
    assert response.status_code == 200
    assert "juiste gebruikersnaam en wachtwoord" in response.content.decode()


def test_login_attempts_are_rate_limited(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/inloggen", {"username": "anna", "password": "fout"})
    blocked = client.post("/inloggen", {"username": "anna", "password": "juist-wachtwoord"})
    assert blocked.status_code == 429
    assert "Te veel inlogpogingen" in blocked.content.decode()
    api = client.post(
        "/api/v1/tokens",
        {"username": "anna", "password": "juist-wachtwoord"},
        content_type="application/json",
    )
    assert api.status_code == 429 and api["Content-Type"] == "application/problem+json"


def test_token_requests_count_towards_the_limit(client, person):
    statuses = [
        client.post(
            "/api/v1/tokens",
            {"username": "anna", "password": "fout"},
            content_type="application/json",
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = client.post(
        "/api/v1/tokens",
        {"username": "anna", "password": "juist-wachtwoord"},
        content_type="application/json",
    )
    assert response.status_code == 429


def test_session_cookies_are_safe_in_production():
    production = {k: v for k, v in vars(importlib.import_module("samen.settings.base")).items()}
    assert (
        production["SESSION_COOKIE_HTTPONLY"] is True
        and production["SESSION_COOKIE_SAMESITE"] == "Lax"
    )


def test_oidc_maps_the_organisation_claim_and_starts_as_viewer(db, settings):
    from samen.accounts.oidc import OrganisationOIDCBackend, organisation_from_claims

    settings.SAMEN_OIDC_ORGANISATION_CLAIM = "organisation"
    org = OrganisationFactory(code="politie")
    assert organisation_from_claims({"organisation": "politie"}) == org
    assert organisation_from_claims({"organisation": "onbekend"}) is None
    backend = OrganisationOIDCBackend.__new__(OrganisationOIDCBackend)  # no provider needed
    backend.UserModel = User
    user = backend.create_user(
        {"email": "a@politie.example", "organisation": "politie", "given_name": "Anna"}
    )
    assert (user.organisation, user.role, user.first_name) == (org, User.Role.VIEWER, "Anna")
    other = OrganisationFactory(code="om")
    user.role = User.Role.HOLDER
    user.save()
    backend.update_user(user, {"organisation": "om"})
    assert (user.organisation, user.role) == (other, User.Role.VIEWER)  # rights do not travel along
