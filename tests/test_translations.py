"""The Dutch catalogues are complete and correct: Dutch is the default UI
language, so a missing or wrong translation is a visible defect."""

import re
from pathlib import Path

import polib
import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "samen"
CATALOGUES = sorted(SOURCE.glob("**/locale/nl/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def test_there_are_dutch_catalogues():
    assert len(CATALOGUES) >= 5


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_string_is_translated_with_the_same_placeholders(path):
    problems = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags or entry.previous_msgid:
            problems.append(f"guessed (fuzzy) translation: {entry.msgid!r}")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(translations):
            problems.append(f"untranslated: {entry.msgid!r}")
            continue
        expected = set(PLACEHOLDER.findall(entry.msgid))
        for text in translations:
            if set(PLACEHOLDER.findall(text)) - expected:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)
