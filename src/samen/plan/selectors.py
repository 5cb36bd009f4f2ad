"""Reads of the plan: filters, coverage, version comparison.

Every function here issues a fixed number of queries, whatever the size of
the plan (see bench/plan_pages.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.indicators.document import action_indicators

from . import document as doc
from .models import (
    Action,
    ActionLine,
    ActionOrganisation,
    AgeGroup,
    ExploitationForm,
    Organisation,
    OrganisationType,
    PlanVersion,
    StrategicGoal,
)

NONE = "none"  # filter value for "no action line"


def action_data(action: Action) -> doc.ActionData:
    """A database action in document form. Expects `with_relations()` and
    prefetched milestones, or costs a few queries."""
    roles = sorted(action.roles.all(), key=lambda r: (r.role, r.order))
    return doc.ActionData(
        code=action.code,
        kind=action.kind,
        action_line=action.action_line.code if action.action_line_id else None,
        title_nl=action.title_nl,
        title_en=action.title_en,
        description_nl=action.description_nl,
        description_en=action.description_en,
        strategic_goals=tuple(sorted(g.code for g in action.strategic_goals.all())),
        holders=tuple(
            r.organisation.code for r in roles if r.role == ActionOrganisation.Role.HOLDER
        ),
        involved=tuple(
            r.organisation.code for r in roles if r.role == ActionOrganisation.Role.INVOLVED
        ),
        exploitation_forms=tuple(
            f.code for f in sorted(action.exploitation_forms.all(), key=lambda t: (t.order, t.code))
        ),
        age_groups=tuple(
            a.code for a in sorted(action.age_groups.all(), key=lambda t: (t.order, t.code))
        ),
        period_start=action.period_start,
        period_end=action.period_end,
        status=action.status,
        milestones=tuple(
            doc.MilestoneData(m.title_nl, m.title_en, m.due_date, m.done_date)
            for m in sorted(action.milestones.all(), key=lambda m: m.order)
        ),
        provenance=doc.ProvenanceData(
            action.source, action.confirmed, tuple(action.inferred_fields), action.note
        ),
        demo=action.is_demo,
        indicators=action_indicators(action),
    )


def known_codes() -> doc.KnownCodes:
    def codes(model: Any) -> set[str]:
        return set(model.objects.values_list("code", flat=True))

    return doc.KnownCodes(
        exploitation_forms=codes(ExploitationForm),
        age_groups=codes(AgeGroup),
        organisation_types=codes(OrganisationType),
        organisations=codes(Organisation),
        strategic_goals=codes(StrategicGoal),
        action_lines=codes(ActionLine),
        actions=codes(Action),
    )


# --- filtering -----------------------------------------------------------------


class FilterError(ValueError):
    def __init__(self, param: str, value: str, expected: Sequence[str]) -> None:
        self.param = param
        self.value = value
        self.expected = list(expected)
        super().__init__(
            _("Unknown value '%(value)s' for '%(param)s'; expected one of: %(expected)s")
            % {"value": value, "param": param, "expected": ", ".join(self.expected)}
        )


@dataclass(frozen=True)
class ActionFilter:
    action_lines: tuple[str, ...] = ()
    strategic_goals: tuple[str, ...] = ()
    exploitation_forms: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    role: str = ""
    statuses: tuple[str, ...] = ()
    reported_statuses: tuple[str, ...] = ()
    q: str = ""

    def is_empty(self) -> bool:
        return self == ActionFilter()

    def as_params(self) -> list[tuple[str, str]]:
        """Query parameters that reproduce this filter (for shareable links)."""
        out: list[tuple[str, str]] = []
        for param, attr in MULTI_PARAMS.items():
            out += [(param, value) for value in getattr(self, attr)]
        if self.role:
            out.append(("role", self.role))
        if self.q:
            out.append(("q", self.q))
        return out

    def with_values(self, **changes: Any) -> ActionFilter:
        data = {**self.__dict__, **changes}
        return ActionFilter(**data)


# query parameter (camelCase, as in the API) -> ActionFilter attribute
MULTI_PARAMS = {
    "actionLine": "action_lines",
    "strategicGoal": "strategic_goals",
    "exploitationForm": "exploitation_forms",
    "ageGroup": "age_groups",
    "organisation": "organisations",
    "status": "statuses",
    "reportedStatus": "reported_statuses",
}
FILTER_PARAMS = (*MULTI_PARAMS, "role", "q")
ROLES = ("holder", "involved")


def filter_choices() -> dict[str, list[str]]:
    """The allowed values per filter parameter, in display order. Organisations are
    not listed (thousands in a large plan): `parse_action_filter` looks up only the
    codes it is given."""
    return {
        "actionLine": [*ActionLine.objects.values_list("code", flat=True), NONE],
        "strategicGoal": list(StrategicGoal.objects.values_list("code", flat=True)),
        "exploitationForm": list(ExploitationForm.objects.values_list("code", flat=True)),
        "ageGroup": list(AgeGroup.objects.values_list("code", flat=True)),
        "status": list(Action.Status.values),
        "reportedStatus": list(progress.CODES) if (progress := progress_provider()) else [],
    }


MAX_ORGANISATIONS = 50  # organisation codes in one filter


def parse_action_filter(
    getlist: Callable[[str], list[str]], choices: Mapping[str, list[str]] | None = None
) -> ActionFilter:
    """Read filter parameters (repeatable) and check every value. Raises FilterError
    naming the parameter and the value. One query per dimension at most."""
    choices = choices if choices is not None else filter_choices()
    values: dict[str, Any] = {}
    for param, attr in MULTI_PARAMS.items():
        raw = list(
            dict.fromkeys(
                v.strip() for item in getlist(param) for v in item.split(",") if v.strip()
            )
        )
        if param == "organisation":
            _check_organisation_codes(raw)
        else:
            for value in raw:
                if value not in choices[param]:
                    raise FilterError(param, value, choices[param])
        values[attr] = tuple(raw)
    roles = [v for v in getlist("role") if v.strip()]
    role = roles[-1].strip() if roles else ""
    if role and role not in ROLES:
        raise FilterError("role", role, ROLES)
    q = " ".join(getlist("q")).strip()[:200]
    return ActionFilter(role=role, q=q, **values)


def _check_organisation_codes(codes: list[str]) -> None:
    if not codes:
        return
    expected = [_("an organisation code, as in /organisaties")]
    if len(codes) > MAX_ORGANISATIONS:
        raise FilterError("organisation", codes[MAX_ORGANISATIONS], expected)
    known = set(Organisation.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise FilterError("organisation", code, expected)


# --- finding an organisation by name ------------------------------------------------

SUGGESTIONS = 20  # organisations offered while typing


def organisation_label(organisation: Organisation) -> str:
    """How the explorer's organisation field shows an organisation: its name, with
    the short name in brackets when the name does not hold it ("Openbaar Ministerie (OM)")."""
    if organisation.short_name and organisation.short_name not in organisation.name:
        return f"{organisation.name} ({organisation.short_name})"
    return organisation.name


@dataclass(frozen=True)
class OrganisationMatch:
    """What a typed organisation text found: one organisation, or the candidates
    (the first `SUGGESTIONS` by name) and how many there are in all."""

    text: str
    organisation: Organisation | None = None
    candidates: tuple[Organisation, ...] = ()
    count: int = 0

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(code, label) of each candidate."""
        return [(o.code, organisation_label(o)) for o in self.candidates]


