"""`samen demo`: demo accounts and two demo reporting rounds.

Accounts: `programma` (programme team), one account per organisation named
after its code (action holder when the organisation holds an action, else
involved partner), `analist` (analyst) and `kijker` (viewer). The password is
DEMO_PASSWORD or a generated one, printed. Rounds: a closed one with its
approved, frozen result and an open one with a mix of states. Everything is
marked as demo data and shown as such. Safe to run again: existing demo data
is kept, demo passwords are set again.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from samen.accounts.models import User
from samen.plan.models import ActionOrganisation, Organisation
from samen.reporting import services
from samen.reporting.models import ProgressStatus, ReportingRound

DEMO_TEXTS = [
    (
        "on_track",
        60,
        "Twee regionale bijeenkomsten gehouden; **40 professionals** getraind in het herkennen "
        "van signalen.",
        "Planning van de derde bijeenkomst schuift door ziekte.",
        "",
    ),
    (
        "at_risk",
        35,
        "Opdracht voor het onderzoek is verleend.",
        "Aanbesteding duurde langer dan gepland.",
        "Hulp gevraagd bij het vinden van deelnemende gemeenten.",
    ),
    (
        "delayed",
        20,
        "Eerste overleg met ketenpartners gevoerd.",
        "Capaciteitstekort in het team.",
        "Graag afstemming met het programmateam over prioriteiten.",
    ),
    ("completed", 100, "De toolkit is opgeleverd en verspreid onder alle gemeenten.", "", ""),
    ("on_track", 75, "Pilot loopt in drie regio's; eerste evaluatie positief.", "", ""),
]


def half_year(day: dt.date) -> tuple[dt.date, dt.date]:
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)


def period_label(start: dt.date) -> str:
    return f"{'eerste' if start.month == 1 else 'tweede'} helft {start.year}"


class Command(BaseCommand):
    help = "Create demo accounts and demo reporting rounds (labelled as demo data)."

    def handle(self, *args, **options):
        if not Organisation.objects.exists():
            raise CommandError("Load a plan first: `samen load-plan`.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        with transaction.atomic():
            accounts = self.accounts(password)
            if not ReportingRound.objects.filter(is_demo=True).exists():
                self.rounds(accounts)
            # issue 14: demo indicators on the demo actions, demo values in the demo rounds
            from samen.indicators.demo import load_demo_indicators

            load_demo_indicators(accounts[0])
            # learning between partners (issue 15): a few demo lessons and a question
            from samen.learning.demo import load as learning_demo

            learning_demo(accounts)
        self.stdout.write(f"\nDemo accounts (demo data; password for all: {password})\n")
        self.stdout.write(f"  {'username':<18} {'role':<18} organisation")
        for user in accounts:
            org = user.organisation.short_name if user.organisation else ""
            self.stdout.write(f"  {user.username:<18} {user.get_role_display():<18} {org}")
        self.stdout.write("Log in at /inloggen. Set DEMO_PASSWORD to choose the password.\n")

    def account(
        self, username: str, role: str, org: Organisation | None, password: str, name: str
    ) -> User:
        user, _created = User.objects.get_or_create(username=username, defaults={"is_demo": True})
        if not user.is_demo:
            raise CommandError(
                f"An account '{username}' exists and is not a demo account; not touching it."
            )
        user.role, user.organisation, user.first_name = role, org, name
        user.email = f"{username}@demo.samen.invalid"
        user.set_password(password)
        user.save()
        return user

    def accounts(self, password: str) -> list[User]:
        orgs = {o.code: o for o in Organisation.objects.all()}
        holders = set(
            ActionOrganisation.objects.filter(role="holder").values_list(
                "organisation__code", flat=True
            )
        )
        coordinator = orgs.get("jenv") or next(iter(orgs.values()))
        users = [
            self.account("programma", User.Role.PROGRAMME, coordinator, password, "Programmateam")
        ]
        for code, org in sorted(orgs.items()):
            role = User.Role.HOLDER if code in holders else User.Role.INVOLVED
            users.append(self.account(code, role, org, password, org.short_name))
        analyst_org = orgs.get("nrm") or coordinator
        users.append(self.account("analist", User.Role.ANALYST, analyst_org, password, "Analist"))
        users.append(
            self.account(
                "kijker", User.Role.VIEWER, orgs.get("vws") or coordinator, password, "Kijker"
            )
        )
        return users

    def rounds(self, accounts: list[User]) -> None:
        programme = accounts[0]
        by_org = {u.organisation_id: u for u in accounts if u.role == User.Role.HOLDER}
        now = timezone.now()
        current_start, current_end = half_year(timezone.localdate())
        past_start, past_end = half_year(current_start - dt.timedelta(days=1))

        past = services.create_round(
            programme,
            services.RoundData(
                title=f"Voortgang {period_label(past_start)} (demo)",
                period_start=past_start,
                period_end=past_end,
                opens_on=past_end - dt.timedelta(days=20),
                deadline=now - dt.timedelta(days=120),
                is_demo=True,
            ),
        )
        services.open_round(programme, past)
        # Fill it in as if before the deadline, then approve and close.
        ReportingRound.objects.filter(pk=past.pk).update(deadline=now + dt.timedelta(days=1))
        for i, update in enumerate(past.updates.select_related("round").order_by("pk")):
            self.fill(by_org[update.organisation_id], update.pk, i + 2, submit=True)
            services.approve(programme, update.pk)
        ReportingRound.objects.filter(pk=past.pk).update(deadline=now - dt.timedelta(days=120))
        services.close_round(programme, ReportingRound.objects.get(pk=past.pk))

        current = services.create_round(
            programme,
            services.RoundData(
                title=f"Voortgang {period_label(current_start)} (demo)",
                period_start=current_start,
                period_end=current_end,
                opens_on=timezone.localdate() - dt.timedelta(days=10),
                deadline=now + dt.timedelta(days=17),
                is_demo=True,
            ),
        )
        services.open_round(programme, current)
        # A realistic mix: not started, draft, submitted, returned, approved.
        plan = ["approved", "submitted", "returned", "draft", "not_started"]
        for i, update in enumerate(current.updates.order_by("pk")):
            target = plan[i % len(plan)]
            holder = by_org[update.organisation_id]
            if target == "not_started":
                continue
            self.fill(holder, update.pk, i, submit=target != "draft")
            if target == "approved":
                services.approve(programme, update.pk)
            elif target == "returned":
                services.return_update(
                    programme,
                    update.pk,
                    "Kunt u de resultaten concreter maken, met aantallen? (demo)",
                )

    def fill(self, holder: User, update_id: int, index: int, submit: bool) -> None:
        status, percent, achievements, obstacles, help_needed = DEMO_TEXTS[index % len(DEMO_TEXTS)]
        update = services.save_draft(
            holder,
            update_id,
            services.UpdateData(
                progress_status=status if status in ProgressStatus.values else "on_track",
                percent_complete=percent,
                achievements=achievements + " _(demo)_",
                obstacles=obstacles,
                help_needed=help_needed,
            ),
            expected_version=self.version(update_id),
        )
        if submit:
            services.submit(holder, update.pk)

    @staticmethod
    def version(update_id: int) -> int:
        from samen.reporting.models import ProgressUpdate

        return ProgressUpdate.objects.only("version").get(pk=update_id).version
