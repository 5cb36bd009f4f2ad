"""The input boundary for text: characters that XML, PostgreSQL or a terminal cannot hold.

Every text that enters samen passes `clean_text` (or `clean_data` for a parsed document):
the web forms and query strings through `core.middleware.InputBoundaryMiddleware`, API
bodies through `api.base.BoundaryParser`, and the importers call `clean_data` on what
they read. What comes out again is made safe a second time, as defence in depth for
texts stored before this boundary existed: `xml_safe` / `scrubbed` for the writers of
DOCX, XLSX, PDF and HTML, `terminal_safe` for what a command prints.

The rule, one for every entry point:

* kept: tab, line feed, carriage return and every other character that XML 1.0 allows;
* normalised, because editors paste them for ordinary layout: vertical tab (Word's
  Shift+Enter), form feed (a page break) and NEXT LINE (U+0085) become a line feed;
  Word's non-breaking hyphen (U+001E) and optional hyphen (U+001F) become U+2011 and
  the soft hyphen U+00AD;
* refused, with a message that names the character and where it is: NUL and every other
  C0 control character, DEL, the C1 controls, unpaired surrogates (U+D800–U+DFFF) and the
  non-characters U+FFFE and U+FFFF.

Sources: XML 1.0 (Fifth Edition) §2.2 "Char"; PostgreSQL refuses U+0000 in text
("invalid byte sequence for encoding UTF8: 0x00"); ECMA-48 for the C0/C1 controls.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext as _

# Characters replaced by an ordinary equivalent.
NORMALISED = {
    "\x0b": "\n",  # vertical tab: Word's Shift+Enter (line break)
    "\x0c": "\n",  # form feed: a page break
    "\x85": "\n",  # NEXT LINE (C1)
    "\x1e": "\u2011",  # Word's non-breaking hyphen
    "\x1f": "\u00ad",  # Word's optional hyphen: a soft hyphen
}
_NORMALISE = re.compile("[" + "".join(NORMALISED) + "]")
# Characters refused (everything the C0/C1 blocks hold except tab, LF, CR and the above),
# unpaired surrogates and the two non-characters XML excludes.
_REFUSED = re.compile("[\x00-\x08\x0e-\x1d\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# For a terminal, every control character is shown escaped (line breaks included,
# so that a listing stays one item a line).
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


class UnsafeText(ValueError):
    """A text holds a character that cannot be stored.

    `where` names the field, parameter or document path; `character` is the offending
    character and `position` its 1-based position in the text.
    """

    def __init__(self, character: str, position: int, where: str = "") -> None:
        self.character = character
        self.position = position
        self.where = where
        super().__init__(self.reason)

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.character):04X}"

    @property
    def reason(self) -> str:
        code = ord(self.character)
        if code == 0:
            kind = _("a NUL character (%(code)s)")
        elif 0xD800 <= code <= 0xDFFF:
            kind = _("an unpaired surrogate (%(code)s)")
        elif code in (0xFFFE, 0xFFFF):
            kind = _("a non-character (%(code)s)")
        else:
            kind = _("a control character (%(code)s)")
        return _(
            "contains %(kind)s at position %(position)s, which cannot be stored; remove it"
        ) % {"kind": kind % {"code": self.codepoint}, "position": self.position}

    def at(self, where: str) -> UnsafeText:
        """The same problem, placed under `where` (a field or document path)."""
        return UnsafeText(self.character, self.position, where)

    def context(self, text: str, width: int = 20) -> str:
        """The visible text just before the character, so a person can find it."""
        start = max(0, self.position - 1 - width)
        return xml_safe(text[start : self.position - 1]).replace("\n", " ")


def clean_text(value: str, where: str = "") -> str:
    """The boundary: `value` with pasted layout characters normalised.

    Raises `UnsafeText` (a ValueError) for the first character that cannot be stored,
    naming `where`. Costs one regular-expression scan for ordinary text.
    """
    found = _REFUSED.search(value)
    if found is not None:
        raise UnsafeText(found.group(), found.start() + 1, where)
    if _NORMALISE.search(value) is None:
        return value
    return _NORMALISE.sub(lambda m: NORMALISED[m.group()], value)


def clean_data(data: Any, where: str = "") -> Any:
    """`clean_text` over a parsed document (JSON, YAML, a form's fields): every string
    value and every key of mappings, in lists and mappings at any depth.

    Raises `UnsafeText` whose `where` is the path to the string, e.g.
    `actions.3.title` (list positions count from 0, as in JSON Pointer). For
    importers: call it on the parsed document before validating it. Other values
    (numbers, dates, None) are returned unchanged. Paths are written out only for
    an error: built for every value, long keys deep down would cost quadratic memory.
    """
    return _clean(data, (None, where) if where else None)


def _path(path: Any) -> str:
    parts = []
    while path is not None:
        path, key = path
        parts.append(str(key))
    return ".".join(reversed(parts))


def _clean(data: Any, path: Any) -> Any:
    if isinstance(data, str):
        try:
            return clean_text(data)
        except UnsafeText as exc:
            raise exc.at(_path(path)) from None
    if isinstance(data, Mapping):
        out = {}
        for key, value in data.items():
            here = (path, key)
            if isinstance(key, str):
                try:
                    key = clean_text(key)
                except UnsafeText as exc:
                    raise exc.at(_path(here)) from None
            out[key] = _clean(value, here)
        return out
    if isinstance(data, list | tuple):
        items = [_clean(v, (path, i)) for i, v in enumerate(data)]
        return type(data)(items) if isinstance(data, tuple) else items
    return data


def xml_safe(value: str) -> str:
    """For writers (DOCX, XLSX, PDF, HTML): `value` that any XML document can hold.

    Never raises: normalises like `clean_text` and drops what it would refuse. HTML
    marked safe stays marked safe (removing characters adds no markup).
    """
    if not isinstance(value, str):
        return value
    out = _REFUSED.sub("", value)
    if _NORMALISE.search(out) is not None:
        out = _NORMALISE.sub(lambda m: NORMALISED[m.group()], out)
    return SafeString(out) if isinstance(value, SafeData) else out


def scrubbed(obj: Any) -> Any:
    """A copy of `obj` with `xml_safe` applied to every string in it: dataclass
    instances (their fields), lists, tuples and dicts, at any depth. For a writer that
    receives a whole report context; the original is left untouched."""
    if isinstance(obj, str):
        return xml_safe(obj)
    if isinstance(obj, list):
        return [scrubbed(v) for v in obj]
    if isinstance(obj, tuple):
        items = [scrubbed(v) for v in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
    if isinstance(obj, dict):
        return {scrubbed(k): scrubbed(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        clone = copy.copy(obj)
        for f in dataclasses.fields(obj):
            object.__setattr__(clone, f.name, scrubbed(getattr(obj, f.name)))
        return clone
    return obj


def terminal_safe(value: str) -> str:
    """For printing user text in a terminal: control characters (escape sequences
    included), bidirectional overrides and unpaired surrogates shown as `\\x1b`-style
    escapes, so a title can neither move the cursor nor recolour the screen."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _TERMINAL.sub(escape, value)
