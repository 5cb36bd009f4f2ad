"""The disclosure attack on what the impact monitor really publishes.

An attacker takes every public table of `public_tables.published_tables()` as a reader
sees it (numbers and `·` marks), writes down every additive relation a reader can see (a
row's total is the sum of its columns, the same year total stands in the totals table and
in the tables by form and by age group, a detection rate's registered count over several
years is the sum of their totals), and solves, with scipy's `linprog` (HiGHS), the
smallest and largest value of each hidden cell over all non-negative solutions. Every
hidden small count must keep an interval at least as wide as the threshold
(docs/disclosure-control.md). The API and the open data must hide exactly the cells the
tables hide, so they give the attacker nothing more.

The figures: the bundled statistics (all published by their sources) plus a register with
small counts by form and by age group over six years, proposed and approved through the
publication flow, so that the attack has small cells to work on.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import defaultdict

import numpy as np
import pytest
from django.core.management import call_command
from scipy.optimize import linprog

from samen.impact import public_tables, publication
from samen.impact.models import Register, Registration
from samen.plan.models import AgeGroup, ExploitationForm
from tests.reporting.world import make_user

THRESHOLD = 10
ALL, REST = public_tables.ALL, public_tables.REST


@pytest.fixture
def published(bundled_plan):
    call_command("load_impact", stdout=io.StringIO())
    analyst = make_user("analist", "analyst")
    programme = make_user("programma", "programme")
    small = Register.objects.create(code="klein", name_nl="Klein register (test)")
    rng = random.Random(20261206)
    forms = list(ExploitationForm.objects.all())
    ages = list(AgeGroup.objects.all())
    for year in range(2019, 2025):
        by_form = [rng.choice([0, 1, 2, 3, 5, 8, 12, 25, 40]) for _ in forms]
        total = sum(by_form) + rng.choice([0, 0, 3])  # sometimes not every form given
        ages_left = total
        by_age = []
        for _ in ages[:-1]:
            n = rng.randint(0, ages_left)
            by_age.append(n)
            ages_left -= n
        by_age.append(ages_left)
        Registration.objects.create(register=small, year=year, count=total)
        for form, n in zip(forms, by_form, strict=True):
            Registration.objects.create(register=small, year=year, exploitation_form=form, count=n)
        for age, n in zip(ages, by_age, strict=True):
            Registration.objects.create(register=small, year=year, age_group=age, count=n)
    p = publication.propose_registrations(analyst, small, 2019, 2024)
    publication.approve(programme, p)
    return public_tables.published_tables(THRESHOLD)


# --- the attacker's view: only what a reader sees ----------------------------------------


def reader_view(tables):
    """(published, relations): every cell a reader sees, keyed by what it is (internal-
    looking ids, so the test can compare them with the truth), value or None; relations as
    (total, parts). Fails if one cell is shown in one place and hidden in another."""
    seen: dict[tuple, int | None] = {}

    def see(cell: tuple, shown) -> None:
        value = shown.value
        if cell in seen:
            assert seen[cell] == value, (
                f"{cell} shows {seen[cell]} in one table, {value} in another"
            )
        seen[cell] = value

    relations: list[tuple[tuple, list[tuple]]] = []
    codes = [c.code for c in tables.totals.columns]
    for row in tables.totals.rows:
        for code, shown in zip(codes, row.cells, strict=True):
            # a register without a figure that year shows a mark too: a free unknown
            see(("reg", code, row.year, ALL, ALL), shown)
    for table in (*tables.by_form, *tables.by_age):
        code = table.register.code
        for row in table.rows:
            ids = []
            for column, shown in zip(table.columns, row.cells, strict=True):
                cell = (
                    ("reg", code, row.year, column.code, ALL)
                    if table.kind == "by_form"
                    else ("reg", code, row.year, ALL, column.code)
                )
                if column.code == ALL:
                    cell = ("reg", code, row.year, ALL, ALL)
                see(cell, shown)
                ids.append(cell)
            total = ("reg", code, row.year, ALL, ALL)
            relations.append((total, [c for c in ids if c != total]))
    for rate in tables.rates:
        d = rate.rate
        form = d.exploitation_form.code if d.exploitation_form else ALL
        age = d.age_group.code if d.age_group else ALL
        years = [("reg", d.register.code, y, form, age) for y in d.years]
        value = public_tables.Shown(rate.registered)
        if len(years) == 1:
            see(years[0], value)
        else:
            cell = ("sum", d.link_id, d.year_from, d.year_to)
            see(cell, value)
            for y in years:
                seen.setdefault(y, None)
            relations.append((cell, years))
    return seen, relations


def truth() -> dict[tuple, int]:
    """The true value of every cell, rest cells included, from the database."""
    true: dict[tuple, int] = {}
    for r in Registration.objects.filter(gender="").select_related(
        "register", "exploitation_form", "age_group"
    ):
        form = r.exploitation_form.code if r.exploitation_form_id else ALL
        age = r.age_group.code if r.age_group_id else ALL
        true[("reg", r.register.code, r.year, form, age)] = r.count
    parts: dict[tuple, int] = defaultdict(int)
    for (_k, code, year, form, age), n in true.items():
        if form != ALL and age == ALL:
            parts[("reg", code, year, REST, ALL)] += n
        if age != ALL and form == ALL:
            parts[("reg", code, year, ALL, REST)] += n
    for (_k, code, year, form, age), given in parts.items():
        true[("reg", code, year, form, age)] = true[("reg", code, year, ALL, ALL)] - given
    return true


def lp_ranges(seen: dict, relations: list) -> dict[tuple, tuple[float, float]]:
    """Each hidden cell's (min, max) over x >= 0 with every relation holding and every
    shown value fixed, by scipy's linprog (HiGHS)."""
    hidden = [c for c, v in seen.items() if v is None]
    index = {c: i for i, c in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in relations:
        row = np.zeros(len(hidden))
        b = 0.0
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if seen.get(cell) is None:
                row[index[cell]] += sign
            else:
                b -= sign * seen[cell]
        if row.any():
            rows.append(row)
            rhs.append(b)
        else:
            assert abs(b) < 1e-9, f"published figures do not add up for {total}"
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    out = {}
    for cell, i in index.items():
        c = np.zeros(len(hidden))
        c[i] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, (cell, low.message)
        upper = math.inf if high.status == 3 else -high.fun
        out[cell] = (low.fun, upper)
    return out


# --- the tests -------------------------------------------------------------------------------


def test_every_hidden_small_count_in_the_published_tables_resists_the_attack(published):
    seen, relations = reader_view(published)
    true = truth()
    small = [c for c, v in seen.items() if v is None and true.get(c, THRESHOLD) < THRESHOLD]
    assert len(small) >= 5, "the test figures must hold small counts to attack"
    derived = [c for c in small if REST in c]
    assert any(true[c] == 0 for c in derived), "derived zero cells must be attacked too"
    assert any(true[c] > 0 for c in derived), "derived small cells must be attacked too"
    ranges = lp_ranges(seen, relations)
    narrow = {c: ranges[c] for c in small if ranges[c][1] - ranges[c][0] < THRESHOLD - 1e-6}
    assert not narrow, f"worked out to within less than {THRESHOLD}: {narrow}"
    # (A large cell hidden only to protect a small one may be narrowed more: the rule
    # protects small counts, and knowing that a hidden cell lies between 480 and 488 tells
    # nothing about a person. docs/disclosure-control.md, "The exact requirement".)


def test_no_small_count_is_shown_and_no_hidden_cell_shows_as_zero(published):
    seen, _relations = reader_view(published)
    true = truth()
    for cell, value in seen.items():
        if value is not None and cell in true:
            assert value == true[cell]
            assert not value < THRESHOLD, cell  # 0 included, derived cells included
    rendered = [str(c) for t in published.tables for r in t.rows for c in r.cells if c.suppressed]
    assert rendered and set(rendered) == {"·"}


def test_the_api_hides_exactly_what_the_tables_hide(published, client):
    seen, relations = reader_view(published)
    records, page = [], 1
    while True:
        body = client.get(f"/api/v1/victim-registrations?pageSize=100&page={page}").json()
        records += body["results"]
        if not body["next"]:
            break
        page += 1
    assert records
    for r in records:
        cell = (
            "reg",
            r["register"],
            r["year"],
            r["exploitationForm"] or ALL,
            r["ageGroup"] or ALL,
        )
        assert cell in seen, f"the API publishes {cell}, which no table holds"
        assert r["count"] == seen[cell], cell
        assert r["suppressed"] == (seen[cell] is None)
    rates = client.get("/api/v1/detection-rates?pageSize=100").json()["results"]
    assert len(rates) == len(published.rates)
    for r, shown in zip(rates, published.rates, strict=True):
        assert r["registered"] == shown.registered
        assert (r["rate"] is None) == shown.suppressed
    # the attack on the API's figures alone: the same relations (a year's total is its
    # forms plus what is not specified), with everything the API does not give unknown
    api_seen = {
        ("reg", r["register"], r["year"], r["exploitationForm"] or ALL, r["ageGroup"] or ALL): r[
            "count"
        ]
        for r in records
    }
    for total, parts in relations:
        for cell in (total, *parts):
            api_seen.setdefault(cell, None)
    true = truth()
    ranges = lp_ranges(api_seen, relations)
    small = [c for c, v in api_seen.items() if v is None and true.get(c, THRESHOLD) < THRESHOLD]
    assert small
    assert all(ranges[c][1] - ranges[c][0] >= THRESHOLD - 1e-6 for c in small)


def test_the_open_data_hides_exactly_what_the_tables_hide(published, client):
    seen, _relations = reader_view(published)
    response = client.get("/openbaar/open-data/slachtofferregistraties.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows
    for r in rows:
        cell = (
            "reg",
            r["register"],
            int(r["year"]),
            r["exploitation_form"] or ALL,
            r["age_group"] or ALL,
        )
        assert cell in seen
        if seen[cell] is None:
            assert r["count"] == "" and r["suppressed"] == "ja"
        else:
            assert int(r["count"]) == seen[cell] and r["suppressed"] == "nee"


def test_the_attack_catches_tables_with_small_counts_hidden_alone(published, monkeypatch):
    """The attack is real: with primary suppression only (no complementary cells), it
    works small counts out of the same published set."""
    from samen.impact import disclosure, snapshots

    def primary_only(values, relations, threshold=THRESHOLD, **_kw):
        small = frozenset(c for c, v in values.items() if v < threshold)
        return disclosure.Protection(
            published={c: (None if c in small else v) for c, v in values.items()},
            primary=small,
            secondary=frozenset(),
            threshold=threshold,
            protection=threshold,
        )

    monkeypatch.setattr(public_tables, "protect", primary_only)
    snapshots.clear()  # the tables stored with proper protection
    weak = public_tables.published_tables(THRESHOLD)
    seen, relations = reader_view(weak)
    true = truth()
    ranges = lp_ranges(seen, relations)
    exposed = [
        c
        for c, v in seen.items()
        if v is None
        and true.get(c, THRESHOLD) < THRESHOLD
        and ranges[c][1] - ranges[c][0] < THRESHOLD - 1e-6
    ]
    assert exposed
