"""The impact figures through the API: anonymous callers get only published figures with
small counts suppressed, also when they filter; tokens give each role what it may read;
unknown parameters and values are named."""

import pytest

from samen.accounts.models import ApiToken
from samen.impact import publication
from tests.impact.figures import POLICE, build_figures


@pytest.fixture
def figures(world):
    return build_figures(world)


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def registrations(client, query="", **headers):
    response = client.get(f"/api/v1/victim-registrations?pageSize=100{query}", **headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def publish_police(world, figures):
    p = publication.propose_registrations(world.users.analyst, figures.police, 2020, 2022)
    publication.approve(world.users.programme, p)


def test_anonymous_callers_see_nothing_unpublished(world, figures, client):
    assert registrations(client) == []
    assert client.get("/api/v1/detection-rates").json()["results"] == []


def test_anonymous_callers_get_suppressed_figures_also_when_filtering(world, figures, client):
    publish_police(world, figures)
    rows = registrations(client)
    assert len(rows) == 12 and {r["register"] for r in rows} == {"politie"}
    small = [r for r in rows if r["year"] == 2021 and r["exploitationForm"] == "criminal"]
    assert small == [{**small[0], "count": None, "suppressed": True}]
    # narrowing to the small cell's row does not un-hide anything in it
    row = registrations(client, "&year=2021")
    assert sum(r["suppressed"] for r in row) >= 2
    assert all(r["count"] is None for r in row if r["suppressed"])
    totals = registrations(client, "&exploitationForm=total")
    assert {r["year"]: r["count"] for r in totals} == {
        2020: sum(POLICE[2020]),
        2021: None
        if any(r["suppressed"] and r["exploitationForm"] is None for r in row)
        else sum(POLICE[2021]),
        2022: sum(POLICE[2022]),
    }
    assert 4 not in [r["count"] for r in registrations(client, "&register=politie")]


def test_a_withdrawn_publication_leaves_the_api(world, figures, client):
    p = publication.propose_registrations(world.users.analyst, figures.police, 2020, 2022)
    publication.approve(world.users.programme, p)
    assert registrations(client)
    publication.withdraw(world.users.programme, p, "Fout")
    assert registrations(client) == []


def test_analysts_and_the_programme_team_read_every_figure_with_a_token(world, figures, client):
    for user in (world.users.analyst, world.users.programme):
        rows = registrations(client, **auth(user))
        assert len(rows) == 15 and not any(r["suppressed"] for r in rows)
    # holders, viewers and involved partners get the public layer (nothing published)
    for user in (world.users.police, world.users.viewer, world.users.ngo_reader):
        assert registrations(client, **auth(user)) == []


def test_a_granted_holder_reads_its_own_register_and_no_other(world, figures, client):
    publication.grant_access(world.users.programme, figures.police)
    rows = registrations(client, **auth(world.users.police))
    assert {r["register"] for r in rows} == {"politie"}
    assert 4 in [r["count"] for r in rows]
    assert registrations(client, **auth(world.users.ngo)) == []
    assert registrations(client) == []


def test_a_wrong_token_is_refused_not_served_the_public_layer(world, figures, client):
    response = client.get("/api/v1/victim-registrations", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_detection_rates_follow_publication_of_both_sides(world, figures, client):
    run = publication.propose_run(world.users.analyst, figures.run)
    publication.approve(world.users.programme, run)
    assert client.get("/api/v1/detection-rates").json()["results"] == []
    publish_police(world, figures)
    (rate,) = client.get("/api/v1/detection-rates?year=2021").json()["results"]
    assert rate["registered"] == sum(POLICE[2021])
    assert rate["rate"] == pytest.approx(sum(POLICE[2021]) / 736)
    assert rate["darkNumber"] == pytest.approx(736 - sum(POLICE[2021]))
    assert rate["estimateKind"] == "run"
    assert client.get("/api/v1/detection-rates?year=2019").json()["results"] == []


@pytest.mark.parametrize(
    "query, name",
    [
        ("exploitationForm=unknown", "exploitationForm"),
        ("gender=x", "gender"),
        ("register=nope", "register"),
        ("yaer=2020", "yaer"),
        ("ageGroup=old", "ageGroup"),
    ],
)
def test_unknown_parameters_and_values_are_named(world, figures, client, query, name):
    response = client.get(f"/api/v1/victim-registrations?{query}")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == name


@pytest.mark.parametrize(
    "language, year_abc, year_1",
    [
        ("nl", "year: verwacht een geheel getal", "year: verwacht minstens 1900"),
        ("en", "year: expected a whole number", "year: expected at least 1900"),
    ],
)
def test_invalid_parameter_values_say_in_the_callers_language_what_is_expected(
    world, client, language, year_abc, year_1
):
    for query, detail, code in [("year=abc", year_abc, "int_parsing"), ("year=1", year_1, None)]:
        response = client.get(
            f"/api/v1/victim-registrations?{query}", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["detail"] == detail
        assert "Input should" not in response.content.decode()
        (param,) = problem["invalidParams"]
        assert param["name"] == "year" and param["reason"] == detail.split(": ", 1)[1]
        if code:
            assert param["code"] == code
    # A path parameter as well, for every endpoint through the one handler.
    problem = client.get("/api/v1/estimates/abc", HTTP_ACCEPT_LANGUAGE=language).json()
    assert problem["invalidParams"][0]["name"] == "estimate_id"
    assert problem["detail"].endswith(year_abc.split(": ", 1)[1])


def test_the_lists_cost_the_same_queries_at_ten_times_the_figures(world, figures, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samen.impact.models import Register, Registration

    publish_police(world, figures)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = ("/api/v1/victim-registrations?pageSize=100", "/api/v1/detection-rates")
    before = [count(u) for u in urls]
    for i in range(9):
        register = Register.objects.create(code=f"extra-{i}", name_nl=f"Extra {i}")
        Registration.objects.bulk_create(
            Registration(register=register, year=2000 + y, count=100 + y) for y in range(12)
        )
        p = publication.propose_registrations(world.users.analyst, register, 2000, 2011)
        publication.approve(world.users.programme, p)
    assert [count(u) for u in urls] == before
