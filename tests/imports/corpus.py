"""The import corpus: files made the way people make them (merged headings,
hidden sheets, title rows, Dutch synonyms and dates, everyday organisation
names, Kamer downloads, CSV from Excel). Each builder returns (name, bytes);
`python -m tests.imports.corpus DIR` writes them all to DIR for a look."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

ANNEX = ["Actielijn", "Nummer", "Actie", "Actiehouders", "Uitbuitingsvormen", "Periode", "Status"]


def xlsx(
    rows,
    headers=ANNEX,
    *,
    sheet="Acties",
    title_rows=(),
    merge=(),
    hidden_rows=(),
    extra_sheets=(),
):
    """One sheet of `headers` and `rows` (after `title_rows`); `extra_sheets`:
    (title, rows, hidden) added after it."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in title_rows:
        ws.append(row)
    ws.append(list(headers))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    for cell_range in merge:
        ws.merge_cells(cell_range)
    for number in hidden_rows:
        ws.row_dimensions[number].hidden = True
    for title, extra_rows, hidden in extra_sheets:
        other = wb.create_sheet(title)
        for row in extra_rows:
            other.append(list(row))
        if hidden:
            other.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def synonyms():
    headers = [
        "Actienr.",
        "Actie",
        "Trekker(s)",
        "Ketenpartners",
        "Uitbuitingsvorm(en)",
        "Doelgroep",
        "Termijn",
        "Voortgang",
    ]
    rows = [
        [
            "X.1",
            "Training voor gemeenten",
            "VNG",
            "Gemeenten; CoMensha",
            "Arbeidsuitbuiting",
            "Minderjarigen",
            "2025-2026",
            "Gepland",
        ],
    ]
    return "synoniemen.xlsx", xlsx(rows, headers)


def spacing_and_case():
    headers = ["NUMMER", " Actie ", "Actiehouder(s)", "Betrokken partijen", "Uitbuitings\u00a0vorm"]
    rows = [["X.2", "Voorlichting op scholen", "JenV", "OM", "Seksuele uitbuiting"]]
    return "hoofdletters-en-spaties.xlsx", xlsx(rows, headers)


def similar_heading():
    headers = ["Nummer", "Actie", "Actiehouderz", "Opmerkingen intern"]
    rows = [["X.3", "Pilot meldpunt", "JenV", "niet publiceren"]]
    return "tikfout-in-kop.xlsx", xlsx(rows, headers)


def hidden_old_sheet():
    rows = [["Actielijn 1", "X.4", "Nieuwe campagne", "JenV", "alle", "2025", "lopend"]]
    old = [ANNEX, ["Actielijn 1", "X.4", "Oude titel", "VWS", "alle", "2020", "afgerond"]]
    return "verborgen-tabblad.xlsx", xlsx(
        rows, sheet="Actieplan 2024-2027", extra_sheets=[("Acties", old, True)]
    )


def hidden_rows():
    rows = [
        ["Actielijn 1", "X.5", "Zichtbare actie", "JenV", "alle", "2025", "lopend"],
        ["Actielijn 1", "X.6", "Geschrapte actie", "JenV", "alle", "2025", "gestopt"],
        ["Actielijn 1", "X.7", "Nog een zichtbare", "VWS", "alle", "2025", "gepland"],
    ]
    return "verborgen-rijen.xlsx", xlsx(rows, hidden_rows=[3])


def two_action_sheets():
    rows = [["Actielijn 1", "X.8", "Versie A", "JenV", "alle", "2025", "lopend"]]
    other = [ANNEX, ["Actielijn 1", "X.8", "Versie B", "VWS", "alle", "2026", "gepland"]]
    return "twee-tabbladen.xlsx", xlsx(
        rows, sheet="Concept", extra_sheets=[("Definitief", other, False)]
    )


def title_rows():
    rows = [
        ["Actielijn 3", "X.9", "Opvangplekken per regio", "Gemeenten", "alle", "2025", "lopend"]
    ]
    titles = [
        ["Nationaal Actieplan Mensenhandel 2024-2027"],
        ["Bijlage: overzicht van acties, stand 1 juli 2025"],
        [],
    ]
    return "titelregels.xlsx", xlsx(rows, title_rows=titles)


ANNEX_STYLE = ["Nr.", "Actie", "Trekker", "Betrokken partijen", "Uitbuitingsvorm(en)", "Looptijd"]


