"""The plan document: one format for the bundled plan, imports, exports and
version snapshots.

A document is a plain mapping (what YAML and JSON give). `parse_document`
checks it completely and returns typed data, or raises `PlanDocumentInvalid`
with every problem found, each naming where it is. Readers for YAML, JSON
and XLSX only turn bytes into the mapping (plus, for spreadsheets, a map from
paths to sheet/row/column), so all three formats share the same checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samen.indicators.document import IndicatorData, parse_indicators

SCHEMA = "samen-plan/1"

Path = tuple[str | int, ...]

SECTIONS = (
    "schema",
    "plan",
    "exploitation_forms",
    "age_groups",
    "organisation_types",
    "organisations",
    "strategic_goals",
    "action_lines",
    "actions",
    "versions",
)
ACTION_STATUSES = ("unknown", "planned", "running", "completed", "stopped")
ACTION_KINDS = ("action", "theme")
ALL = "all"
YEAR_RANGE = (1900, 2100)

PROVENANCE_KEYS = ("source", "confirmed", "inferred", "note")
TERM_KEYS = ("code", "name_nl", "name_en")
ORGANISATION_KEYS = ("code", "short_name", "name", "aliases", "type", *PROVENANCE_KEYS)
GOAL_KEYS = ("code", "number", "name_nl", "name_en", *PROVENANCE_KEYS)
ACTION_KEYS = (
    "code",
    "kind",
    "action_line",
    "title_nl",
    "title_en",
    "description_nl",
    "description_en",
    "strategic_goals",
    "holders",
    "involved",
    "exploitation_forms",
    "age_groups",
    "period",
    "status",
    "milestones",
    *PROVENANCE_KEYS,
    "demo",
    "indicators",  # issue 14: see samen.indicators.document
)
MILESTONE_KEYS = ("title_nl", "title_en", "due", "done")
VERSION_KEYS = ("code", "date", "title_nl", "title_en", "source", "actions")
PLAN_KEYS = (
    "code",
    "title_nl",
    "title_en",
    "country",
    "dossier",
    "ambition_nl",
    "ambition_en",
    "ambition_source",
    "demo",
)
# Fields of an action that may be marked as inferred.
INFERABLE = tuple(
    k for k in ACTION_KEYS if k not in ("code", *PROVENANCE_KEYS, "demo", "indicators")
)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")


# --- typed data --------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    code: str
    name_nl: str
    name_en: str = ""
    order: int = 0


@dataclass(frozen=True)
class ProvenanceData:
    source: str = ""
    confirmed: bool = True
    inferred: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class OrganisationData:
    code: str
    short_name: str
    name: str
    type: str
    provenance: ProvenanceData = ProvenanceData()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoalData:
    """A strategic goal or an action line (same shape)."""

    code: str
    number: int
    name_nl: str
    name_en: str
    provenance: ProvenanceData = ProvenanceData()


@dataclass(frozen=True)
class MilestoneData:
    title_nl: str
    title_en: str = ""
    due: dt.date | None = None
    done: dt.date | None = None


@dataclass(frozen=True)
class ActionData:
    code: str
    title_nl: str
    kind: str = "action"
    action_line: str | None = None
    title_en: str = ""
    description_nl: str = ""
    description_en: str = ""
    strategic_goals: tuple[str, ...] = ()
    holders: tuple[str, ...] = ()
    involved: tuple[str, ...] = ()
    exploitation_forms: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    period_start: int | None = None
    period_end: int | None = None
    status: str = "unknown"
    milestones: tuple[MilestoneData, ...] = ()
    provenance: ProvenanceData = ProvenanceData()
    demo: bool = False
    # None: the input did not say (the action's indicators stay as they are).
    indicators: tuple[IndicatorData, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The full canonical form (every key), as stored in version snapshots."""
        return {
            "code": self.code,
            "kind": self.kind,
            "action_line": self.action_line,
            "title_nl": self.title_nl,
            "title_en": self.title_en,
            "description_nl": self.description_nl,
            "description_en": self.description_en,
            "strategic_goals": list(self.strategic_goals),
            "holders": list(self.holders),
            "involved": list(self.involved),
            "exploitation_forms": list(self.exploitation_forms),
            "age_groups": list(self.age_groups),
            "period": (
                {"start": self.period_start, "end": self.period_end}
                if self.period_start is not None or self.period_end is not None
                else None
            ),
            "status": self.status,
            "milestones": [
                {
                    "title_nl": m.title_nl,
                    "title_en": m.title_en,
                    "due": m.due.isoformat() if m.due else None,
                    "done": m.done.isoformat() if m.done else None,
                }
                for m in self.milestones
            ],
            "source": self.provenance.source,
            "confirmed": self.provenance.confirmed,
            "inferred": list(self.provenance.inferred),
            "note": self.provenance.note,
            "demo": self.demo,
            "indicators": [i.as_dict() for i in self.indicators or ()],
        }


