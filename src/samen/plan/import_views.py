"""The web import of the plan: upload, map what was not understood, preview
every change, confirm (see imports.py for the steps)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samen.accounts import access
from samen.core.importing.headings import heading_key
from samen.core.text import clean_text

from . import document as doc
from . import imports, services
from .models import Organisation, OrganisationType
from .sheet_import import PUBLIC_BY_HAND
from .spreadsheet import SHEETS
from .vocabulary import FIELD_LABELS, IMPORT_KINDS, ITEM_KINDS, named, value_names

SESSION_KEY = "samen_plan_import"
FIELD_KEYS = {"", *(c.key for spec in SHEETS for c in spec.columns)}
NEW = "__new__"
CHANGE_LABELS = {
    "added": gettext_lazy("New"),
    "changed": gettext_lazy("Changed"),
    "removed": gettext_lazy("Removed"),
}


def _preview_rows(report: services.ImportReport) -> list[dict[str, Any]]:
    names = value_names()
    # Organisations the import adds are named by their new short name; one
    # that only gains an alias keeps the name it has.
    new_orgs = {
        i.code: f.new
        for i in report.preview.items
        if i.kind == "organisations"
        for f in i.fields
        if f.field == "short_name" and f.new
    }
    names["holders"] = names["involved"] = {**names["holders"], **new_orgs}
    return [
        {
            "kind": str(ITEM_KINDS.get(item.kind, item.kind)),
            "code": names["holders"].get(item.code, item.code)
            if item.kind == "organisations"
            else item.code,
            "change": str(CHANGE_LABELS[item.change]),
            "fields": [
                (
                    str(FIELD_LABELS.get(f.field, f.field)),
                    named(f.field, f.old, names),
                    named(f.field, f.new, names),
                )
                for f in item.fields
            ],
        }
        for item in report.preview.items
    ]


def _mapping_step(understood: Any) -> dict[str, Any]:
    """What the user can map: unused headings, unknown names, the sheet."""
    if understood is None:
        return {}
    # Every heading the user can decide on: one not used, and one mapped by
    # hand now or by a saved mapping (shown with that choice, so it can be
    # changed, also to "not used").
    headings = []
    for sheet, _row, mapping, _layout in understood.mappings:
        fields = [(key, label) for key, label in understood.fields.get(sheet, [])]
        for use in mapping.uses:
            by_hand = use.mapped or use.saved
            if use.field is not None and not by_hand:
                continue
            headings.append(
                {
                    "public": [label for key, label in fields if key in PUBLIC_BY_HAND],
                    "sheet": sheet,
                    "column": use.column,
                    "heading": use.heading,
                    "key": heading_key(use.heading),
                    "suggestion": (use.field or "") if by_hand else (use.suggestion or ""),
                    "saved": use.saved and not use.mapped,
                    "fields": fields,
                }
            )
    chosen = getattr(understood, "mapped_names", {})
    names = [
        {"name": name, "suggestions": suggestions, "chosen": chosen.get(name, "")}
        for name, suggestions in understood.unknown_names.items()
    ]
    return {
        "map_headings": headings,
        "map_names": names,
        "sheet_choices": understood.sheet_choices,
        "organisations": Organisation.objects.order_by("name"),
        "organisation_types": OrganisationType.objects.all(),
        "understood_lines": understood.lines(notes=False),
        "notes": _notes(understood),
    }


def _notes(understood: Any) -> list[str]:
    """What the user must see, outside the folded "how the file was read": the
    encoding a CSV was read in, then the notes per cell."""
    return [*([understood.note] if understood.note else []), *understood.notes]


def _suggested_code(name: str) -> str | None:
    for org in Organisation.objects.all():
        if org.short_name == name or org.name == name:
            return org.code
    return None


def _count(request: HttpRequest, name: str) -> int:
    """A count of form rows from the page; anything else (or a huge number) is 0 or capped."""
    value = request.POST.get(name, "")
    return min(int(value), 500) if value.isdigit() else 0


def _options_from_post(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """The user's mapping choices added to what the session holds."""
    data = {
        "sheet": data.get("sheet"),
        "headings": dict(data.get("headings") or {}),
        "names": dict(data.get("names") or {}),
        "new_organisations": list(data.get("new_organisations") or []),
    }
    if request.POST.get("sheet"):
        data["sheet"] = clean_text(request.POST["sheet"])[:100]
    for index in range(_count(request, "heading-count")):
        key = request.POST.get(f"heading-key-{index}", "")
        field = request.POST.get(f"heading-{index}")
        if key and field is not None and field in FIELD_KEYS:
            data["headings"][key[:200]] = field
    types = set(OrganisationType.objects.values_list("code", flat=True))
    codes = set(Organisation.objects.values_list("code", flat=True))
    for index in range(_count(request, "name-count")):
        name = clean_text(request.POST.get(f"name-text-{index}", ""))[:300]
        choice = request.POST.get(f"name-{index}", "")
        if not name:
            continue
        if not choice:  # "(choose)": a mapping made before is undone
            data["names"].pop(name, None)
            continue
        if choice == NEW:
            org_type = request.POST.get(f"name-type-{index}", "")
            short = clean_text(request.POST.get(f"name-short-{index}", "") or name)[:60]
            code = slugify(short)[:60] or "organisatie"
            while code in codes:
                code = f"{code}-x"[:60]
            if org_type in types:
                data["new_organisations"].append(
                    {
                        "code": code,
                        "short_name": short,
                        "name": name,
                        "type": org_type,
                        "aliases": [name],
                    }
                )
                data["names"][name] = code
                codes.add(code)
            else:
                messages.error(
                    request,
                    _("Choose the type of the new organisation '%(name)s'.") % {"name": name},
                )
        elif choice in codes:
            data["names"][name] = choice
    return data


