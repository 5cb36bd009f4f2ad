"""The plan import on the corpus: each file's exact outcome (the mapping, the
preview, the written data, or the error with its location)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samen.core.models import AuditEvent
from samen.plan import document as doc
from samen.plan import imports, services
from samen.plan.export import read_bytes
from samen.plan.models import Action, Organisation, SavedHeadingMapping
from samen.plan.sheet_import import ImportOptions

from . import corpus

pytestmark = pytest.mark.django_db


def run(built, options=None, dry_run=False):
    name, content = built
    raw, locate = read_bytes(content, name, options)
    return services.parse_and_import(raw, dry_run=dry_run, locate=locate, filename=name)


def errors(built, options=None):
    before = (Action.objects.count(), AuditEvent.objects.count())
    with pytest.raises(doc.PlanDocumentInvalid) as info:
        run(built, options)
    assert (Action.objects.count(), AuditEvent.objects.count()) == before
    return info.value


def headings(report):
    return [line.strip() for line in report.understood.lines() if line.startswith("  ")]


def test_dutch_synonyms_are_mapped_and_reported(bundled_plan):
    report = run(corpus.synonyms())
    assert headings(report) == [
        'kolom A "Actienr." → Nummer',
        'kolom B "Actie" → Actie',
        'kolom C "Trekker(s)" → Actiehouders',
        'kolom D "Ketenpartners" → Betrokken organisaties',
        'kolom E "Uitbuitingsvorm(en)" → Uitbuitingsvormen',
        'kolom F "Doelgroep" → Leeftijdsgroepen',
        'kolom G "Termijn" → Periode',
        'kolom H "Voortgang" → Status',
    ]
    action = Action.objects.get(code="X.1")
    assert [o.code for o in action.holders] == ["vng"]
    assert [o.code for o in action.involved] == ["gemeenten", "comensha"]
    assert [f.code for f in action.exploitation_forms.all()] == ["labour"]
    assert [g.code for g in action.age_groups.all()] == ["minors"]
    assert (action.period_start, action.period_end, action.status) == (2025, 2026, "planned")


def test_case_spaces_and_plural_markers_do_not_matter(bundled_plan):
    report = run(corpus.spacing_and_case())
    assert headings(report) == [
        'kolom A "NUMMER" → Nummer',
        'kolom B "Actie" → Actie',
        'kolom C "Actiehouder(s)" → Actiehouders',
        'kolom D "Betrokken partijen" → Betrokken organisaties',
        'kolom E "Uitbuitings vorm" → Uitbuitingsvormen',
    ]
    action = Action.objects.get(code="X.2")
    assert [o.code for o in action.holders] == ["jenv"]
    assert [o.code for o in action.involved] == ["om"]
    assert [f.code for f in action.exploitation_forms.all()] == ["sexual"]


def test_a_heading_like_a_field_is_an_error_with_the_suggestion(bundled_plan):
    invalid = errors(corpus.similar_heading())
    assert [str(e) for e in invalid.errors] == [
        'tikfout-in-kop.xlsx, tabblad "Acties", rij 1, kolom C ("Actiehouderz"): deze kolomkop '
        "wordt niet gebruikt, maar lijkt op 'Actiehouders'; bedoelt u die kolom? Pas de kolomkop "
        "aan, of koppel hem in de import op het web"
    ]
    # The other unknown heading is not like any field: reported as not used, no error.
    assert 'kolom D "Opmerkingen intern" → niet gebruikt' in [
        line.strip() for line in invalid.understood.lines()
    ]


def test_mapping_the_heading_by_hand_reads_the_column(bundled_plan):
    report = run(corpus.similar_heading(), ImportOptions(headings={"actiehouderz": "holders"}))
    assert 'kolom C "Actiehouderz" → Actiehouders (door u gekoppeld)' in headings(report)
    assert [o.code for o in Action.objects.get(code="X.3").holders] == ["jenv"]


def test_own_export_with_a_renamed_heading_keeps_the_edit(bundled_plan, client):
    from openpyxl import load_workbook

    from samen.plan.spreadsheet import write_action_list

    content = write_action_list(Action.objects.with_relations().filter(code="U.1"))
    wb = load_workbook(__import__("io").BytesIO(content))
    ws = wb.active
    column = [c.value for c in ws[1]].index("Actiehouders") + 1
    ws.cell(1, column).value = "Actiehouder(s)"
    ws.cell(2, column).value = "JenV; VWS"
    out = __import__("io").BytesIO()
    wb.save(out)
    report = run(("acties.xlsx", out.getvalue()), dry_run=True)
    (item,) = report.preview.items
    assert (item.kind, item.code, item.change) == ("actions", "U.1", "changed")
    assert [(f.field, f.old, f.new) for f in item.fields] == [
        ("holders", ["jenv"], ["jenv", "vws"])
    ]


def test_a_hidden_old_sheet_is_skipped_and_named(bundled_plan):
    report = run(corpus.hidden_old_sheet())
    lines = report.understood.lines()
    assert lines[0] == 'Tabblad "Actieplan 2024-2027" gelezen als acties.'
    assert 'Verborgen tabblad "Acties" overgeslagen.' in lines
    assert Action.objects.get(code="X.4").title_nl == "Nieuwe campagne"


def test_hidden_rows_are_skipped_and_named(bundled_plan):
    report = run(corpus.hidden_rows())
    assert 'Verborgen rijen in tabblad "Acties" overgeslagen: 3.' in report.understood.lines()
    assert set(Action.objects.filter(code__startswith="X.").values_list("code", flat=True)) == {
        "X.5",
        "X.7",
    }


def test_two_sheets_with_actions_ask_for_a_choice(bundled_plan):
    invalid = errors(corpus.two_action_sheets())
    assert [str(e) for e in invalid.errors] == [
        'twee-tabbladen.xlsx: meerdere tabbladen bevatten acties: "Concept", "Definitief"; kies '
        "het tabblad dat gelezen moet worden (op de opdrachtregel: --sheet)"
    ]
    assert invalid.understood.sheet_choices == ["Concept", "Definitief"]
    run(corpus.two_action_sheets(), ImportOptions(sheet="Definitief"))
    assert Action.objects.get(code="X.8").title_nl == "Versie B"


def test_cli_takes_the_sheet(bundled_plan, tmp_path, capsys):
    name, content = corpus.two_action_sheets()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match="--sheet"):
        call_command("import_plan", str(path))
    call_command("import_plan", str(path), "--sheet", "Concept")
    assert Action.objects.get(code="X.8").title_nl == "Versie A"
    assert 'Tabblad "Concept" gelezen als acties.' in capsys.readouterr().out


def test_headings_below_title_rows(bundled_plan):
    report = run(corpus.title_rows())
    assert 'Kolomkoppen van tabblad "Acties" (rij 4):' in report.understood.lines()
    assert Action.objects.get(code="X.9").action_line.code == "AL3"


def test_annex_heading_rows_set_the_line_and_the_numbers(bundled_plan):
    report = run(corpus.annex_lines())
    added = {a.code: a for a in Action.objects.filter(code__in=["1.1", "1.2", "2.1", "2.2"])}
    assert {c: a.action_line.code for c, a in added.items()} == {
        "1.1": "AL1",
        "1.2": "AL1",
        "2.1": "AL2",
        "2.2": "AL2",
    }
    assert [o.code for o in added["2.1"].holders] == ["politie"]
    assert [o.code for o in added["2.2"].holders] == ["szw"]
    assert (added["1.2"].period_start, added["1.2"].period_end) == (2024, 2024)
    assert (added["2.1"].period_start, added["2.1"].period_end) == (None, None)
    assert report.created["actions"] == 4
    assert (
        'Tabblad "Bijlage 1", rij 3: kopregel voor Actielijn 1: Creëren van brede bewustwording.'
        in report.understood.lines()
    )


def test_a_heading_row_for_an_unknown_line_is_named(bundled_plan):
    invalid = errors(corpus.annex_unknown_line())
    assert [str(e) for e in invalid.errors] == [
        'onbekende-actielijn.xlsx, tabblad "Acties", rij 2: kopregel \'Actielijn 9: Bestaat '
        "niet': het plan heeft geen actielijn 9"
    ]


def test_dutch_periods(bundled_plan):
    run(corpus.dutch_periods())
    periods = dict(
        (a.code, (a.period_start, a.period_end))
        for a in Action.objects.filter(code__startswith="P.")
    )
    assert periods == {
        "P.1": (2025, 2025),
        "P.2": (2025, 2025),
        "P.3": (2024, 2024),
        "P.4": (2024, 2025),
        "P.5": (None, None),
        "P.6": (2026, 2026),
        "P.7": (2025, 2025),
        "P.8": (2025, None),
    }


def test_dutch_milestone_dates(bundled_plan):
    run(corpus.dutch_milestone_dates())
    dates = [
        (m.title_nl, str(m.due_date), str(m.done_date) if m.done_date else None)
        for m in Action.objects.get(code="M.1").milestones.order_by("order")
    ]
    assert dates == [
        ("Plan klaar", "2025-07-01", "2025-06-30"),
        ("Evaluatie", "2025-12-31", None),
        ("Rapport", "2025-08-31", None),
        ("Slot", "2026-12-31", None),
    ]


def test_everyday_names_and_several_in_one_cell(bundled_plan):
    run(corpus.everyday_names())
    people = {
        a.code: ([o.code for o in a.holders], [o.code for o in a.involved])
        for a in Action.objects.with_relations().filter(code__startswith="N.")
    }
    assert people == {
        "N.1": (["jenv"], ["politie"]),
        "N.2": (["vws"], ["politie", "om"]),
        "N.3": (["jenv", "vws"], ["om", "kmar"]),
        "N.4": (["jenv"], ["nla", "ind", "vng"]),
    }


def test_unknown_names_get_suggestions(bundled_plan):
    invalid = errors(corpus.unknown_names())
    assert [str(e) for e in invalid.errors] == [
        'onbekende-namen.xlsx, tabblad "Acties", rij 2, kolom C ("Actiehouders"): organisatie '
        "'Min. JenVV' is niet bekend; bedoelt u: JenV?",
        'onbekende-namen.xlsx, tabblad "Acties", rij 3, kolom C ("Actiehouders"): organisatie '
        "'Stichting Nieuw Begin' is niet bekend",
    ]
    assert invalid.understood.unknown_names == {"Min. JenVV": ["JenV"], "Stichting Nieuw Begin": []}


def test_names_mapped_in_the_web_import_become_aliases_and_organisations(bundled_plan):
    data = {
        "names": {"Min. JenVV": "jenv", "Stichting Nieuw Begin": "nieuw-begin"},
        "new_organisations": [
            {
                "code": "nieuw-begin",
                "short_name": "Nieuw Begin",
                "name": "Stichting Nieuw Begin",
                "type": "ngo",
                "aliases": ["Stichting Nieuw Begin"],
            }
        ],
    }
    name, content = corpus.unknown_names()
    report = imports.check(content, name, None, data)
    items = [(i.kind, i.code, i.change) for i in report.preview.items]
    assert items == [
        ("organisations", "nieuw-begin", "added"),
        ("organisations", "jenv", "changed"),
        ("actions", "N.5", "added"),
        ("actions", "N.6", "added"),
    ]
    jenv = report.preview.items[1]
    assert [(f.field, f.new[-1]) for f in jenv.fields] == [("aliases", "Min. JenVV")]
    token = imports.park(content, name)
    imports.confirm(token, name, None, data, expected=report.preview.digest)
    assert "Min. JenVV" in Organisation.objects.get(code="jenv").aliases
    assert [o.code for o in Action.objects.get(code="N.6").holders] == ["nieuw-begin"]


def test_a_formula_does_not_hide_the_other_errors(bundled_plan):
    invalid = errors(corpus.formula_and_more())
    assert [str(e) for e in invalid.errors] == [
        'formule-en-meer-fouten.xlsx, tabblad "Acties", rij 2, kolom B ("Actie"): de cel bevat '
        'een formule (=CONCAT("Actie ", 1)); vul de waarde zelf in (formules worden niet '
        "uitgerekend)",
        'formule-en-meer-fouten.xlsx, tabblad "Acties", rij 3, kolom D ("Status"): status '
        "'bijna klaar' is niet bekend; toegestaan: Niet vastgelegd, Gepland, Lopend, Afgerond, "
        "Gestopt",
        'formule-en-meer-fouten.xlsx, tabblad "Acties", rij 4, kolom C ("Actiehouders"): '
        "organisatie 'Politei' is niet bekend; bedoelt u: Politie?",
        'formule-en-meer-fouten.xlsx, tabblad "Acties", rij 4, kolom E ("Periode"): verwacht een '
        "jaar of een periode zoals 2024–2027, maar kreeg 'volgend jaar'",
    ]


def test_at_most_200_errors_are_shown_with_a_count_of_the_rest(bundled_plan):
    invalid = errors(corpus.many_errors())
    assert len(invalid.errors) == 250
    assert len(invalid.shown) == 200 and invalid.more == 50
    summary = invalid.summary()
    assert summary.endswith("… en nog 50 fouten.")
    assert summary.count("\n  - ") == 200


def test_dutch_labels_are_read_and_named_in_errors(bundled_plan):
    invalid = errors(corpus.dutch_labels())
    assert [str(e).split(": ", 1)[1] for e in invalid.errors] == [
        "uitbuitingsvorm 'Seksueel' is niet bekend; toegestaan: Seksuele uitbuiting, "
        "Arbeidsuitbuiting, Criminele uitbuiting, Gedwongen orgaanverwijdering",
        "leeftijdsgroep 'Kinderen' is niet bekend; toegestaan: Minderjarigen, Jongvolwassenen, "
        "Volwassenen",
    ]
    assert "rij 3, kolom C" in str(invalid.errors[0])


def test_preview_lists_every_change_and_confirm_writes_exactly_that(bundled_plan):
    name, content = corpus.annex_lines()
    report = imports.check(content, name, None)
    added = [i for i in report.preview.items if i.kind == "actions"]
    assert [(i.code, i.change) for i in added] == [
        ("1.1", "added"),
        ("1.2", "added"),
        ("2.1", "added"),
        ("2.2", "added"),
    ]
    assert [(f.field, f.new) for f in added[0].fields] == [
        ("code", "1.1"),
        ("action_line", "AL1"),
        ("title_nl", "Campagne voor jongeren"),
        ("holders", ["jenv"]),
        ("involved", ["ckm"]),
        ("exploitation_forms", ["sexual"]),
        ("period", {"start": 2025, "end": 2025}),
    ]
    assert not Action.objects.filter(code="1.1").exists()  # a preview writes nothing
    token = imports.park(content, name)
    imports.confirm(token, name, None, expected=report.preview.digest)
    assert Action.objects.filter(code__in=["1.1", "1.2", "2.1", "2.2"]).count() == 4


def test_confirm_refuses_when_the_plan_changed_since_the_preview(bundled_plan):
    name, content = corpus.annex_lines()
    report = imports.check(content, name, None)
    Action.objects.create(code="1.1", title_nl="Intussen toegevoegd")
    events = AuditEvent.objects.count()
    token = imports.park(content, name)
    with pytest.raises(services.PreviewOutdated):
        imports.confirm(token, name, None, expected=report.preview.digest)
    assert Action.objects.get(code="1.1").title_nl == "Intussen toegevoegd"
    assert not Action.objects.filter(code="1.2").exists()
    assert AuditEvent.objects.count() == events


def test_a_saved_heading_mapping_is_reused_for_the_same_layout(bundled_plan):
    name, content = corpus.similar_heading()
    data = {"headings": {"actiehouderz": "holders"}}
    report = imports.check(content, name, None, data)
    (_sheet, _row, _mapping, layout) = report.understood.mappings[0]
    token = imports.park(content, name)
    imports.confirm(
        token, name, None, data, expected=report.preview.digest, layouts={"actiehouderz": layout}
    )
    assert SavedHeadingMapping.objects.get(layout=layout).field == "holders"
    again = run(corpus.similar_heading(), dry_run=True)
    assert 'kolom C "Actiehouderz" → Actiehouders (bewaarde koppeling)' in headings(again)


def test_the_messy_annex_needs_one_heading_and_one_name(bundled_plan):
    invalid = errors(corpus.messy_annex())
    assert [str(e).split(": ", 1)[1] for e in invalid.errors] == [
        "organisatie 'Stichting Veilig Thuis' is niet bekend",
    ]
    assert [u.heading for _s, _l, u in invalid.understood.unknown_headings] == [
        "Verantwoordelijk ministerie"
    ]
    assert 'Verborgen tabblad "Acties" overgeslagen.' in invalid.understood.lines()
