"""The detection rate: registered ÷ estimated, and the dark number (estimated − registered).

The registrations used and the estimate must count the same population. samen never
guesses that: the analyst links a register's registrations (for the estimate's form and
age group) to one estimate explicitly (a DetectionLink), to a published estimate
(ExternalEstimate) or to the result of an estimation run. Counts of different registers
are never added up.

Intervals follow from the estimate's interval: the rate falls as the estimate rises, so
the rate's interval is ``[registered / upper, registered / lower]`` and the dark number's
is ``[lower − registered, upper − registered]``. Both are clipped to what is possible
(nobody is registered who does not exist: the rate is at most 1 and the dark number at
least 0). This carries the estimate's uncertainty only; registrations are taken as exact
counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samen.core import audit
from samen.core.errors import Invalid

from . import visibility
from .models import DetectionLink, EstimationRun, ExternalEstimate, Register, Registration


@dataclass(frozen=True)
class RateInterval:
    """Rate (0..1) and dark number with their intervals; ``None`` where a bound is
    unknown (the estimate has no interval, or its lower bound is 0)."""

    rate: float
    rate_lower: float | None
    rate_upper: float | None
    dark: float
    dark_lower: float | None
    dark_upper: float | None


def rate_interval(
    registered: int, estimate: float, lower: float | None = None, upper: float | None = None
) -> RateInterval:
    """Detection rate ``registered / estimate`` and dark number ``estimate - registered``,
    with the intervals that follow from the estimate's interval ``[lower, upper]``.

    Parameters
    ----------
    registered : int
        Presumed victims registered (a count, >= 0).
    estimate : float
        Estimated total number of victims in the same population (> 0).
    lower, upper : float, optional
        The estimate's interval (e.g. a 95 % confidence interval).

    Raises
    ------
    ValueError
        When ``estimate`` is not positive or ``registered`` is negative.
    """
    if not estimate > 0:
        raise ValueError(f"estimate must be positive, not {estimate!r}")
    if registered < 0:
        raise ValueError(f"registered must not be negative, not {registered!r}")
    rate_lower = min(registered / upper, 1.0) if upper else None
    rate_upper = min(registered / lower, 1.0) if lower else None
    return RateInterval(
        rate=min(registered / estimate, 1.0),
        rate_lower=rate_lower,
        rate_upper=rate_upper,
        dark=max(estimate - registered, 0.0),
        dark_lower=max(lower - registered, 0.0) if lower is not None else None,
        dark_upper=max(upper - registered, 0.0) if upper is not None else None,
    )


@dataclass(frozen=True)
class DetectionRate:
    """One detection rate: a register's registrations in ``year_from..year_to`` (one year
    for a per-year estimate) against one estimate for the same population."""

    link_id: int
    register: Register
    exploitation_form: Any  # plan.ExploitationForm or None (all forms)
    age_group: Any  # plan.AgeGroup or None (all ages)
    year_from: int
    year_to: int
    registered: int
    estimate: float
    lower: float | None
    upper: float | None
    kind: str  # "external" (a published estimate) or "run" (an estimation run)
    method: str
    source_url: str
    values: RateInterval
    population: str = ""  # the estimate's population definition

    @property
    def period(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)


def _estimate_of(link: DetectionLink) -> tuple[int, int, float, float | None, float | None, bool]:
    """(first year, last year, estimate, lower, upper, per_year) of a link's estimate."""
    if link.external_estimate_id:
        e = link.external_estimate
        return e.period_start, e.period_end, e.estimate_per_year, e.lower, e.upper, True
    run, dataset = link.run, link.run.dataset
    return dataset.period_start, dataset.period_end, run.estimate, run.lower, run.upper, False


