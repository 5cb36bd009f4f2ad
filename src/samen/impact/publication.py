"""Publishing impact figures: the analyst proposes, the programme team approves or
rejects, and withdraws an approved publication with a reason. Each step is one
transaction with an audit event (labels in samen.core.audit_display). The programme team
also grants an organisation access to the unpublished registrations of its own register.

Who may take which step is decided in `samen.impact.visibility`; what becomes public is
`samen.impact.public.figures()` (disclosure control included), and the confirmation page
shows exactly that through :func:`preview`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.accounts.access import Denied
from samen.core import audit
from samen.core.errors import Invalid
from samen.core.text import clean_text

from . import public, public_tables, visibility
from .models import EstimationRun, PublicationProposal, Register, Registration, UnpublishedAccess

State = PublicationProposal.State
MAX_TEXT = 2_000


def _text(value: str, name: str, required: bool = False) -> str:
    value = clean_text(value or "").strip()
    if required and not value:
        raise Invalid({name: _("Give a reason: it is kept in the audit trail.")})
    if len(value) > MAX_TEXT:
        raise Invalid({name: _("At most %(max)s characters.") % {"max": MAX_TEXT}})
    return value


def proposal_state(p: PublicationProposal) -> dict[str, Any]:
    """The proposal as the audit trail stores it."""
    state: dict[str, Any] = {"state": p.state, "threshold": p.threshold, "note": p.note}
    if p.register_id:
        state |= {"register": p.register.code, "year_from": p.year_from, "year_to": p.year_to}
    else:
        run = p.run
        state |= {"run": p.run_id, "dataset": run.dataset_id, "method": run.method}
    return state


def _pending(qs: QuerySet[PublicationProposal]) -> bool:
    return qs.filter(state__in=(State.PROPOSED, State.APPROVED)).exists()


def propose_registrations(
    user: Any, register: Register, year_from: int, year_to: int, note: str = ""
) -> PublicationProposal:
    """Propose to publish `register`'s registrations of the years ``year_from`` to
    ``year_to`` (inclusive). Raises Denied (not an analyst) or Invalid (field -> message:
    years out of order, no registrations in them, or these years already proposed or
    published)."""
    if not visibility.can_propose(user):
        raise Denied(_("Only analysts propose figures for publication."))
    note = _text(note, "note")
    if year_from > year_to:
        raise Invalid({"year_to": _("The last year comes before the first year.")})
    with transaction.atomic():
        register = Register.objects.select_for_update().get(pk=register.pk)
        if not Registration.objects.filter(
            register=register, year__gte=year_from, year__lte=year_to
        ).exists():
            raise Invalid({"year_from": _("This register has no registrations in these years.")})
        overlapping = PublicationProposal.objects.filter(
            Q(year_from__isnull=True) | Q(year_from__lte=year_to),
            Q(year_to__isnull=True) | Q(year_to__gte=year_from),
            register=register,
        )
        changed = Registration.objects.filter(
            register=register, year__gte=year_from, year__lte=year_to
        )
        latest = overlapping.filter(state=State.APPROVED).aggregate(at=Max("decided_at"))["at"]
        if overlapping.filter(state=State.PROPOSED).exists() or (
            latest is not None and not changed.filter(updated_at__gt=latest).exists()
        ):  # an approved range may be proposed again once its figures changed
            raise Invalid(
                {
                    "year_from": _(
                        "Some of these years are already proposed or published for this register."
                    )
                }
            )
        p = PublicationProposal.objects.create(
            register=register,
            year_from=year_from,
            year_to=year_to,
            note=note,
            threshold=settings.SAMEN_SUPPRESSION_THRESHOLD,
            proposed_by=user,
        )
        audit.record(
            actor=user, kind="create", obj=p, verb="propose-publication", after=proposal_state(p)
        )
    return p


def propose_run(user: Any, run: EstimationRun, note: str = "") -> PublicationProposal:
    """Propose to publish a finished estimation run with its detection rates. Raises
    Denied or Invalid (run not finished, or already proposed or published)."""
    if not visibility.can_propose(user):
        raise Denied(_("Only analysts propose figures for publication."))
    note = _text(note, "note")
    with transaction.atomic():
        run = EstimationRun.objects.select_for_update().get(pk=run.pk)
        if run.state != EstimationRun.State.DONE or run.estimate is None:
            raise Invalid({"run": _("Only a finished estimation run can be published.")})
        if _pending(run.proposals.all()):
            raise Invalid({"run": _("This estimation run is already proposed or published.")})
        p = PublicationProposal.objects.create(
            run=run,
            note=note,
            threshold=settings.SAMEN_SUPPRESSION_THRESHOLD,
            proposed_by=user,
        )
        audit.record(
            actor=user, kind="create", obj=p, verb="propose-publication", after=proposal_state(p)
        )
    return p


def _decide(
    user: Any, p: PublicationProposal, state: str, reason: str, verb: str
) -> PublicationProposal:
    if not visibility.can_decide(user):
        raise Denied(_("Only the programme team decides on publication."))
    with transaction.atomic():
        p = PublicationProposal.objects.select_for_update().get(pk=p.pk)
        if p.state != State.PROPOSED:
            raise Invalid({"state": _("Only a proposal that awaits a decision can be decided.")})
        before = proposal_state(p)
        p.state = state
        p.decided_by = user
        p.decided_at = timezone.now()
        p.decision_reason = reason
        p.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            actor=user,
            kind="update",
            obj=p,
            verb=verb,
            before=before,
            after={**proposal_state(p), "decided_at": p.decided_at, "reason": reason},
        )
    return p


def approve(user: Any, p: PublicationProposal, note: str = "") -> PublicationProposal:
    """Approve: the figures become public (after disclosure control) on the portal, in
    the open data, the API and the public report. Raises Denied or Invalid."""
    return _decide(user, p, State.APPROVED, _text(note, "reason"), "approve-publication")


def reject(user: Any, p: PublicationProposal, reason: str) -> PublicationProposal:
    """Reject with a reason (required). Raises Denied or Invalid."""
    return _decide(
        user, p, State.REJECTED, _text(reason, "reason", required=True), "reject-publication"
    )


def withdraw(user: Any, p: PublicationProposal, reason: str) -> PublicationProposal:
    """Withdraw an approved publication with a reason: its figures are no longer public
    anywhere; the portal says that it was withdrawn, and when. Raises Denied or Invalid."""
    if not visibility.can_decide(user):
        raise Denied(_("Only the programme team withdraws publications."))
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        p = PublicationProposal.objects.select_for_update().get(pk=p.pk)
        if p.state != State.APPROVED:
            raise Invalid({"state": _("Only an approved publication can be withdrawn.")})
        before = proposal_state(p)
        p.state = State.WITHDRAWN
        p.withdrawn_by = user
        p.withdrawn_at = timezone.now()
        p.withdraw_reason = reason
        p.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
        audit.record(
            actor=user,
            kind="update",
            obj=p,
            verb="withdraw-publication",
            before=before,
            after={**proposal_state(p), "withdrawn_at": p.withdrawn_at, "reason": reason},
        )
    return p


# --- access to unpublished registrations --------------------------------------------


def grant_access(user: Any, register: Register, note: str = "") -> UnpublishedAccess:
    """Let the action holders and viewers of the organisation that keeps `register` read
    its unpublished registrations. Raises Denied or Invalid (no organisation, already
    granted)."""
    if not visibility.can_grant(user):
        raise Denied(_("Only the programme team grants access to unpublished figures."))
    note = _text(note, "note")
    with transaction.atomic():
        register = Register.objects.select_for_update().get(pk=register.pk)
        if register.organisation_id is None:
            raise Invalid({"register": _("This register is kept by no organisation in samen.")})
        if visibility.open_grants().filter(register=register).exists():
            raise Invalid({"register": _("This organisation already has access.")})
        grant = UnpublishedAccess.objects.create(register=register, note=note, granted_by=user)
        audit.record(
            actor=user,
            kind="create",
            obj=grant,
            verb="grant-unpublished",
            after={"register": register.code, "note": note},
        )
    return grant


def revoke_access(user: Any, grant: UnpublishedAccess, reason: str) -> UnpublishedAccess:
    """End a grant, with a reason. Raises Denied or Invalid."""
    if not visibility.can_grant(user):
        raise Denied(_("Only the programme team grants access to unpublished figures."))
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        grant = UnpublishedAccess.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise Invalid({"state": _("This access has already ended.")})
        grant.revoked_at = timezone.now()
        grant.revoked_by = user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=user,
            kind="update",
            obj=grant,
            verb="revoke-unpublished",
            before={"register": grant.register.code},
            after={
                "register": grant.register.code,
                "revoked_at": grant.revoked_at,
                "reason": reason,
            },
        )
    return grant


# --- reads ----------------------------------------------------------------------------


@dataclass
class Preview:
    """What approving a proposal makes public: the public layer as it will be, the public
    tables that hold the proposal's figures, and its cells, estimates and rates."""

    after: public.Figures
    tables: list[Any]
    new_cells: list[public.Cell]
    new_runs: list[EstimationRun]
    new_rates: list[public_tables.Rate]

    @property
    def suppressed(self) -> int:
        return sum(1 for c in self.new_cells if c.suppressed)


