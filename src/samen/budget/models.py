"""Money of the programme: funding lines (where the money comes from), allocations
(which action gets how much of which line in which year) and spending (what was
spent, reported per reporting round).

Amounts are exact: DecimalField(14, 2) in euros, Decimal in Python, strings in
JSON. See money.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samen.core.models import Provenance, translated

from .money import ZERO

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class FundingLine(Provenance):
    """One source of money: e.g. the structural programme budget from the
    coalition agreement (EUR 2M a year from 2023), or the extra EUR 0.5M a year
    2024-2027 for the strengthened plan. A line without an end year is structural."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    origin_nl = models.CharField(
        _("origin (Dutch)"),
        max_length=300,
        blank=True,
        help_text=_("Where the money comes from, e.g. the coalition agreement."),
    )
    origin_en = models.CharField(_("origin (English)"), max_length=300, blank=True)
    ministry = models.ForeignKey(
        "plan.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name=_("ministry"),
    )
    amount_per_year = models.DecimalField(_("amount per year"), **AMOUNT)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, help_text=_("Empty for a structural line.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["order", "start_year", "code"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="funding_line_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(amount_per_year__gte=0), name="funding_line_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def origin(self) -> str:
        return translated(self, "origin")

    @property
    def structural(self) -> bool:
        return self.end_year is None

    def covers(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)

    def envelope(self, year: int) -> Decimal:
        """The money this line brings in `year` (zero outside its period)."""
        return self.amount_per_year if self.covers(year) else ZERO

    @property
    def period_label(self) -> str:
        if self.end_year is None:
            return f"{self.start_year}–"
        if self.end_year == self.start_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"


class Allocation(models.Model):
    """Money of one funding line set aside for one action in one year."""

    funding_line = models.ForeignKey(
        FundingLine,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("funding line"),
    )
    action = models.ForeignKey(
        "plan.Action",
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("action"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Rises with every save: a stale edit is refused instead of overwriting (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "action__sort_key", "funding_line__order", "funding_line__code"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["funding_line", "action", "year"],
                name="one_allocation_per_line_action_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.action.code} · {self.funding_line.name}"


class Spending(models.Model):
    """Money spent on an action from a funding line, as reported in a reporting
    round. Spending from before the system was used may have no round."""

    round = models.ForeignKey(
        "reporting.ReportingRound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spending",
        verbose_name=_("reporting round"),
    )
    funding_line = models.ForeignKey(
        FundingLine,
        on_delete=models.PROTECT,
        related_name="spending",
        verbose_name=_("funding line"),
    )
    action = models.ForeignKey(
        "plan.Action", on_delete=models.PROTECT, related_name="spending", verbose_name=_("action")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "action__sort_key", "funding_line__order", "round_id"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "funding_line", "action", "year"],
                condition=Q(round__isnull=False),
                name="one_spending_per_round_line_action_year",
            ),
            models.UniqueConstraint(
                fields=["funding_line", "action", "year"],
                condition=Q(round__isnull=True),
                name="one_spending_without_round_per_line_action_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.action.code} · {self.funding_line.name}"
