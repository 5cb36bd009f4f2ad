"""Which column is which field: heading matching and the mapping report.

A heading matches a field when, after `heading_key`, it equals the field's
heading, key or one of its synonyms. `heading_key` ignores case, surrounding
and non-breaking spaces, punctuation and the Dutch plural markers `(s)` and
`(en)`, so `Actiehouder(s)`, `actiehouders` and `Actie houders:` are the same.
A heading that matches no field but looks like one (difflib ratio at least
SIMILAR) is reported as an error with the suggested field, so that nothing is
dropped in silence; any other unknown heading is reported as "not used".
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

SIMILAR = 0.8

_PLURAL = re.compile(r"(?<=[^\W\d_])\((s|en|n)\)", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def heading_key(text: Any) -> str:
    """The comparable form of a heading: lower case, no plural marker, letters
    and digits only ("Uitbuitings\u00a0vorm(en)" -> "uitbuitingsvorm"). A heading
    of punctuation only ("#") keeps its characters."""
    raw = unicodedata.normalize("NFKC", str(text or "")).replace("\u00a0", " ").strip().lower()
    raw = _PLURAL.sub("", raw)
    compact = _NOT_WORD.sub("", raw)
    return compact or raw.replace(" ", "")


@dataclass(frozen=True)
class Field:
    """A field an import reads: `key` in the document, `header` as samen's own
    export writes it, `synonyms` as people write it, `kind` for the reader."""

    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    kind: str = "text"  # text | list | bool | int | date | json | period


@dataclass(frozen=True)
class HeadingUse:
    """How one heading cell was understood."""

    column: str  # column letter ("C")
    heading: str  # as written
    field: str | None  # field key, or None: not used
    suggestion: str | None = None  # field key it looks like, when not used
    saved: bool = False  # mapped by a mapping the user saved for this layout
    mapped: bool = False  # mapped by the user in this import


@dataclass
class HeadingMapping:
    uses: list[HeadingUse] = field(default_factory=list)

    @property
    def columns(self) -> dict[str, int]:
        """Field key -> 1-based column index."""
        from openpyxl.utils import column_index_from_string

        return {u.field: column_index_from_string(u.column) for u in self.uses if u.field}

    @property
    def written(self) -> dict[str, str]:
        return {u.field: u.heading for u in self.uses if u.field}

    @property
    def similar_unused(self) -> list[HeadingUse]:
        return [u for u in self.uses if u.field is None and u.suggestion]

    @property
    def unused(self) -> list[HeadingUse]:
        return [u for u in self.uses if u.field is None]


def names_for(fields: Iterable[Field]) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in fields:
        for name in (f.header, f.key, *f.synonyms):
            out.setdefault(heading_key(name), f)
    return out


def layout_key(headings: Iterable[Any]) -> str:
    """The identity of a sheet layout: its headings, compared as `heading_key`."""
    keys = sorted({heading_key(h) for h in headings if str(h or "").strip()})
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()[:32]


def suggest(heading: Any, fields: Iterable[Field]) -> Field | None:
    """The field an unknown heading most looks like, or None."""
    key = heading_key(heading)
    if len(key) < 4:
        return None
    best, score = None, 0.0
    for f in fields:
        for name in (f.header, *f.synonyms):
            other = heading_key(name)
            ratio = difflib.SequenceMatcher(None, key, other).ratio()
            if ratio > score:
                best, score = f, ratio
    return best if score >= SIMILAR else None


def map_headings(
    cells: Iterable[tuple[str, Any]],
    fields: Iterable[Field],
    chosen: Mapping[str, str] | None = None,
    saved: Mapping[str, str] | None = None,
    *,
    suggestions: bool = True,
) -> HeadingMapping:
    """Map the heading cells (column letter, value) of one header row to fields.

    `chosen` and `saved` map `heading_key` -> field key (or "" for "not used"),
    from the user in this import and from a saved layout; `chosen` wins. A field
    is taken by its first column; a later column with the same field is not used.
    `suggestions`: look for the field an unknown heading resembles (slower).
    """
    fields = tuple(fields)
    by_name = names_for(fields)
    by_key = {f.key: f for f in fields}
    chosen, saved = chosen or {}, saved or {}
    mapping = HeadingMapping()
    taken: set[str] = set()
    for letter, value in cells:
        if value is None or not str(value).strip():
            continue
        written = re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()
        key = heading_key(value)
        target, by_user, by_saved = None, False, False
        if key in chosen:
            target, by_user = by_key.get(chosen[key]), True
        elif key in saved:
            target, by_saved = by_key.get(saved[key]), True
        else:
            target = by_name.get(key)
        if (by_user or by_saved) and target is None:  # mapped to "not used" on purpose
            mapping.uses.append(HeadingUse(letter, written, None, None, by_saved, by_user))
            continue
        if target is not None and target.key not in taken:
            taken.add(target.key)
            mapping.uses.append(HeadingUse(letter, written, target.key, None, by_saved, by_user))
            continue
        hint = None
        if target is None and suggestions:
            hint = suggest(value, [f for f in fields if f.key not in taken])
        mapping.uses.append(HeadingUse(letter, written, None, hint.key if hint else None))
    return mapping


def describe(mapping: HeadingMapping, labels: Mapping[str, str]) -> list[str]:
    """One line per heading: 'C "Trekker" → Actiehouders' or '... → not used'."""
    out = []
    for use in mapping.uses:
        target = labels.get(use.field, use.field) if use.field else _("not used")
        line = _('column %(column)s "%(heading)s" → %(field)s') % {
            "column": use.column,
            "heading": use.heading,
            "field": target,
        }
        if use.saved:
            line += " " + _("(saved mapping)")
        elif use.mapped:
            line += " " + _("(mapped by you)")
        out.append(line)
    return out
