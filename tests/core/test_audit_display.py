"""The audit trail reads as Dutch: field labels and names, never field names,
codes or raw states (issue 11, item 7)."""

import datetime as dt
import os
import re
from pathlib import Path

from django.core.management import call_command
from django.utils.functional import Promise

from samen.accounts.models import User
from samen.core import audit_display
from samen.core.models import AuditEvent
from samen.reporting import reminders, services
from samen.reporting.models import ReviewMessage
from tests.demo import load_demo
from tests.reporting.world import submitted

SOURCE = Path(__file__).resolve().parents[2] / "src" / "samen"


def test_every_audited_field_and_step_has_a_label(bundled_plan):
    # The demo does what people do: rounds opened, reported, returned, approved and
    # closed; budget and motions loaded. Then the steps it leaves out.
    demo = load_demo()
    programme, closed, open_round = demo.programme, demo.closed, demo.open
    update = open_round.updates.select_related("organisation").first()
    services.grant_extension(
        programme, open_round, update.organisation, open_round.deadline + dt.timedelta(days=3)
    )
    reminders.send_reminders(now=open_round.deadline + dt.timedelta(days=1))
    from samen.documents import services as documents

    documents.request_report(programme, closed, "pdf", "en")
    from samen.accounts import services as accounts

    token, _key = accounts.issue_token(programme, "koppeling")
    accounts.revoke_token(programme, token.pk)
    accounts.record_password_change(programme, "change")
    accounts.unlock(programme, "politie", "programme")
    from samen.reporting import publication

    closed.refresh_from_db()
    if not closed.published_at:
        publication.publish_round(programme, closed)
    publication.withdraw_publication(programme, closed, "Verkeerde versie gepubliceerd")

    problems = set()
    for event in AuditEvent.objects.all():
        model = audit_display.model_for(event.object_type)
        if model is None:
            problems.add(f"no model for {event.object_type}")
        elif not isinstance(model._meta.verbose_name, Promise):  # else English on screen
            problems.add(f"{event.object_type}: no translated name")
        for key in {*(event.before or {}), *(event.after or {})}:
            if audit_display.known_label(model, key) is None:
                problems.add(f"{event.object_type}: no label for {key!r}")
        if event.verb and event.verb not in audit_display.VERBS:
            problems.add(f"no label for the step {event.verb!r}")
    assert not problems, "\n".join(sorted(problems))
    assert {"open", "close", "publish", "approve", "return", "reminder", "extension", "unlock"} <= {
        e.verb for e in AuditEvent.objects.all()
    }


F_STRING_VALUES = {
    "password-": ("change", "reset"),
    "review-": tuple(ReviewMessage.Kind.values),
}


def test_every_step_a_service_records_has_a_label():
    # Also the steps no test above happens to take.
    verbs = set()
    for path in SOURCE.glob("*/*.py"):
        text = path.read_text()
        verbs |= set(re.findall(r'\bverb="([^"]+)"', text))
        verbs |= set(re.findall(r'_save_audited\([^)]*"([a-z-]+)"\)', text))
        # verb=f"password-{via}", f"review-{kind}": every value their callers pass
        for prefix in re.findall(r'\bverb=f"([a-z-]+)\{', text):
            verbs |= {prefix + value for value in F_STRING_VALUES[prefix]}
    assert {"open", "submit", "approve"} <= verbs
    assert verbs - set(audit_display.VERBS) == set()


def test_a_returned_update_reads_with_labels_and_states_in_dutch(world, client):
    update = world.updates[("A.1", "police")]
    submitted(world.users.police, update)
    services.return_update(world.users.programme, update.pk, "Graag aanvullen.")
    client.force_login(world.users.programme)
    html = client.get(f"/audit/reporting.progressupdate/{update.pk}").content.decode()
    assert "Geschiedenis van Ronde 1 · A.1 · Politie" in html
    assert "Teruggestuurd met een opmerking" in html
    assert (
        "<strong>Beoordelingsstatus</strong>: <del>Ingediend</del> → <ins>Teruggestuurd</ins>"
        in (html)
    )
    assert "Status van de actie</strong>: <del>–</del> → <ins>Op schema</ins>" in html
    for code in ("review_state", "progress_status", "submitted", "on_track", "returned"):
        assert code not in html


def test_budget_events_name_the_funding_line_and_show_euros(bundled_plan, client):
    from tests.reporting.world import make_user

    client.force_login(make_user("programma", User.Role.PROGRAMME))
    call_command("load_budget", "--demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    html = client.get("/audit?type=budget.allocation").content.decode()
    assert "<strong>Financieringsbron</strong>: <del>–</del> → <ins>Structureel" in html
    assert re.search(r"<strong>Bedrag</strong>: <del>–</del> → <ins>€ [\d.]+,\d\d</ins>", html)
    assert "funding_line" not in html and "versterking-2024" not in html
