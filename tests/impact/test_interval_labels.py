"""The engine's words for an interval reach the analyst in Dutch, whole (the stored
column keeps only their start)."""

from django.utils import translation

from samen.impact.interval_labels import interval_label
from samen.impact.models import EstimationRun


def test_every_interval_the_engine_describes_reads_in_dutch():
    with translation.override("nl"):
        assert interval_label(
            "BCa bootstrap (1000 replicates, model selection redone in each)"
        ) == ("BCa-bootstrap (1.000 herhalingen, modelkeuze in elke herhaling opnieuw)")
        assert interval_label("profile likelihood (multinomial, Cormack's correction)") == (
            "profiellikelihood (multinomiaal, correctie van Cormack)"
        )
        assert interval_label("something new") == "something new"  # as the engine wrote it


def test_a_run_shows_its_whole_interval_description_not_the_stored_start():
    words = "BCa bootstrap (1000 replicates, model selection redone in each)"
    run = EstimationRun(interval_kind=words[:60], result={"intervalKind": words})
    with translation.override("nl"):
        assert run.interval_label.endswith("modelkeuze in elke herhaling opnieuw)")


def test_lcmcr_posterior_quantiles_read_in_dutch_with_dutch_numbers():
    words = "posterior quantiles (2.5% and 97.5%) of 4,000 draws"
    with translation.override("nl"):
        assert interval_label(words) == "posteriorkwantielen (2,5 % en 97,5 %) van 4.000 trekkingen"
    with translation.override("en"):
        assert interval_label(words) == "posterior quantiles (2.5 % and 97.5 %) of 4,000 draws"
