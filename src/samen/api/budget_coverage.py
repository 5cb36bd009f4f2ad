"""The coverage matrix in euros (/coverage?measure=amount&year=YYYY): counts
are public, euros need a token of a signed-in role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from samen.accounts import access
from samen.budget import money, selectors
from samen.plan.selectors import ActionFilter, FilterError

from .auth import bearer
from .base import ApiProblem, bad_parameter


def money_coverage(
    request: HttpRequest, rows: str, columns: str, f: ActionFilter, year: int | None
) -> dict[str, Any]:
    user = bearer(request)
    if not user:
        raise AuthenticationError
    if not access.can_view_budget(user):
        raise ApiProblem(403, _("Not allowed"), _("This account may not read the budget."))
    years = selectors.budget_years()
    if year is not None and years and year not in years:
        raise bad_parameter(
            "year",
            _("no budget for %(year)s; expected one of: %(years)s")
            % {"year": year, "years": ", ".join(str(y) for y in years)},
            "out-of-range",
        )
    try:
        matrix = selectors.money_coverage(rows, columns, f, year, user=request.user)
    except FilterError as exc:
        raise bad_parameter(exc.param, str(exc), "unknown-value") from exc
    cells = [
        {
            "row": r,
            "column": c,
            "count": matrix.count(r, c),
            "amount": money.as_string(matrix.amount(r, c)),
            "gap": not matrix.amount(r, c),
        }
        for r, _l in matrix.row_members
        for c, _m in matrix.column_members
    ]

    def members(
        items: list[tuple[str, str]], counts: dict[str, int], totals: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [
            {
                "code": code,
                "label": str(label),
                "total": counts.get(code, 0),
                "amount": money.as_string(totals.get(code, money.ZERO)),
            }
            for code, label in items
        ]

    return {
        "rows": rows,
        "columns": columns,
        "measure": "amount",
        "year": matrix.year,
        "rowMembers": members(matrix.row_members, matrix.row_counts, matrix.row_totals),
        "columnMembers": members(matrix.column_members, matrix.column_counts, matrix.column_totals),
        "cells": cells,
        "total": matrix.total_count,
        "totalAmount": money.as_string(matrix.total),
        "gapCount": sum(1 for cell in cells if cell["gap"]),
    }
