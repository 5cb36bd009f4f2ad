"""Import and export of whole plans: round trips, the forgiving spreadsheet
reader, and malformed files that must be rejected whole with named errors."""

import io
import json

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from samen.core.models import AuditEvent
from samen.plan import document as doc
from samen.plan import services
from samen.plan.export import export_bytes, export_document, read_bytes
from samen.plan.models import (
    Action,
    ActionLine,
    AgeGroup,
    ExploitationForm,
    Organisation,
    OrganisationType,
    Plan,
    PlanVersion,
    StrategicGoal,
)

ANNEX_HEADERS = [
    "Actielijn",
    "Nummer",
    "Actie",
    "Actiehouders",
    "Betrokken organisaties",
    "Uitbuitingsvormen",
    "Leeftijdsgroepen",
    "Planning",
    "Status",
]


def workbook(rows, *, headers=ANNEX_HEADERS, sheet="Acties", title_rows=(), merge=()):
    """An annex-style workbook, as the programme team keeps it."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in title_rows:
        ws.append(row)
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for cell_range in merge:
        ws.merge_cells(cell_range)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def clear_plan():
    """Empty the plan tables (the audit trail, being append-only, stays)."""
    for model in (
        PlanVersion,
        Action,
        Organisation,
        OrganisationType,
        ActionLine,
        StrategicGoal,
        ExploitationForm,
        AgeGroup,
        Plan,
    ):
        model.objects.all().delete()


def import_file(content, name, dry_run=False):
    raw, locate = read_bytes(content, name)
    return services.parse_and_import(raw, dry_run=dry_run, locate=locate, filename=name)


def rejected(content, name):
    """Import and expect rejection; return the error messages as one text."""
    before = (Action.objects.count(), AuditEvent.objects.count())
    with pytest.raises(doc.PlanDocumentInvalid) as info:
        import_file(content, name)
    assert (Action.objects.count(), AuditEvent.objects.count()) == before, "a rejected file wrote"
    return info.value.summary()


VALID_ROW = [
    "Actielijn 2",
    3,
    "Meldpunt voor arbeidsuitbuiting",
    "Politie; OM",
    "Nederlandse Arbeidsinspectie",
    "Arbeidsuitbuiting, Criminele uitbuiting",
    "alle",
    "2025–2026",
    "lopend",
]


# --- round trips ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,name", [("yaml", "plan.yaml"), ("json", "plan.json"), ("xlsx", "plan.xlsx")]
)
def test_whole_plan_round_trips_without_loss(bundled_plan, fmt, name):
    # Give the plan the things the bundled file lacks, so the round trip covers them.
    action = Action.objects.get(code="U.7")
    action.status = "running"
    action.description_nl = "Meer regio's; zie toelichting.\nTweede regel."
    action.save()
    action.milestones.create(
        order=0, title_nl="Evaluatie", due_date="2025-03-01", done_date="2025-04-02"
    )
    version = PlanVersion.objects.get(code="2023-10")
    version.snapshot[0]["title_nl"] = "Oude titel"  # the October version differed
    version.save()

    before = export_document()
    content = export_bytes(fmt)
    clear_plan()

    report = import_file(content, name)
    assert report.created["actions"] == 14
    assert export_document() == before


def test_load_plan_twice_changes_nothing_and_audits_once(bundled_plan):
    events = AuditEvent.objects.count()
    report = import_file(export_bytes("yaml"), "plan.yaml")
    assert report.changes == 0
    assert AuditEvent.objects.count() == events


def test_dry_run_reports_but_writes_nothing(bundled_plan):
    content = workbook([VALID_ROW])
    actions, events = Action.objects.count(), AuditEvent.objects.count()
    report = import_file(content, "annex.xlsx", dry_run=True)
    assert report.created["actions"] == 1
    assert "Proefrun: er is niets opgeslagen." in report.lines()
    assert (Action.objects.count(), AuditEvent.objects.count()) == (actions, events)


def test_change_is_audited_with_before_and_after(bundled_plan):
    data = yaml.safe_load(export_bytes("yaml"))
    data["actions"][0]["status"] = "completed"
    code = data["actions"][0]["code"]
    services.parse_and_import(data)
    event = AuditEvent.objects.filter(object_type="plan.action", kind="update").last()
    assert event.object_id == str(Action.objects.get(code=code).pk)
    assert event.before["status"] == "unknown" and event.after["status"] == "completed"


# --- the forgiving spreadsheet reader -------------------------------------------


def test_annex_layout_is_read_forgivingly(bundled_plan):
    content = workbook(
        [
            VALID_ROW,
            [None, 4, "Tweede actie", "KMar", "", "sexual", "Minderjarigen", 2025, "gepland"],
        ],
        title_rows=[["Bijlage 1 bij de voortgangsbrief"], []],
        merge=["A4:A5"],  # the action line cell spans both rows
    )
    report = import_file(content, "bijlage.xlsx")
    assert report.created["actions"] == 2
    first = Action.objects.get(code="2.3")  # number 3 under action line 2
    assert [o.code for o in first.holders] == ["politie", "om"]
    assert [o.code for o in first.involved] == ["nla"]
    assert set(first.exploitation_forms.values_list("code", flat=True)) == {"labour", "criminal"}
    assert first.age_groups.count() == 3  # "alle"
    assert (first.period_start, first.period_end, first.status) == (2025, 2026, "running")
    second = Action.objects.get(code="2.4")
    assert second.action_line.code == "AL2"  # filled in from the merged cell
    assert (second.period_start, second.period_end) == (2025, 2025)


def test_english_headers_and_codes_are_accepted(bundled_plan):
    headers = [
        "Action line",
        "Number",
        "Action",
        "Action holders",
        "Exploitation forms",
        "Age groups",
    ]
    content = workbook(
        [["AL1", "X.1", "Campaign", "jenv, ckm", "all", "adults"]], headers=headers, sheet="Actions"
    )
    import_file(content, "annex.xlsx")
    action = Action.objects.get(code="X.1")
    assert [o.code for o in action.holders] == ["jenv", "ckm"]
    assert action.exploitation_forms.count() == 4


# --- malformed files: rejected whole, every error located ------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row_change,expected",
    [
        ({3: "Politei"}, "rij 2, kolom D (\"Actiehouders\"): organisatie 'Politei' is niet bekend"),
        (
            {5: "Slavernij"},
            "kolom F (\"Uitbuitingsvormen\"): uitbuitingsvorm 'Slavernij' is niet bekend",
        ),
        ({6: "Bejaarden"}, "leeftijdsgroep 'Bejaarden' is niet bekend"),
        (
            {7: "volgend jaar"},
            "verwacht een jaar of een periode zoals 2024–2027, maar kreeg 'volgend jaar'",
        ),
        ({7: "2027-2024"}, "eindigt (2024) voordat het begint (2027)"),
        (
            {8: "bijna klaar"},
            "status 'bijna klaar' is niet bekend; toegestaan: Niet vastgelegd, Gepland, Lopend",
        ),
        ({0: "Actielijn 9"}, "actielijn 'Actielijn 9' is niet bekend"),
        ({2: None}, 'rij 2, kolom C ("Actie"): is verplicht'),
        ({4: "Politie"}, "organisatie Politie is zowel actiehouder als betrokken"),
        ({1: "1/2"}, "'1/2' is geen geldige code"),
    ],
    ids=[
        "unknown-organisation",
        "unknown-exploitation-form",
        "unknown-age-group",
        "period-not-a-year",
        "period-backwards",
        "unknown-status",
        "unknown-action-line",
        "missing-title",
        "holder-also-involved",
        "invalid-code",
    ],
)
def test_malformed_annex_cells_are_named(bundled_plan, row_change, expected):
    row = list(VALID_ROW)
    for index, value in row_change.items():
        row[index] = value
    message = rejected(workbook([row]), "annex.xlsx")
    assert 'annex.xlsx, tabblad "Acties"' in message
    assert expected in message


def test_duplicate_action_code_names_both_rows(bundled_plan):
    message = rejected(workbook([VALID_ROW, VALID_ROW]), "annex.xlsx")
    assert "rij 3" in message and "de code '2.3' (actie) komt twee keer voor" in message
    assert 'ook bij annex.xlsx, tabblad "Acties", rij 2' in message


def test_missing_required_column(bundled_plan):
    headers = [h for h in ANNEX_HEADERS if h != "Actie"]
    row = [v for i, v in enumerate(VALID_ROW) if i != 2]
    message = rejected(workbook([row], headers=headers), "annex.xlsx")
    assert "verplichte kolom 'Actie' ontbreekt" in message and "rij 1" in message


def test_formula_cells_are_refused_not_evaluated(bundled_plan):
    row = list(VALID_ROW)
    row[2] = '=HYPERLINK("http://example.org","klik")'
    message = rejected(workbook([row]), "annex.xlsx")
    assert 'kolom C ("Actie"): de cel bevat een formule' in message


def test_not_a_workbook(db):
    message = rejected(b"PK\x03\x04 this is not really a zip", "annex.xlsx")
    assert "geen geldig .xlsx-werkboek" in message


def test_file_over_the_size_limit(db, settings):
    settings.SAMEN_MAX_UPLOAD_BYTES = 1000
    message = rejected(workbook([VALID_ROW] * 5), "annex.xlsx")
    assert "hoogstens 1.000 toegestaan" in message


def test_sheet_with_too_many_rows(bundled_plan, monkeypatch):
    from samen.plan import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    message = rejected(workbook([VALID_ROW] * 4), "annex.xlsx")
    assert 'tabblad "Acties"' in message and "te groot" in message


def test_no_header_row(bundled_plan):
    message = rejected(workbook([["a", "b"]], headers=["Foo", "Bar"]), "annex.xlsx")
    assert "geen kopregel gevonden" in message


def test_yaml_syntax_error_names_line_and_column(db):
    message = rejected(b"actions:\n  - code: U.1\n    title_nl: [unclosed\n", "plan.yaml")
    assert "plan.yaml" in message and "ongeldige YAML op regel" in message


def test_json_syntax_error(db):
    message = rejected(b'{"actions": [}', "plan.json")
    assert "ongeldige JSON op regel 1, kolom 14" in message


def test_unknown_section_and_field(db):
    message = rejected(
        b"actions:\n  - code: A.1\n    title_nl: x\n    colour: red\nextra: 1\n", "plan.yaml"
    )
    assert "extra: onbekend veld" in message
    assert "actions[1].colour: onbekend veld" in message


def test_version_refers_to_unknown_action(db):
    content = b"versions:\n  - {code: v1, date: 2024-01-01, title_nl: Versie, actions: [NOPE]}\n"
    message = rejected(content, "plan.yaml")
    assert "versions[1].actions[1]: actie 'NOPE' is niet bekend" in message


def test_unsupported_file_type_and_empty_file(db):
    assert "niet-ondersteund bestandstype '.docx'" in rejected(b"x", "plan.docx")
    assert "het bestand is leeg" in rejected(b"", "plan.yaml")


def test_one_bad_row_rejects_the_whole_file(bundled_plan):
    bad = list(VALID_ROW)
    bad[1], bad[3] = 5, "Onbekende Club"
    message = rejected(workbook([VALID_ROW, bad]), "annex.xlsx")
    assert "1 fout;" in message
    assert not Action.objects.filter(code="2.3").exists()


def test_every_error_is_reported_at_once(bundled_plan):
    row = list(VALID_ROW)
    row[3], row[5], row[8] = "Politei", "Slavernij", "??"
    message = rejected(workbook([row]), "annex.xlsx")
    assert message.startswith("annex.xlsx: 3 fouten; er is niets geïmporteerd.")


# --- exports for people -----------------------------------------------------------


def test_exported_workbook_has_readable_sheets(bundled_plan):
    wb = load_workbook(io.BytesIO(export_bytes("xlsx")))
    assert {"Plan", "Acties", "Organisaties", "Versies"} <= set(wb.sheetnames)
    actions = wb["Acties"]
    assert [c.value for c in actions[1]][:4] == ["Nummer", "Soort", "Actielijn", "Actie"]
    assert actions.max_row == 15  # header + 14 actions


def test_export_json_is_the_document(bundled_plan):
    data = json.loads(export_bytes("json"))
    assert data["schema"] == doc.SCHEMA
    assert {a["code"] for a in data["actions"]} == set(
        Action.objects.values_list("code", flat=True)
    )
    assert Organisation.objects.count() == len(data["organisations"])
