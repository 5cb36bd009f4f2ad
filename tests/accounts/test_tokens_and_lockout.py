"""API tokens that expire and end with the password; password change and reset by
e-mail with rate limits; a lockout that an attacker behind the same proxy cannot use
against someone else, lifted by the programme team or by the user through e-mail."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from samen.accounts.models import ApiToken, User
from samen.core.models import AuditEvent
from tests.plan.factories import OrganisationFactory

PROXY = "10.0.0.5"


@pytest.fixture
def anna(db):
    return User.objects.create_user(
        "anna",
        password="juist-wachtwoord",
        email="anna@example.org",
        role=User.Role.HOLDER,
        organisation=OrganisationFactory(),
    )


def _bearer(client, key):
    return client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {key}")


def _new_token(client, password="juist-wachtwoord", name=""):  # noqa: S107
    return client.post(
        "/api/v1/tokens",
        {"username": "anna", "password": password, "name": name},
        content_type="application/json",
    )


# --- tokens -----------------------------------------------------------------------------


def test_a_token_expires_after_the_configured_days(client, anna, settings):
    response = _new_token(client)
    assert response.status_code == 201
    body = response.json()
    expires = dt.datetime.fromisoformat(body["expiresAt"])
    assert abs(expires - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    assert _bearer(client, body["token"]).status_code == 200
    ApiToken.objects.filter(pk=body["id"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _bearer(client, body["token"]).status_code == 401
    settings.SAMEN_API_TOKEN_DAYS = 7
    short = _new_token(client).json()
    assert dt.datetime.fromisoformat(short["expiresAt"]) < timezone.now() + dt.timedelta(days=8)


def test_a_password_change_or_deactivation_revokes_every_token(client, anna):
    keys = [_new_token(client).json()["token"] for _ in range(2)]
    anna.set_password("een-nieuw-wachtwoord")
    anna.save()
    assert [_bearer(client, key).status_code for key in keys] == [401, 401]
    key = _new_token(client, "een-nieuw-wachtwoord").json()["token"]
    anna.is_active = False
    anna.save()
    anna.is_active = True  # reactivated: the old token stays revoked
    anna.save()
    assert _bearer(client, key).status_code == 401


def test_a_user_holds_a_limited_number_of_tokens(client, anna, settings):
    settings.SAMEN_API_TOKENS_PER_USER = 2
    assert [_new_token(client).status_code for _ in range(3)] == [201, 201, 409]
    refused = _new_token(client).json()
    assert "2 actieve sleutels" in refused["detail"]
    first = ApiToken.objects.filter(user=anna).first()
    client.force_login(anna)
    client.post(f"/account/sleutels/{first.pk}/intrekken")
    assert _new_token(client).status_code == 201


def test_the_account_page_lists_makes_and_revokes_tokens(client, anna):
    other = User.objects.create_user("bram", password="x-y-z-w-1234")
    theirs, _key = ApiToken.issue(other, "van bram")
    client.force_login(anna)
    page = client.post("/account", {"name": "rapportagescript"})
    html = page.content.decode()
    key = re.search(r"samen_[\w-]+", html).group()
    assert "maar één keer getoond" in html and "rapportagescript" in html
    assert "van bram" not in html
    assert _bearer(client, key).status_code == 200
    token = ApiToken.objects.get(user=anna)
    response = client.post(f"/account/sleutels/{token.pk}/intrekken", follow=True)
    assert "ingetrokken" in response.content.decode()
    assert _bearer(client, key).status_code == 401
    # Someone else's token: no such token, as for one that does not exist.
    assert client.post(f"/account/sleutels/{theirs.pk}/intrekken").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    verbs = set(
        AuditEvent.objects.filter(object_type="accounts.apitoken").values_list("verb", flat=True)
    )
    assert verbs == {"", "revoke"}


# --- passwords ------------------------------------------------------------------------------


def test_change_password_revokes_tokens_and_limits_wrong_attempts(client, anna):
    _token, key = ApiToken.issue(anna)
    client.force_login(anna)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = client.post(
            "/account/wachtwoord",
            {
                "old_password": "fout",
                "new_password1": "Nieuw-w8woord!",
                "new_password2": "Nieuw-w8woord!",
            },
        )
        assert wrong.status_code == 400
    blocked = client.post(
        "/account/wachtwoord",
        {
            "old_password": "fout",
            "new_password1": "Nieuw-w8woord!",
            "new_password2": "Nieuw-w8woord!",
        },
    )
    assert blocked.status_code == 429
    from samen.accounts.models import Throttle

    Throttle.objects.all().delete()  # an hour later
    done = client.post(
        "/account/wachtwoord",
        {
            "old_password": "juist-wachtwoord",
            "new_password1": "Nieuw-w8woord!",
            "new_password2": "Nieuw-w8woord!",
        },
        follow=True,
    )
    assert "Uw wachtwoord is gewijzigd" in done.content.decode()
    assert _bearer(client, key).status_code == 401
    assert AuditEvent.objects.filter(verb="password-change", object_id=str(anna.pk)).exists()


def test_reset_by_e_mail_with_rate_limits(client, anna, settings):
    settings.SAMEN_MAIL_LIMIT_PER_ACCOUNT = 2
    for _ in range(2):
        response = client.post("/wachtwoord-vergeten", {"email": "anna@example.org"})
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert client.post("/wachtwoord-vergeten", {"email": "anna@example.org"}).status_code == 429
    # An unknown address gets the same answer and no mail.
    assert client.post("/wachtwoord-vergeten", {"email": "niemand@example.org"}).status_code == 302
    assert len(mail.outbox) == 2
    link = re.search(r"https?://\S+", mail.outbox[0].body).group()
    path = link.split("testserver", 1)[-1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": "Hersteld-w8woord!", "new_password2": "Hersteld-w8woord!"},
        follow=True,
    )
    assert "Uw wachtwoord is ingesteld" in done.content.decode()
    login = client.post("/inloggen", {"username": "anna", "password": "Hersteld-w8woord!"})
    assert login.status_code == 302
    assert AuditEvent.objects.filter(verb="password-reset", object_id=str(anna.pk)).exists()


def test_reset_is_limited_per_client_address(client, anna, settings):
    settings.SAMEN_MAIL_LIMIT_PER_ADDRESS = 3
    statuses = [
        client.post("/wachtwoord-vergeten", {"email": f"x{i}@example.org"}).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


# --- lockout ----------------------------------------------------------------------------------


def _login(client, password, forwarded_for=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post("/inloggen", {"username": "anna", "password": password}, **extra)


def test_behind_a_trusted_proxy_an_attacker_locks_only_their_own_address(client, anna, settings):
    settings.SAMEN_TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fout", forwarded_for="203.0.113.66")
    assert _login(client, "juist-wachtwoord", forwarded_for="203.0.113.66").status_code == 429
    # Anna, behind the same proxy but from her own address, logs in.
    assert _login(client, "juist-wachtwoord", forwarded_for="198.51.100.7").status_code == 302


def test_x_forwarded_for_is_ignored_unless_a_trusted_proxy_sent_it(client, anna, settings):
    """Without the setting (or from an untrusted sender) a forged header changes
    nothing: the attacker cannot rotate addresses to escape the lockout."""
    settings.SAMEN_TRUSTED_PROXIES = []
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fout", forwarded_for=f"192.0.2.{i}", remote="203.0.113.66")
    assert (
        _login(
            client, "juist-wachtwoord", forwarded_for="192.0.2.200", remote="203.0.113.66"
        ).status_code
        == 429
    )
    # And through a trusted proxy, entries left of the client's own are not believed.
    settings.SAMEN_TRUSTED_PROXIES = [PROXY]
    assert (
        _login(client, "juist-wachtwoord", forwarded_for="192.0.2.200, 203.0.113.66").status_code
        == 429
    )


def test_the_programme_team_lifts_a_lockout(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fout")
    programme = User.objects.create_user("programma", password="pw-programma-1", role="programme")
    assert client.get("/beheer/inlogblokkades").status_code == 302  # login first
    client.force_login(anna)
    assert client.get("/beheer/inlogblokkades").status_code == 403
    client.force_login(programme)
    page = client.get("/beheer/inlogblokkades").content.decode()
    assert "anna" in page and PROXY not in page  # who, not from where
    client.post("/beheer/inlogblokkades", {"username": "anna"})
    client.logout()
    assert _login(client, "juist-wachtwoord").status_code == 302
    event = AuditEvent.objects.get(verb="unlock")
    assert event.actor_name == "programma" and event.after["via"] == "programme"


def test_the_user_lifts_a_lockout_by_e_mail(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fout")
    locked = _login(client, "juist-wachtwoord")
    assert locked.status_code == 429 and "Stuur mij een link" in locked.content.decode()
    client.post("/inloggen/deblokkeren", {"username": "anna"})
    client.post("/inloggen/deblokkeren", {"username": "onbekend"})  # same answer, no mail
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.org"]
    path = re.search(r"/inloggen/deblokkeren/\S+", mail.outbox[0].body).group()
    assert client.get(path).status_code == 200  # a GET changes nothing (mail scanners)
    assert _login(client, "juist-wachtwoord").status_code == 429
    client.post(path)
    assert _login(client, "juist-wachtwoord").status_code == 302
    assert client.get("/inloggen/deblokkeren/vervalst").status_code == 400