ACTION_DEFAULTS = ActionData(code="", title_nl="").as_dict()


def compact_action(full: Mapping[str, Any]) -> dict[str, Any]:
    """Drop keys that hold their default, for readable files."""
    return {
        key: value
        for key, value in full.items()
        if key in ("code", "title_nl") or value != ACTION_DEFAULTS.get(key)
    }


@dataclass(frozen=True)
class VersionData:
    code: str
    date: dt.date
    title_nl: str
    title_en: str = ""
    source: str = ""
    # Per action: its code (the action as in this document) or its full data
    # as it was in that version.
    actions: tuple[str | ActionData, ...] = ()


@dataclass(frozen=True)
class PlanMeta:
    code: str
    title_nl: str
    title_en: str = ""
    country: str = "NL"
    dossier: str = ""
    ambition_nl: str = ""
    ambition_en: str = ""
    ambition_source: str = ""
    demo: bool = False


@dataclass(frozen=True)
class PlanDocument:
    """A parsed document. A section that is None was absent from the input
    and leaves the database as it is."""

    plan: PlanMeta | None = None
    exploitation_forms: tuple[Term, ...] | None = None
    age_groups: tuple[Term, ...] | None = None
    organisation_types: tuple[Term, ...] | None = None
    organisations: tuple[OrganisationData, ...] | None = None
    strategic_goals: tuple[GoalData, ...] | None = None
    action_lines: tuple[GoalData, ...] | None = None
    actions: tuple[ActionData, ...] | None = None
    versions: tuple[VersionData, ...] | None = None


# --- errors --------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentError:
    path: Path
    message: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.location or format_path(self.path)}: {self.message}"


SHOWN_ERRORS = 200


class PlanDocumentInvalid(Exception):
    """Every problem found in a file. `understood` is how the file was read
    (sheet_import.Understood) when it is a spreadsheet, for the mapping step."""

    def __init__(
        self, errors: list[DocumentError], filename: str = "", understood: Any = None
    ) -> None:
        self.errors = errors
        self.filename = filename
        self.understood = understood
        super().__init__(self.summary())

    @property
    def shown(self) -> list[DocumentError]:
        """The first SHOWN_ERRORS errors; `more` says how many are left out."""
        return self.errors[:SHOWN_ERRORS]

    @property
    def more(self) -> int:
        return max(0, len(self.errors) - SHOWN_ERRORS)

    def summary(self) -> str:
        head = f"{self.filename}: " if self.filename else ""
        count = len(self.errors)
        lines = [
            head
            + ngettext(
                "%(count)s error; nothing was imported.",
                "%(count)s errors; nothing was imported.",
                count,
            )
            % {"count": count}
        ]
        lines += [f"  - {error}" for error in self.shown]
        if self.more:
            lines.append(
                "  "
                + ngettext("… and %(count)s more error.", "… and %(count)s more errors.", self.more)
                % {"count": self.more}
            )
        return "\n".join(lines)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or _("document")


# --- references known outside the document ---------------------------------


@dataclass
class KnownCodes:
    """Codes already in the database, for documents that hold only a part
    of the plan (e.g. a spreadsheet of actions)."""

    exploitation_forms: set[str] = field(default_factory=set)
    age_groups: set[str] = field(default_factory=set)
    organisation_types: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)
    strategic_goals: set[str] = field(default_factory=set)
    action_lines: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)


