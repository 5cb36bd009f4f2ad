"""Names the way people write them: aliases, several names in one cell, and
suggestions for a name that is not known.

`NameIndex` holds every way an item (an organisation, a funding line) may be
written: its code, short name, full name and aliases. A cell may hold several
names separated by `,`, `;`, `/`, ` en ` or line breaks; a name that itself
contains such a separator ("Ministerie van Justitie en Veiligheid") is
recognised whole before the cell is split further.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Words that tell nothing about which organisation is meant.
STOP_WORDS = {
    "min", "ministerie", "van", "voor", "het", "de", "en", "stichting", "and", "the", "of",
    "zaken",
}  # fmt: skip
_HARD = re.compile(r"[;,\n\r]+")
_SOFT = re.compile(r"\s*/\s*|\s+en\s+|\s*&\s*|\s+and\s+", re.IGNORECASE)


def name_key(text: Any) -> str:
    """Comparable form of a name: case, accents kept, dots and spaces folded,
    "Min." written out."""
    raw = unicodedata.normalize("NFKC", str(text or "")).replace("\u00a0", " ").lower()
    raw = raw.replace(".", " ")
    raw = re.sub(r"\s+", " ", raw).strip(" -–:")
    # "Min. JenV", "Min. van JenV", "Ministerie JenV": one way of writing.
    return re.sub(r"^(?:min|ministerie)(?: van)? (?=\S)", "ministerie van ", raw)


@dataclass
class Resolved:
    """A cell read as names: the codes found, and the parts not known with
    the names they most look like (shown as "bedoelt u: …?")."""

    codes: list[str] = field(default_factory=list)
    unknown: list[tuple[str, list[str]]] = field(default_factory=list)


def _telling_words(key: str) -> set[str]:
    return {w for w in re.split(r"[\s/(),&-]+", key) if len(w) >= 3} - STOP_WORDS


def _core(key: str) -> str:
    """A name without its common words, for comparing spelling: "Min. JenVV"
    is near "JenV", not near "Ministerie van AenM"."""
    return " ".join(w for w in re.split(r"[\s/(),&-]+", key) if w and w not in STOP_WORDS)


class NameIndex:
    def __init__(self) -> None:
        self._codes: dict[str, str] = {}
        self._shown: dict[str, str] = {}  # code -> the name shown in suggestions

    def add(self, code: str, shown: str, *names: Any) -> None:
        """Register an item by its code, the name shown in suggestions, and
        every other way it may be written."""
        self._shown.setdefault(code, shown or code)
        for name in (code, shown, *names):
            key = name_key(name)
            if key:
                self._codes.setdefault(key, code)

    def get(self, name: Any) -> str | None:
        return self._codes.get(name_key(name))

    def shown(self, code: str) -> str:
        return self._shown.get(code, code)

    def suggestions(self, name: Any, limit: int = 3) -> list[str]:
        """Names shown for the nearest known items. Every way an item is
        written counts (code, short name, full name, aliases): first the items
        that share the most telling words ("Sociale Zaken" is SZW, not BZ),
        then the nearest spelling ("Min. JenV")."""
        key = name_key(name)
        if not key:
            return []
        words, core = _telling_words(key), _core(key)
        best: dict[str, tuple[float, float]] = {}
        for known, code in self._codes.items():
            shared = len(words & _telling_words(known)) / len(words) if words else 0.0
            ratio = difflib.SequenceMatcher(None, core or key, _core(known) or known).ratio()
            if shared == 0 and ratio < 0.75:
                continue
            best[code] = max(best.get(code, (0.0, 0.0)), (shared, ratio))
        ranked = sorted(best, key=lambda code: (-best[code][0], -best[code][1], code))
        return [self.shown(c) for c in ranked][:limit]

    def resolve(self, cell: Any) -> Resolved:
        """Read one cell of names (see the module docstring)."""
        result = Resolved()
        if cell is None:
            return result
        whole = self.get(cell)
        if whole:
            result.codes.append(whole)
            return result
        for part in _HARD.split(str(cell)):
            part = part.strip()
            if not part:
                continue
            code = self.get(part)
            if code:
                result.codes.append(code)
                continue
            pieces = [p.strip() for p in _SOFT.split(part) if p.strip()]
            if len(pieces) > 1 and all(self.get(p) for p in pieces):
                result.codes.extend(self.get(p) or "" for p in pieces)
                continue
            for piece in pieces if len(pieces) > 1 else [part]:
                code = self.get(piece)
                if code:
                    result.codes.append(code)
                else:
                    result.unknown.append((piece, self.suggestions(piece)))
        result.codes = list(dict.fromkeys(result.codes))
        return result

    def codes(self) -> Iterable[str]:
        return self._shown.keys()
