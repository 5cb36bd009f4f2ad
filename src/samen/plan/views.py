"""Pages of the plan registry. Views parse, call selectors and render; an htmx
request gets only the results fragment (`_results.html`)."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from samen.core import audit_display
from samen.core.home import panels as home_panels

from . import selectors
from .models import (
    Action,
    ActionLine,
    AgeGroup,
    ExploitationForm,
    Organisation,
    OrganisationType,
    Plan,
    PlanVersion,
    StrategicGoal,
)
from .spreadsheet import action_list_headers, action_rows, write_action_list

PAGE_SIZE = 50


def is_htmx(request: HttpRequest) -> bool:
    """A request for a fragment: htmx, but not a boosted link or a history
    restore (the back button), which need the whole page."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


def fragment_aware(response: HttpResponse) -> HttpResponse:
    """The same URL answers with a page or a fragment: caches must keep them apart,
    or the back button shows a bare fragment."""
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def home(request: HttpRequest) -> HttpResponse:
    """The plan at a glance; above it, for a signed-in person, what their role has
    to do or can read (the blocks of settings.SAMEN_HOME_PANELS)."""
    summaries = selectors.line_summaries()
    return render(
        request,
        "plan/home.html",
        {
            "panels": home_panels(request),
            "plan": Plan.objects.first(),
            "goals": StrategicGoal.objects.annotate(action_count=Count("actions")).order_by(
                "number"
            ),
            "summaries": summaries,
            "total": sum(s.total for s in summaries),
            "statuses": Action.Status.choices,
            "forms": ExploitationForm.objects.annotate(action_count=Count("actions")).order_by(
                "order", "code"
            ),
            "versions": PlanVersion.objects.all(),
        },
    )


def _filter_options(choices: dict[str, list[str]]) -> dict[str, Any]:
    """Labels for the filter form, in the order of `choices`."""
    return {
        "lines": list(ActionLine.objects.all()),
        "goals": list(StrategicGoal.objects.all()),
        "forms": list(ExploitationForm.objects.all()),
        "ages": list(AgeGroup.objects.all()),
        "statuses": Action.Status.choices,
        "reported_statuses": _reported_status_choices(),
        "roles": [("holder", _("as action holder")), ("involved", _("as involved organisation"))],
    }


def _reported_codes() -> list[str]:
    provider = selectors.progress_provider()
    return list(provider.CODES) if provider else []


def _reported_status_choices() -> list[tuple[str, str]]:
    provider = selectors.progress_provider()
    return [(c, str(provider.LABELS[c])) for c in provider.CODES] if provider else []


def _typed_organisations(request: HttpRequest) -> list[selectors.OrganisationMatch]:
    """The explorer's organisation field: a code (links from other pages) or what a
    person typed. A text that finds no single organisation stays out of the filter
    and is shown with the organisations it could mean."""
    texts = [t for t in request.GET.getlist("organisation") if t.strip()]
    return [selectors.match_organisation(t) for t in texts[: selectors.MAX_ORGANISATIONS]]


