"""Uploading an overlap table: the engine's reader checks it, its coded errors are shown
in Dutch beside the file, nothing is stored on error, and a table without a count column
(one row per person) is refused."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samen.core.models import AuditEvent
from samen.impact import datasets, engine_messages
from samen.impact.models import OverlapDataset
from samen.mse import MESSAGES
from tests.impact.runs_world import UK

pytestmark = pytest.mark.django_db

UPLOAD = reverse("impact:overlap-dataset-upload")


def _post(client, content: bytes, name="tabel.csv", **fields):
    data = {
        "name": fields.pop("title", "Politie en zorg 2023"),
        "period_start": 2023,
        "period_end": 2023,
        "population_definition": "Mogelijke slachtoffers in Nederland",
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        **fields,
    }
    return client.post(UPLOAD, data)


def test_every_engine_message_has_a_translatable_template():
    assert engine_messages.TEMPLATES == MESSAGES


def test_the_uk_table_is_stored_with_its_hash_lists_and_count(client, world):
    client.force_login(world.users.analyst)
    response = _post(client, UK.read_bytes(), "uk2013_6lists.csv")
    dataset = OverlapDataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("impact:overlap-dataset", args=[dataset.pk])
    assert dataset.observed == 2744
    assert [entry["column"] for entry in dataset.lists] == ["LA", "NG", "PF", "GO", "GP", "NCA"]
    assert dataset.content_hash == datasets.content_hash(UK.read_text())
    assert dataset.created_by == world.users.analyst
    assert AuditEvent.objects.filter(object_type="impact.overlapdataset", kind="create").exists()
    page = client.get(response["Location"]).content.decode()
    assert "2744" in page and "Lijsten" in page


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"A,B,count\n1,0,10\n0,1,7\n1,2,3\n", "rij 4, kolom 'B': '2' is geen 0 of 1"),
        (b"A,B,count\n1,0,10\n0,1,x\n", "rij 3, kolom 'count': 'x' is geen niet-negatief geheel"),
        (b"A,B,count\n1,0,10\n0,0,4\n", "de combinatie is 0 op elke lijst maar het aantal is 4"),
        (b"A,count\n1,10\n", "minstens twee lijsten nodig"),
        (b"A,B,count\n1,0,10\n0,1\n", "2 cellen, verwacht 3 zoals in de kopregel"),
        ("A,B,count\n1,0,10\n".encode("utf-16"), "geen UTF-8-tekstbestand"),
        (b"A,B,count\n", "geen gegevensregels na de kopregel"),
    ],
)
def test_the_engines_errors_are_shown_in_dutch_and_nothing_is_stored(
    client, world, content, expected
):
    client.force_login(world.users.analyst)
    response = _post(client, content)
    page = unescape(response.content.decode())
    assert response.status_code == 400
    assert expected in page, page[page.find("file-problems") - 200 :][:1500]
    assert "er is niets bewaard" in page
    assert not OverlapDataset.objects.exists()
    assert not AuditEvent.objects.filter(object_type="impact.overlapdataset").exists()


def test_a_table_without_a_count_column_is_refused_as_person_level(client, world):
    client.force_login(world.users.analyst)
    response = _post(client, b"A,B,C\n1,0,0\n0,1,1\n1,1,0\n")
    assert response.status_code == 400
    assert "geen kolom met aantallen" in response.content.decode()
    assert not OverlapDataset.objects.exists()


def test_a_stratum_column_must_be_declared(client, world):
    client.force_login(world.users.analyst)
    table = b"A,B,year,count\n1,0,2022,10\n0,1,2022,7\n1,1,2022,3\n"
    refused = _post(client, table)
    assert "'2022' is geen 0 of 1" in unescape(refused.content.decode())
    as_count = _post(client, table, covariates="year,count")
    assert "'count' is de kolom met aantallen" in unescape(as_count.content.decode())
    assert _post(client, table, covariates="year").status_code == 302
    dataset = OverlapDataset.objects.get()
    assert datasets.covariates_of(dataset) == ["year"]
    assert datasets.table_of(dataset).covariates == ("year",)


def test_metadata_errors_are_named_and_nothing_is_stored(client, world):
    client.force_login(world.users.analyst)
    response = _post(client, UK.read_bytes(), title="UK", period_start=2024, period_end=2020)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Het laatste jaar kan niet voor het eerste jaar liggen." in page
    assert not OverlapDataset.objects.exists()


def test_too_large_a_file_is_refused_before_it_is_read(client, world):
    client.force_login(world.users.analyst)
    content = b"A,B,count\n" + b"1,0,1\n" * (datasets.MAX_UPLOAD_BYTES // 6 + 10)
    response = _post(client, content)
    assert response.status_code == 400
    assert "groter dan 2 MB" in response.content.decode()
    assert not OverlapDataset.objects.exists()


def test_the_analyst_names_the_register_of_each_list(client, world):
    from samen.impact.models import Register

    police = Register.objects.create(code="politie", name_nl="Politie", name_en="Police")
    client.force_login(world.users.analyst)
    _post(client, b"A,B,count\n1,0,10\n0,1,7\n1,1,3\n")
    dataset = OverlapDataset.objects.get()
    url = reverse("impact:overlap-dataset", args=[dataset.pk])
    response = client.post(
        url, {"register_0": police.pk, "label_0": "Politie", "register_1": "", "label_1": "Zorg"}
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.lists == [
        {"column": "A", "register": police.pk, "label": "Politie"},
        {"column": "B", "register": None, "label": "Zorg"},
    ]
    assert "Politie" in client.get(url).content.decode()
