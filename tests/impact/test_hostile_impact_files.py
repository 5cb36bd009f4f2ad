"""Hostile files at the impact monitor's two upload points (ADR 0009): the registrations
import (CSV/XLSX) and the overlap-table upload go through `samen.core.safeload`, with
its ceilings and Dutch messages. Each file is refused whole, with a message a user can
act on, and nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from samen.accounts.models import User
from samen.impact import datasets
from samen.impact import import_registrations as importer
from samen.impact.models import OverlapDataset, Register, Registration
from tests.core import hostile

HEADER = "Jaar;Uitbuitingsvorm;Aantal\n"


@pytest.fixture
def analyst(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    Register.objects.create(code="test", name_nl="Testregister", name_en="Test register")
    return User.objects.create_user("analyst", password="x" * 12, role="analyst")


def _zip_bomb() -> bytes:
    """A workbook whose one sheet unpacks to 50 MB of spaces from a few kilobytes."""
    return hostile.mutated(
        replace=hostile._set_sheet(hostile._sheet(b"<row/>" + b" " * (50 * hostile.MB))), level=9
    )()


def _formula_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Registraties"
    ws.append(["Jaar", "Uitbuitingsvorm", "Aantal"])
    ws.append([2022, "Totaal", "=SUM(1,2)"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REGISTRATION_FILES = {
    "zip bomb": (_zip_bomb, "registraties.xlsx", "uitgepakt"),
    "huge line": (
        lambda: (HEADER + "2022;" + "x" * 200_000 + ";3\n").encode(),
        "registraties.csv",
        "100.000",
    ),
    "formula cell": (_formula_workbook, "registraties.xlsx", "formule"),
    "wrong encoding": (
        lambda: (HEADER + "2022;Totaal;814\n").encode("utf-16"),
        "registraties.csv",
        "sla het op als 'CSV UTF-8",
    ),
    "bell character": (lambda: (HEADER + "2022;Tot\x07aal;814\n").encode(), "r.csv", "teken"),
}


@pytest.mark.parametrize("name", REGISTRATION_FILES)
def test_the_registrations_import_refuses_hostile_files_in_dutch(analyst, name):
    build, filename, words = REGISTRATION_FILES[name]
    register = Register.objects.get(code="test")
    with pytest.raises(importer.RegistrationFileInvalid) as refused:
        importer.import_file(analyst, build(), filename, register)
    message = str(refused.value)
    assert words in message, message
    assert "Traceback" not in message
    assert not Registration.objects.filter(register=register).exists()


def test_the_registrations_csv_goes_through_safeload_in_its_child_process(analyst, settings):
    from samen.core import safeload

    settings.SAMEN_IMPORT_SANDBOX = True
    register = Register.objects.get(code="test")
    importer.import_file(analyst, (HEADER + "2022;Totaal;814\n").encode(), "r.csv", register)
    assert safeload.last_run().kind == "csv"
    assert Registration.objects.get(register=register).count == 814
    # Windows-1252 (Excel's 'CSV') is still read.
    Registration.objects.all().delete()
    content = "Jaar;Uitbuitingsvorm;Aantal;Opmerking\n2022;Totaal;814;één\n".encode("cp1252")
    importer.import_file(analyst, content, "r.csv", register)
    assert Registration.objects.get(register=register).note == "één"


OVERLAP_FILES = {
    "huge line": (lambda: ("A,B,count\n1,0," + "9" * 200_000 + "\n").encode(), "100.000"),
    "wrong encoding": (lambda: "A,B,count\n1,0,5\n0,1,4\n1,1,2\n".encode("utf-16"), "UTF-8"),
    "a workbook sent as CSV": (hostile.workbook, "xlsx"),
    "formula cell": (lambda: b"A,B,count\n1,0,=1+1\n0,1,4\n1,1,2\n", "'=1+1'"),
    "too many rows": (lambda: b"A,B,count\n" + b"1,0,1\n" * 30_000, "20.000"),
}


@pytest.mark.parametrize("name", OVERLAP_FILES)
def test_the_overlap_upload_refuses_hostile_files_in_dutch(analyst, name):
    from django.utils import translation

    build, words = OVERLAP_FILES[name]
    data = datasets.DatasetData(name="Vijandig", period_start=2020, period_end=2020)
    with translation.override("nl"), pytest.raises(datasets.DatasetInvalid) as refused:
        datasets.create_dataset(analyst, data, build(), "tabel.csv")
    message = " ".join(p.text for p in refused.value.problems)
    assert words in message, message
    assert not OverlapDataset.objects.exists()
