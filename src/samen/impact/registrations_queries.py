"""Reads of registrations for the analysts' workspace (everything the user may see,
unsuppressed: the workspace is not public). A fixed number of queries whatever the
number of registers, years and cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min

from samen.plan.models import AgeGroup, ExploitationForm

from . import visibility
from .models import PublicationProposal, Register, Registration


@dataclass(frozen=True)
class RegisterSummary:
    register: Register
    cells: int
    first_year: int | None
    last_year: int | None
    published: bool
    unpublished_years: tuple[int, ...] = ()  # years with figures not public (yet)

    @property
    def unpublished(self) -> str:
        """The years not yet published, as spans: "2021–2023", "2019, 2021–2023"."""
        return year_spans(self.unpublished_years)


def year_spans(years: Any) -> str:
    """Years as spans of consecutive years: (2019, 2021, 2022, 2023) -> "2019, 2021–2023";
    one year alone is the year ("2013", never "2013–2013")."""
    spans: list[list[int]] = []
    for y in sorted(set(years)):
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def register_summaries(user: Any) -> list[RegisterSummary]:
    """Every register with how many counts `user` may see, their years, whether an
    approved publication covers it and which years hold figures not published (yet).
    Four queries."""
    stats = {
        row["register"]: row
        for row in visibility.visible_registrations(user)
        .values("register")
        .annotate(cells=Count("pk"), first=Min("year"), last=Max("year"))
    }
    approved = set(
        visibility.approved_proposals()
        .filter(register__isnull=False)
        .values_list("register_id", flat=True)
    )
    waiting: dict[int, set[int]] = {}
    for register_id, year in (
        visibility.visible_registrations(user)
        .exclude(pk__in=visibility.published_registrations().values("pk"))
        .values_list("register_id", "year")
        .distinct()
    ):
        waiting.setdefault(register_id, set()).add(year)
    return [
        RegisterSummary(
            register=r,
            cells=stats.get(r.pk, {}).get("cells", 0),
            first_year=stats.get(r.pk, {}).get("first"),
            last_year=stats.get(r.pk, {}).get("last"),
            published=r.pk in approved,
            unpublished_years=tuple(sorted(waiting.get(r.pk, ()))),
        )
        for r in Register.objects.select_related("organisation")
    ]


@dataclass(frozen=True)
class YearRow:
    year: int
    cells: list[Registration | None]  # one per column
    published: bool = True  # every figure of the year is public


@dataclass(frozen=True)
class RegisterTable:
    columns: list[str]  # labels: Total, each form, each age group
    rows: list[YearRow]
    other: list[Registration]  # cells that are not a total, a form or an age group


def register_table(user: Any, register: Register) -> RegisterTable:
    """Years down; total, forms and age groups across (blank where nothing was counted);
    other cells (form x age, gender) listed separately; whether each year is public.
    Four queries."""
    forms = list(ExploitationForm.objects.all())
    ages = list(AgeGroup.objects.all())
    columns = [("total", None, None)]
    columns += [("form", f.pk, None) for f in forms] + [("age", None, a.pk) for a in ages]
    by_year: dict[int, dict[tuple, Registration]] = {}
    other = []
    rows = (
        visibility.visible_registrations(user)
        .filter(register=register)
        .select_related("exploitation_form", "age_group")
        .order_by("year", "exploitation_form__order", "age_group__order", "gender")
    )
    waiting = set(
        visibility.visible_registrations(user)
        .filter(register=register)
        .exclude(pk__in=visibility.published_registrations().values("pk"))
        .values_list("year", flat=True)
        .distinct()
    )
    for r in rows:
        if r.gender or (r.exploitation_form_id and r.age_group_id):
            other.append(r)
            continue
        if r.exploitation_form_id:
            key = ("form", r.exploitation_form_id, None)
        elif r.age_group_id:
            key = ("age", None, r.age_group_id)
        else:
            key = ("total", None, None)
        by_year.setdefault(r.year, {})[key] = r
    from django.utils.translation import gettext as _

    labels = [_("Total")] + [f.name for f in forms] + [a.name for a in ages]
    return RegisterTable(
        columns=labels,
        rows=[
            YearRow(year, [cells.get(c) for c in columns], year not in waiting)
            for year, cells in sorted(by_year.items())
        ],
        other=other,
    )


def proposals_of(register: Register) -> list[PublicationProposal]:
    return list(register.proposals.order_by("-proposed_at"))
