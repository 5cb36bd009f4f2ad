"""Dutch pages read Dutch: the engine's messages with Dutch number formats, the bundled
figures' English notes and methods in Dutch, and no English 'dark number'."""

from django.core.management import call_command
from django.utils import translation

from samen.impact import engine_messages, source_notes
from samen.impact.registrations_bundle import BUNDLED_IMPACT, PUBLISHED_BY_SOURCE


def test_engine_messages_write_numbers_the_dutch_way_on_dutch_pages():
    params = {"size": 12_345_678, "limit": 10_000_000}
    with translation.override("nl"):
        assert engine_messages.text("file_too_large", params) == (
            "het bestand heeft 12.345.678 bytes; er worden er ten hoogste 10.000.000 gelezen"
        )
        poor = engine_messages.text(
            "gof_poor_fit", {"deviance": 12345.67, "df": 20, "p_value": 0.012}
        )
        assert "deviantie 12.345,7 bij 20" in poor and "p = 0,012" in poor
        share = engine_messages.text("lcmcr_unbounded", {"share": "12.5%", "ceiling": "1e+12"})
        assert "12,5%" in share
        # Names in a text parameter stay as they are.
        unknown = engine_messages.text(
            "term_unknown_list", {"term": "LA:XX", "name": "XX", "lists": "A, B, LA"}
        )
        assert "A, B, LA" in unknown
    with translation.override("en"):
        assert engine_messages.text("file_too_large", params) == (
            "the file has 12,345,678 bytes; at most 10,000,000 bytes are read"
        )


def test_every_bundled_note_and_method_is_translated_and_none_is_left_out():
    import yaml

    data = yaml.safe_load(BUNDLED_IMPACT.read_text(encoding="utf-8"))
    texts = {
        item[key]
        for section in ("registrations", "estimates", "detection_links")
        for item in data[section]
        for key in ("note", "method", "population_definition")
        if item.get(key)
    }
    assert texts | {PUBLISHED_BY_SOURCE} == set(source_notes.BUNDLED_TEXTS)
    with translation.override("nl"):
        for text in source_notes.BUNDLED_TEXTS:
            assert source_notes.source_text(text) != text, text
        assert source_notes.source_text("typed by an analyst") == "typed by an analyst"


def test_the_effect_and_register_pages_show_no_english_source_notes_in_dutch(client, db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115
    effect = client.get("/effect/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "multiple systems estimation (WODC; Van Dijk, Cruyff, Van der Heijden; november" in (
        effect
    )
    assert "November 2021" not in effect
    assert "Dark number" not in effect and "dark number" not in effect
    assert "Verborgen aantal" in effect or "verborgen aantal" in effect
