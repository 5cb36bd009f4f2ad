"""The reporting process through its services: states, locks, snapshot, audit."""

import datetime as dt

import pytest
from django.utils import timezone

from samen.accounts.access import Denied
from samen.core.models import AuditEvent
from samen.reporting import services
from samen.reporting.models import ReportingRound

from .world import fill, submitted


def test_opening_creates_one_update_per_action_per_holder(world):
    assert sorted(world.updates) == [
        ("A.1", "police"),
        ("A.2", "ngo"),
        ("A.3", "ngo"),
        ("A.3", "police"),
    ]
    assert {u.review_state for u in world.updates.values()} == {"not_started"}


def test_default_round_takes_running_actions_only(world):
    world.actions.a2.status = "completed"
    world.actions.a2.save()
    r = services.create_round(
        world.users.programme,
        services.RoundData(
            "Ronde 2",
            dt.date(2026, 7, 1),
            dt.date(2026, 12, 31),
            timezone.localdate(),
            timezone.now() + dt.timedelta(days=30),
        ),
    )
    assert sorted(r.actions.values_list("code", flat=True)) == ["A.1", "A.3"]


def test_round_data_is_checked(world):
    with pytest.raises(services.Invalid) as info:
        services.create_round(
            world.users.programme,
            services.RoundData(
                " ",
                dt.date(2026, 7, 1),
                dt.date(2026, 1, 1),
                dt.date(2026, 8, 1),
                timezone.now() - dt.timedelta(days=400),
                action_codes=["NOPE"],
            ),
        )
    assert set(info.value.errors) == {"title", "period_end", "deadline", "opens_on", "actions"}


def test_whole_lifecycle_with_states_and_layers(world):
    update = world.updates[("A.1", "police")]
    fill(world.users.police, update, achievements="Eerste **resultaten**.")
    update.refresh_from_db()
    assert update.review_state == "draft"
    services.submit(world.users.police, update.pk)
    services.return_update(world.users.programme, update.pk, "Meer cijfers graag.")
    update.refresh_from_db()
    assert (update.review_state, update.review_comment) == ("returned", "Meer cijfers graag.")
    fill(world.users.police, update, achievements="Veertig mensen getraind.")
    services.submit(world.users.police, update.pk)
    update.refresh_from_db()
    assert update.review_state == "resubmitted"
    services.approve(world.users.programme, update.pk)
    update.refresh_from_db()
    assert update.review_state == "approved"
    # The report layer starts from the partner's words; editing it keeps the partner's.
    assert update.report_achievements == "Veertig mensen getraind."
    services.edit_report_text(
        world.users.programme,
        update.pk,
        {"achievements": "40 professionals getraind."},
        update.version,
    )
    update.refresh_from_db()
    assert update.achievements == "Veertig mensen getraind."
    assert update.report_achievements == "40 professionals getraind."
    assert update.public_achievements == ""  # only on publication


def test_submit_needs_status_and_percentage(world):
    update = world.updates[("A.2", "ngo")]
    with pytest.raises(services.Invalid) as info:
        services.submit(world.users.ngo, update.pk)
    assert set(info.value.errors) == {"progress_status", "percent_complete"}


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"percent_complete": 130}, "percent_complete"),
        ({"progress_status": "fine"}, "progress_status"),
        ({"achievements": "x" * 20_001}, "achievements"),
        ({"indicators": [{"name": "", "value": 3}]}, "indicators"),
        ({"indicators": [{"name": "trainingen", "value": "veel"}]}, "indicators"),
        ({"milestones_reached": [999_999]}, "milestones_reached"),
    ],
)
def test_bad_values_are_named(world, changes, field):
    update = world.updates[("A.1", "police")]
    with pytest.raises(services.Invalid) as info:
        fill(world.users.police, update, **changes)
    assert field in info.value.errors