def match_organisation(text: str) -> OrganisationMatch:
    """The organisation a person typed: by code, name, short name or label
    (case-insensitive, exact), else the only one whose name or short name contains
    the text. Three queries at most, whatever the number of organisations."""
    text = " ".join(text.split())[:300]
    if not text:
        return OrganisationMatch(text)
    exact = Q(code=text) | Q(name__iexact=text) | Q(short_name__iexact=text)
    if text.endswith(")") and " (" in text:
        name, short = text[:-1].rsplit(" (", 1)
        exact |= Q(name__iexact=name, short_name__iexact=short)
    candidates = list(Organisation.objects.filter(exact).order_by("name")[:SUGGESTIONS])
    if not candidates:
        candidates = search_organisations(text)
    if len(candidates) == 1:
        return OrganisationMatch(text, candidates[0], count=1)
    count = len(candidates)
    if count == SUGGESTIONS:
        contains = Q(name__icontains=text) | Q(short_name__icontains=text)
        count = Organisation.objects.filter(contains).count()
    return OrganisationMatch(text, None, tuple(candidates), count)


def search_organisations(text: str, limit: int = SUGGESTIONS) -> list[Organisation]:
    """Organisations whose name or short name contains `text`, those that start
    with it first, then by name. One query."""
    text = " ".join(text.split())[:300]
    if not text:
        return []
    from django.db.models import Case, IntegerField, Value, When

    starts = Q(name__istartswith=text) | Q(short_name__istartswith=text)
    return list(
        Organisation.objects.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        .annotate(
            rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rank", "name")[:limit]
    )


def filter_actions(
    f: ActionFilter, qs: QuerySet[Action] | None = None, user: Any = None
) -> QuerySet[Action]:
    """Within a dimension values are alternatives (OR); dimensions combine (AND).
    The reported status is the one `user` may see (see `reported_progress`)."""
    qs = qs if qs is not None else Action.objects.all()
    if f.action_lines:
        condition = Q(action_line__code__in=[c for c in f.action_lines if c != NONE])
        if NONE in f.action_lines:
            condition |= Q(action_line__isnull=True)
        qs = qs.filter(condition)
    for attr, path in (
        ("strategic_goals", "strategic_goals__code"),
        ("exploitation_forms", "exploitation_forms__code"),
        ("age_groups", "age_groups__code"),
    ):
        codes = getattr(f, attr)
        if codes:
            qs = qs.filter(pk__in=Action.objects.filter(**{f"{path}__in": codes}).values("pk"))
    if f.organisations or f.role:
        roles = ActionOrganisation.objects.all()
        if f.organisations:
            roles = roles.filter(organisation__code__in=f.organisations)
        if f.role:
            roles = roles.filter(role=f.role)
        qs = qs.filter(pk__in=roles.values("action_id"))
    if f.statuses:
        qs = qs.filter(status__in=f.statuses)
    if f.reported_statuses:
        known = reported_progress(user)
        wanted = set(f.reported_statuses)
        condition = Q(pk__in=[pk for pk, p in known.items() if p.status in wanted])
        if wanted & {"not_reported"}:  # nothing was ever approved
            condition |= ~Q(pk__in=list(known))
        qs = qs.filter(condition)
    if f.q:
        for word in f.q.split():
            qs = qs.filter(
                Q(code__icontains=word)
                | Q(title_nl__icontains=word)
                | Q(title_en__icontains=word)
                | Q(description_nl__icontains=word)
                | Q(description_en__icontains=word)
            )
    return qs


# --- the reported progress (provided by another app) ---------------------------


def progress_provider() -> ModuleType | None:
    """The module that knows each action's reported progress, named by
    settings.SAMEN_ACTION_PROGRESS (samen.reporting.progress): the plan shows it
    without depending on the reporting app. None when no app provides it."""
    path = getattr(settings, "SAMEN_ACTION_PROGRESS", "")
    return import_module(path) if path else None


def reported_progress(user: Any, action_ids: Iterable[int] | None = None) -> dict[int, Any]:
    """Action id -> reported progress that `user` may see (a fixed number of
    queries); actions without an approved update are absent."""
    provider = progress_provider()
    return provider.for_actions(user, action_ids) if provider else {}


def progress_of(progress: Mapping[int, Any], action: Action) -> Any:
    """One action's progress from `reported_progress`, "not recorded" when absent."""
    provider = progress_provider()
    return progress.get(action.pk) or (provider.NOTHING if provider else None)


@dataclass(frozen=True)
class ActionRow:
    """One row of the explorer's table: the action and the texts it shows, read as
    plain values (a page of 50 actions would otherwise build some 800 model objects
    and render far slower than the same page of a small plan)."""

    action: Action
    url: str
    line: str  # the action line's label, or "not linked"
    holders: str  # short names in the plan's order, or "" when none is known
    forms: str
    ages: str
    status: str  # the plan's status label
    progress: Any  # the reported progress (see `reported_progress`), or None without a provider


def action_rows(
    actions: Sequence[Action],
    lines: Sequence[ActionLine],
    forms: Sequence[ExploitationForm],
    ages: Sequence[AgeGroup],
    progress: Mapping[int, Any] | None = None,
) -> list[ActionRow]:
    """Rows for a page of actions (fetched without `with_relations()`), given the
    taxonomies the page has loaded anyway and the page's `reported_progress`. Three
    queries, whatever the page size."""
    from urllib.parse import quote

    from django.urls import reverse

    ids = [a.pk for a in actions]
    holders: dict[int, list[str]] = defaultdict(list)
    for action_id, name in (
        ActionOrganisation.objects.filter(action_id__in=ids, role=ActionOrganisation.Role.HOLDER)
        .order_by("order", "organisation__name")
        .values_list("action_id", "organisation__short_name")
    ):
        holders[action_id].append(name)

    def terms(field: str, column: str, members: Sequence[Any], all_label: str) -> dict[int, str]:
        through = Action._meta.get_field(field).remote_field.through  # type: ignore[union-attr]
        found: dict[int, set[int]] = defaultdict(set)
        for action_id, term_id in through.objects.filter(action_id__in=ids).values_list(
            "action_id", column
        ):
            found[action_id].add(term_id)
        names = {}
        for i in ids:
            chosen = [str(m.name) for m in members if m.pk in found[i]]
            every = len(members) > 1 and len(chosen) == len(members)
            names[i] = all_label if every else ", ".join(chosen)
        return names

    form_names = terms("exploitation_forms", "exploitationform_id", forms, _("All forms"))
    age_names = terms("age_groups", "agegroup_id", ages, _("All ages"))
    line_labels = {line.pk: line.label for line in lines}
    statuses = dict(Action.Status.choices)
    placeholder = "__code__"
    url = reverse("action", args=[placeholder])
    return [
        ActionRow(
            action=a,
            url=url.replace(placeholder, quote(a.code, safe="")),
            line=line_labels.get(a.action_line_id, "") or _("Not linked to an action line"),
            holders=", ".join(holders[a.pk]),
            forms=form_names[a.pk],
            ages=age_names[a.pk],
            status=str(statuses.get(a.status, a.status)),
            progress=progress_of(progress or {}, a),
        )
        for a in actions
    ]


# --- coverage ------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    param: str
    label: Any
    path: str

    def members(self) -> list[tuple[str, str]]:
        """(code, label) for every value, in display order."""
        if self.param == "actionLine":
            rows = [(x.code, x.label) for x in ActionLine.objects.all()]
            return [*rows, (NONE, _("No action line"))]
        model = {
            "exploitationForm": ExploitationForm,
            "ageGroup": AgeGroup,
            "strategicGoal": StrategicGoal,
        }[self.param]
        if model is StrategicGoal:
            return [(g.code, f"{g.number}. {g.name}") for g in model.objects.all()]
        return [(x.code, x.name) for x in model.objects.all()]


DIMENSIONS = {
    "actionLine": Dimension("actionLine", gettext_lazy("Action line"), "action_line__code"),
    "exploitationForm": Dimension(
        "exploitationForm", gettext_lazy("Exploitation form"), "exploitation_forms__code"
    ),
    "ageGroup": Dimension("ageGroup", gettext_lazy("Age group"), "age_groups__code"),
    "strategicGoal": Dimension(
        "strategicGoal", gettext_lazy("Strategic goal"), "strategic_goals__code"
    ),
}


@dataclass
class Coverage:
    rows: Dimension
    columns: Dimension
    row_members: list[tuple[str, str]]
    column_members: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    row_totals: dict[str, int]
    column_totals: dict[str, int]
    total: int
    measured: dict[tuple[str, str], int] = field(default_factory=dict)  # with an indicator
    measured_row_totals: dict[str, int] = field(default_factory=dict)
    measured_column_totals: dict[str, int] = field(default_factory=dict)
    measured_total: int = 0

    def count(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)

    @property
    def gaps(self) -> list[tuple[str, str]]:
        return [
            (r, c)
            for r, _l in self.row_members
            for c, _m in self.column_members
            if not self.count(r, c)
        ]

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                "code": r,
                "label": label,
                "total": self.row_totals.get(r, 0),
                "total_measured": self.measured_row_totals.get(r, 0),
                "cells": [
                    {
                        "column": c,
                        "column_label": m,
                        "count": self.count(r, c),
                        "measured": self.measured.get((r, c), 0),
                    }
                    for c, m in self.column_members
                ],
            }
            for r, label in self.row_members
        ]