def annex_lines():
    """Merged "Actielijn N: …" heading rows, numbers restarting per line."""
    rows = [
        ["Actielijn 1: Creëren van brede bewustwording"] + [None] * 5,
        [1, "Campagne voor jongeren", "JenV", "CKM", "Seksuele uitbuiting", "2025"],
        [2, "Training voor huisartsen", "VWS", None, "alle", "Q3 2024"],
        ["Actielijn 2: Meldingsbereidheid"] + [None] * 5,
        [
            1,
            "Anoniem melden bij de politie",
            "Nationale Politie",
            "OM",
            "Criminele uitbuiting",
            "doorlopend",
        ],
        [2, "Meldpunt voor werknemers", "Min. SZW", "NLA", "Arbeidsuitbuiting", "2024-2025"],
    ]
    return "bijlage-actielijnen.xlsx", xlsx(
        rows,
        ANNEX_STYLE,
        sheet="Bijlage 1",
        title_rows=[["Bijlage 1 bij het Nationaal Actieplan"]],
        merge=["A3:F3", "A6:F6"],
    )


def annex_unknown_line():
    rows = [
        ["Actielijn 9: Bestaat niet"] + [None] * 5,
        [1, "Iets nieuws", "JenV", None, "alle", "2025"],
    ]
    return "onbekende-actielijn.xlsx", xlsx(rows, ANNEX_STYLE, merge=["A2:F2"])


def dutch_periods():
    headers = ["Nummer", "Actie", "Periode"]
    rows = [
        ["P.1", "Eén dag", "1-7-2025"],
        ["P.2", "Maand", "juli 2025"],
        ["P.3", "Kwartaal", "Q3 2024"],
        ["P.4", "Twee jaar", "2024-2025"],
        ["P.5", "Doorlopend", "doorlopend"],
        ["P.6", "Echte datum", dt.datetime(2026, 3, 1)],
        ["P.7", "Serienummer", 45839],  # 2025-07-01
        ["P.8", "Vanaf", "2025 - doorlopend"],
    ]
    return "nederlandse-perioden.xlsx", xlsx(rows, headers)


def dutch_milestone_dates():
    wb = Workbook()
    ws = wb.active
    ws.title = "Acties"
    ws.append(["Nummer", "Actie"])
    ws.append(["M.1", "Actie met mijlpalen"])
    ms = wb.create_sheet("Mijlpalen")
    ms.append(["Actie", "Mijlpaal", "Deadline", "Gereed"])
    ms.append(["M.1", "Plan klaar", "1-7-2025", dt.datetime(2025, 6, 30)])
    ms.append(["M.1", "Evaluatie", "Q4 2025", None])
    ms.append(["M.1", "Rapport", 45900, None])  # serial: 2025-08-31
    ms.append(["M.1", "Slot", "december 2026", None])
    out = io.BytesIO()
    wb.save(out)
    return "mijlpalen-datums.xlsx", out.getvalue()


def everyday_names():
    headers = ["Nummer", "Actie", "Actiehouders", "Betrokken organisaties"]
    rows = [
        ["N.1", "Een", "Min. JenV", "Nationale Politie"],
        ["N.2", "Twee", "Ministerie van VWS", "Politie / OM"],
        ["N.3", "Drie", "JenV en VWS", "Openbaar Ministerie\nKoninklijke Marechaussee"],
        ["N.4", "Vier", "Ministerie van Justitie en Veiligheid", "NLA, IND; VNG"],
    ]
    return "namen-zoals-mensen-ze-schrijven.xlsx", xlsx(rows, headers)


def unknown_names():
    headers = ["Nummer", "Actie", "Actiehouders"]
    rows = [["N.5", "Vijf", "Min. JenVV"], ["N.6", "Zes", "Stichting Nieuw Begin"]]
    return "onbekende-namen.xlsx", xlsx(rows, headers)


def formula_and_more():
    headers = ["Nummer", "Actie", "Actiehouders", "Status", "Periode"]
    rows = [
        ["F.1", '=CONCAT("Actie ", 1)', "JenV", "lopend", "2025"],
        ["F.2", "Tweede", "JenV", "bijna klaar", "2025"],
        ["F.3", "Derde", "Politei", "gepland", "volgend jaar"],
    ]
    return "formule-en-meer-fouten.xlsx", xlsx(rows, headers)


