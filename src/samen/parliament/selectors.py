"""Reads of motions and commitments, each with the actions that carry it out.
Fixed numbers of queries (a motion's actions come with one prefetch)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samen.plan.models import Action
from samen.plan.selectors import FilterError

from .models import Motion

FILTERS = ("status", "kind", "action", "q")


@dataclass(frozen=True)
class MotionFilter:
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    q: str = ""


def parse_filter(getlist: Callable[[str], list[str]]) -> MotionFilter:
    """status, kind, action (repeatable or comma-separated), q; unknown values
    raise FilterError naming the parameter."""

    def values(param: str, allowed: list[str] | None) -> tuple[str, ...]:
        raw = [v.strip() for item in getlist(param) for v in item.split(",") if v.strip()]
        for value in raw:
            if allowed is not None and value not in allowed:
                raise FilterError(param, value, allowed)
        return tuple(dict.fromkeys(raw))

    actions = values("action", None)
    known = set(Action.objects.filter(code__in=actions).values_list("code", flat=True))
    for code in actions:
        if code not in known:
            raise FilterError("action", code, [_("an action code")])
    return MotionFilter(
        statuses=values("status", list(Motion.Status.values)),
        kinds=values("kind", list(Motion.Kind.values)),
        actions=actions,
        q=" ".join(getlist("q")).strip()[:200],
    )


def filter_motions(f: MotionFilter, qs: QuerySet[Motion] | None = None) -> QuerySet[Motion]:
    qs = qs if qs is not None else Motion.objects.all()
    if f.statuses:
        qs = qs.filter(status__in=f.statuses)
    if f.kinds:
        qs = qs.filter(kind__in=f.kinds)
    if f.actions:
        qs = qs.filter(pk__in=Motion.objects.filter(actions__code__in=f.actions).values("pk"))
    for word in f.q.split():
        qs = qs.filter(
            Q(title_nl__icontains=word)
            | Q(title_en__icontains=word)
            | Q(kamerstuk__icontains=word)
            | Q(code__icontains=word)
            | Q(answer_nl__icontains=word)
        )
    return qs


def motions_with_actions(f: MotionFilter | None = None) -> QuerySet[Motion]:
    return filter_motions(f or MotionFilter(), Motion.objects.with_actions())


def motions_for_action(action: Action) -> list[Motion]:
    """The motions and commitments an action carries out. One query."""
    return list(Motion.objects.filter(actions=action))


def motions_summary() -> dict[str, Any]:
    """Motions and commitments as plain data, for the progress report to parliament.

    Keys: counts {total, open, in_progress, done} and by_kind {motion, commitment};
    items: [{code, kind, identifier, number, kamerstuk, title, date, submitters, decision,
    status, answer, answer_source, actions: [{code, title}], source, confirmed,
    inferred_fields, demo}], newest first. Inferred items keep their flags, so a
    report can mark them. Two queries.
    """
    items = []
    for m in Motion.objects.with_actions():
        items.append(
            {
                "code": m.code,
                "kind": m.kind,
                "identifier": m.identifier,
                "number": m.number,
                "kamerstuk": m.kamerstuk,
                "title": m.title,
                "date": m.date,
                "submitters": list(m.submitters),
                "decision": m.decision,
                "status": m.status,
                "status_label": str(m.get_status_display()),
                "answer": m.answer,
                "answer_source": m.answer_source,
                "actions": [{"code": a.code, "title": a.title} for a in m.actions.all()],
                "source": m.source,
                "confirmed": m.confirmed,
                "inferred_fields": list(m.inferred_fields),
                "demo": m.is_demo,
            }
        )
    statuses = Counter(item["status"] for item in items)
    kinds = Counter(item["kind"] for item in items)
    return {
        "counts": {
            "total": len(items),
            **{status: statuses.get(status, 0) for status in Motion.Status.values},
        },
        "by_kind": {kind: kinds.get(kind, 0) for kind in Motion.Kind.values},
        "items": items,
    }
