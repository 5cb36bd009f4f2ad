"""What an import would do, item by item and field by field.

`diff(before, after)` compares two plain mappings (the canonical form of an
item before and after the import) and returns the fields that differ, each
with its old and new value. `Preview` collects these per item and has a
`digest`: the web import keeps the digest of what the user saw, and writes
only when the change, computed again inside the writing transaction, gives
the same digest (otherwise the database changed in between).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    kind: str  # e.g. "actions", "organisations"
    code: str
    change: str  # ADDED | CHANGED | REMOVED
    fields: tuple[FieldChange, ...] = ()


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """The fields whose values differ (a new item: every field that is set)."""
    new_item = before is None
    before = before or {}
    out = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if new_item and new is False:  # a new item: "no" is the default, not news
            continue
        if old == new or (old in (None, "", [], {}) and new in (None, "", [], {})):
            continue
        out.append(FieldChange(key, old, new))
    return tuple(out)


@dataclass
class Preview:
    items: list[ItemChange] = field(default_factory=list)

    def add(
        self, kind: str, code: str, before: Mapping[str, Any] | None, after: Mapping[str, Any]
    ) -> None:
        fields = diff(before, after)
        if before is None:
            self.items.append(ItemChange(kind, code, ADDED, fields))
        elif fields:
            self.items.append(ItemChange(kind, code, CHANGED, fields))

    def removed(self, kind: str, code: str) -> None:
        self.items.append(ItemChange(kind, code, REMOVED))

    @property
    def digest(self) -> str:
        data = [
            [i.kind, i.code, i.change, [[f.field, f.old, f.new] for f in i.fields]]
            for i in self.items
        ]
        text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def shown(value: Any) -> str:
    """A value as the preview shows it: lists joined, empty as a dash."""
    if value in (None, "", [], {}):
        return "–"
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, Mapping):
        if set(value) <= {"start", "end"}:
            start, end = value.get("start"), value.get("end")
            return str(start) if start == end else f"{start or '…'}–{end or '…'}"
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value)


def preview_lines(
    preview: Preview,
    *,
    kind_label: Callable[[str], str] = str,
    field_label: Callable[[str], str] = str,
    value: Callable[[str, Any], str] = lambda _field, v: shown(v),
) -> list[str]:
    """The preview as text for a command's dry run: one line per item, then
    one indented line per field ("    Status: gepland → lopend"). An importer
    passes how its parts, fields and values are named (names, never codes)."""
    from django.utils.translation import gettext as _

    words = {ADDED: _("new"), CHANGED: _("changed"), REMOVED: _("removed")}
    out = []
    for item in preview.items:
        out.append(
            _("%(kind)s %(item)s: %(change)s")
            % {"kind": kind_label(item.kind), "item": item.code, "change": words[item.change]}
        )
        out += [
            f"    {field_label(f.field)}: {value(f.field, f.old)} → {value(f.field, f.new)}"
            for f in item.fields
        ]
    return out


def model_naming(
    model: Any,
    *,
    renamed: Mapping[str, str] | None = None,
    values: Mapping[str, Callable[[Any], str]] | None = None,
) -> tuple[Callable[[str], str], Callable[[str, Any], str]]:
    """How a preview names the fields and values of `model` in the active
    language: the field's verbose name, a choice's label, a date as people
    write it. `renamed` maps a preview key to the model field ("demo" ->
    "is_demo"); `values` gives a field its own display (a name for a code,
    money as euros)."""
    import datetime as dt

    from django.core.exceptions import FieldDoesNotExist
    from django.utils import formats
    from django.utils.text import capfirst

    renamed, values = renamed or {}, values or {}

    def model_field(key: str) -> Any:
        try:
            return model._meta.get_field(renamed.get(key, key))
        except FieldDoesNotExist:
            return None

    def field_label(key: str) -> str:
        f = model_field(key)
        return str(capfirst(f.verbose_name)) if f is not None else key

    def value(key: str, v: Any) -> str:
        if v in (None, "", [], {}):
            return "–"
        if key in values:
            return values[key](v)
        f = model_field(key)
        if f is not None and f.choices and isinstance(v, str):
            return str(dict(f.choices).get(v, v))
        if key == "inferred_fields" and isinstance(v, (list, tuple)):
            return ", ".join(field_label(x) for x in v)
        if isinstance(v, dt.date):
            return formats.date_format(v, "DATE_FORMAT")
        return shown(v)

    return field_label, value
