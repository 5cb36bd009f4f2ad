"""The Dutch catalogues are complete and correct: Dutch is the default UI
language, so a missing or wrong translation is a visible defect."""

import os
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


# Every visible string must be in its app's Dutch catalogue. The strings are extracted
# afresh with Django's makemessages (xgettext) from a copy of each app, so a string
# marked for translation but never added to the catalogue fails here, not on screen.
EXTRACT = r"""
import os, sys
from django.conf import settings
settings.configure(USE_I18N=True)
import django
django.setup()
from django.core.management import call_command
for folder in sys.argv[1:]:
    os.chdir(folder)
    call_command("makemessages", locale=["nl"], verbosity=0, no_location=True)
"""


def _catalogue_sources(tmp_path):
    """(catalogue, copy of the sources it covers) per catalogue: an app's own files,
    or for the project catalogue everything outside the apps that have their own."""
    import shutil

    apps = {path.parents[3] for path in CATALOGUES} - {SOURCE}
    skip = shutil.ignore_patterns("__pycache__", "static", "data", "locale", "*.po", "*.mo")
    pairs = []
    for catalogue in CATALOGUES:
        root = catalogue.parents[3]
        copy = tmp_path / (root.name if root != SOURCE else "_project")
        if root == SOURCE:
            copy.mkdir()
            for child in root.iterdir():
                if child in apps or child.name in ("mse", "locale", "static", "data"):
                    continue
                if child.is_dir():
                    shutil.copytree(child, copy / child.name, ignore=skip)
                elif child.suffix in (".py", ".html", ".txt"):
                    shutil.copy(child, copy / child.name)
        else:
            shutil.copytree(root, copy, ignore=skip)
        (copy / "locale" / "nl" / "LC_MESSAGES").mkdir(parents=True)
        pairs.append((catalogue, copy))
    return pairs


def test_every_marked_string_is_in_the_dutch_catalogue(tmp_path):
    import subprocess
    import sys

    pairs = _catalogue_sources(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-c", EXTRACT, *[str(copy) for _c, copy in pairs]],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    missing = []
    for catalogue, copy in pairs:
        fresh = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
        if not fresh.exists():
            continue
        have = {
            (e.msgctxt, e.msgid)
            for e in polib.pofile(str(catalogue))
            if not e.obsolete and (e.msgstr or all(e.msgstr_plural.values()))
        }
        where = catalogue.relative_to(SOURCE)
        missing += [
            f"{where}: {e.msgid!r}"
            for e in polib.pofile(str(fresh))
            if e.msgid and (e.msgctxt, e.msgid) not in have
        ]
    assert not missing, "not in the Dutch catalogue (make them with makemessages):\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_message_is_defined_twice(path):
    # A duplicate (easily left by a merge) makes msgfmt refuse the whole catalogue,
    # and every page of the app then shows English.
    seen, twice = set(), []
    for entry in polib.pofile(str(path)):
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            twice.append(entry.msgid)
        seen.add(key)
    assert not twice, twice


def test_one_message_reads_the_same_in_every_catalogue():
    # Django merges the apps' catalogues: when two apps translate the same message
    # differently, which one a page shows depends on the order of the apps.
    found: dict[tuple, dict[tuple, list[str]]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            text = (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            app = str(path.relative_to(SOURCE)).split("/")[0]
            found.setdefault((entry.msgctxt, entry.msgid), {}).setdefault(text, []).append(app)
    differing = {key[1]: texts for key, texts in found.items() if len(texts) > 1}
    assert not differing, differing
