"""Open data of the impact monitor: the published victim registrations, one record per
cell, suppressed as on the Effect page (schema `samen-open-registrations/1`, documented in
docs/open-data.md). Written through the portal's open-data writer (CSV, XLSX, JSON)."""

from __future__ import annotations

from typing import Any

from . import public

REGISTRATIONS_SCHEMA = "samen-open-registrations/1"
REGISTRATIONS_FIELDS = (
    "register",
    "register_name_nl",
    "register_name_en",
    "year",
    "exploitation_form",
    "age_group",
    "count",
    "suppressed",
    "status",
    "source",
    "source_url",
)


def registration_records() -> list[dict[str, Any]]:
    """One record per published registration cell: the public layer only, whoever asks.
    ``count`` is None (empty in CSV and XLSX, null in JSON) when suppressed."""
    out = []
    for c in public.figures().cells:
        r = c.registration
        out.append(
            {
                "register": r.register.code,
                "register_name_nl": r.register.name_nl,
                "register_name_en": r.register.name_en,
                "year": r.year,
                "exploitation_form": r.exploitation_form.code if r.exploitation_form_id else None,
                "age_group": r.age_group.code if r.age_group_id else None,
                "count": c.count,
                "suppressed": c.suppressed,
                "status": r.status,
                "source": r.source,
                "source_url": r.source_url,
            }
        )
    return out
