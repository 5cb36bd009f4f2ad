"""Writes to indicators. Every write runs in one transaction and leaves an
audit event (samen.core.audit)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit

from .document import IndicatorData, apply_data, indicator_data
from .models import Indicator, Target


def audit_state(data: IndicatorData) -> dict[str, Any]:
    """An indicator's state in the audit trail, keyed by its model's fields."""
    full = data.as_dict()
    baseline = full.pop("baseline") or {}
    full["baseline_value"] = (
        str(baseline.get("value")) if baseline.get("value") is not None else None
    )
    full["baseline_date"] = baseline.get("date")
    full["targets"] = "; ".join(f"{t['date']}: {t['value']}" for t in full["targets"])
    full["is_demo"] = full.pop("demo")
    full["inferred_fields"] = full.pop("inferred")
    return full


def save_indicator(
    user: Any, action: Any, data: IndicatorData, indicator: Indicator | None = None
) -> Indicator:
    """Create or change one indicator of `action` (programme team only), audited."""
    if not access.can_define_indicators(user):
        raise Denied(_("Only the programme team defines indicators."))
    with transaction.atomic():
        before = audit_state(indicator_data(indicator)) if indicator else None
        if indicator is None:
            order = Indicator.objects.filter(action=action).count()
            indicator = Indicator(action=action, code=data.code)
        else:
            indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
            order = indicator.order
            indicator.code = data.code
        apply_data(indicator, data, order)
        indicator.save()
        Target.objects.filter(indicator=indicator).delete()
        Target.objects.bulk_create(
            [Target(indicator=indicator, value=t.value, date=t.date) for t in data.targets]
        )
        after = audit_state(indicator_data(indicator))
        if before != after:
            audit.record(
                actor=user,
                kind="update" if before else "create",
                obj=indicator,
                before=before,
                after=after,
            )
    return indicator


class Published(Exception):
    """The indicator has approved values in a published round: deleting it
    would change a published report. Retire it instead."""


def published_rounds_of(indicator: Indicator) -> list[Any]:
    """The published rounds in which approved values of `indicator` appear."""
    from samen.reporting.models import ReportingRound

    from .models import IndicatorValue

    shown = IndicatorValue.objects.filter(
        indicator=indicator, update__in=access.public_updates().values("pk")
    )
    return list(
        ReportingRound.objects.filter(pk__in=shown.values("update__round_id")).order_by(
            "period_end", "pk"
        )
    )


def retire_indicator(user: Any, indicator: Indicator, retired: bool = True) -> None:
    """Stop (or resume) asking for an indicator in new rounds; its values in past
    rounds stay as they are. Audited."""
    if not access.can_define_indicators(user):
        raise Denied(_("Only the programme team defines indicators."))
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.retired == retired:
            return
        audit.record(
            actor=user,
            kind="update",
            obj=indicator,
            before={"retired": indicator.retired},
            after={"retired": retired},
        )
        indicator.retired = retired
        indicator.save(update_fields=["retired", "updated_at"])


def delete_indicator(user: Any, indicator: Indicator) -> None:
    """Remove an indicator with every value reported on it, audited. Refused
    (`Published`) when a published report shows its values."""
    if not access.can_define_indicators(user):
        raise Denied(_("Only the programme team defines indicators."))
    with transaction.atomic():
        if published_rounds_of(indicator):
            raise Published(
                _(
                    "This indicator has approved values in a published round; "
                    "a published report does not change. Stop using it instead."
                )
            )
        before = audit_state(indicator_data(indicator))
        before["values"] = indicator.values.count()
        audit.record(actor=user, kind="delete", obj=indicator, before=before)
        indicator.delete()
