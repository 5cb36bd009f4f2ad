"""The bundled victim statistics (src/samen/data/impact.yaml) and any file in that format:
registers, registrations, published estimates and the links between them. Checked
completely before anything is written; every error names where it is. Loading is
idempotent (`samen load-impact`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.core import audit
from samen.plan import document as doc
from samen.plan.models import AgeGroup, ExploitationForm, Organisation

from .detection import link_state
from .models import DetectionLink, ExternalEstimate, PublicationProposal, Register
from .models.registrations import Status
from .registrations import Cell, write_cells

SCHEMA = "samen-impact/1"
BUNDLED_IMPACT = Path(__file__).resolve().parent.parent / "data" / "impact.yaml"
YEARS = (1990, 2100)
REGISTRATION_KEYS = ("register", "year", "exploitation_form", "age_group", "count", "status")
REGISTRATION_KEYS += ("note", "source")
ESTIMATE_KEYS = ("period_start", "period_end", "estimate_per_year", "lower", "upper", "method")
ESTIMATE_KEYS += ("population_definition", "source")
# Until the publication part's own flow creates them, the bundled figures count as
# published through one approved proposal per register, proposed by nobody: the source
# published them already. The note says so on every page that lists proposals.
PUBLISHED_BY_SOURCE = "Published by the source; loaded from the bundled data (samen load-impact)."


@dataclass(frozen=True)
class RegisterData:
    code: str
    name_nl: str
    name_en: str = ""
    organisation: str | None = None
    definition: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class EstimateData:
    period_start: int
    period_end: int
    estimate_per_year: int
    lower: int | None
    upper: int | None
    method: str = ""
    population_definition: str = ""
    source_url: str = ""

    @property
    def key(self) -> str:
        return f"{self.period_start}-{self.period_end}"


@dataclass(frozen=True)
class LinkData:
    register: str
    estimate: str  # "2014-2015": the estimate's period
    exploitation_form: str | None = None
    age_group: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Bundle:
    registers: list[RegisterData]
    cells: list[Cell]
    estimates: list[EstimateData]
    links: list[LinkData]


def read_file(path: Path) -> Bundle:
    """Read and check a file; raise ``PlanDocumentInvalid`` with every error found."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise doc.PlanDocumentInvalid(
            [doc.DocumentError((), _("not valid YAML: %(error)s") % {"error": exc})], path.name
        ) from exc
    return parse(raw, path.name)