def preview(p: PublicationProposal) -> Preview:
    """The public layer as it would be with `p` approved, computed by approving it inside
    a savepoint that is rolled back: the same code that builds the public output builds
    the preview, so it shows exactly what becomes public."""
    before: set[tuple] = set()
    if p.register_id:
        before = {
            (year, form or public_tables.ALL, age or public_tables.ALL)
            for year, form, age in visibility.published_registrations()
            .filter(register_id=p.register_id, gender="")
            .values_list("year", "exploitation_form__code", "age_group__code")
        }
    with transaction.atomic():
        sid = transaction.savepoint()
        try:
            PublicationProposal.objects.filter(pk=p.pk).update(
                state=State.APPROVED, decided_at=timezone.now()
            )
            after = public.figures(p.threshold)
            tables = public.tables_of(after.tables, p.register) if p.register_id else []
            tables = [_mark_new(t, before) for t in tables]
        finally:
            transaction.savepoint_rollback(sid)
    if p.register_id:
        new_cells = [
            c
            for c in after.cells
            if c.registration.register_id == p.register_id
            and (p.year_from or 0) <= c.registration.year <= (p.year_to or 9999)
        ]
        return Preview(
            after,
            tables,
            new_cells,
            [],
            [r for r in after.rates if r.rate.register.pk == p.register_id],
        )
    links = set(p.run.detection_links.values_list("pk", flat=True))
    return Preview(
        after,
        [],
        [],
        [r for r in after.runs if r.pk == p.run_id],
        [r for r in after.rates if r.rate.link_id in links],
    )