def _check_and_render(
    request: HttpRequest, content: bytes, filename: str, token: str, data: dict[str, Any]
) -> HttpResponse:
    context: dict[str, Any] = {"token": token, "filename": filename}
    try:
        report = imports.check(content, filename, request.user, data)
    except doc.PlanDocumentInvalid as exc:
        request.session[SESSION_KEY] = {"token": token, "filename": filename, "data": data}
        context["invalid"] = exc
        context.update(_mapping_step(exc.understood))
        return render(request, "plan/import.html", context, status=400)
    layouts = {}
    if report.understood is not None:
        for _sheet, _layout, use in report.understood.unknown_headings:
            layouts[heading_key(use.heading)] = _layout
        for _sheet, _row, mapping, layout in report.understood.mappings:
            for use in mapping.uses:
                layouts[heading_key(use.heading)] = layout
    request.session[SESSION_KEY] = {
        "token": token,
        "filename": filename,
        "data": data,
        "digest": report.preview.digest,
        "layouts": layouts,
    }
    labels = {kind: str(label) for kind, label in IMPORT_KINDS.items()}
    context.update(
        report=report,
        preview=_preview_rows(report),
        summary=[
            (labels.get(k, k), report.created[k], report.updated[k], report.unchanged[k])
            for k in IMPORT_KINDS
            if report.created[k] or report.updated[k] or report.unchanged[k]
        ],
        not_in_file=[(labels.get(k, k), c) for k, c in report.not_in_file.items() if c],
        understood_lines=report.understood.lines(notes=False) if report.understood else [],
        notes=_notes(report.understood) if report.understood else [],
    )
    context.update(
        {k: v for k, v in _mapping_step(report.understood).items() if k == "map_headings"}
    )
    return render(request, "plan/import.html", context)


