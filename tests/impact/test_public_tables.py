"""published_tables(): the one source of public impact figures, protected together."""

import pytest
from django.core.management import call_command

from samen.impact.disclosure import feasible_ranges
from samen.impact.models import PublicationProposal, Register, Registration
from samen.impact.public_tables import MARK, REST, published_tables
from samen.plan.models import AgeGroup, ExploitationForm


@pytest.fixture
def loaded(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_bundled_series_is_published_with_its_splits_and_rates(loaded):
    t = published_tables()
    assert [r.code for r in t.registers] == ["comensha", "nrm"]
    totals = dict(t.totals.column("comensha"))
    assert totals[2019].value == 1372 and totals[2023].derived
    assert str(totals[2019]) == "1.372"
    assert totals[2007].missing and not totals[2007].suppressed  # no figure, not 0
    form = {tb.register.code: tb for tb in t.by_form}["comensha"]
    rows = {row.year: row for row in form.rows}
    assert sorted(rows) == [2017, 2020]
    codes = [c.code for c in form.columns]
    assert [c.label for c in form.columns][:2] == ["Seksuele uitbuiting", "Arbeidsuitbuiting"]
    assert rows[2020].cells[codes.index("sexual")].value == 415
    rest = codes.index(REST)
    assert rows[2020].cells[rest].value == 1013 - 415 - 415
    assert [e.estimate for e in t.estimates] == [6250, 5000]
    assert [(r.rate.year_from, r.registered) for r in t.rates] == [
        (2015, 1150),
        (2018, 668),
        (2019, 1334),
    ]


def test_unpublished_registers_stay_out(loaded):
    PublicationProposal.objects.filter(register__code="nrm").update(state="withdrawn")
    t = published_tables()
    assert [r.code for r in t.registers] == ["comensha"]
    assert t.rates == ()  # the bundled rates use the National Rapporteur's figures


def test_small_cells_are_suppressed_and_cannot_be_recovered_from_the_margins(loaded):
    register = Register.objects.get(code="comensha")
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    ages = {a.code: a for a in AgeGroup.objects.all()}
    # 2021: 791 in total; organ removal 3 (primary), the other forms large.
    for code, n in (("sexual", 400), ("labour", 200), ("criminal", 188), ("organ-removal", 3)):
        Registration.objects.create(
            register=register, year=2021, exploitation_form=forms[code], count=n
        )
    Registration.objects.create(register=register, year=2021, age_group=ages["minors"], count=60)
    approve_again(register)
    t = published_tables(threshold=10)
    form = {tb.register.code: tb for tb in t.by_form}["comensha"]
    row = next(r for r in form.rows if r.year == 2021)
    organ = row.cells[[c.code for c in form.columns].index("organ-removal")]
    assert organ.suppressed and str(organ) == MARK
    # Not recoverable from the total minus the others: a second cell went too.
    assert sum(cell.suppressed for cell in row.cells) >= 2
    protection = t.protection
    ranges = feasible_ranges(protection.published, t.relations)
    for cell in protection.primary:
        low, high = ranges[cell]
        assert high - low >= 10, (cell, low, high)


def approve_again(register):
    """The programme team approved the register's figures as they are now (figures added
    after an approval wait for a new one; see visibility.published_registrations)."""
    from django.utils import timezone

    PublicationProposal.objects.filter(register=register, state="approved").update(
        decided_at=timezone.now()
    )


def test_a_derived_zero_not_specified_cell_shows_the_mark_on_the_effect_page(loaded, client):
    """CoMensha 2021 by form, the forms adding up to the total: "Not specified" is 0,
    derived as the total minus the forms. It is below the threshold and is shown as the
    mark, never as 0, right under the legend that says so."""
    import re

    from django.utils.html import strip_tags

    register = Register.objects.get(code="comensha")
    total = Registration.objects.get(
        register=register, year=2021, exploitation_form=None, age_group=None, gender=""
    ).count
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    split = {"sexual": total // 2, "labour": total // 4}
    split["criminal"] = total - sum(split.values())  # the forms add up to the total
    for code, n in split.items():
        Registration.objects.create(
            register=register, year=2021, exploitation_form=forms[code], count=n
        )
    approve_again(register)
    t = published_tables(threshold=10)
    form = {tb.register.code: tb for tb in t.by_form}["comensha"]
    row = next(r for r in form.rows if r.year == 2021)
    rest = row.cells[[c.code for c in form.columns].index(REST)]
    assert rest.suppressed and str(rest) == MARK

    page = client.get("/effect/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    cells = []
    for table in re.findall(r"<table.*?</table>", page, re.S):
        if "Niet gespecificeerd" not in table or "Seksuele uitbuiting" not in table:
            continue
        head = [strip_tags(h).strip() for h in re.findall(r"<th scope=\"col\".*?</th>", table)]
        for tr in re.findall(r"<tr.*?</tr>", table, re.S):
            if re.search(r">2021<", tr):
                cells = [strip_tags(c).strip() for c in re.findall(r"<td.*?</td>", tr, re.S)]
                shown = dict(zip(head[1:], cells, strict=True))
    assert cells, "the 2021 row by form is on the Effect page"
    assert shown["Niet gespecificeerd"] == MARK
    assert "0" not in cells
    assert "nooit 0" not in page  # the legend now says that 0 is hidden too
