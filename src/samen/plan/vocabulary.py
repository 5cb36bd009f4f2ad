"""The vocabulary of the plan's labels: what people write in cells (Dutch or
English names, codes, "Actielijn 2", "alle") mapped to codes, with the Dutch
labels an error names as accepted. Used by sheet_import."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.core.importing import headings as hd
from samen.core.importing import names as nm
from samen.core.importing.changes import shown

from . import document as doc
from .models import (
    Action,
    ActionLine,
    AgeGroup,
    ExploitationForm,
    Organisation,
    OrganisationType,
    StrategicGoal,
)

# The parts of the plan and the fields of an import's preview, by name (the
# web preview and the command's dry run show these, never the codes).
IMPORT_KINDS = {
    "plan": gettext_lazy("plan"),
    "exploitation forms": gettext_lazy("exploitation forms"),
    "age groups": gettext_lazy("age groups"),
    "organisation types": gettext_lazy("organisation types"),
    "organisations": gettext_lazy("organisations"),
    "strategic goals": gettext_lazy("strategic goals"),
    "action lines": gettext_lazy("action lines"),
    "actions": gettext_lazy("actions"),
    "plan versions": gettext_lazy("plan versions"),
}
# One item of a part, as a preview names it ("actie 1.1", not "acties 1.1").
ITEM_KINDS = {
    "plan": gettext_lazy("plan"),
    "exploitation forms": gettext_lazy("exploitation form"),
    "age groups": gettext_lazy("age group"),
    "organisation types": gettext_lazy("organisation type"),
    "organisations": gettext_lazy("organisation"),
    "strategic goals": gettext_lazy("strategic goal"),
    "action lines": gettext_lazy("action line"),
    "actions": gettext_lazy("action"),
    "plan versions": gettext_lazy("plan version"),
}
FIELD_LABELS = {
    "code": gettext_lazy("Number"),
    "kind": gettext_lazy("Kind"),
    "action_line": gettext_lazy("Action line"),
    "title_nl": gettext_lazy("Action"),
    "title_en": gettext_lazy("Title (EN)"),
    "description_nl": gettext_lazy("Description"),
    "description_en": gettext_lazy("Description (EN)"),
    "strategic_goals": gettext_lazy("Strategic goals"),
    "holders": gettext_lazy("Action holders"),
    "involved": gettext_lazy("Involved organisations"),
    "exploitation_forms": gettext_lazy("Exploitation forms"),
    "age_groups": gettext_lazy("Age groups"),
    "period": gettext_lazy("Period"),
    "status": gettext_lazy("Status"),
    "milestones": gettext_lazy("Milestones"),
    "source": gettext_lazy("Source"),
    "confirmed": gettext_lazy("Confirmed"),
    "inferred": gettext_lazy("Inferred fields"),
    "note": gettext_lazy("Note"),
    "demo": gettext_lazy("Demo data"),
    "short_name": gettext_lazy("Short name"),
    "name": gettext_lazy("Name"),
    "aliases": gettext_lazy("Also written as"),
    "type": gettext_lazy("Type"),
}

ALL_WORDS = {"all", "alle", "alle vormen", "alle leeftijden", "allen", "all ages", "all forms"}


class Vocabulary:
    """Labels people write in cells (Dutch or English), mapped to codes, with
    the Dutch labels to name in an error."""

    KINDS = ("action_line", "strategic_goals", "exploitation_forms", "age_groups", "status", "kind")

    def __init__(self) -> None:
        self.maps: dict[str, dict[str, str]] = {k: {} for k in self.KINDS}
        self.accepted: dict[str, list[str]] = {k: [] for k in self.KINDS}
        # The same in English, named when the UI speaks English.
        self.accepted_en: dict[str, list[str]] = {k: [] for k in self.KINDS}
        self.line_numbers: dict[str, int] = {}
        self.lines_by_number: dict[int, str] = {}
        self.organisations = nm.NameIndex()
        for language in ("en", "nl"):  # a sheet may be in either language
            with translation.override(language):
                for status in Action.Status:
                    self.add("status", status.value, str(status.label))
                    accepted = self.accepted if language == "nl" else self.accepted_en
                    accepted["status"].append(str(status.label))
        for code, *labels in (
            ("unknown", "onbekend", "niet vastgesteld", "not recorded"),
            ("planned", "gepland", "nog niet gestart", "niet gestart", "not started"),
            ("running", "lopend", "loopt", "in uitvoering", "ongoing", "in progress"),
            ("completed", "afgerond", "gereed", "done", "finished"),
            ("stopped", "gestopt", "beëindigd", "stopped"),
        ):
            self.add("status", code, *labels)
        self.add("kind", "action", "actie")
        self.add("kind", "theme", "thema")
        self.accepted["kind"] = ["actie", "thema"]
        self.accepted_en["kind"] = ["action", "theme"]

    def add(self, kind: str, code: str, *names: Any) -> None:
        for name in (code, *names):
            if name not in (None, ""):
                self.maps[kind].setdefault(hd.heading_key(name), code)

    def add_line(self, code: str, number: int | None, name_nl: Any, name_en: Any) -> None:
        extra = [f"actielijn {number}", f"action line {number}", str(number)] if number else []
        for n in (name_nl, name_en):
            if number and n:
                extra += [f"actielijn {number}: {n}", f"action line {number}: {n}"]
        if number:
            extra += [
                f"actielijn {number} (naam niet gevonden)",
                f"action line {number} (name not found)",
            ]
            self.line_numbers[code] = number
            self.lines_by_number[number] = code
        self.add("action_line", code, name_nl, name_en, *extra)
        self.accepted["action_line"].append(
            f"Actielijn {number}" if number else str(name_nl or code)
        )
        self.accepted_en["action_line"].append(
            f"Action line {number}" if number else str(name_en or name_nl or code)
        )

    def load(self, raw: dict[str, Any], new_organisations: list[dict[str, Any]]) -> None:
        """Everything known: the database, the sheets of this file, the user's choices."""
        for line in ActionLine.objects.all():
            self.add_line(line.code, line.number, line.name_nl, line.name_en)
        for goal in StrategicGoal.objects.all():
            n = goal.number
            self.add(
                "strategic_goals",
                goal.code,
                goal.name_nl,
                goal.name_en,
                f"sd{n}",
                f"doel {n}",
                f"goal {n}",
            )
            self.accepted["strategic_goals"].append(goal.code)
            self.accepted_en["strategic_goals"].append(goal.code)
        for model, kind in ((ExploitationForm, "exploitation_forms"), (AgeGroup, "age_groups")):
            for term in model.objects.all():
                self.add(kind, term.code, term.name_nl, term.name_en)
                self.accepted[kind].append(term.name_nl)
                self.accepted_en[kind].append(term.name_en or term.name_nl)
        for org in Organisation.objects.all():
            self.organisations.add(org.code, org.short_name, org.name, *(org.aliases or []))
        for line in raw.get("action_lines", []):
            number = line.get("number")
            self.add_line(
                str(line.get("code", "")),
                number if isinstance(number, int) else None,
                line.get("name_nl"),
                line.get("name_en"),
            )
        for goal in raw.get("strategic_goals", []):
            self.add(
                "strategic_goals",
                str(goal.get("code", "")),
                goal.get("name_nl"),
                goal.get("name_en"),
            )
        for kind in ("exploitation_forms", "age_groups"):
            for term in raw.get(kind, []):
                self.add(kind, str(term.get("code", "")), term.get("name_nl"), term.get("name_en"))
                self.accepted[kind].append(str(term.get("name_nl", "")))
                self.accepted_en[kind].append(str(term.get("name_en") or term.get("name_nl", "")))
        for org in [*raw.get("organisations", []), *new_organisations]:
            self.organisations.add(
                str(org.get("code", "")),
                str(org.get("short_name") or org.get("code", "")),
                org.get("name"),
                *doc.split_list(org["aliases"])
                if isinstance(org.get("aliases"), str)
                else org.get("aliases") or [],
            )

    def code(self, kind: str, value: Any) -> str | None:
        """The code for a label, doc.ALL for "alle", None when not known."""
        key = hd.heading_key(value)
        if str(value).strip().lower() in ALL_WORDS:
            return doc.ALL
        return self.maps[kind].get(key)