@login_required
def plan_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Programme team: the whole plan as a file the import reads back: XLSX
    (with the sheet Indicatoren), YAML or JSON."""
    from .export import FORMATS, export_bytes

    if not access.can_manage_rounds(request.user):
        return render(
            request,
            "403.html",
            {"message": _("Only the programme team downloads the whole plan.")},
            status=403,
        )
    if fmt not in FORMATS:
        raise Http404
    types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "yaml": "application/yaml; charset=utf-8",
        "json": "application/json; charset=utf-8",
    }
    response = HttpResponse(export_bytes(fmt), content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="plan.{fmt}"'
    return response


def plan_import(request: HttpRequest) -> HttpResponse:
    """Programme team: upload the action table (XLSX, CSV) or a plan file, map
    what was not understood, see every change, then confirm."""
    if not access.can_manage_rounds(request.user):
        return render(
            request,
            "403.html",
            {"message": _("Only the programme team imports the plan.")},
            status=403,
        )
    expired = _("This import has expired; upload the file again.")
    if request.method != "POST":
        return render(request, "plan/import.html", {})
    pending = request.session.get(SESSION_KEY)
    if "confirm" in request.POST or "remap" in request.POST:
        if pending and pending["token"] != request.POST.get("token"):
            replaced = _(
                "This preview is no longer valid: a new file was uploaded in another tab or "
                "window. Upload this file again to import it."
            )
            return render(request, "plan/import.html", {"error": replaced}, status=400)
        if not pending:
            return render(request, "plan/import.html", {"error": expired}, status=400)
        try:
            content = imports.parked(pending["token"])
        except FileNotFoundError:
            return render(request, "plan/import.html", {"error": expired}, status=400)
        if "remap" in request.POST:
            data = _options_from_post(request, pending.get("data") or {})
            return _check_and_render(request, content, pending["filename"], pending["token"], data)
        try:
            report = imports.confirm(
                pending["token"],
                pending["filename"],
                request.user,
                pending.get("data"),
                expected=pending.get("digest"),
                layouts=pending.get("layouts"),
            )
        except services.PreviewOutdated:
            messages.error(
                request,
                _(
                    "The plan changed after the preview, so nothing was imported. Check the new "
                    "preview and confirm again."
                ),
            )
            return _check_and_render(
                request, content, pending["filename"], pending["token"], pending.get("data") or {}
            )
        except doc.PlanDocumentInvalid as exc:
            return render(request, "plan/import.html", {"invalid": exc}, status=400)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            ngettext(
                "Imported %(file)s: %(count)s change.",
                "Imported %(file)s: %(count)s changes.",
                report.changes,
            )
            % {"file": pending["filename"], "count": report.changes},
        )
        return redirect("explorer")
    upload = request.FILES.get("file")
    if upload is None:
        return render(
            request, "plan/import.html", {"error": _("Choose a file to import.")}, status=400
        )
    if upload.size > settings.SAMEN_MAX_UPLOAD_BYTES:
        error = _("The file is too large (at most %(max)s MB).") % {
            "max": settings.SAMEN_MAX_UPLOAD_BYTES // (1024 * 1024)
        }
        return render(request, "plan/import.html", {"error": error}, status=400)
    content = upload.read()
    token = imports.park(content, upload.name)
    return _check_and_render(request, content, upload.name, token, {})


# --- saved heading mappings ----------------------------------------------------------


def _mapping_rows() -> list[dict[str, Any]]:
    from .models import SavedHeadingMapping

    return [
        {
            "pk": m.pk,
            "heading": m.heading,
            "field": str(FIELD_LABELS.get(m.field, m.field)) if m.field else _("not used"),
            "created_at": m.created_at,
        }
        for m in SavedHeadingMapping.objects.order_by("heading", "pk")
    ]


@login_required
def saved_mappings(request: HttpRequest) -> HttpResponse:
    """Programme team: the heading mappings saved by earlier imports; each
    can be deleted (after a confirmation), which the audit trail records."""
    from django.db import transaction

    from samen.core import audit

    from .models import SavedHeadingMapping

    if not access.can_manage_rounds(request.user):
        return render(
            request,
            "403.html",
            {"message": _("Only the programme team manages the saved heading mappings.")},
            status=403,
        )
    pk = request.POST.get("delete") or request.GET.get("delete")
    mapping = SavedHeadingMapping.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if request.method == "POST" and mapping is not None and "confirm" in request.POST:
        with transaction.atomic():
            audit.record(
                actor=request.user,
                kind="delete",
                obj=mapping,
                object_repr=mapping.heading,
                before={
                    "layout": mapping.layout,
                    "heading": mapping.heading,
                    "field": mapping.field,
                },
            )
            mapping.delete()
        messages.success(
            request,
            _("The saved mapping of '%(heading)s' was deleted.") % {"heading": mapping.heading},
        )
        return redirect("plan-import-mappings")
    confirm = None
    if mapping is not None:
        confirm = next(row for row in _mapping_rows() if row["pk"] == mapping.pk)
    return render(
        request,
        "plan/saved_mappings.html",
        {"mappings": _mapping_rows(), "confirm": confirm},
    )