def many_errors():
    headers = ["Nummer", "Actie", "Status"]
    rows = [[f"E.{i}", f"Actie {i}", "half af"] for i in range(1, 251)]
    return "veel-fouten.xlsx", xlsx(rows, headers)


def dutch_labels():
    headers = ["Nummer", "Actie", "Uitbuitingsvormen", "Leeftijdsgroepen", "Status"]
    rows = [
        ["L.1", "Labels", "Seksuele uitbuiting; Arbeidsuitbuiting", "Minderjarigen", "Lopend"],
        ["L.2", "Fout", "Seksueel", "Kinderen", "Afgerond"],
    ]
    return "nederlandse-labels.xlsx", xlsx(rows, headers)


def messy_annex():
    """The done-when workbook: merged action-line headings, Dutch headings, a
    hidden old sheet, everyday names, one heading and one name to map."""
    headers = ["Nr.", "Actie", "Trekker(s)", "Verantwoordelijk ministerie", "Looptijd"]
    rows = [
        ["Actielijn 1: Creëren van brede bewustwording", None, None, None, None],
        [1, "Campagne in het onderwijs", "Min. JenV", "Ministerie van VWS", "2025"],
        [2, "Voorlichting in de zorg", "Stichting Veilig Thuis", "Min. VWS", "Q3 2025"],
        ["Actielijn 2: Meldingsbereidheid", None, None, None, None],
        [1, "Meldpunt met de politie", "Nationale Politie", "JenV", "doorlopend"],
    ]
    old = [headers, [1, "Verouderde actie", "VWS", None, "2020"]]
    return "bijlage-rommelig.xlsx", xlsx(
        rows,
        headers,
        sheet="Actieplan 2024-2027",
        title_rows=[["Actieplan mensenhandel: bijlage met acties"]],
        merge=["A3:E3", "A6:E6"],
        extra_sheets=[("Acties", old, True)],
    )


# --- Tweede Kamer -----------------------------------------------------------------


def zaak(number, title, *, deleted=False, kind="Motie"):
    if deleted:
        return {
            "Id": f"id-{number}",
            "Verwijderd": True,
            "Soort": None,
            "Nummer": None,
            "Onderwerp": None,
        }
    return {
        "Id": f"id-{number}",
        "Nummer": number,
        "Soort": kind,
        "Onderwerp": title,
        "GestartOp": "2024-03-05T00:00:00+01:00",
        "Volgnummer": int(number[-3:]),
        "Verwijderd": False,
        "Kamerstukdossier": [{"Nummer": 28638, "Toevoeging": None}],
        "ZaakActor": [{"Relatie": "Indiener", "ActorNaam": "Bikker", "ActorFractie": "CU"}],
        "Besluit": [{"BesluitSoort": "Stemmen - aangenomen", "BesluitTekst": "Aangenomen."}],
    }


def kamer_json(records, *, next_link=None, entity="Zaak"):
    body = {
        "@odata.context": f"https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/$metadata#{entity}",
        "value": records,
    }
    if next_link:
        body["@odata.nextLink"] = next_link
    return json.dumps(body, ensure_ascii=False).encode()


def kamer_with_deleted():
    return "zaken-verwijderd.json", kamer_json(
        [zaak("2024Z04101", "Motie over opvang"), zaak("2024Z04102", "", deleted=True)]
    )


def kamer_with_next_link():
    link = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$skip=250"
    return "zaken-pagina-1.json", kamer_json(
        [zaak("2024Z04103", "Motie over voorlichting")], next_link=link
    )


def toezeggingen():
    records = [
        {
            "Id": "tz-1",
            "Nummer": "TZ202403-012",
            "Tekst": "De staatssecretaris stuurt voor de zomer een brief over de opvang.",
            "Status": "Openstaand",
            "DatumNakoming": "2024-07-01T00:00:00+02:00",
            "Naam": "Van der Burg",
            "Verwijderd": False,
        },
        {
            "Id": "tz-2",
            "Nummer": "TZ202310-079",
            "Tekst": "De minister informeert de Kamer over het meldpunt.",
            "Status": "Voldaan",
            "DatumNakoming": "2023-12-01T00:00:00+01:00",
            "Verwijderd": False,
        },
        {"Id": "tz-3", "Verwijderd": True, "Nummer": None, "Tekst": None, "Status": None},
    ]
    return "toezeggingen.json", kamer_json(records, entity="Toezegging")