def test_stale_version_is_a_conflict_with_both_texts(world):
    update = world.updates[("A.2", "ngo")]
    loaded_version = update.version
    fill(world.users.ngo, update, achievements="Versie van Anna.")
    with pytest.raises(services.Conflict) as info:
        services.save_draft(
            world.users.ngo,
            update.pk,
            services.UpdateData(achievements="Versie van Bram."),
            loaded_version,
        )
    assert info.value.current.achievements == "Versie van Anna."
    assert info.value.submitted["achievements"] == "Versie van Bram."
    update.refresh_from_db()
    assert update.achievements == "Versie van Anna."


def test_deadline_locks_unless_extended(world):
    update = world.updates[("A.1", "police")]
    ReportingRound.objects.filter(pk=world.round.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(Denied, match="deadline is verstreken"):
        fill(world.users.police, update)
    world.round.refresh_from_db()
    services.grant_extension(
        world.users.programme, world.round, world.orgs.police, timezone.now() + dt.timedelta(days=3)
    )
    fill(world.users.police, update)  # allowed again for the police only
    with pytest.raises(Denied):
        fill(world.users.ngo, world.updates[("A.2", "ngo")])


def test_extension_must_be_later_than_the_deadline(world):
    with pytest.raises(services.Invalid):
        services.grant_extension(
            world.users.programme,
            world.round,
            world.orgs.police,
            world.round.deadline - dt.timedelta(days=1),
        )


def test_closing_freezes_a_snapshot(world):
    update = world.updates[("A.1", "police")]
    submitted(world.users.police, update, achievements="Klaar voor het verslag.")
    services.approve(world.users.programme, update.pk)
    r = services.close_round(world.users.programme, world.round)
    snapshot = r.snapshot
    item = next(i for i in snapshot["updates"] if i["action"]["code"] == "A.1")
    assert item["review_state"] == "approved" and item["achievements"] == "Klaar voor het verslag."
    assert item["organisation"]["code"] == "police" and item["action"]["action_line"] == "L1"
    assert len(snapshot["updates"]) == 4
    # Later changes to the plan do not change the frozen result.
    world.actions.a1.title_nl = "Nieuwe titel"
    world.actions.a1.save()
    r.refresh_from_db()
    assert (
        next(i for i in r.snapshot["updates"] if i["action"]["code"] == "A.1")["action"]["title_nl"]
        != "Nieuwe titel"
    )
    with pytest.raises(Denied):
        fill(world.users.police, world.updates[("A.3", "police")])


def test_bulk_review_reports_what_it_could_not_do(world):
    done = submitted(world.users.police, world.updates[("A.1", "police")])
    not_submitted = world.updates[("A.2", "ngo")]
    result = services.bulk_review(
        world.users.programme, [done.pk, not_submitted.pk, 424242], "approve"
    )
    assert result.done == [done.pk]
    assert set(result.refused) == {not_submitted.pk, 424242}
    result = services.bulk_review(world.users.programme, [done.pk], "return", "")
    assert done.pk in result.refused


def test_every_write_is_audited_with_before_and_after(world):
    update = world.updates[("A.1", "police")]
    start = AuditEvent.objects.count()
    submitted(world.users.police, update, achievements="Nieuw.")
    services.return_update(world.users.programme, update.pk, "Aanvullen.")
    verbs = list(AuditEvent.objects.order_by("id")[start:].values_list("verb", "actor_name"))
    assert verbs == [
        ("save", "politie"),
        ("submit", "politie"),
        ("return", "programma"),
        ("review-return", "programma"),  # the comment opens the review thread
    ]
    save = AuditEvent.objects.filter(verb="save", object_id=str(update.pk)).last()
    assert save.before["achievements"] == "" and save.after["achievements"] == "Nieuw."
    assert AuditEvent.objects.filter(object_type="reporting.reportinground", verb="open").exists()


def test_every_wrong_round_date_is_named_in_one_pass():
    import datetime as dt

    from django.utils import timezone

    deadline = timezone.make_aware(dt.datetime(2026, 1, 10, 12))
    problems = services.round_date_problems(
        dt.date(2026, 2, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 1), deadline
    )
    assert set(problems) == {"period_end", "deadline", "opens_on"}