# --- parsing -------------------------------------------------------------------


class _Checker:
    def __init__(self, locate: Callable[[Path], str] | None) -> None:
        self.errors: list[DocumentError] = []
        self.locate = locate

    def error(self, path: Path, message: str) -> None:
        location = self.locate(path) if self.locate else ""
        self.errors.append(DocumentError(path, message, location))

    # scalar readers: they report and return a fallback, so parsing goes on
    # and the user sees every problem at once.

    def mapping(self, value: Any, path: Path, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            self.error(
                path, _("expected a mapping of fields, got %(type)s") % {"type": type_name(value)}
            )
            return {}
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, str(key)),
                    _("unknown field; expected one of: %(fields)s")
                    % {"fields": ", ".join(allowed)},
                )
        return dict(value)

    def items(self, value: Any, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("expected a list, got %(type)s") % {"type": type_name(value)})
            return []
        return value

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: Path,
        *,
        required: bool = False,
        max_length: int = 400,
    ) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error((*path, key), _("is required"))
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error((*path, key), _("expected text, got %(type)s") % {"type": type_name(value)})
            return ""
        text = str(value).strip()
        if len(text) > max_length:
            self.error(
                (*path, key),
                _("is %(length)s characters long; at most %(max)s allowed")
                % {"length": len(text), "max": max_length},
            )
        return text

    def code(self, data: Mapping[str, Any], key: str, path: Path) -> str:
        value = self.text(data, key, path, required=True, max_length=60)
        if value and not CODE_RE.match(value):
            self.error(
                (*path, key),
                _("'%(value)s' is not a valid code (letters, digits, '.', '_', '-')")
                % {"value": value},
            )
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: Path, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        self.error(
            (*path, key), _("expected yes or no (true/false), got '%(value)s'") % {"value": value}
        )
        return default

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: Path,
        *,
        required: bool = False,
        low: int = 0,
        high: int = 10_000,
    ) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error((*path, key), _("is required"))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                (*path, key), _("expected a whole number, got '%(value)s'") % {"value": value}
            )
            return None
        if not low <= value <= high:
            self.error(
                (*path, key),
                _("%(value)s is out of range; expected %(low)s to %(high)s")
                % {"value": value, "low": low, "high": high},
            )
            return None
        return value

    def date(
        self, data: Mapping[str, Any], key: str, path: Path, *, required: bool = False
    ) -> dt.date | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error((*path, key), _("is required"))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(
            (*path, key), _("expected a date like 2024-06-17, got '%(value)s'") % {"value": value}
        )
        return None

    def codes(
        self,
        data: Mapping[str, Any],
        key: str,
        path: Path,
        known: set[str],
        what: str,
        *,
        allow_all: bool = False,
        all_codes: Iterable[str] = (),
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = split_list(value)
        if not isinstance(value, list):
            self.error(
                (*path, key),
                _("expected a list of codes, got %(type)s") % {"type": type_name(value)},
            )
            return ()
        out: list[str] = []
        for item in value:
            code = str(item).strip()
            if allow_all and code.lower() == ALL:
                out.extend(c for c in all_codes if c not in out)
                continue
            if code not in known:
                message = _("%(what)s '%(code)s' is not known") % {"what": noun(what), "code": code}
                if 0 < len(known) <= 30:
                    message += "; " + _("known: %(codes)s") % {"codes": ", ".join(sorted(known))}
                self.error((*path, key), message)
            elif code in out:
                self.error(
                    (*path, key),
                    _("%(what)s '%(code)s' is listed twice") % {"what": noun(what), "code": code},
                )
            else:
                out.append(code)
        return tuple(out)

    def unique(self, items: list[tuple[str, Path]], what: str) -> None:
        seen: dict[str, Path] = {}
        for code, path in items:
            if not code:
                continue
            if code in seen:
                self.error(
                    (*path, "code"),
                    _("the code '%(code)s' (%(what)s) is used twice (also at %(other)s)")
                    % {
                        "code": code,
                        "what": noun(what),
                        "other": self.locate(seen[code])
                        if self.locate
                        else format_path(seen[code]),
                    },
                )
            else:
                seen[code] = path


# The checker is generic: the budget and parliament documents use it too.
Checker = _Checker

TRUE_WORDS = {"true", "yes", "ja", "1", "y", "j", "bevestigd", "confirmed"}
FALSE_WORDS = {
    "false",
    "no",
    "nee",
    "0",
    "n",
    "afgeleid",
    "inferred",
    "nee (afgeleid)",
    "no (inferred)",
}


def type_name(value: Any) -> str:
    names = {
        dict: gettext_lazy("a mapping"),
        list: gettext_lazy("a list"),
        str: gettext_lazy("text"),
        int: gettext_lazy("a number"),
        float: gettext_lazy("a number"),
        bool: gettext_lazy("yes/no"),
    }
    return str(names.get(type(value), type(value).__name__))


# What a code stands for, in messages such as "organisatie 'x' is niet bekend". The
# checker is shared with the budget and parliament documents.
NOUNS = {
    "organisation": gettext_lazy("organisation"),
    "organisation type": gettext_lazy("organisation type"),
    "exploitation form": gettext_lazy("exploitation form"),
    "age group": gettext_lazy("age group"),
    "strategic goal": gettext_lazy("strategic goal"),
    "action line": gettext_lazy("action line"),
    "action": gettext_lazy("action"),
    "version": gettext_lazy("version"),
    "funding line": gettext_lazy("funding line"),
    "motion": gettext_lazy("motion or commitment"),
    "indicator": gettext_lazy("indicator"),
}


def noun(what: str) -> str:
    return str(NOUNS.get(what, what))


def split_list(text: str) -> list[str]:
    """Several names in one cell: separated by comma, semicolon or new line."""
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


def parse_document(
    raw: Any,
    known: KnownCodes | None = None,
    locate: Callable[[Path], str] | None = None,
    filename: str = "",
) -> PlanDocument:
    """Check a whole document and return it typed; raise with every error."""
    known = known or KnownCodes()
    check = _Checker(locate)
    top = check.mapping(raw, (), SECTIONS)
    if "schema" in top and top["schema"] != SCHEMA:
        check.error(
            ("schema",),
            _("unsupported schema '%(schema)s'; expected '%(expected)s'")
            % {"schema": top["schema"], "expected": SCHEMA},
        )

    def terms(section: str) -> tuple[Term, ...] | None:
        if section not in top:
            return None
        out = []
        for index, item in enumerate(check.items(top[section], (section,))):
            path: Path = (section, index)
            data = check.mapping(item, path, (*TERM_KEYS,))
            out.append(
                Term(
                    check.code(data, "code", path),
                    check.text(data, "name_nl", path, required=True),
                    check.text(data, "name_en", path),
                    index,
                )
            )
        check.unique(
            [(t.code, (section, i)) for i, t in enumerate(out)],
            section.rstrip("s").replace("_", " "),
        )
        return tuple(out)

    plan = _parse_plan(check, top["plan"]) if "plan" in top else None
    forms = terms("exploitation_forms")
    ages = terms("age_groups")
    org_types = terms("organisation_types")

    def known_codes(parsed: Iterable[Any] | None, existing: set[str]) -> set[str]:
        return {item.code for item in parsed} if parsed is not None else set(existing)

    form_codes = known_codes(forms, known.exploitation_forms)
    age_codes = known_codes(ages, known.age_groups)
    type_codes = known_codes(org_types, known.organisation_types)

    organisations = None
    if "organisations" in top:
        organisations = tuple(
            _parse_organisation(check, item, ("organisations", i), type_codes)
            for i, item in enumerate(check.items(top["organisations"], ("organisations",)))
        )
        check.unique(
            [(o.code, ("organisations", i)) for i, o in enumerate(organisations)], "organisation"
        )
    org_codes = known_codes(organisations, known.organisations)

    goals = _parse_goals(check, top, "strategic_goals", name_required=True)
    lines = _parse_goals(check, top, "action_lines", name_required=False)
    goal_codes = known_codes(goals, known.strategic_goals)
    line_codes = known_codes(lines, known.action_lines)

    refs = _References(
        form_codes,
        age_codes,
        org_codes,
        goal_codes,
        line_codes,
        ordered_forms=[t.code for t in forms] if forms is not None else sorted(form_codes),
        ordered_ages=[t.code for t in ages] if ages is not None else sorted(age_codes),
    )
    actions = None
    if "actions" in top:
        actions = tuple(
            _parse_action(check, item, ("actions", i), refs)
            for i, item in enumerate(check.items(top["actions"], ("actions",)))
        )
        check.unique([(a.code, ("actions", i)) for i, a in enumerate(actions)], "action")
    action_codes = known_codes(actions, known.actions)

    versions = None
    if "versions" in top:
        versions = tuple(
            _parse_version(check, item, ("versions", i), refs, action_codes)
            for i, item in enumerate(check.items(top["versions"], ("versions",)))
        )
        check.unique([(v.code, ("versions", i)) for i, v in enumerate(versions)], "version")

    if check.errors:
        # Stable sort: errors of one row stay together and in their order.
        check.errors.sort(key=_error_order)
        raise PlanDocumentInvalid(check.errors, filename)
    return PlanDocument(
        plan, forms, ages, org_types, organisations, goals, lines, actions, versions
    )


def _error_order(error: DocumentError) -> tuple[int, int]:
    path = error.path
    section = SECTIONS.index(path[0]) if path and path[0] in SECTIONS else -1
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
    return section, index


@dataclass(frozen=True)
class _References:
    forms: set[str]
    ages: set[str]
    organisations: set[str]
    goals: set[str]
    lines: set[str]
    ordered_forms: list[str]
    ordered_ages: list[str]


def _parse_plan(check: _Checker, raw: Any) -> PlanMeta:
    path: Path = ("plan",)
    data = check.mapping(raw, path, PLAN_KEYS)
    country = check.text(data, "country", path) or "NL"
    if len(country) != 2:
        check.error(
            (*path, "country"),
            _("expected a two-letter country code, got '%(value)s'") % {"value": country},
        )
    return PlanMeta(
        code=check.code(data, "code", path),
        title_nl=check.text(data, "title_nl", path, required=True, max_length=300),
        title_en=check.text(data, "title_en", path, max_length=300),
        country=country.upper()[:2],
        dossier=check.text(data, "dossier", path, max_length=100),
        ambition_nl=check.text(data, "ambition_nl", path, max_length=4000),
        ambition_en=check.text(data, "ambition_en", path, max_length=4000),
        ambition_source=check.text(data, "ambition_source", path, max_length=500),
        demo=check.boolean(data, "demo", path, False),
    )


def _parse_provenance(
    check: _Checker, data: Mapping[str, Any], path: Path, inferable: Iterable[str] = ()
) -> ProvenanceData:
    inferable = tuple(inferable)
    inferred: list[str] = []
    raw = data.get("inferred")
    if raw is not None:
        if isinstance(raw, str):
            raw = split_list(raw)
        if not isinstance(raw, list):
            check.error(
                (*path, "inferred"),
                _("expected a list of field names, got %(type)s") % {"type": type_name(raw)},
            )
        else:
            for name in raw:
                if str(name) not in inferable:
                    check.error(
                        (*path, "inferred"),
                        _("'%(name)s' cannot be marked inferred; expected one of: %(fields)s")
                        % {"name": name, "fields": ", ".join(inferable)},
                    )
                elif str(name) not in inferred:
                    inferred.append(str(name))
    return ProvenanceData(
        source=check.text(data, "source", path, max_length=500),
        confirmed=check.boolean(data, "confirmed", path, True),
        inferred=tuple(inferred),
        note=check.text(data, "note", path, max_length=4000),
    )


def _parse_organisation(check: _Checker, raw: Any, path: Path, types: set[str]) -> OrganisationData:
    data = check.mapping(raw, path, ORGANISATION_KEYS)
    code = check.code(data, "code", path)
    org_type = check.text(data, "type", path, required=True, max_length=40)
    if org_type and org_type not in types:
        check.error(
            (*path, "type"),
            _("organisation type '%(code)s' is not known; known: %(codes)s")
            % {"code": org_type, "codes": ", ".join(sorted(types))},
        )
    aliases = data.get("aliases") or []
    if isinstance(aliases, str):
        aliases = split_list(aliases)
    if not isinstance(aliases, list):
        check.error(
            (*path, "aliases"),
            _("expected a list of names, got %(type)s") % {"type": type_name(aliases)},
        )
        aliases = []
    return OrganisationData(
        aliases=tuple(dict.fromkeys(str(a).strip() for a in aliases if str(a).strip())),
        code=code,
        short_name=check.text(data, "short_name", path, max_length=60) or code,
        name=check.text(data, "name", path, required=True, max_length=300),
        type=org_type,
        provenance=_parse_provenance(check, data, path, ("name", "type")),
    )


def _parse_goals(
    check: _Checker, top: Mapping[str, Any], section: str, *, name_required: bool
) -> tuple[GoalData, ...] | None:
    if section not in top:
        return None
    out = []
    for index, item in enumerate(check.items(top[section], (section,))):
        path: Path = (section, index)
        data = check.mapping(item, path, GOAL_KEYS)
        out.append(
            GoalData(
                code=check.code(data, "code", path),
                number=check.integer(data, "number", path, required=True, low=1, high=999) or 0,
                name_nl=check.text(data, "name_nl", path, required=name_required, max_length=1000),
                name_en=check.text(data, "name_en", path, max_length=1000),
                provenance=_parse_provenance(check, data, path, ("name_nl", "name_en")),
            )
        )
    what = "strategic goal" if section == "strategic_goals" else "action line"
    check.unique([(g.code, (section, i)) for i, g in enumerate(out)], what)
    numbers: dict[int, int] = {}
    for i, goal in enumerate(out):
        if goal.number and goal.number in numbers:
            check.error(
                (section, i, "number"),
                _("number %(number)s is used twice in %(section)s")
                % {"number": goal.number, "section": section},
            )
        numbers[goal.number] = i
    return tuple(out)


def _parse_period(
    check: _Checker, data: Mapping[str, Any], path: Path
) -> tuple[int | None, int | None]:
    raw = data.get("period")
    if raw is None or raw == "":
        return None, None
    where = (*path, "period")
    low, high = YEAR_RANGE
    if isinstance(raw, Mapping):
        inner = check.mapping(raw, where, ("start", "end"))
        start = check.integer(inner, "start", where, low=low, high=high)
        end = check.integer(inner, "end", where, low=low, high=high)
    elif isinstance(raw, (int, str)) and not isinstance(raw, bool):
        match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–—/]|t/m|tot)?\s*(\d{4})?\s*", str(raw))
        if not match:
            check.error(
                where,
                _("expected a year or a range like 2024–2027, got '%(value)s'") % {"value": raw},
            )
            return None, None
        start, end = int(match.group(1)), int(match.group(2) or match.group(1))
        if not (low <= start <= high and low <= end <= high):
            check.error(
                where,
                _("years must lie between %(low)s and %(high)s, got '%(value)s'")
                % {"low": low, "high": high, "value": raw},
            )
            return None, None
    else:
        check.error(
            where,
            _("expected a year or a range like 2024–2027, got %(type)s") % {"type": type_name(raw)},
        )
        return None, None
    if start is not None and end is not None and end < start:
        check.error(
            where, _("ends (%(end)s) before it starts (%(start)s)") % {"end": end, "start": start}
        )
    return start, end


