"""How the audit trail reads to people: field labels, names and values in the
user's language, instead of field names (`funding_line`), codes and raw states
(`review_state: submitted → returned`).

Services store each object's state in its own document form (see ADR 0003); this
module only presents it. A field is labelled by its model field's verbose name,
else by LABELS; a value by its field's choices, by the name of what it refers to
(REFERENCES), or as a date, a yes/no or plain text. `present()` resolves every
reference on a page of events in one query per kind of object.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import AuditEvent, translated
from .templatetags.samen import display_value

# What a service did, by the `verb` it recorded.
VERBS: dict[str, Promise] = {
    "open": gettext_lazy("round opened"),
    "close": gettext_lazy("round closed"),
    "publish": gettext_lazy("round published"),
    "extension": gettext_lazy("extension granted"),
    "save": gettext_lazy("draft saved"),
    "submit": gettext_lazy("submitted"),
    "return": gettext_lazy("returned with a comment"),
    "approve": gettext_lazy("approved"),
    "edit-report-text": gettext_lazy("text for the report edited"),
    "reminder": gettext_lazy("reminder sent"),
    "import": gettext_lazy("imported"),
    "load": gettext_lazy("loaded from the bundled data"),
    "request-report": gettext_lazy("report file requested"),
    "revoke": gettext_lazy("API key revoked"),
    "unlock": gettext_lazy("login block lifted"),
    "password-change": gettext_lazy("password changed"),
    "password-reset": gettext_lazy("password reset through the e-mailed link"),
    "seal": gettext_lazy("audit trail sealed when signatures were introduced"),
    "reopen": gettext_lazy("round reopened"),
    "withdraw": gettext_lazy("publication withdrawn"),
    "unapprove": gettext_lazy("approval taken back"),
    "review-return": gettext_lazy("return comment in the review"),
    "review-reply": gettext_lazy("reply in the review"),
    "review-unapprove": gettext_lazy("reason for taking back an approval"),
    "review-approve": gettext_lazy("approval in the review"),
    "save-letter": gettext_lazy("letter saved as working text"),
    "adopt-letter": gettext_lazy("letter adopted for the report"),
    "notification-preferences": gettext_lazy("notification settings changed"),
    # impact monitor: publication of figures (samen.impact.publication)
    "propose-publication": gettext_lazy("proposed for publication"),
    "approve-publication": gettext_lazy("publication approved"),
    "reject-publication": gettext_lazy("publication rejected"),
    "withdraw-publication": gettext_lazy("publication of figures withdrawn"),
    "grant-unpublished": gettext_lazy("access to unpublished figures granted"),
    "revoke-unpublished": gettext_lazy("access to unpublished figures ended"),
    # impact monitor (issue 10): registrations and detection rates
    "link": gettext_lazy("registrations linked to an estimate"),
    "unlink": gettext_lazy("link between registrations and an estimate removed"),
    "cancel-run": gettext_lazy("estimation run cancelled"),
    # learning between partners (issue 15)
    "good-practice": gettext_lazy("marked as good practice"),
    "not-good-practice": gettext_lazy("no longer marked as good practice"),
    "publish-entry": gettext_lazy("published in the learning space"),
    "withdraw-entry": gettext_lazy("publication in the learning space withdrawn"),
    "close-question": gettext_lazy("question closed"),
}

# Labels of state keys that are not model fields, or whose field has no label of its own.
LABELS: dict[str, Promise] = {
    "version": gettext_lazy("version"),
    "review_state": gettext_lazy("review state"),
    "published": gettext_lazy("published"),
    "published_at": gettext_lazy("published on"),
    "published_updates": gettext_lazy("published updates"),
    "updates_created": gettext_lazy("updates created"),
    "snapshot_updates": gettext_lazy("updates in the frozen result"),
    "report_achievements": gettext_lazy("achievements (text for the report)"),
    "report_obstacles": gettext_lazy("obstacles (text for the report)"),
    "report_help_needed": gettext_lazy("help needed (text for the report)"),
    "demo": gettext_lazy("demo data"),
    "actions": gettext_lazy("actions"),
    "action": gettext_lazy("action"),
    "round": gettext_lazy("reporting round"),
    "organisation": gettext_lazy("organisation"),
    "funding_line": gettext_lazy("funding line"),
    "ministry": gettext_lazy("ministry"),
    "until": gettext_lazy("until"),
    "recipients": gettext_lazy("recipients"),
    "format": gettext_lazy("file format"),
    "language": gettext_lazy("language"),
    "layer": gettext_lazy("text layer"),
    "holders": gettext_lazy("action holders"),
    "involved": gettext_lazy("involved organisations"),
    "strategic_goals": gettext_lazy("strategic goals"),
    "exploitation_forms": gettext_lazy("forms of exploitation"),
    "age_groups": gettext_lazy("age groups"),
    "action_line": gettext_lazy("action line"),
    "milestones": gettext_lazy("milestones"),
    "indicators": gettext_lazy("indicators"),
    "targets": gettext_lazy("targets"),
    "values": gettext_lazy("reported values"),
    "indicator_values": gettext_lazy("values of the defined indicators"),
    "period": gettext_lazy("period"),
    "type": gettext_lazy("type"),
    "code": gettext_lazy("code"),
    "order": gettext_lazy("order"),
    "kind": gettext_lazy("kind"),
    "title": gettext_lazy("title"),
    "ambition": gettext_lazy("ambition"),
    "ambition_source": gettext_lazy("source of the ambition"),
    "country": gettext_lazy("country"),
    "dossier": gettext_lazy("parliamentary dossier"),
    "is_demo": gettext_lazy("demo data"),
    "retired": gettext_lazy("no longer in use"),
    "inferred": gettext_lazy("inferred fields"),
    "snapshot": gettext_lazy("actions in this version"),
    "name": gettext_lazy("name"),
    "aliases": gettext_lazy("also written as"),
    "hint": gettext_lazy("first characters"),
    "expires_at": gettext_lazy("expires on"),
    "revoked_at": gettext_lazy("revoked on"),
    "tokens_revoked": gettext_lazy("API keys revoked"),
    "via": gettext_lazy("through"),
    "attempts_removed": gettext_lazy("failed attempts cleared"),
    "events": gettext_lazy("events"),
    "hash": gettext_lazy("fingerprint (hash)"),
    "at": gettext_lazy("at"),
    "frame": gettext_lazy("frame"),
    "withdrawn": gettext_lazy("withdrawn"),
    "withdrawn_at": gettext_lazy("withdrawn on"),
    "text": gettext_lazy("text"),
    "update": gettext_lazy("progress update"),
    "reason": gettext_lazy("reason"),
    "public_texts_cleared": gettext_lazy("public texts removed"),
    "decided_at": gettext_lazy("decided on"),
    "dataset": gettext_lazy("dataset"),
    "method": gettext_lazy("method"),
    # impact monitor (issue 10): the link between registrations and an estimate
    "register": gettext_lazy("register"),
    "external_estimate": gettext_lazy("published estimate"),
    "run": gettext_lazy("estimation run"),
    "exploitation_form": gettext_lazy("exploitation form"),
    "age_group": gettext_lazy("age group"),
    "cancel_requested": gettext_lazy("cancellation requested"),
    "confirmed_despite": gettext_lazy("linked despite"),
}

# State keys that hold a reference: (model, the field the state stores, what to show).
REFERENCES: dict[str, tuple[str, str, str]] = {
    "funding_line": ("budget.FundingLine", "code", "name"),
    "ministry": ("plan.Organisation", "code", "short_name"),
    "organisation": ("plan.Organisation", "code", "name"),
    "holders": ("plan.Organisation", "code", "short_name"),
    "involved": ("plan.Organisation", "code", "short_name"),
    "round": ("reporting.ReportingRound", "pk", "title"),
    "action_line": ("plan.ActionLine", "code", "label"),
    "strategic_goals": ("plan.StrategicGoal", "code", "name"),
    "exploitation_forms": ("plan.ExploitationForm", "code", "name"),
    "age_groups": ("plan.AgeGroup", "code", "name"),
    "type": ("plan.OrganisationType", "code", "name"),
    "register": ("impact.Register", "code", "name"),
    "dataset": ("impact.OverlapDataset", "pk", "name"),
    "exploitation_form": ("plan.ExploitationForm", "code", "name"),
    "age_group": ("plan.AgeGroup", "code", "name"),
}

LANGUAGES = {"nl": gettext_lazy("Dutch"), "en": gettext_lazy("English")}
# Values of state keys that have no model field with choices.
VALUES: dict[str, dict[str, Promise]] = {
    "language": LANGUAGES,
    "layer": {"report": gettext_lazy("for the programme team"), "public": gettext_lazy("public")},
    "frame": {
        "report": gettext_lazy("the report on its own"),
        "letter": gettext_lazy("the report in a letter to parliament"),
    },
    "via": {
        "change": gettext_lazy("the person's own account page"),
        "reset": gettext_lazy("the e-mailed link"),
        "e-mail": gettext_lazy("the e-mailed link"),
        "programme": gettext_lazy("the programme team"),
    },
}
MONEY = {"amount", "amount_per_year"}  # decimal strings, shown in euros
COUNTED_ACTIONS = {"snapshot"}  # a version's actions, shown as how many
COUNTED = {"published_updates"}  # lists of ids, shown as how many


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    """One audit event as people read it."""

    event: AuditEvent
    what: str  # "changed: submitted"
    object_label: str  # "progress update"
    who: str
    changes: list[Change]


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """The kind of object, as people call it ("voortgangsupdate")."""
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model else object_type


def field_label(model: type[models.Model] | None, key: str) -> str:
    """The label of a state key (see known_label); the key with spaces as a last resort."""
    return known_label(model, key) or key.replace("_", " ")


def known_label(model: type[models.Model] | None, key: str) -> str | None:
    """The model field's own label, else the one in LABELS (also for `name_nl`-style
    keys: "name (Dutch)"); None when there is none (tests/core/test_audit_display.py
    fails on such a key)."""
    field = _field(model, key)
    if field is not None and isinstance(field.verbose_name, Promise):
        return str(field.verbose_name)
    if key in LABELS:
        return str(LABELS[key])
    for suffix, language in LANGUAGES.items():
        base = key.removesuffix(f"_{suffix}")
        if base != key and base in LABELS:
            return f"{LABELS[base]} ({language})"
    return None


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def present(events: Iterable[AuditEvent]) -> list[EventRow]:
    """Rows for the audit trail's table, with every reference on the page resolved:
    one query per kind of referenced object."""
    events = list(events)
    names = _names([state for e in events for state in (e.before or {}, e.after or {})])
    return [_row(event, names) for event in events]


def describe(
    object_type: str, changes: Iterable[Iterable[tuple[str, Any, Any]]]
) -> list[list[Change]]:
    """Changes to objects of one kind, each a list of (key, before, after) in the
    document form the services store (also the form plan versions are compared
    in), as people read them. One query per kind of referenced object."""
    changes = [list(triples) for triples in changes]
    names = _names(
        [{key: value} for triples in changes for key, *values in triples for value in values]
    )
    model = model_for(object_type)
    return [
        [
            Change(
                field_label(model, key),
                _value(model, key, before, names),
                _value(model, key, after, names),
            )
            for key, before, after in triples
        ]
        for triples in changes
    ]


def _names(states: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, str]]:
    """The names of everything the states refer to (REFERENCES), by model and value."""
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for state in states:
        for key, value in state.items():
            if key in REFERENCES:
                model, lookup, _show = REFERENCES[key]
                values = value if isinstance(value, list) else [value]
                wanted[model, lookup] |= {str(v) for v in values if v not in (None, "")}
    names: dict[tuple[str, str], dict[str, str]] = {}
    for (label, lookup), values in wanted.items():
        model = model_for(label)
        if model is None or not values:
            continue
        show = next(s for m, lk, s in REFERENCES.values() if m == label and lk == lookup)
        names[label, lookup] = {
            str(getattr(obj, lookup)): str(getattr(obj, show))
            for obj in model.objects.filter(**{f"{lookup}__in": values})
        }
    return names


def _row(event: AuditEvent, names: dict[tuple[str, str], dict[str, str]]) -> EventRow:
    model = model_for(event.object_type)
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    changes = [
        Change(
            field_label(model, key),
            _value(model, key, before.get(key), names),
            _value(model, key, after.get(key), names),
        )
        for key in keys
        if before.get(key) != after.get(key)
    ]
    what = str(event.get_kind_display())
    if event.verb:
        what = str(VERBS.get(event.verb, event.verb))
    if event.actor_name == "system":
        who = _("the system")
    else:  # the person's name where the account still exists (events keep the username)
        who = event.actor.display_name if event.actor else event.actor_name
    return EventRow(event, what, type_label(event.object_type), who, changes)


def _value(
    model: type[models.Model] | None,
    key: str,
    value: Any,
    names: dict[tuple[str, str], dict[str, str]],
) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "format" and isinstance(value, str):
        return value.upper()  # DOCX, PDF, HTML: as people write file formats
    if key in REFERENCES:
        model_label, lookup, _show = REFERENCES[key]
        found = names.get((model_label, lookup), {})
        values = value if isinstance(value, list) else [value]
        return ", ".join(found.get(str(v), str(v)) for v in values)
    field = _field(model, key)
    if field is not None and field.choices:
        choices = {str(k): str(v) for k, v in field.flatchoices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(choices.get(str(v), str(v)) for v in values)
    if key in VALUES:
        return str(VALUES[key].get(value, value))
    if key in MONEY:
        try:
            amount = number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
        except InvalidOperation:
            return str(value)
        return f"€ {amount}"
    if key in COUNTED_ACTIONS and isinstance(value, list):
        return ngettext("%(count)s action", "%(count)s actions", len(value)) % {"count": len(value)}
    if key in COUNTED and isinstance(value, list):
        return ngettext("%(count)s update", "%(count)s updates", len(value)) % {"count": len(value)}
    if key == "milestones" and isinstance(value, list):
        return "; ".join(translated(m, "title") if isinstance(m, dict) else str(m) for m in value)
    if key == "indicators" and isinstance(value, list):
        from samen.indicators.display import describe_indicators  # issue 14

        return describe_indicators(value)
    if isinstance(value, str):
        return _date_text(value) or value
    return display_value(value)


def _date_text(value: str) -> str:
    """An ISO date or date-time, as people write it; "" when it is neither."""
    if len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return ""
    try:
        moment = parse_datetime(value) if len(value) > 10 else None
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "j F Y H:i")
        day = parse_date(value)
    except ValueError:
        return ""
    return date_format(day, "j F Y") if isinstance(day, dt.date) else ""
