"""The report context: what the report says, counted from the frozen round."""

from samen.documents import context
from samen.reporting import publication


def test_statuses_are_counted_per_action_from_approved_updates(reported):
    ctx = context.build(reported.round)
    by_code = {a.code: a for a in ctx.actions}
    assert [a.code for a in ctx.actions] == ["A.1", "A.2", "A.3"]
    assert by_code["A.1"].status == "at_risk"
    # Submitted but never approved: the report does not take its status.
    assert by_code["A.2"].status == "not_reported"
    # Two holders (on track, completed): the more worrying status counts.
    assert by_code["A.3"].status == "on_track"
    assert ctx.counts == {"at_risk": 1, "not_reported": 1, "on_track": 1}
    assert [len(g.actions) for g in ctx.lines] == [2, 1]


def test_changes_since_the_previous_round(reported):
    ctx = context.build(reported.round)
    assert ctx.previous_title == "Ronde 0"
    # A.2 had no approved update this time: that is no change of status.
    assert [(a.code, a.previous_status, a.status) for a in ctx.changed] == [
        ("A.1", "on_track", "at_risk"),
    ]
    assert (
        "Ten opzichte van de vorige ronde (Ronde 0) is de status van 1 actie veranderd; acties "
        "zonder goedgekeurde rapportage toen of nu zijn niet vergeleken."
    ) in ctx.summary_sentences()


def test_an_action_is_completed_only_when_every_holder_says_so(world):
    from samen.reporting import services
    from tests.documents.conftest import approve_with

    # A.3 has two holders; only the NGO reports, "completed".
    approve_with(world, world.updates[("A.3", "ngo")], "completed", "Klaar.")
    r = services.close_round(world.users.programme, world.round)
    ctx = context.build(r)
    a3 = next(a for a in ctx.actions if a.code == "A.3")
    assert a3.status == "partly_reported"
    assert a3.status_text == "Deels gerapporteerd (1 van 2 actiehouders heeft gerapporteerd)"
    assert ctx.counts["completed"] == 0
    sentences = ctx.summary_sentences()
    assert sentences[0] == "Deze rapportage gaat over 3 acties."
    assert (
        "1 actie heeft in deze ronde een goedgekeurde rapportage: 0 liggen op schema en "
        "0 zijn vertraagd." in sentences
    )
    assert "Voor 2 acties is er in deze ronde geen goedgekeurde rapportage." in sentences
    assert any(
        s.startswith("De meeste acties hebben in deze ronde geen goedgekeurde") for s in sentences
    )
    # No claim that nothing is at risk when most actions did not report.
    assert ctx.attention_sentence().startswith(
        "Geen van de acties met een goedgekeurde rapportage loopt risico of is vertraagd; voor 3 acties"
    )
    assert "Deels gerapporteerd (1 van 2 actiehouders heeft gerapporteerd)" in str(
        ctx.annex_table().rows
    )


def test_summary_counts_read_as_dutch_with_singular_and_plural(reported):
    # "1 ligt op schema", never "1 liggen op schema".
    assert context.build(reported.round).summary_sentences()[:2] == [
        "Deze rapportage gaat over 3 acties.",
        "2 acties hebben in deze ronde een goedgekeurde rapportage: 1 ligt op schema, "
        "1 loopt risico en 0 zijn vertraagd.",
    ]


def test_report_uses_the_programme_teams_text_never_the_partners(reported):
    ctx = context.build(reported.round)
    texts = [t for a in ctx.actions for r in a.reports for t in (r.achievements, r.obstacles)]
    assert "REPORTWORD **Forty** people trained." in texts
    assert not any("PARTNERWORD" in t or "UNAPPROVEDWORD" in t for t in texts)


def test_per_exploitation_form_lists_the_actions_that_target_it(reported):
    ctx = context.build(reported.round)
    forms = {g.key: [a.code for a in g.actions] for g in ctx.forms}
    assert forms["sexual"] == ["A.1"]
    assert forms["labour"] == ["A.2"]
    assert forms["criminal"] == ["A.3"]
    assert [a.code for a in ctx.at_risk] == ["A.1"]
    assert ctx.delayed == []


def test_public_layer_needs_publication_and_compares_with_published_rounds_only(reported):
    try:
        context.build(reported.round, "public")
    except context.NotAvailable:
        pass
    else:
        raise AssertionError("an unpublished round has no public report")
    publication.publish_round(reported.users.programme, reported.round)
    reported.round.refresh_from_db()
    ctx = context.build(reported.round, "public")
    # The earlier round was closed but never published: no comparison with it.
    assert ctx.previous_title is None
    assert all(a.previous_status is None for a in ctx.actions)


def test_english_on_request(reported):
    ctx = context.build(reported.round, language="en")
    assert ctx.title.startswith("Progress report")
    assert ctx.annex_table().header[0] == "Action"
    nl = context.build(reported.round, language="nl")
    assert nl.title.startswith("Voortgangsrapportage")


def test_building_the_report_takes_a_fixed_number_of_queries(
    reported, django_assert_max_num_queries
):
    from samen.plan.models import Action
    from tests.plan.factories import ActionFactory

    line = reported.world.actions.a1.action_line
    for i in range(30):  # actions without a holder: listed in the snapshot by code only
        ActionFactory(code=f"Z.{i}", action_line=line, forms=["sexual"])
    snapshot = reported.round.snapshot
    snapshot["actions_without_update"] = list(
        Action.objects.filter(code__startswith="Z.").values_list("code", flat=True)
    )
    reported.round.snapshot = snapshot
    # The first build after figures change also stores the public impact tables (a fixed
    # number of writes, whatever the size); measure the reading of a report after that.
    context.build(reported.round)
    # The letter is one query; the chapter Effect checks that the stored public impact tables
    # are current (a fixed few queries on the figures' fingerprint) and reads them; the
    # indicators section costs one when the plan has none (issue 14).
    with django_assert_max_num_queries(27):
        ctx = context.build(reported.round)
    assert len(ctx.actions) == 33