def _parse_action(check: _Checker, raw: Any, path: Path, refs: _References) -> ActionData:
    data = check.mapping(raw, path, ACTION_KEYS)
    kind = check.text(data, "kind", path) or "action"
    if kind not in ACTION_KINDS:
        check.error(
            (*path, "kind"),
            _("unknown kind '%(value)s'; expected one of: %(values)s")
            % {"value": kind, "values": ", ".join(ACTION_KINDS)},
        )
    status = check.text(data, "status", path) or "unknown"
    if status not in ACTION_STATUSES:
        check.error(
            (*path, "status"),
            _("unknown status '%(value)s'; expected one of: %(values)s")
            % {"value": status, "values": ", ".join(ACTION_STATUSES)},
        )
    line = check.text(data, "action_line", path, max_length=60) or None
    if line is not None and line not in refs.lines:
        check.error(
            (*path, "action_line"),
            _("action line '%(code)s' is not known; known: %(codes)s")
            % {"code": line, "codes": ", ".join(sorted(refs.lines))},
        )
    holders = check.codes(data, "holders", path, refs.organisations, "organisation")
    involved = check.codes(data, "involved", path, refs.organisations, "organisation")
    for code in set(holders) & set(involved):
        check.error(
            (*path, "involved"),
            _("organisation '%(code)s' is both action holder and involved") % {"code": code},
        )
    start, end = _parse_period(check, data, path)
    milestones = []
    for index, item in enumerate(check.items(data.get("milestones"), (*path, "milestones"))):
        where: Path = (*path, "milestones", index)
        m = check.mapping(item, where, MILESTONE_KEYS)
        milestones.append(
            MilestoneData(
                title_nl=check.text(m, "title_nl", where, required=True),
                title_en=check.text(m, "title_en", where),
                due=check.date(m, "due", where),
                done=check.date(m, "done", where),
            )
        )
    return ActionData(
        code=check.code(data, "code", path),
        kind=kind,
        action_line=line,
        title_nl=check.text(data, "title_nl", path, required=True),
        title_en=check.text(data, "title_en", path),
        description_nl=check.text(data, "description_nl", path, max_length=10_000),
        description_en=check.text(data, "description_en", path, max_length=10_000),
        strategic_goals=check.codes(
            data,
            "strategic_goals",
            path,
            refs.goals,
            "strategic goal",
            allow_all=True,
            all_codes=sorted(refs.goals),
        ),
        holders=holders,
        involved=involved,
        exploitation_forms=check.codes(
            data,
            "exploitation_forms",
            path,
            refs.forms,
            "exploitation form",
            allow_all=True,
            all_codes=refs.ordered_forms,
        ),
        age_groups=check.codes(
            data,
            "age_groups",
            path,
            refs.ages,
            "age group",
            allow_all=True,
            all_codes=refs.ordered_ages,
        ),
        period_start=start,
        period_end=end,
        status=status,
        milestones=tuple(milestones),
        provenance=_parse_provenance(check, data, path, INFERABLE),
        demo=check.boolean(data, "demo", path, False),
        indicators=parse_indicators(check, data, path) if "indicators" in data else None,
    )


def _parse_version(
    check: _Checker, raw: Any, path: Path, refs: _References, action_codes: set[str]
) -> VersionData:
    data = check.mapping(raw, path, VERSION_KEYS)
    actions: list[str | ActionData] = []
    seen: set[str] = set()
    for index, item in enumerate(check.items(data.get("actions"), (*path, "actions"))):
        where: Path = (*path, "actions", index)
        if isinstance(item, Mapping):
            entry: str | ActionData = _parse_action(check, item, where, refs)
            code = entry.code
        else:
            code = entry = str(item).strip()
            if code not in action_codes:
                check.error(where, _("action '%(code)s' is not known") % {"code": code})
        if code in seen:
            check.error(
                where, _("action '%(code)s' is listed twice in this version") % {"code": code}
            )
        seen.add(code)
        actions.append(entry)
    return VersionData(
        code=check.code(data, "code", path),
        date=check.date(data, "date", path, required=True) or dt.date(1900, 1, 1),
        title_nl=check.text(data, "title_nl", path, required=True, max_length=300),
        title_en=check.text(data, "title_en", path, max_length=300),
        source=check.text(data, "source", path, max_length=500),
        actions=tuple(actions),
    )