def detection_rates(
    links: Iterable[DetectionLink], registrations: QuerySet[Registration]
) -> list[DetectionRate]:
    """The detection rates of `links`, from the registrations in `registrations` (pass a
    visibility-filtered queryset). A per-year estimate gives one rate per year that has a
    registration; an estimate over a period (an estimation run on a dataset of several
    years) gives one rate for the period, from the registrations summed over its years,
    and none when a year is missing. Runs without a result are skipped.

    Queries: one for the registrations (links should be fetched with
    :func:`links_queryset`), whatever the number of links and years.
    """
    links = [
        link
        for link in links
        if link.external_estimate_id or (link.run and link.run.estimate is not None)
    ]
    if not links:
        return []
    cells: dict[tuple[int, int | None, int | None, int], int] = {}
    wanted = Q()
    for link in links:
        start, end, *_rest = _estimate_of(link)
        wanted |= Q(
            register_id=link.register_id,
            exploitation_form_id=link.exploitation_form_id,
            age_group_id=link.age_group_id,
            year__gte=start,
            year__lte=end,
        )
    for r in registrations.filter(wanted, gender="").values(
        "register_id", "exploitation_form_id", "age_group_id", "year", "count"
    ):
        key = (r["register_id"], r["exploitation_form_id"], r["age_group_id"], r["year"])
        cells[key] = r["count"]
    out = []
    for link in links:
        start, end, estimate, lower, upper, per_year = _estimate_of(link)
        base = (link.register_id, link.exploitation_form_id, link.age_group_id)
        spans = [(y, y) for y in range(start, end + 1)] if per_year else [(start, end)]
        for year_from, year_to in spans:
            counts = [cells.get((*base, y)) for y in range(year_from, year_to + 1)]
            if any(c is None for c in counts):
                continue
            registered = sum(counts)  # one register: years of the same count, never registers
            if link.external_estimate_id:
                kind, method, source = "external", link.external_estimate.method, ""
                source = link.external_estimate.source_url
                population = link.external_estimate.population_definition
            else:
                kind, method, source = "run", link.run.method_label, ""
                population = link.run.dataset.population_definition
            out.append(
                DetectionRate(
                    link_id=link.pk,
                    register=link.register,
                    exploitation_form=link.exploitation_form,
                    age_group=link.age_group,
                    year_from=year_from,
                    year_to=year_to,
                    registered=registered,
                    estimate=float(estimate),
                    lower=None if lower is None else float(lower),
                    upper=None if upper is None else float(upper),
                    kind=kind,
                    method=method,
                    source_url=source,
                    values=rate_interval(registered, float(estimate), lower, upper),
                    population=population,
                )
            )
    out.sort(key=lambda d: (d.year_from, d.register.name, d.link_id))
    return out


def links_queryset() -> QuerySet[DetectionLink]:
    return DetectionLink.objects.select_related(
        "register",
        "external_estimate",
        "run__dataset",
        "exploitation_form",
        "age_group",
    ).order_by("pk")


def visible_detection_rates(user: Any) -> list[DetectionRate]:
    """The detection rates `user` may read: both the estimate and the registrations must
    be visible to them (visibility.py decides; published estimates are public)."""
    runs = visibility.visible_runs(user).values("pk")
    links = links_queryset().filter(Q(external_estimate__isnull=False) | Q(run__in=runs))
    return detection_rates(links, visibility.visible_registrations(user))


# --- the analyst's link ------------------------------------------------------------------


def link_state(link: DetectionLink) -> dict[str, Any]:
    return {
        "register": link.register.code,
        "external_estimate": link.external_estimate_id,
        "run": link.run_id,
        "exploitation_form": link.exploitation_form.code if link.exploitation_form_id else None,
        "age_group": link.age_group.code if link.age_group_id else None,
        "note": link.note,
    }


@dataclass(frozen=True)
class LinkCheck:
    """What an analyst compares before linking: both population definitions side by side
    and what does not match (an empty ``concerns``: nothing to confirm)."""

    register_definition: str
    estimate_definition: str
    estimate_period: str
    registered_years: str
    concerns: tuple[str, ...]