def _mark_new(table: Any, before: set[tuple]) -> Any:
    """`table` with every cell that is not public yet marked ``new`` (`before`: the
    (year, form, age) of the register's figures published now). A "not specified" cell is
    new when any figure of its row is."""
    from dataclasses import replace

    all_, rest = public_tables.ALL, public_tables.REST

    def key(year: int, code: str) -> tuple:
        if table.kind == "by_form":
            return (year, code, all_)
        if table.kind == "by_age":
            return (year, all_, code)
        return (year, all_, all_)  # the register's column of the totals table

    rows = []
    for row in table.rows:
        codes = [c.code for c in table.columns]
        fresh = [
            not cell.missing and code != rest and key(row.year, code) not in before
            for code, cell in zip(codes, row.cells, strict=True)
        ]
        any_new = any(fresh)
        cells = tuple(
            replace(cell, new=True)
            if not cell.missing and (is_new or (code == rest and any_new))
            else cell
            for code, cell, is_new in zip(codes, row.cells, fresh, strict=True)
        )
        rows.append(replace(row, cells=cells))
    return replace(table, rows=tuple(rows))


def proposals() -> QuerySet[PublicationProposal]:
    return PublicationProposal.objects.select_related(
        "register", "run__dataset", "proposed_by", "decided_by", "withdrawn_by"
    )


def awaiting_decision() -> QuerySet[PublicationProposal]:
    return proposals().filter(state=State.PROPOSED).order_by("proposed_at")


def withdrawn_publications() -> QuerySet[PublicationProposal]:
    """Withdrawn publications, latest first: the portal names them with the date of
    withdrawal (nothing of their figures)."""
    return proposals().filter(state=State.WITHDRAWN).order_by("-withdrawn_at")