def coverage(
    rows: str = "actionLine",
    columns: str = "exploitationForm",
    f: ActionFilter | None = None,
    user: Any = None,
) -> Coverage:
    """Count distinct actions per (row, column) cell; an empty cell is a gap."""
    if rows not in DIMENSIONS:
        raise FilterError("rows", rows, list(DIMENSIONS))
    if columns not in DIMENSIONS:
        raise FilterError("columns", columns, list(DIMENSIONS))
    if rows == columns:
        raise FilterError("columns", columns, [d for d in DIMENSIONS if d != rows])
    rdim, cdim = DIMENSIONS[rows], DIMENSIONS[columns]
    qs = filter_actions(f or ActionFilter(), user=user)

    def key(dim: Dimension, value: str | None) -> str | None:
        # Only the action line is optional on an action; its absence is a row of its own.
        return NONE if value is None and dim.param == "actionLine" else value

    def totals(dim: Dimension, among: Any = None) -> dict[str, int]:
        out = {}
        source = qs if among is None else among
        for item in source.values(dim.path).annotate(n=Count("pk", distinct=True)):
            k = key(dim, item[dim.path])
            if k is not None:
                out[k] = item["n"]
        return out

    counts: dict[tuple[str, str], int] = {}
    for item in qs.values(rdim.path, cdim.path).annotate(n=Count("pk", distinct=True)):
        r, c = key(rdim, item[rdim.path]), key(cdim, item[cdim.path])
        if r is not None and c is not None:
            counts[(r, c)] = item["n"]
    # Issue 14: a cell whose actions have no indicator cannot show what they deliver.
    measured: dict[tuple[str, str], int] = {}
    with_indicator = qs.filter(pk__in=qs.filter(indicators__isnull=False).values("pk"))
    for item in with_indicator.values(rdim.path, cdim.path).annotate(n=Count("pk", distinct=True)):
        r, c = key(rdim, item[rdim.path]), key(cdim, item[cdim.path])
        if r is not None and c is not None:
            measured[(r, c)] = item["n"]
    row_totals, column_totals = totals(rdim), totals(cdim)
    return Coverage(
        rdim,
        cdim,
        [m for m in rdim.members() if m[0] != NONE or row_totals.get(NONE)],
        [m for m in cdim.members() if m[0] != NONE or column_totals.get(NONE)],
        counts,
        row_totals,
        column_totals,
        qs.count(),
        measured,
        totals(rdim, with_indicator),
        totals(cdim, with_indicator),
        with_indicator.count(),
    )