def check_link(
    register: Register,
    *,
    external_estimate: ExternalEstimate | None = None,
    run: EstimationRun | None = None,
) -> LinkCheck:
    """Compare a register with an estimate: the population definitions (they differ, or
    one is missing) and the period (years of the estimate without registrations)."""
    from .registrations_queries import year_spans

    if run is not None:
        definition = run.dataset.population_definition
        start, end = run.dataset.period_start, run.dataset.period_end
        form, age = run.dataset.exploitation_form, run.dataset.age_group
    else:
        definition = external_estimate.population_definition if external_estimate else ""
        start = external_estimate.period_start if external_estimate else 0
        end = external_estimate.period_end if external_estimate else 0
        form = age = None
    years = set(
        Registration.objects.filter(
            register=register, exploitation_form=form, age_group=age, gender=""
        ).values_list("year", flat=True)
    )
    concerns = []
    if " ".join(definition.split()).casefold() != " ".join(register.definition.split()).casefold():
        concerns.append(
            _(
                "The population definitions differ: check that the registrations count the "
                "same population as the estimate (country, period, who is counted)."
            )
        )
    missing = [y for y in range(start, end + 1) if y not in years]
    if missing:
        concerns.append(
            _(
                "The estimate's period (%(period)s) does not match the registrations' years: "
                "no registrations in %(missing)s."
            )
            % {"period": year_spans(range(start, end + 1)), "missing": year_spans(missing)}
        )
    return LinkCheck(
        register_definition=register.definition,
        estimate_definition=definition,
        estimate_period=year_spans(range(start, end + 1)),
        registered_years=year_spans(years),
        concerns=tuple(concerns),
    )


def create_link(
    actor: Any,
    register: Register,
    *,
    external_estimate: ExternalEstimate | None = None,
    run: EstimationRun | None = None,
    note: str = "",
    confirmed: bool = False,
) -> DetectionLink:
    """Link a register's registrations to one estimate (exactly one of `external_estimate`
    and `run`). The registrations used are those of the estimate's own form and age group
    (a published estimate: all forms and ages), so both count the same population.

    Raises ``Denied`` unless `actor` is an analyst, ``Invalid`` (message for the user)
    when the run has no result, the register has no registrations in the estimate's
    period, the same link exists, or :func:`check_link` finds the population definitions
    or the period differ and the analyst did not confirm (``confirmed``); what was
    confirmed is kept in the audit trail.
    """
    from samen.accounts import access

    if not access.can_manage_registrations(actor):
        raise access.Denied(_("Only analysts link registrations to an estimate."))
    if (external_estimate is None) == (run is None):
        raise Invalid({"estimate": _("Choose one estimate.")})
    if run is not None:
        if run.state != EstimationRun.State.DONE or run.estimate is None:
            raise Invalid({"estimate": _("This estimation run has no result yet.")})
        form, age = run.dataset.exploitation_form, run.dataset.age_group
        start, end = run.dataset.period_start, run.dataset.period_end
    else:
        form = age = None
        start, end = external_estimate.period_start, external_estimate.period_end
    found = Registration.objects.filter(
        register=register,
        exploitation_form=form,
        age_group=age,
        gender="",
        year__gte=start,
        year__lte=end,
    ).exists()
    if not found:
        raise Invalid(
            {
                "register": _(
                    "%(register)s has no registrations in %(start)s–%(end)s for this population."
                )
                % {"register": register.name, "start": start, "end": end}
            }
        )
    check = check_link(register, external_estimate=external_estimate, run=run)
    if check.concerns and not confirmed:
        raise Invalid(
            {
                "confirm": _(
                    "Compare the population definitions and confirm that you link them anyway."
                )
            }
        )
    with transaction.atomic():
        link, created = DetectionLink.objects.get_or_create(
            register=register,
            external_estimate=external_estimate,
            run=run,
            exploitation_form=form,
            age_group=age,
            defaults={"note": note, "created_by": actor},
        )
        if not created:
            raise Invalid(
                {"estimate": _("These registrations are already linked to this estimate.")}
            )
        after = link_state(link)
        if check.concerns:
            after["confirmed_despite"] = list(check.concerns)
        audit.record(actor=actor, kind="create", obj=link, after=after, verb="link")
    return link


def delete_link(actor: Any, link: DetectionLink) -> None:
    """Remove a link (analysts); audited with the state before."""
    from samen.accounts import access

    if not access.can_manage_registrations(actor):
        raise access.Denied(_("Only analysts link registrations to an estimate."))
    with transaction.atomic():
        before = link_state(link)
        audit.record(actor=actor, kind="delete", obj=link, before=before, verb="unlink")
        link.delete()