def unknown_label(kind: str, value: Any, vocabulary: Vocabulary) -> str:
    english = (translation.get_language() or "").startswith("en")
    accepted = (vocabulary.accepted_en if english else vocabulary.accepted).get(kind) or []
    nouns = {
        "exploitation_forms": _("exploitation form"),
        "age_groups": _("age group"),
        "strategic_goals": _("strategic goal"),
        "action_line": _("action line"),
        "status": _("status"),
        "kind": _("kind"),
    }
    message = _("%(what)s '%(value)s' is not known") % {"what": nouns[kind], "value": value}
    if accepted:
        message += "; " + _("accepted: %(labels)s") % {"labels": ", ".join(dict.fromkeys(accepted))}
    return message


def value_names() -> dict[str, dict[str, str]]:
    """Code -> name per field, so the preview shows names, never codes."""
    orgs = {o.code: o.short_name for o in Organisation.objects.all()}
    return {
        "holders": orgs,
        "involved": orgs,
        "action_line": {x.code: x.label for x in ActionLine.objects.all()},
        "exploitation_forms": {x.code: x.name for x in ExploitationForm.objects.all()},
        "age_groups": {x.code: x.name for x in AgeGroup.objects.all()},
        "strategic_goals": {x.code: x.code for x in StrategicGoal.objects.all()},
        "status": {str(k): str(v) for k, v in Action.Status.choices},
        "type": {x.code: x.name for x in OrganisationType.objects.all()},
    }


def named(field: str, value: Any, names: dict[str, dict[str, str]]) -> str:
    table = names.get(field)
    if table is None:
        return shown(value)
    if isinstance(value, list):
        return shown([table.get(v, v) for v in value])
    return shown(table.get(value, value) if isinstance(value, str) else value)