def parse(raw: Any, filename: str = "") -> Bundle:
    """Check a mapping in the impact format against the plan's codes (exploitation forms,
    age groups, organisations in the database); raise ``PlanDocumentInvalid`` with every
    error, each with its path (e.g. ``registrations[3].count``)."""
    check = doc.Checker(None)
    top = check.mapping(
        raw, (), ("schema", "registers", "registrations", "estimates", "detection_links")
    )
    if top.get("schema") != SCHEMA:
        check.error(
            ("schema",),
            _("expected '%(expected)s', got '%(value)s'")
            % {"expected": SCHEMA, "value": top.get("schema")},
        )
    forms = set(ExploitationForm.objects.values_list("code", flat=True))
    ages = set(AgeGroup.objects.values_list("code", flat=True))
    organisations = set(Organisation.objects.values_list("code", flat=True))

    def known(data: dict, key: str, path: doc.Path, codes: set[str], what: str) -> str | None:
        value = check.text(data, key, path, max_length=60) or None
        if value and value not in codes:
            check.error(
                (*path, key),
                _("'%(value)s' is not known; expected one of: %(codes)s")
                % {"value": value, "codes": ", ".join(sorted(codes))},
            )
        return value

    registers = []
    for i, item in enumerate(check.items(top.get("registers"), ("registers",))):
        path: doc.Path = ("registers", i)
        data = check.mapping(
            item, path, ("code", "name_nl", "name_en", "organisation", "definition", "source")
        )
        registers.append(
            RegisterData(
                code=check.code(data, "code", path),
                name_nl=check.text(data, "name_nl", path, required=True, max_length=200),
                name_en=check.text(data, "name_en", path, max_length=200),
                organisation=known(data, "organisation", path, organisations, "organisation"),
                definition=check.text(data, "definition", path, max_length=2000),
                source_url=check.text(data, "source", path, max_length=500),
            )
        )
    register_codes = {r.code for r in registers} | set(
        Register.objects.values_list("code", flat=True)
    )
    cells = []
    for i, item in enumerate(check.items(top.get("registrations"), ("registrations",))):
        path = ("registrations", i)
        data = check.mapping(
            item,
            path,
            REGISTRATION_KEYS,
        )
        status = check.text(data, "status", path) or Status.PUBLISHED
        if status not in Status.values:
            check.error(
                (*path, "status"),
                _("'%(value)s' is not known; expected one of: %(codes)s")
                % {"value": status, "codes": ", ".join(Status.values)},
            )
        cells.append(
            Cell(
                register=known(data, "register", path, register_codes, "register") or "",
                year=check.integer(data, "year", path, required=True, low=YEARS[0], high=YEARS[1])
                or 0,
                count=check.integer(data, "count", path, required=True, high=10_000_000) or 0,
                exploitation_form=known(data, "exploitation_form", path, forms, "form"),
                age_group=known(data, "age_group", path, ages, "age"),
                status=status,
                note=check.text(data, "note", path, max_length=2000),
                source_url=check.text(data, "source", path, max_length=500),
            )
        )
    seen: dict[tuple, int] = {}
    for i, cell in enumerate(cells):
        if cell.key in seen:
            check.error(
                ("registrations", i),
                _("the same cell as registrations[%(other)s]") % {"other": seen[cell.key]},
            )
        seen.setdefault(cell.key, i)
    estimates = []
    for i, item in enumerate(check.items(top.get("estimates"), ("estimates",))):
        path = ("estimates", i)
        data = check.mapping(
            item,
            path,
            ESTIMATE_KEYS,
        )
        low, high = YEARS
        start = check.integer(data, "period_start", path, required=True, low=low, high=high)
        end = check.integer(data, "period_end", path, required=True, low=low, high=high)
        value = check.integer(data, "estimate_per_year", path, required=True, high=10**9)
        lower = check.integer(data, "lower", path, high=10**9)
        upper = check.integer(data, "upper", path, high=10**9)
        if start and end and end < start:
            check.error((*path, "period_end"), _("is before the first year"))
        if None not in (value, lower, upper) and not lower <= value <= upper:
            check.error(
                (*path, "estimate_per_year"),
                _("expected the estimate between its lower and upper bound"),
            )
        estimates.append(
            EstimateData(
                period_start=start or 0,
                period_end=end or 0,
                estimate_per_year=value or 0,
                lower=lower,
                upper=upper,
                method=check.text(data, "method", path, max_length=300),
                population_definition=check.text(data, "population_definition", path),
                source_url=check.text(data, "source", path, max_length=500),
            )
        )
    periods = {e.key for e in estimates}
    links = []
    for i, item in enumerate(check.items(top.get("detection_links"), ("detection_links",))):
        path = ("detection_links", i)
        data = check.mapping(
            item, path, ("register", "estimate", "exploitation_form", "age_group", "note")
        )
        links.append(
            LinkData(
                register=known(data, "register", path, register_codes, "register") or "",
                estimate=known(data, "estimate", path, periods, "estimate") or "",
                exploitation_form=known(data, "exploitation_form", path, forms, "form"),
                age_group=known(data, "age_group", path, ages, "age"),
                note=check.text(data, "note", path, max_length=2000),
            )
        )
    if check.errors:
        raise doc.PlanDocumentInvalid(check.errors, filename)
    return Bundle(registers, cells, estimates, links)


def _register_state(r: Register) -> dict[str, Any]:
    return {
        "code": r.code,
        "name_nl": r.name_nl,
        "name_en": r.name_en,
        "organisation": r.organisation.code if r.organisation_id else None,
        "definition": r.definition,
        "source_url": r.source_url,
    }


def _estimate_state(e: ExternalEstimate) -> dict[str, Any]:
    return {
        "period_start": e.period_start,
        "period_end": e.period_end,
        "estimate_per_year": e.estimate_per_year,
        "lower": e.lower,
        "upper": e.upper,
        "method": e.method,
        "population_definition": e.population_definition,
        "source_url": e.source_url,
    }