# --- overview -----------------------------------------------------------------


@dataclass
class LineSummary:
    line: ActionLine | None
    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)


def line_summaries() -> list[LineSummary]:
    """Per action line (and 'none'): how many actions, by status."""
    lines = {line.pk: LineSummary(line) for line in ActionLine.objects.all()}
    orphan = LineSummary(None)
    for item in Action.objects.values("action_line", "status").annotate(n=Count("pk")):
        summary = lines.get(item["action_line"], orphan)
        summary.total += item["n"]
        summary.by_status[item["status"]] += item["n"]
    out = list(lines.values())
    return [*out, orphan] if orphan.total else out


def organisation_actions(organisation: Organisation) -> dict[str, list[Action]]:
    actions = Action.objects.with_relations().filter(roles__organisation=organisation).distinct()
    grouped: dict[str, list[Action]] = {"holder": [], "involved": []}
    for action in actions:
        for role in action.roles.all():
            if role.organisation_id == organisation.pk:
                grouped[role.role].append(action)
    return grouped


def actions_by_line(actions: QuerySet[Action]) -> list[tuple[ActionLine | None, list[Action]]]:
    grouped: dict[int | None, list[Action]] = defaultdict(list)
    for action in actions:
        grouped[action.action_line_id].append(action)
    lines = [(line, grouped[line.pk]) for line in ActionLine.objects.all() if grouped[line.pk]]
    if grouped[None]:
        lines.append((None, grouped[None]))
    return lines


