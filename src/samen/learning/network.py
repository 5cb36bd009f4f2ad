"""Who works on what: organisations linked to the exploitation forms (or action lines)
they work on as holder or involved partner, with the number of lessons they shared.
Drawn on the server from the project's one chart specification (Vega-Lite through altair,
`samen.documents.charts`, ADR 0005); the page shows the same facts as a table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samen.accounts import access
from samen.plan.models import ActionLine, ActionOrganisation, ExploitationForm, Organisation

from .models import Lesson

HOLDER, INVOLVED = "holder", "involved"
COLOURS = {HOLDER: "#154273", INVOLVED: "#8fcae7"}


@dataclass
class Cell:
    role: str = ""  # holder, involved or "" (only lessons)
    lessons: int = 0


@dataclass
class Network:
    terms: list[Any]
    organisations: list[Organisation]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def rows(self) -> list[tuple[Organisation, list[Cell]]]:
        return [
            (o, [self.cells.get((o.pk, t.pk), Cell()) for t in self.terms])
            for o in self.organisations
        ]

    def by_term(self) -> list[tuple[Any, list[tuple[Organisation, Cell]]]]:
        """Per term, who to ask: holders first, then involved partners, then those who
        only shared lessons."""
        order = {HOLDER: 0, INVOLVED: 1, "": 2}
        out = []
        for t in self.terms:
            found = [
                (o, self.cells[(o.pk, t.pk)])
                for o in self.organisations
                if (o.pk, t.pk) in self.cells
            ]
            found.sort(key=lambda pair: (order[pair[1].role], -pair[1].lessons, pair[0].name))
            out.append((t, found))
        return out


def build(user: Any, dimension: str = "form") -> Network:
    """In four queries, whatever the size of the plan."""
    if dimension == "line":
        terms: list[Any] = list(ActionLine.objects.all())
        role_key, lesson_key = "action__action_line", "action_lines"
    else:
        terms = list(ExploitationForm.objects.all())
        role_key, lesson_key = "action__exploitation_forms", "exploitation_forms"
    cells: dict[tuple[int, int], Cell] = {}
    for org_id, role, term_id in ActionOrganisation.objects.values_list(
        "organisation_id", "role", role_key
    ).distinct():
        if term_id is None:
            continue
        cell = cells.setdefault((org_id, term_id), Cell())
        if role == HOLDER or not cell.role:
            cell.role = role
    lessons = access.visible_learning(user, Lesson.objects.all())
    for org_id, term_id, n in (
        lessons.filter(**{f"{lesson_key}__isnull": False})
        .values_list("organisation_id", lesson_key)
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        cells.setdefault((org_id, term_id), Cell()).lessons = n
    ids = {org_id for org_id, _t in cells}
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    return Network(terms=terms, organisations=organisations, cells=cells)


def chart(net: Network) -> Any:
    """A grid: one row per organisation, one column per term; the colour says the role,
    the number the lessons shared. None when there is nothing to draw."""
    import altair as alt

    from samen.documents.charts import FONT, Chart

    labels = {
        HOLDER: _("Action holder"),
        INVOLVED: _("Involved partner"),
        "": _("Shared lessons only"),
    }
    values = []
    for o, cells in net.rows():
        for t, cell in zip(net.terms, cells, strict=True):
            if cell.role or cell.lessons:
                values.append(
                    {
                        "organisation": o.short_name or o.name,
                        "term": t.name if hasattr(t, "name") and t.name else str(t),
                        "role": labels[cell.role],
                        "lessons": cell.lessons or "",
                    }
                )
    if not values:
        return None
    terms = [t.name if getattr(t, "name", "") else str(t) for t in net.terms]
    organisations = [o.short_name or o.name for o in net.organisations]
    base = alt.Chart(alt.Data(values=values))
    x = alt.X(
        "term:N",
        title=None,
        sort=terms,
        axis=alt.Axis(labelAngle=-35, labelLimit=200, orient="top"),
    )
    y = alt.Y("organisation:N", title=None, sort=organisations, axis=alt.Axis(labelLimit=220))
    rects = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=x,
        y=y,
        color=alt.Color(
            "role:N",
            title=_("Role"),
            scale=alt.Scale(
                domain=[labels[HOLDER], labels[INVOLVED], labels[""]],
                range=[COLOURS[HOLDER], COLOURS[INVOLVED], "#e6e6e6"],
            ),
            legend=alt.Legend(orient="bottom", labelLimit=300),
        ),
    )
    text = base.mark_text(fontWeight="bold").encode(
        x=x,
        y=y,
        text="lessons:N",
        color=alt.condition(
            alt.datum.role == labels[HOLDER], alt.value("white"), alt.value("black")
        ),
    )
    title = _("Who works on what, and the lessons they shared")
    spec = (
        alt.layer(
            rects,
            text,
            width=max(60 * len(terms), 240),
            height=18 * len(organisations),
            title=title,
        )
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
    description = "; ".join(
        f"{o.name}: "
        + ", ".join(
            f"{t} ({labels[c.role].lower()}"
            + (
                ", " + ngettext("%(n)s lesson", "%(n)s lessons", c.lessons) % {"n": c.lessons}
                if c.lessons
                else ""
            )
            + ")"
            for t, c in zip(terms, cells, strict=True)
            if c.role or c.lessons
        )
        for o, cells in net.rows()
    )
    return Chart("network", title, description, spec.to_dict())
