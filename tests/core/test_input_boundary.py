"""One input boundary for text (samen.core.text): forms, query strings, paths and API
bodies normalise what editors paste and refuse what XML, PostgreSQL or a terminal
cannot hold, with a message that says what and where. Writers survive such
characters anyway, for texts stored before the boundary existed."""

import json

import pytest

from samen.accounts.models import ApiToken
from samen.core.text import UnsafeText, clean_data, clean_text, terminal_safe, xml_safe

VT, BELL, NUL, ESC = "\x0b", "\x07", "\x00", "\x1b"


def test_the_rule_keeps_normalises_and_refuses():
    text = "tab\there\r\nline\u2028sep — ünïcödé 🙂 <b>&amp;</b>"
    assert clean_text(text) == text
    assert clean_text(f"regel één{VT}regel twee\x0cpagina") == "regel één\nregel twee\npagina"
    assert clean_text("niet\x1ebreken, af\x1fbreken") == "niet\u2011breken, af\u00adbreken"
    for bad, name in ((NUL, "NUL"), (BELL, "U+0007"), (ESC, "U+001B"), ("\ud800", "U+D800")):
        with pytest.raises(UnsafeText) as caught:
            clean_text(f"abc{bad}def", "title")
        assert caught.value.position == 4 and caught.value.where == "title"
        assert name in str(caught.value)
    with pytest.raises(UnsafeText) as caught:
        clean_data({"actions": [{"title": "ok"}, {"title": f"x{BELL}"}]})
    assert caught.value.where == "actions.1.title"
    with pytest.raises(UnsafeText):
        clean_data({f"key{NUL}": 1})


def test_output_helpers_never_raise():
    assert xml_safe(f"a{NUL}b{VT}c\ud800d{ESC}[31m") == "ab\ncd[31m"
    assert terminal_safe(f"{ESC}[2Jtitel\nregel") == "\\x1b[2Jtitel\\x0aregel"


def _login(client, user):
    client.force_login(user)
    return client


def _form(update, **fields):
    return {
        "version": update.version,
        "progress_status": "on_track",
        "percent_complete": "40",
        "achievements": "",
        "obstacles": "",
        "help_needed": "",
        "save": "1",
        **fields,
    }


def test_a_pasted_vertical_tab_becomes_a_line_break_in_the_web_form(world, client):
    update = world.updates[("A.1", "police")]
    _login(client, world.users.police)
    response = client.post(
        f"/rapportage/updates/{update.pk}", _form(update, achievements=f"Eén{VT}Twee")
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.achievements == "Eén\nTwee"


def test_a_control_character_in_a_form_is_refused_in_dutch_and_nothing_is_saved(world, client):
    update = world.updates[("A.1", "police")]
    _login(client, world.users.police)
    response = client.post(
        f"/rapportage/updates/{update.pk}",
        _form(update, achievements=f"Veertig mensen getraind{BELL} en meer"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "stuurteken (U+0007)" in page and "positie 24" in page
    assert "mensen getraind”" in page  # where it is, for the person to find it
    assert "achievements" not in page  # no field codes on a Dutch page
    update.refresh_from_db()
    assert update.version == 1 and update.achievements == ""


@pytest.mark.parametrize("url", ["/acties?q=%00", "/acties?q=a%1Bb", "/openbaar?q=%ED%A0%80"])
def test_query_strings_without_login(client, db, url):
    response = client.get(url)
    assert response.status_code in (200, 400)
    if "%ED" in url:  # invalid UTF-8 is decoded as U+FFFD by Django: harmless
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 400
        assert "niet kan worden opgeslagen" in response.content.decode()


def test_a_nul_in_a_path_is_refused(client, world):
    _login(client, world.users.programme)
    assert client.get("/audit/plan.action/1%00").status_code == 400


def _api(client, user, method, url, body=None, **extra):
    _token, key = ApiToken.issue(user)
    call = getattr(client, method)
    if body is not None:
        extra.setdefault("content_type", "application/json")
        extra["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
    return call(url, HTTP_AUTHORIZATION=f"Bearer {key}", **extra)


def test_api_bodies_normalise_and_refuse_naming_the_field(world, client):
    update = world.updates[("A.1", "police")]
    url = f"/api/v1/progress-updates/{update.pk}"
    ok = _api(client, world.users.police, "patch", url, {"version": 1, "achievements": f"a{VT}b"})
    assert ok.status_code == 200 and ok.json()["achievements"] == "a\nb"
    for raw in (
        '{"version": 2, "achievements": "x\\u0000y"}',
        '{"version": 2, "obstacles": "\\ud800"}',
        '{"version": 2, "indicators": [{"name": "n\\u0007", "value": 1}]}',
    ):
        response = _api(client, world.users.police, "patch", url, raw)
        assert response.status_code == 400, raw
        assert response["Content-Type"] == "application/problem+json"
        param = response.json()["invalidParams"][0]
        assert param["code"] == "unsafe-character"
        assert param["name"] in ("achievements", "obstacles", "indicators.0.name")
    update.refresh_from_db()
    assert update.version == 2 and update.obstacles == ""


def test_api_refuses_not_a_number(world, client):
    update = world.updates[("A.1", "police")]
    response = _api(
        client,
        world.users.police,
        "patch",
        f"/api/v1/progress-updates/{update.pk}",
        '{"version": 1, "indicators": [{"name": "trainingen", "value": NaN}]}',
    )
    assert response.status_code == 400 and "NaN" in response.json()["detail"]


def test_api_query_strings_and_huge_numbers(world, client):
    user = world.users.programme
    response = _api(client, user, "get", "/api/v1/progress-updates?organisation=%00")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "organisation"
    response = _api(client, user, "get", "/api/v1/progress-updates?round=" + "9" * 40)
    assert response.status_code == 400
    response = _api(client, user, "get", "/api/v1/progress-updates/" + "9" * 30)
    assert response.status_code in (400, 404)


def test_bodies_over_the_limit_get_413_and_unreadable_bodies_400(world, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x", "password": "y" * 2000})
    response = client.post("/api/v1/tokens", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    response = client.post(
        "/api/v1/tokens", b"--x\r\n", content_type="multipart/form-data"
    )  # no boundary
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"]