# --- versions ------------------------------------------------------------------

CURRENT = "current"
COMPARED_FIELDS = tuple(k for k in doc.ACTION_DEFAULTS if k != "code")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ActionChange:
    code: str
    title_nl: str
    title_en: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class VersionDiff:
    base: str
    target: str
    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[ActionChange, ...]
    unchanged: int


def current_snapshot() -> list[dict[str, Any]]:
    return [action_data(a).as_dict() for a in Action.objects.for_document()]


def snapshot_for(code: str) -> list[dict[str, Any]]:
    if code == CURRENT:
        return current_snapshot()
    return PlanVersion.objects.get(code=code).snapshot


def diff_snapshots(
    base_code: str, base: list[dict[str, Any]], target_code: str, target: list[dict[str, Any]]
) -> VersionDiff:
    before = {a["code"]: {**doc.ACTION_DEFAULTS, **a} for a in base}
    after = {a["code"]: {**doc.ACTION_DEFAULTS, **a} for a in target}
    changed = []
    unchanged = 0
    for code in after:
        if code not in before:
            continue
        changes = tuple(
            FieldChange(name, before[code][name], after[code][name])
            for name in COMPARED_FIELDS
            if before[code][name] != after[code][name]
        )
        if changes:
            changed.append(
                ActionChange(code, after[code]["title_nl"], after[code]["title_en"], changes)
            )
        else:
            unchanged += 1
    return VersionDiff(
        base=base_code,
        target=target_code,
        added=tuple(after[c] for c in after if c not in before),
        removed=tuple(before[c] for c in before if c not in after),
        changed=tuple(changed),
        unchanged=unchanged,
    )


def diff_versions(base_code: str, target_code: str) -> VersionDiff:
    """What changed from one version to another ('current' = the live plan).
    Raises PlanVersion.DoesNotExist for an unknown code."""
    return diff_snapshots(
        base_code, snapshot_for(base_code), target_code, snapshot_for(target_code)
    )