def load(bundle: Bundle, actor: Any = None) -> Counter[str]:
    """Make the database hold the bundle: registers and published estimates by code and
    period, registrations by cell, links by register, estimate and dimensions; one approved
    publication proposal per register (see PUBLISHED_BY_SOURCE). Changes only what differs,
    so a second run writes nothing. One transaction. Returns counts per kind of object
    ("registers", "registrations", "estimates", "links", "proposals" created or changed).
    """
    counts: Counter[str] = Counter()
    with transaction.atomic():
        organisations = {o.code: o for o in Organisation.objects.all()}
        registers: dict[str, Register] = {}
        for data in bundle.registers:
            register = Register.objects.filter(code=data.code).first()
            before = _register_state(register) if register else None
            register = register or Register(code=data.code)
            register.name_nl, register.name_en = data.name_nl, data.name_en
            register.organisation = organisations.get(data.organisation or "")
            register.definition, register.source_url = data.definition, data.source_url
            if _register_state(register) != before:
                register.save()
                audit.record(
                    actor=actor,
                    kind="update" if before else "create",
                    obj=register,
                    before=before,
                    after=_register_state(register),
                    verb="load",
                )
                counts["registers"] += 1
            registers[register.code] = register
        counts["registrations"] = write_cells(actor, bundle.cells, verb="load").written
        estimates: dict[str, ExternalEstimate] = {}
        for data in bundle.estimates:
            estimate = ExternalEstimate.objects.filter(
                period_start=data.period_start, period_end=data.period_end
            ).first()
            before = _estimate_state(estimate) if estimate else None
            estimate = estimate or ExternalEstimate(
                period_start=data.period_start, period_end=data.period_end
            )
            estimate.estimate_per_year = data.estimate_per_year
            estimate.lower, estimate.upper = data.lower, data.upper
            estimate.method, estimate.source_url = data.method, data.source_url
            estimate.population_definition = data.population_definition
            if _estimate_state(estimate) != before:
                estimate.save()
                audit.record(
                    actor=actor,
                    kind="update" if before else "create",
                    obj=estimate,
                    before=before,
                    after=_estimate_state(estimate),
                    verb="load",
                )
                counts["estimates"] += 1
            estimates[data.key] = estimate
        forms = {f.code: f for f in ExploitationForm.objects.all()}
        ages = {a.code: a for a in AgeGroup.objects.all()}
        for data in bundle.links:
            register = registers.get(data.register) or Register.objects.get(code=data.register)
            link, created = DetectionLink.objects.get_or_create(
                register=register,
                external_estimate=estimates[data.estimate],
                exploitation_form=forms.get(data.exploitation_form or ""),
                age_group=ages.get(data.age_group or ""),
                defaults={"note": data.note},
            )
            if created:
                audit.record(
                    actor=actor,
                    kind="create",
                    obj=link,
                    after=link_state(link),
                    verb="load",
                )
                counts["links"] += 1
        for register in registers.values():
            # Agreed with the publication part (issue 10 item 6): an approved proposal
            # with nobody as proposer is how bundled, already published figures pass the
            # one gate in visibility.py. A withdrawn one stays withdrawn: loading again
            # must not undo the programme team's decision.
            if register.proposals.exists():
                continue
            # Only the years the bundle has: a count imported later for another year
            # waits for the programme team's approval like any other.
            years = [c.year for c in bundle.cells if c.register == register.code]
            proposal = PublicationProposal.objects.create(
                register=register,
                year_from=min(years, default=None),
                year_to=max(years, default=None),
                state=PublicationProposal.State.APPROVED,
                note=PUBLISHED_BY_SOURCE,
                decided_at=timezone.now(),
            )
            audit.record(
                actor=actor,
                kind="create",
                obj=proposal,
                after={
                    "register": register.code,
                    "year_from": proposal.year_from,
                    "year_to": proposal.year_to,
                    "state": proposal.state,
                },
                verb="load",
            )
            counts["proposals"] += 1
    return counts
