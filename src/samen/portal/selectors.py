"""Filtering a published round on the portal. It filters the public report
context, which holds only published text, so a search cannot find anything
that was not published."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from samen.documents.context import STATUS_ORDER, ActionEntry, Group, ReportContext


@dataclass
class RoundFilter:
    q: str = ""
    action_line: str = ""
    exploitation_form: str = ""
    status: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.action_line or self.exploitation_form or self.status)

    @classmethod
    def from_query(cls, query: Mapping[str, Any], ctx: ReportContext) -> RoundFilter:
        f = cls(q=str(query.get("q", "")).strip()[:200])
        choices = {
            "actionLine": [g.key for g in ctx.lines],
            "exploitationForm": [g.key for g in ctx.forms],
            "status": list(STATUS_ORDER),
        }
        for param, attr in (
            ("actionLine", "action_line"),
            ("exploitationForm", "exploitation_form"),
            ("status", "status"),
        ):
            value = str(query.get(param, "")).strip()
            if value and value not in choices[param]:
                f.errors[param] = _(
                    "Unknown value '%(value)s' for '%(param)s'; expected one of: %(expected)s"
                ) % {"value": value, "param": param, "expected": ", ".join(choices[param])}
            elif value:
                setattr(f, attr, value)
        return f


def _matches(a: ActionEntry, f: RoundFilter) -> bool:
    if (
        f.action_line
        and str(a.line_number) != f.action_line
        and not (f.action_line == "none" and a.line_number is None)
    ):
        return False
    if f.exploitation_form and f.exploitation_form not in a.forms:
        return False
    if f.status and a.status != f.status:
        return False
    if f.q:
        text = " ".join(
            [a.code, a.title, *a.holders]
            + [t for rep in a.reports for t in (rep.achievements, rep.obstacles, rep.organisation)]
        ).lower()
        return all(word in text for word in f.q.lower().split())
    return True


def filter_actions(ctx: ReportContext, f: RoundFilter) -> list[Group]:
    """The report's action lines with only the matching actions (empty lines left out)."""
    out = []
    for group in ctx.lines:
        actions = [a for a in group.actions if _matches(a, f)]
        if actions:
            out.append(Group(group.key, group.title, actions, group.language))
    return out
