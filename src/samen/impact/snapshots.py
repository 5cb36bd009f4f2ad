"""The public tables and the Effect page's charts, computed once per set of published
figures and stored in the database (`PublicSnapshot`), so that a page reads them instead
of running disclosure control and the chart renderer on every request.

A stored result is valid while the *fingerprint* of the figures it was made from is
unchanged. The fingerprint is a few aggregate queries (counts, largest ids, latest change
and decision times, sums of the counts) over everything the public tables are made of:
registrations, registers, publication proposals, estimation runs, external estimates,
detection links, the forms of exploitation, age groups and plan versions. It changes
when a figure is written (also by a bulk import), a publication is approved or
withdrawn, or a run finishes; saving or deleting any of those rows through the ORM also
(other than a registration, whose every write moves the fingerprint anyway) removes every
stored result straight away (signals below). Because the fingerprint lives
in the database, every process sees the same, current answer.

After such a change, a background task (`refresh_stored`, run by the task worker; ADR
0006) builds and stores the tables and charts in every language, so that readers find
them ready; a reader who comes before it has finished gets them built on the spot (never
the old figures).

Disclosure control itself is stored by the content hash of its input (`protection`):
the same figures are protected once, whichever language or process asks first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Sum
from django.db.models.signals import post_delete, post_save
from django_tasks import task

T = TypeVar("T")
log = logging.getLogger(__name__)


def _sources() -> list[tuple[Any, dict[str, Any]]]:
    from samen.plan.models import AgeGroup, ExploitationForm, PlanVersion

    from .models import (
        DetectionLink,
        EstimationRun,
        ExternalEstimate,
        PublicationProposal,
        Register,
        Registration,
    )

    def basic() -> dict[str, Any]:
        return {"n": Count("pk"), "last": Max("pk")}

    return [
        (Registration, {**basic(), "changed": Max("updated_at"), "sum": Sum("count"),
                        "years": Sum("year")}),
        (PublicationProposal, {**basic(), "decided": Max("decided_at"),
                               "withdrawn": Max("withdrawn_at"),
                               "approved": Count("pk", filter=models.Q(state="approved"))}),
        (EstimationRun, {**basic(), "finished": Max("finished_at"),
                         "done": Count("pk", filter=models.Q(state="done"))}),
        (ExternalEstimate, {**basic(), "sum": Sum("estimate_per_year"), "lo": Sum("lower"),
                            "hi": Sum("upper")}),
        (DetectionLink, basic()),
        (Register, basic()),
        (ExploitationForm, basic()),
        (AgeGroup, basic()),
        (PlanVersion, basic()),
    ]  # fmt: skip


def fingerprint() -> str:
    """A digest of the figures the public tables are made of (see the module docstring).
    Queries: one per source model, whatever the number of rows."""
    parts = [
        [model._meta.label, model.objects.aggregate(**aggregates)]
        for model, aggregates in _sources()
    ]
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def stored(key: str, build: Callable[[], T], fingerprint_: str | None = None) -> T:
    """The stored result under `key` if it was made from the current figures, else
    `build()` (stored for the next request, in this process or another one)."""
    from .models import PublicSnapshot

    current = fingerprint_ if fingerprint_ is not None else fingerprint()
    row = PublicSnapshot.objects.filter(key=key, fingerprint=current).only("payload").first()
    if row is not None:
        try:
            return pickle.loads(bytes(row.payload))  # noqa: S301 (written only by this module)
        except (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError):
            # a class changed since it was stored (a new release): rebuild it
            log.info("stored %s no longer readable; rebuilt", key)
    value = build()
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with transaction.atomic():
            PublicSnapshot.objects.update_or_create(
                key=key, defaults={"fingerprint": current, "payload": payload}
            )
    except IntegrityError:  # another process stored it at the same moment
        pass
    return value


def clear() -> None:
    """Forget every stored result (the next request rebuilds them)."""
    from .models import PublicSnapshot

    PublicSnapshot.objects.all().delete()


def refresh() -> None:
    """Build and store the public tables and the Effect page's charts for the current
    figures, in every language of the site (what the background task does after a
    change, so that the first reader does not wait for disclosure control)."""
    from django.conf import settings
    from django.utils import translation

    from samen.plan.models import PlanVersion

    from . import public_tables, registrations_charts

    versions = list(PlanVersion.objects.order_by("date"))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            tables = public_tables.published_tables()
            registrations_charts.effect_charts(tables, versions)


@task()
def refresh_stored() -> None:
    """The background task of `refresh`."""
    refresh()


def _enqueue() -> None:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=refresh_stored.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():  # one that has not started yet will see this change too
        refresh_stored.enqueue()


def changed() -> None:
    """The published figures changed: forget what was stored and, once the change is
    committed, build it anew in the background."""
    clear()
    transaction.on_commit(_enqueue)


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the fingerprint still notices
    changed()


def connect() -> None:
    """Called from `ImpactConfig.ready()`. Not for registrations: an import writes
    thousands, and every write moves their latest change time or their sums, which the
    fingerprint reads; a name, method or date elsewhere may change without that."""
    for model, _aggregates in _sources()[1:]:
        uid = f"impact-snapshots-{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