def persons():
    return "personen.json", kamer_json(
        [{"Id": "p-1", "Achternaam": "Bikker", "Verwijderd": False}], entity="Persoon"
    )


# --- CSV -----------------------------------------------------------------------------


def csv_cp1252():
    text = (
        "Actielijn;Nummer;Actie;Actiehouders;Status\r\n"
        "Actielijn 1;C.1;Training ketenpartners in Zeeland én Brabant;JenV;lopend\r\n"
    )
    return "acties-excel.csv", text.encode("cp1252")


ALL = [
    synonyms, spacing_and_case, similar_heading, hidden_old_sheet, hidden_rows,
    two_action_sheets, title_rows, annex_lines, annex_unknown_line, dutch_periods,
    dutch_milestone_dates, everyday_names, unknown_names, formula_and_more, many_errors,
    dutch_labels, messy_annex, kamer_with_deleted, kamer_with_next_link, toezeggingen, persons,
    csv_cp1252,
]  # fmt: skip


# --- allocations -----------------------------------------------------------------------


ALLOCATION_HEADERS = ["Actie", "Financieringsbron", "Jaar", "Bedrag"]


def allocations_lowercase_codes():
    rows = [
        ["u.1", "Structureel programmabudget", 2025, "€ 12.500,00"],
        ["U.2", "coalitieakkoord", 2025, 800],
    ]
    return "toewijzingen-kleine-letters.xlsx", xlsx(rows, ALLOCATION_HEADERS, sheet="Toewijzingen")


def allocations_ambiguous_amount():
    rows = [["U.1", "coalitieakkoord", 2025, "12.5"], ["U.2", "coalitieakkoord", 2025, "12,5"]]
    return "toewijzingen-punt.xlsx", xlsx(rows, ALLOCATION_HEADERS, sheet="Toewijzingen")


def allocations_hidden_row_and_typo():
    headers = ["Actie", "Financieringsbron", "Jaar", "Bedragg"]
    rows = [["U.1", "coalitieakkoord", 2025, 100]]
    return "toewijzingen-tikfout.xlsx", xlsx(rows, headers, sheet="Toewijzingen")


def allocations_hidden_rows():
    rows = [["U.1", "coalitieakkoord", 2025, 100], ["U.2", "coalitieakkoord", 2025, "oud"]]
    return "toewijzingen-verborgen.xlsx", xlsx(
        rows, ALLOCATION_HEADERS, sheet="Toewijzingen", hidden_rows=[3],
        extra_sheets=[("Begroting", [ALLOCATION_HEADERS, ["U.1", "x", 1999, "oud"]], True)],
    )  # fmt: skip


ALL += [
    allocations_lowercase_codes,
    allocations_ambiguous_amount,
    allocations_hidden_row_and_typo,
    allocations_hidden_rows,
]


# --- more of the same kinds ------------------------------------------------------------


def english_headings():
    headers = ["Action line", "Number", "Action", "Action holders", "Involved organisations",
               "Exploitation forms", "Age groups", "Period", "Status"]  # fmt: skip
    rows = [["Action line 4", "E.1", "Joint data table", "JenV", "Politie; OM",
             "all", "all", "2025-2027", "Running"]]  # fmt: skip
    return "english.xlsx", xlsx(rows, headers)


def error_value_cell():
    rows = [["Actielijn 1", "R.1", "#REF!", "JenV", "alle", "#DIV/0!", "lopend"]]
    return "foutwaarde.xlsx", xlsx(rows)


def comma_csv():
    text = 'Nummer,Actie,Actiehouders,Periode\nK.1,Kennisdeling met gemeenten,"VNG, Gemeenten",juli 2025\n'
    return "acties-komma.csv", text.encode()


def kamer_mixed_kinds():
    return "zaken-gemengd.json", kamer_json(
        [
            zaak("2024Z04106", "Motie over werkgevers"),
            zaak("2024Z04107", "Amendement over de begroting", kind="Amendement"),
            zaak("2024Z04108", "", deleted=True),
        ]
    )


def kamer_page_two():
    return "zaken-pagina-2.json", kamer_json([zaak("2024Z04109", "Motie op de tweede pagina")])


ALL += [english_headings, error_value_cell, comma_csv, kamer_mixed_kinds, kamer_page_two]


if __name__ == "__main__":  # pragma: no cover - a look at the files by hand
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for build in ALL:
        name, content = build()
        (target / name).write_bytes(content)
        print(target / name)
