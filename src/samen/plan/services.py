"""Writes to the plan. Every write runs in one transaction and leaves an
audit event per object it creates, changes or deletes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from samen.core import audit
from samen.core.importing.changes import Preview, preview_lines
from samen.indicators.document import write_indicators

from . import document as doc
from .models import (
    Action,
    ActionLine,
    ActionOrganisation,
    AgeGroup,
    ExploitationForm,
    Milestone,
    Organisation,
    OrganisationType,
    Plan,
    PlanVersion,
    StrategicGoal,
)
from .selectors import action_data, known_codes


@dataclass
class ImportReport:
    dry_run: bool = False
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    not_in_file: dict[str, list[str]] = field(default_factory=dict)
    preview: Preview = field(default_factory=Preview)
    understood: Any = None  # sheet_import.Understood, for spreadsheets

    def lines(self, detail: bool = True) -> list[str]:
        """The report as text in the active language (the command's: Dutch by
        default); `detail`: also every change, field by field, by name."""
        from .vocabulary import FIELD_LABELS, IMPORT_KINDS, ITEM_KINDS, named, value_names

        def kind_label(kind: str) -> str:
            return str(IMPORT_KINDS.get(kind, kind))

        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        out = [
            _("%(kind)s: %(created)s created, %(updated)s changed, %(unchanged)s unchanged")
            % {
                "kind": kind_label(kind),
                "created": self.created[kind],
                "updated": self.updated[kind],
                "unchanged": self.unchanged[kind],
            }
            for kind in kinds
        ]
        for kind, codes in self.not_in_file.items():
            if codes:
                out.append(
                    _("%(kind)s in the database but not in the file (left as they are): %(codes)s")
                    % {"kind": kind_label(kind), "codes": ", ".join(codes)}
                )
        if detail:
            names = value_names()
            out += preview_lines(
                self.preview,
                kind_label=lambda kind: str(ITEM_KINDS.get(kind, kind)),
                field_label=lambda f: str(FIELD_LABELS.get(f, f)),
                value=lambda f, v: named(f, v, names),
            )
        if self.understood is not None:
            out = [*self.understood.lines(), *out]
        if self.dry_run:
            out.append(_("Dry run: nothing was written."))
        return out

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class PreviewOutdated(Exception):
    """The plan changed between the preview and the confirmation; nothing was written."""


@dataclass(frozen=True)
class Additions:
    """Organisations the user added in the web import, and names the user
    mapped to existing organisations (code -> names), kept as their aliases."""

    organisations: tuple[doc.OrganisationData, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


def import_document(
    document: doc.PlanDocument,
    *,
    actor: Any = None,
    dry_run: bool = False,
    additions: Additions | None = None,
    expected: str | None = None,
) -> ImportReport:
    """Load a parsed plan document: create what is new, change what differs,
    leave the rest. Running it twice changes nothing the second time.

    The change is computed once, without writing (a dry run stops there: the
    preview), and then written as computed. `expected`: the digest of the
    preview the user confirmed; when the change differs from it (the database
    changed in between), nothing is written and PreviewOutdated is raised.
    One transaction."""
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        loader = _Loader(actor, report)
        if additions:
            loader.load_additions(additions)
        loader.load(document)
        if expected is not None and report.preview.digest != expected:
            raise PreviewOutdated
        if not dry_run:
            loader.write()
    return report


def parse_and_import(
    raw: Any,
    *,
    actor: Any = None,
    dry_run: bool = False,
    locate: Callable[[doc.Path], str] | None = None,
    filename: str = "",
    additions: Mapping[str, Any] | None = None,
    expected: str | None = None,
) -> ImportReport:
    """Check a raw document against the database and import it.

    `locate` may be a spreadsheet reader (sheet_import.SheetReader): its own
    errors are reported together with the document checks, in one pass.
    `additions`: {"organisations": [organisation documents], "aliases": {code:
    [names]}} from the web mapping step. Raises PlanDocumentInvalid with every
    error, or PreviewOutdated (see import_document)."""
    known = known_codes()
    errors = list(getattr(locate, "errors", []))
    understood = getattr(locate, "understood", None)
    extra = Additions()
    if additions:
        new = additions.get("organisations") or []
        try:
            parsed_new = doc.parse_document({"organisations": new}, known, filename=filename)
        except doc.PlanDocumentInvalid as exc:
            errors += exc.errors
        else:
            extra = Additions(
                tuple(parsed_new.organisations or ()),
                {c: tuple(n) for c, n in (additions.get("aliases") or {}).items()},
            )
            known.organisations |= {o.code for o in extra.organisations}
    try:
        parsed = doc.parse_document(raw, known, locate=locate, filename=filename)
    except doc.PlanDocumentInvalid as exc:
        flagged = {e.location for e in errors}
        errors += [e for e in exc.errors if e.location not in flagged]
    if errors:
        raise doc.PlanDocumentInvalid(errors, filename, understood=understood)
    report = import_document(
        parsed, actor=actor, dry_run=dry_run, additions=extra, expected=expected
    )
    report.understood = understood
    return report


def _state(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.code if isinstance(value, models.Model) else value
    return out


class _Loader:
    """Computes the change (the preview and the counts) without writing, as a
    list of steps; `write()` then makes exactly those steps, with an audit
    event for each. Rows changed twice in one import (an organisation the user
    mapped a name to, then listed in the file) are the same object in both."""

    def __init__(self, actor: Any, report: ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.pending: dict[tuple[type[models.Model], tuple[Any, ...]], models.Model] = {}
        self.steps: list[Callable[[], None]] = []
        self.actions_after: dict[str, dict[str, Any]] = {}

    def upsert(
        self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], kind: str
    ) -> None:
        """Create or change one row (when written), auditing the difference."""
        key = (model, tuple(sorted(lookup.items())))
        obj = self.pending.get(key) or model.objects.filter(**lookup).first()
        fields = [*lookup, *values]
        if obj is None:
            obj = model(**lookup, **values)
            self.pending[key] = obj
            self.report.preview.add(kind, str(getattr(obj, "code", "")), None, _state(obj, values))
            after = _state(obj, fields)
            self.steps.append(lambda: self._save(obj, "create", None, after))
            self.report.created[kind] += 1
            return
        before = _state(obj, fields)
        for name, value in values.items():
            setattr(obj, name, value)
        after = _state(obj, fields)
        if before == after:
            self.report.unchanged[kind] += 1
            return
        self.pending[key] = obj
        self.report.preview.add(kind, str(getattr(obj, "code", "")), before, after)
        self.steps.append(lambda: self._save(obj, "update", before, after))
        self.report.updated[kind] += 1

    def _save(
        self, obj: models.Model, kind: str, before: dict[str, Any] | None, after: dict[str, Any]
    ) -> None:
        obj.save()
        audit.record(
            actor=self.actor, kind=kind, obj=obj, before=before, after=after, verb="import"
        )

    def rows(self, model: type[models.Model]) -> dict[str, Any]:
        """Code -> row: those in the database and those this import adds."""
        out: dict[str, Any] = {x.code: x for x in model.objects.all()}
        out.update({o.code: o for (m, _l), o in self.pending.items() if m is model})
        return out

    def write(self) -> None:
        """Make the computed change, step by step, in the caller's transaction."""
        for step in self.steps:
            step()

    def note_missing(self, kind: str, model: type[models.Model], codes: Iterable[str]) -> None:
        missing = model.objects.exclude(code__in=list(codes)).values_list("code", flat=True)
        self.report.not_in_file[kind] = sorted(missing)

    def load(self, d: doc.PlanDocument) -> None:
        if d.plan is not None:
            self.load_plan(d.plan)
        for section, model, kind in (
            (d.exploitation_forms, ExploitationForm, "exploitation forms"),
            (d.age_groups, AgeGroup, "age groups"),
            (d.organisation_types, OrganisationType, "organisation types"),
        ):
            if section is None:
                continue
            for term in section:
                self.upsert(
                    model,
                    {"code": term.code},
                    {"name_nl": term.name_nl, "name_en": term.name_en, "order": term.order},
                    kind,
                )
            self.note_missing(kind, model, (t.code for t in section))
        if d.organisations is not None:
            self.load_organisations(d.organisations)
            self.note_missing("organisations", Organisation, (o.code for o in d.organisations))
        for section, model, kind in (
            (d.strategic_goals, StrategicGoal, "strategic goals"),
            (d.action_lines, ActionLine, "action lines"),
        ):
            if section is None:
                continue
            for goal in section:
                self.upsert(
                    model,
                    {"code": goal.code},
                    {
                        "number": goal.number,
                        "name_nl": goal.name_nl,
                        "name_en": goal.name_en,
                        **_provenance(goal.provenance),
                    },
                    kind,
                )
            self.note_missing(kind, model, (g.code for g in section))
        if d.actions is not None:
            self.load_actions(d.actions)
        if d.versions is not None:
            self.load_versions(d.versions)

    def load_organisations(self, organisations: Iterable[doc.OrganisationData]) -> None:
        types = self.rows(OrganisationType)
        for org in organisations:
            self.upsert(
                Organisation,
                {"code": org.code},
                {
                    "short_name": org.short_name,
                    "name": org.name,
                    "aliases": list(org.aliases),
                    "type": types[org.type],
                    **_provenance(org.provenance),
                },
                "organisations",
            )

    def load_additions(self, additions: Additions) -> None:
        self.load_organisations(additions.organisations)
        for code, names in additions.aliases.items():
            org = self.pending.get((Organisation, (("code", code),))) or (
                Organisation.objects.filter(code=code).first()
            )
            if org is None:
                continue
            aliases = list(dict.fromkeys([*(org.aliases or []), *names]))
            self.upsert(Organisation, {"code": code}, {"aliases": aliases}, "organisations")

    def load_plan(self, meta: doc.PlanMeta) -> None:
        values = {
            "code": meta.code,
            "title_nl": meta.title_nl,
            "title_en": meta.title_en,
            "country": meta.country,
            "dossier": meta.dossier,
            "ambition_nl": meta.ambition_nl,
            "ambition_en": meta.ambition_en,
            "ambition_source": meta.ambition_source,
            "is_demo": meta.demo,
        }
        existing = Plan.objects.first()
        lookup = {"pk": existing.pk} if existing else {"code": meta.code}
        if existing is None:
            values.pop("code")
        self.upsert(Plan, lookup, values, "plan")

    def load_actions(self, actions: Iterable[doc.ActionData]) -> None:
        existing = {a.code: a for a in Action.objects.for_document()}
        lookups: list[_Lookups] = []  # made when writing: after the organisations etc.
        for data in actions:
            action = existing.get(data.code)
            before = action_data(action).as_dict() if action else None
            after = data.as_dict()
            if data.indicators is None and before:  # not in the file: left as they are
                after["indicators"] = before["indicators"]
            self.actions_after[data.code] = after
            if before == after:
                self.report.unchanged["actions"] += 1
                continue
            self.report.preview.add(
                "actions", data.code, before, after if before else doc.compact_action(after)
            )
            self.steps.append(
                lambda action=action, data=data, before=before, after=after: self._write_action(
                    action, data, before, after, lookups
                )
            )
            (self.report.updated if before else self.report.created)["actions"] += 1
        self.note_missing("actions", Action, (a.code for a in actions))

    def _write_action(
        self,
        action: Action | None,
        data: doc.ActionData,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        lookups: list[_Lookups],
    ) -> None:
        if not lookups:
            lookups.append(_Lookups())
        action = write_action(action, data, lookups[0])
        audit.record(
            actor=self.actor,
            kind="update" if before else "create",
            obj=action,
            before=before,
            after=after,
            verb="import",
        )

    def load_versions(self, versions: Iterable[doc.VersionData]) -> None:
        current = {a.code: a for a in Action.objects.for_document()}
        for version in versions:
            snapshot = [
                entry.as_dict()
                if isinstance(entry, doc.ActionData)
                else self.actions_after.get(entry) or action_data(current[entry]).as_dict()
                for entry in version.actions
            ]
            self.upsert(
                PlanVersion,
                {"code": version.code},
                {
                    "date": version.date,
                    "title_nl": version.title_nl,
                    "title_en": version.title_en,
                    "source": version.source,
                    "snapshot": snapshot,
                },
                "plan versions",
            )