def explorer(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices()
    matches = _typed_organisations(request)
    codes = [m.organisation.code for m in matches if m.organisation]

    def getlist(param: str) -> list[str]:
        return codes if param == "organisation" else request.GET.getlist(param)

    error = None
    try:
        f = selectors.parse_action_filter(getlist, choices)
    except selectors.FilterError as exc:
        f, error = selectors.ActionFilter(), str(exc)
    chosen = [m.organisation for m in matches if m.organisation]
    paginator = Paginator(
        selectors.filter_actions(f, Action.objects.all(), user=request.user), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    options = _filter_options(choices)
    context = {
        "filter": f,
        "params": f.as_params(),
        "page": page,
        "rows": selectors.action_rows(
            page.object_list,
            options["lines"],
            options["forms"],
            options["ages"],
            selectors.reported_progress(request.user, [a.pk for a in page.object_list]),
        ),
        "count": paginator.count,
        "error": error,
        "organisation_text": (
            selectors.organisation_label(chosen[0])
            if chosen
            else (matches[0].text if matches else "")
        ),
        "more_organisations": chosen[1:],
        "unmatched_organisations": [m for m in matches if not m.organisation],
        **options,
    }
    template = "plan/_results.html" if is_htmx(request) else "plan/explorer.html"
    return fragment_aware(render(request, template, context, status=400 if error else 200))


def organisation_suggestions(request: HttpRequest) -> HttpResponse:
    """htmx: the organisations whose name contains what was typed in the explorer's
    organisation field, as <option>s for its <datalist>."""
    found = selectors.search_organisations(request.GET.get("organisation", ""))
    return render(
        request,
        "plan/_organisation_suggestions.html",
        {"suggestions": [selectors.organisation_label(o) for o in found]},
    )


def explorer_export(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        f = selectors.parse_action_filter(request.GET.getlist)
    except selectors.FilterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    actions = selectors.filter_actions(f, Action.objects.with_relations(), user=request.user)
    filename = "acties" if (request.LANGUAGE_CODE or "nl").startswith("nl") else "actions"
    if fmt == "xlsx":
        response = HttpResponse(
            write_action_list(actions),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")  # what Dutch spreadsheet programs expect
        writer.writerow(action_list_headers())
        for row in action_rows(actions):
            writer.writerow([_csv_safe(value) for value in row])
        # A byte-order mark lets Excel read the file as UTF-8.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _csv_safe(value: Any) -> Any:
    """Stop a cell from being run as a formula when the CSV is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def action_detail(request: HttpRequest, code: str) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.with_relations().prefetch_related("milestones"), code=code
    )
    versions = [v for v in PlanVersion.objects.all() if any(a["code"] == code for a in v.snapshot)]
    return render(
        request,
        "plan/action_detail.html",
        {
            "action": action,
            "versions": versions,
            "progress": selectors.reported_progress(request.user, [action.pk]),
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = (
        Organisation.objects.select_related("type")
        .annotate(
            held=Count("roles", filter=Q(roles__role="holder"), distinct=True),
            involved_in=Count("roles", filter=Q(roles__role="involved"), distinct=True),
        )
        .order_by("type__order", "name")
    )
    groups: dict[OrganisationType, list[Organisation]] = {}
    for org in organisations:
        groups.setdefault(org.type, []).append(org)
    return render(request, "plan/organisation_list.html", {"groups": groups})


def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("type"), code=code)
    grouped = selectors.organisation_actions(organisation)
    return render(
        request,
        "plan/organisation_detail.html",
        {"organisation": organisation, "held": grouped["holder"], "involved": grouped["involved"]},
    )


def exploitation_form(request: HttpRequest, code: str) -> HttpResponse:
    form = get_object_or_404(ExploitationForm, code=code)
    actions = Action.objects.with_relations().filter(exploitation_forms=form)
    grouped = selectors.actions_by_line(actions)
    lines_without = [
        line for line in ActionLine.objects.all() if line.pk not in {g.pk for g, _a in grouped if g}
    ]
    ages = selectors.coverage("exploitationForm", "ageGroup")
    return render(
        request,
        "plan/exploitation_form.html",
        {
            "form": form,
            "grouped": grouped,
            "count": sum(len(a) for _l, a in grouped),
            "lines_without": lines_without,
            "age_counts": [
                (label, ages.count(form.code, age)) for age, label in ages.column_members
            ],
            "forms": ExploitationForm.objects.all(),
        },
    )


COVERAGE_VIEWS = ("exploitationForm", "ageGroup", "strategicGoal")


def coverage(request: HttpRequest) -> HttpResponse:
    columns = request.GET.get("columns", "exploitationForm")
    if columns not in COVERAGE_VIEWS:
        columns = "exploitationForm"
    rows = request.GET.get("rows", "actionLine")
    if rows not in selectors.DIMENSIONS or rows == columns:
        rows = "actionLine"
    # Money instead of counts (?measure=amount&year=) belongs to the budget app (ADR 0008).
    from samen.budget.views import coverage_money

    money = coverage_money(request, rows, columns)
    table = money.get("table_template", "plan/_coverage_table.html")
    reported = [code for code in request.GET.getlist("reportedStatus") if code in _reported_codes()]
    matrix = (
        None
        if "money_matrix" in money
        else selectors.coverage(
            rows,
            columns,
            selectors.ActionFilter(reported_statuses=tuple(reported)),
            user=request.user,
        )
    )
    template = table if is_htmx(request) else "plan/coverage.html"
    return render(
        request,
        template,
        {
            "matrix": matrix,
            "columns": columns,
            "views": [(c, selectors.DIMENSIONS[c].label) for c in COVERAGE_VIEWS],
            "table_template": table,
            "reported": reported,
            "reported_statuses": _reported_status_choices(),
            **money,
        },
    )


def version_list(request: HttpRequest) -> HttpResponse:
    versions = list(PlanVersion.objects.all())
    pairs = list(itertools.pairwise(versions))
    return render(request, "plan/version_list.html", {"versions": versions, "pairs": pairs})


def version_compare(request: HttpRequest) -> HttpResponse:
    codes = [*PlanVersion.objects.values_list("code", flat=True), selectors.CURRENT]
    base = request.GET.get("base") or (codes[-3] if len(codes) >= 3 else codes[0])
    target = request.GET.get("target") or (codes[-2] if len(codes) >= 2 else codes[0])
    error = None
    diff = None
    if base not in codes or target not in codes:
        error = _("Unknown version; choose one from the list.")
    else:
        diff = selectors.diff_versions(base, target)
    labels = dict(PlanVersion.objects.values_list("code", "title_nl"))
    versions = [(v.code, v.title) for v in PlanVersion.objects.all()]
    versions.append((selectors.CURRENT, _("Current plan (live)")))
    return render(
        request,
        "plan/version_compare.html",
        {
            "diff": diff,
            "error": error,
            "base": base,
            "target": target,
            "versions": versions,
            "labels": labels,
            # Each changed action with its fields as people read them (names, not codes).
            "changed": list(
                zip(
                    diff.changed,
                    audit_display.describe(
                        "plan.action",
                        [[(c.field, c.before, c.after) for c in a.changes] for a in diff.changed],
                    ),
                    strict=True,
                )
            )
            if diff
            else [],
        },
        status=400 if error else 200,
    )
