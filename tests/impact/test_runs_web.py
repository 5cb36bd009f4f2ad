"""The analyst's run pages: start a run, follow it (htmx), cancel it, compare the methods.
Access: analysts work, the programme team reads, everyone else finds nothing (404)."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samen.core import taskworker
from samen.impact import runs
from samen.impact.models import EstimationRun, OverlapDataset
from tests.impact.runs_world import upload

pytestmark = pytest.mark.django_db(transaction=True)


def _pages(dataset, run):
    return [
        reverse("impact:overlap-datasets"),
        reverse("impact:overlap-dataset", args=[dataset.pk]),
        reverse("impact:estimation-compare", args=[dataset.pk]),
        reverse("impact:estimation-run", args=[run.pk]),
        reverse("impact:estimation-run-status", args=[run.pk]),
    ]


def test_analyst_starts_a_run_follows_it_and_compares(client, world):
    dataset = upload(world.users.analyst)
    client.force_login(world.users.analyst)
    response = client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]),
        {"method": "sparsemse", "criterion": "aic", "bootstrap": "40", "seed": ""},
    )
    run = EstimationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("impact:estimation-run", args=[run.pk])
    waiting = client.get(response["Location"]).content.decode()
    assert "Wacht op zijn beurt" in waiting and 'hx-trigger="every 1s"' in waiting
    assert "Schatting afbreken" in waiting

    taskworker.run_pending()
    done = unescape(
        client.get(
            reverse("impact:estimation-run-status", args=[run.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
    )
    assert "<html" not in done
    assert "hx-trigger" not in done
    assert "Geschat totaal: 11.418" in done
    # The actions arrive with the fragment polling swaps in, without a reload.
    assert "Stel deze schatting voor publicatie voor" in done
    assert reverse("impact:propose-run", args=[run.pk]) in done
    assert reverse("impact:estimation-compare", args=[dataset.pk]) in done
    interval = done[done.index("(interval") :]
    assert interval[: interval.index(")") + 1].split()[-1].endswith(")")  # no "14.214 )"
    assert not interval[: interval.index(")")].endswith((" ", "\n"))
    assert "BCa-bootstrap, 40 herhalingen; seed 1234" in unescape(
        client.get(response["Location"]).content.decode()
    )

    client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]), {"method": "independence"}
    )
    taskworker.run_pending()
    compare = unescape(
        client.get(reverse("impact:estimation-compare", args=[dataset.pk])).content.decode()
    )
    assert "SparseMSE (stapsgewijs)" in compare and "Onafhankelijke lijsten" in compare
    assert "11.418" in compare
    assert 'id="chart-forest"' in compare and "data:image/svg+xml;base64," in compare
    # The chart's text alternative names each method with its interval.
    assert "SparseMSE (stapsgewijs) (BCa-bootstrap, 40 herhalingen; seed 1234): 11.418" in compare


def test_a_refused_option_is_shown_on_its_field_and_nothing_is_queued(client, world):
    dataset = upload(world.users.analyst)
    client.force_login(world.users.analyst)
    response = client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]),
        {"method": "dga", "criterion": "aic", "bootstrap": "100"},
    )
    assert response.status_code == 400
    assert "Een bootstrapinterval is er alleen voor SparseMSE." in response.content.decode()
    assert not EstimationRun.objects.exists()


def test_an_unknown_list_in_the_terms_is_shown_under_the_terms_field(client, world):
    dataset = upload(world.users.analyst)
    client.force_login(world.users.analyst)
    response = client.post(
        reverse("impact:estimation-run-create", args=[dataset.pk]),
        {"method": "loglinear", "criterion": "aic", "terms": "LA:XX"},
    )
    assert response.status_code == 400
    page = unescape(response.content.decode())
    start = page.index('id="id_terms_error"')
    under_terms = page[start : page.index("</div>", start)]
    assert "LA:XX" in under_terms and "onbekende lijst" in under_terms
    assert 'id="id_method_error"' not in page
    assert not EstimationRun.objects.exists()


def test_cancel_from_the_page(client, world):
    dataset = upload(world.users.analyst)
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="sparsemse"))
    client.force_login(world.users.analyst)
    response = client.post(reverse("impact:estimation-run-cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == "cancelled"
    assert (
        "Afgebroken: er is geen resultaat bewaard."
        in client.get(response["Location"]).content.decode()
    )


def test_the_programme_team_reads_but_cannot_upload_start_or_cancel(client, world):
    dataset = upload(world.users.analyst)
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence"))
    client.force_login(world.users.programme)
    for url in _pages(dataset, run):
        assert client.get(url).status_code == 200, url
    for url in (
        reverse("impact:overlap-dataset-upload"),
        reverse("impact:estimation-run-create", args=[dataset.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Alleen analisten laden overlaptabellen op en starten schattingen." in page
        assert '<form method="post"' not in page
    sent = client.post(reverse("impact:overlap-dataset-upload"), {"name": "x"})
    assert sent.status_code == 403
    assert (
        client.post(reverse("impact:estimation-run-create", args=[dataset.pk]), {"method": "dga"})
    ).status_code == 403
    assert client.post(reverse("impact:estimation-run-cancel", args=[run.pk])).status_code == 403
    lists = client.post(
        reverse("impact:overlap-dataset", args=[dataset.pk]), {"label_0": "Overschreven"}
    )
    assert lists.status_code == 403
    assert EstimationRun.objects.count() == 1
    run.refresh_from_db()
    assert run.state == "queued" and not run.cancel_requested
    assert "Overschreven" not in str(OverlapDataset.objects.get().lists)


@pytest.mark.parametrize("who", ["police", "ngo_reader", "viewer", None])
def test_everyone_else_finds_nothing(client, world, who):
    dataset = upload(world.users.analyst)
    run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence"))
    if who:
        client.force_login(getattr(world.users, who))
    writes = [
        reverse("impact:overlap-dataset-upload"),
        reverse("impact:estimation-run-create", args=[dataset.pk]),
        reverse("impact:estimation-run-cancel", args=[run.pk]),
    ]
    for url in [*_pages(dataset, run), *writes]:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"method": "independence"}).status_code == 404, url
    assert EstimationRun.objects.count() == 1
    assert OverlapDataset.objects.count() == 1


def test_list_pages_issue_the_same_queries_for_one_and_many(client, world):
    client.force_login(world.users.programme)
    dataset = upload(world.users.analyst)
    runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence"))
    pages = [
        reverse("impact:overlap-datasets"),
        reverse("impact:overlap-dataset", args=[dataset.pk]),
        reverse("impact:estimation-compare", args=[dataset.pk]),
    ]

    def counts():
        out = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    few = counts()
    for i in range(20):
        more = upload(world.users.analyst, name=f"UK {i}")
        runs.start_run(world.users.analyst, more, runs.RunOptions(method="independence"))
    for _ in range(20):
        run = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="independence"))
        runs.execute(run.pk)
    assert counts() == few


def test_ids_beyond_the_database_answer_404_not_an_error(client, world):
    client.force_login(world.users.analyst)
    huge = "9" * 30
    for url in (
        f"/analyse/overlaptabellen/{huge}/",
        f"/analyse/overlaptabellen/{huge}/schatten/",
        f"/analyse/overlaptabellen/{huge}/vergelijking/",
        f"/analyse/schattingen/{huge}/",
        f"/analyse/schattingen/{huge}/voortgang/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/analyse/schattingen/{huge}/annuleren/").status_code == 404


def test_counts_periods_and_words_read_as_dutch(client, world):
    """2744 is written 2.744; a one-year period is "2013", never "2013–2013"; the lists
    follow "op de lijsten" after a space; "uploaden", not "opladen"."""
    dataset = upload(world.users.analyst)
    assert dataset.observed == 2744
    client.force_login(world.users.analyst)
    detail = client.get(reverse("impact:overlap-dataset", args=[dataset.pk])).content.decode()
    listing = client.get(reverse("impact:overlap-datasets")).content.decode()
    form = client.get(reverse("impact:estimation-run-create", args=[dataset.pk])).content.decode()
    compare = client.get(reverse("impact:estimation-compare", args=[dataset.pk])).content.decode()
    for page in (detail, listing, form, compare):
        assert "2.744" in page and "2744" not in page
    assert "op de lijsten " in form and "op de lijsten<" not in form
    home = client.get("/").content.decode()
    assert "2013–2013" not in home and "(2013)" in home
    assert "opladen" not in listing.lower() and "uploaden" in listing.lower()


def test_model_averaging_and_chao_say_what_model_they_used(client, world):
    dataset = upload(world.users.analyst)
    average = runs.start_run(
        world.users.analyst, dataset, runs.RunOptions(method="average", criterion="aic")
    )
    chao = runs.start_run(world.users.analyst, dataset, runs.RunOptions(method="chao"))
    taskworker.run_pending()
    client.force_login(world.users.analyst)

    def facts(run):
        page = unescape(
            client.get(reverse("impact:estimation-run", args=[run.pk])).content.decode()
        )
        start = page.index("<dt>Modeltermen</dt>")
        return page[start : page.index("</dd>", start)]

    assert "gemiddelde over modellen (AIC-gewichten)" in facts(average)
    assert "hoofdeffecten" not in facts(average)
    assert "ondergrens van Chao, geen loglineair model" in facts(chao)
    assert "eta" not in facts(chao)
    compare = unescape(
        client.get(reverse("impact:estimation-compare", args=[dataset.pk])).content.decode()
    )
    assert "gemiddelde over modellen (AIC-gewichten)" in compare
    assert "ondergrens van Chao, geen loglineair model" in compare
    assert "hoofdeffecten" not in compare and "eta4" not in compare