def _provenance(p: doc.ProvenanceData) -> dict[str, Any]:
    return {
        "source": p.source,
        "confirmed": p.confirmed,
        "inferred_fields": list(p.inferred),
        "note": p.note,
    }


class _Lookups:
    """Code -> row maps, loaded once per import."""

    def __init__(self) -> None:
        self.lines = {x.code: x for x in ActionLine.objects.all()}
        self.goals = {x.code: x for x in StrategicGoal.objects.all()}
        self.forms = {x.code: x for x in ExploitationForm.objects.all()}
        self.ages = {x.code: x for x in AgeGroup.objects.all()}
        self.orgs = {x.code: x for x in Organisation.objects.all()}


def write_action(
    action: Action | None, data: doc.ActionData, lookups: _Lookups | None = None
) -> Action:
    """Make the database row (and its relations) equal to `data`."""
    lookups = lookups or _Lookups()
    action = action or Action(code=data.code)
    action.kind = data.kind
    action.action_line = lookups.lines[data.action_line] if data.action_line else None
    action.title_nl, action.title_en = data.title_nl, data.title_en
    action.description_nl, action.description_en = data.description_nl, data.description_en
    action.period_start, action.period_end = data.period_start, data.period_end
    action.status = data.status
    action.is_demo = data.demo
    for name, value in _provenance(data.provenance).items():
        setattr(action, name, value)
    action.save()
    action.strategic_goals.set([lookups.goals[c] for c in data.strategic_goals])
    action.exploitation_forms.set([lookups.forms[c] for c in data.exploitation_forms])
    action.age_groups.set([lookups.ages[c] for c in data.age_groups])
    ActionOrganisation.objects.filter(action=action).delete()
    ActionOrganisation.objects.bulk_create(
        [
            ActionOrganisation(action=action, organisation=lookups.orgs[c], role=role, order=i)
            for role, codes in (("holder", data.holders), ("involved", data.involved))
            for i, c in enumerate(codes)
        ]
    )
    Milestone.objects.filter(action=action).delete()
    Milestone.objects.bulk_create(
        [
            Milestone(
                action=action,
                order=i,
                title_nl=m.title_nl,
                title_en=m.title_en,
                due_date=m.due,
                done_date=m.done,
            )
            for i, m in enumerate(data.milestones)
        ]
    )
    if data.indicators is not None:  # issue 14
        write_indicators(action, data.indicators)
    return action
