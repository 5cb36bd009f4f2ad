"""Files users feed back in: the explorer's CSV export, a CSV saved by Excel on
Windows (Windows-1252), and the open-data CSV files."""

import csv
import io

import pytest

from samen.plan import services
from samen.plan.export import read_bytes
from samen.plan.models import Action
from samen.portal import open_data

from . import corpus

pytestmark = pytest.mark.django_db


def run(name, content, dry_run=True):
    raw, locate = read_bytes(content, name)
    return services.parse_and_import(raw, dry_run=dry_run, locate=locate, filename=name)


def test_the_explorer_csv_export_imports_back_unchanged(client, bundled_plan):
    content = client.get("/acties/export.csv").content
    assert content.startswith(b"\xef\xbb\xbf") and b";" in content.split(b"\n")[0]
    report = run("acties.csv", content)
    assert report.changes == 0
    assert report.unchanged["actions"] == Action.objects.count()
    assert report.understood.lines()[0] == 'Bestand "acties.csv" gelezen als acties.'


def test_an_edit_in_the_explorer_csv_is_previewed(client, bundled_plan):
    text = client.get("/acties/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    status = rows[0].index("Status")
    code = rows[0].index("Nummer")
    row = next(r for r in rows if r[code] == "U.7")
    row[status] = "Afgerond"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    report = run("acties.csv", ("\ufeff" + out.getvalue()).encode())
    (item,) = report.preview.items
    assert (item.code, [(f.field, f.new) for f in item.fields]) == (
        "U.7",
        [("status", "completed")],
    )


def test_a_windows_1252_csv_is_read_with_a_detection_message(bundled_plan):
    report = run(*corpus.csv_cp1252(), dry_run=False)
    assert report.understood.lines()[0] == (
        "Het bestand is geen UTF-8; het is gelezen als Windows-1252 (de codering van Excel onder "
        "Windows). Controleer de letters met accenten in het voorbeeld."
    )
    assert Action.objects.get(code="C.1").title_nl == "Training ketenpartners in Zeeland én Brabant"


def test_open_data_csv_is_dutch_and_the_comma_variant_is_for_machines(client, bundled_plan):
    dutch = client.get("/openbaar/open-data/plan.csv").content
    assert dutch.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(dutch.decode("utf-8-sig")), delimiter=";"))
    assert {r["confirmed"] for r in rows} == {"ja", "nee"}
    machine = client.get("/openbaar/open-data/plan.komma.csv")
    assert machine.status_code == 200 and not machine.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(machine.content.decode())))
    assert tuple(rows[0]) == open_data.PLAN_FIELDS
    assert {r["confirmed"] for r in rows} == {"true", "false"}


def test_open_data_numbers_have_decimal_commas_in_the_dutch_file():
    records = [{"share": 12.5, "ok": True}]
    dutch = open_data.write(records, ("share", "ok"), "samen-open-test/1", "csv")
    machine = open_data.write(records, ("share", "ok"), "samen-open-test/1", "komma.csv")
    assert dutch.decode("utf-8-sig") == "share;ok\r\n12,5;ja\r\n"
    assert machine.decode() == "share,ok\r\n12.5,true\r\n"
