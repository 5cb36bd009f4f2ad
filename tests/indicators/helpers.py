"""Indicators for tests, defined through the real service."""

import datetime as dt
from decimal import Decimal

from samen.indicators import services
from samen.indicators.document import IndicatorData, TargetData


def define(user, action, code="I1", **changes):
    values = {
        "code": code,
        "name_nl": "Getrainde professionals",
        "name_en": "Trained professionals",
        "unit": "professionals",
        "kind": "number",
        "combination": "cumulative",
        "baseline_value": Decimal(0),
        "baseline_date": dt.date(2025, 12, 31),
        "targets": (TargetData(Decimal(500), dt.date(2027, 12, 31)),),
        **changes,
    }
    return services.save_indicator(user, action, IndicatorData(**values))
