"""Screens of the budget. Views parse, ask the access module and call services
and selectors; they hold no rules of their own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.forms import add_errors, rebound_at_version
from samen.plan import document as doc
from samen.plan.selectors import FilterError

from . import money, selectors, services, spreadsheet
from .forms import EntryForm, ImportForm, SpendingForm
from .models import Allocation, FundingLine, Spending


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponseForbidden(
        render_to_string("403.html", {"message": message}, request=request)
    )


def _may_view(request: HttpRequest) -> bool:
    return access.can_view_budget(request.user)


def _year(request: HttpRequest, years: list[int]) -> tuple[int, str | None]:
    try:
        return selectors.parse_year(request.GET.get("year"), years), None
    except FilterError as exc:
        return selectors.default_year(years), str(exc)


@login_required
def budget_page(request: HttpRequest) -> HttpResponse:
    if not _may_view(request):
        return forbidden(request, _("Only signed-in members of the programme see the budget."))
    overview = selectors.overview()
    years = [y.year for y in overview]
    year, error = _year(request, years)
    return render(
        request,
        "budget/budget.html",
        {
            "overview": overview,
            "totals": _totals(overview),
            "years": years,
            "year": year,
            "error": error,
            "data": selectors.budget_year(year),
            "funding_lines": FundingLine.objects.select_related("ministry"),
            "can_change": access.can_change_budget(request.user),
        },
        status=400 if error else 200,
    )


def _totals(overview: list[selectors.YearFigures]) -> dict[str, Any]:
    return {
        name: money.total(getattr(y, name) for y in overview)
        for name in ("envelope", "allocated", "spent", "remaining")
    }


@login_required
def entries(request: HttpRequest) -> HttpResponse:
    """Every allocation and spending entry of a year, to check and change them."""
    if not _may_view(request):
        return forbidden(request, _("Only signed-in members of the programme see the budget."))
    years = selectors.budget_years()
    year, error = _year(request, years)
    return render(
        request,
        "budget/entries.html",
        {
            "year": year,
            "years": years,
            "error": error,
            "allocations": Allocation.objects.filter(year=year).select_related(
                "action", "funding_line"
            ),
            "spending": Spending.objects.filter(year=year).select_related(
                "action", "funding_line", "round"
            ),
            "can_change": access.can_change_budget(request.user),
        },
        status=400 if error else 200,
    )


# --- changing allocations and spending ---------------------------------------------------

KINDS = {
    "allocation": (
        Allocation,
        EntryForm,
        services.create_allocation,
        services.update_allocation,
        services.delete_allocation,
    ),
    "spending": (
        Spending,
        SpendingForm,
        services.create_spending,
        services.update_spending,
        services.delete_spending,
    ),
}


def _entry_view(request: HttpRequest, kind: str, pk: int | None) -> HttpResponse:
    model, form_class, create, update, _delete = KINDS[kind]
    if not access.can_change_budget(request.user):
        return forbidden(request, _("Only the programme team changes the budget."))
    entry = (
        get_object_or_404(model.objects.select_related("action", "funding_line"), pk=pk)
        if pk
        else None
    )
    initial = form_class.initial_for(entry) if entry else {"year": request.GET.get("year") or ""}
    if not entry and request.GET.get("action"):
        initial["action"] = request.GET["action"]
    form = form_class(request.POST or None, initial=initial)
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if entry:
                    saved = update(
                        request.user, entry.pk, form.entry(), form.cleaned_data["version"]
                    )
                else:
                    saved = create(request.user, form.entry())
                messages.success(request, _("Saved."))
                for warning in selectors.year_figures(saved.year).warnings():
                    messages.warning(request, warning)
                return redirect(f"{_entries_url()}?year={saved.year}")
            except services.Conflict as exc:
                conflict, status = exc, 409
                form = rebound_at_version(
                    request.POST, exc.current.version, lambda d: form_class(d, initial=initial)
                )
            except services.Invalid as exc:
                add_errors(form, exc.errors)
            except Denied as exc:
                return forbidden(request, str(exc))
    return render(
        request,
        "budget/entry_form.html",
        {"form": form, "entry": entry, "kind": kind, "conflict": conflict},
        status=status,
    )


def _entries_url() -> str:
    from django.urls import reverse

    return reverse("budget-entries")


@login_required
def allocation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _entry_view(request, "allocation", pk)


@login_required
def spending_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _entry_view(request, "spending", pk)


@login_required
@require_POST
def entry_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    model, *_rest, delete = KINDS[kind]
    if not access.can_change_budget(request.user):  # before the lookup: no hint which ids exist
        return forbidden(request, _("Only the programme team changes the budget."))
    entry = get_object_or_404(model, pk=pk)
    version = request.POST.get("version")
    try:
        delete(request.user, entry.pk, int(version) if version and version.isdigit() else None)
    except Denied as exc:
        return forbidden(request, str(exc))
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect(f"{_entries_url()}?year={entry.year}")
    messages.success(request, _("Deleted."))
    return redirect(f"{_entries_url()}?year={entry.year}")


# --- import and export -------------------------------------------------------------------


@login_required
def import_allocations(request: HttpRequest) -> HttpResponse:
    if not access.can_change_budget(request.user):
        return forbidden(request, _("Only the programme team changes the budget."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    report = None
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.SAMEN_MAX_UPLOAD_BYTES:
            errors = [
                _("%(file)s is %(size)s bytes; at most %(max)s allowed")
                % {"file": upload.name, "size": upload.size, "max": settings.SAMEN_MAX_UPLOAD_BYTES}
            ]
        else:
            try:
                understood: list[str] = []
                rows = spreadsheet.read_allocations(upload.read(), upload.name, understood)
                report = services.import_allocations(
                    request.user, rows, dry_run=form.cleaned_data["dry_run"]
                )
                report.understood = understood
            except doc.PlanDocumentInvalid as exc:
                errors = [str(e) for e in exc.errors]
            except Denied as exc:
                return forbidden(request, str(exc))
        status = 400 if errors else 200
    return render(
        request,
        "budget/import.html",
        {"form": form, "errors": errors, "report": report},
        status=status,
    )


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    if not _may_view(request):
        return forbidden(request, _("Only signed-in members of the programme see the budget."))
    allocations = Allocation.objects.select_related("action", "funding_line")
    spending = Spending.objects.select_related("action", "funding_line", "round")
    if fmt == "xlsx" and what == "toewijzingen":
        return _download(
            spreadsheet.write_workbook(allocations, spending),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "toewijzingen.xlsx",
        )
    if fmt == "csv" and what == "toewijzingen":
        headers = [c.header for c in spreadsheet.COLUMNS]
        body = spreadsheet.write_csv(headers, spreadsheet.allocation_rows(allocations))
    elif fmt == "csv" and what == "uitgaven":
        body = spreadsheet.write_csv(
            spreadsheet.SPENDING_HEADERS, spreadsheet.spending_rows(spending)
        )
    else:
        raise Http404
    return _download(body, "text/csv; charset=utf-8", f"{what}.csv")


# --- the money switch of the coverage matrix ----------------------------------------------


def coverage_money(request: HttpRequest, rows: str, columns: str) -> dict[str, Any]:
    """What /dekking needs to show euros instead of counts (?measure=amount&year=).
    The plan's view calls this, so the plan holds no budget knowledge (ADR 0008).
    Returns {} for counts; `money_denied` when the visitor may not see amounts."""
    wanted = request.GET.get("measure") == "amount"
    if not _may_view(request):
        return {"money_allowed": False, "money_denied": wanted}
    years = selectors.budget_years()
    year, error = _year(request, years)
    context: dict[str, Any] = {"money_allowed": True, "money_years": years, "money_year": year}
    if not wanted:
        return context
    return {
        **context,
        "measure": "amount",
        "money_error": error,
        "money_matrix": selectors.money_coverage(rows, columns, year=year),
        "table_template": "budget/_money_coverage_table.html",
    }
