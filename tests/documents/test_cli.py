"""`samen report`: list the rounds, write a report file."""

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_list_one_round_a_line_identifier_first(reported):
    lines = run("--list").splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        str(reported.earlier.pk),
        str(reported.round.pk),
    ]
    assert lines[1].split("\t")[1] == "closed" and lines[1].endswith("Ronde 1")


def test_list_shows_escape_codes_in_titles_instead_of_running_them(reported):
    """A title holding a terminal escape sequence (stored before the input boundary)
    cannot clear the screen or recolour the listing."""
    type(reported.round).objects.filter(pk=reported.round.pk).update(
        title="Ronde 1\x1b[2J\x1b]0;pwned\x07\nnep-regel"
    )
    out = run("--list")
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[1].endswith("Ronde 1\\x1b[2J\\x1b]0;pwned\\x07\\x0anep-regel")
    assert len(out.splitlines()) == 2


def test_write_a_report_in_english(reported, tmp_path):
    target = tmp_path / "report.docx"
    out = run(str(reported.round.pk), "--format", "docx", "--lang", "en", "-o", str(target))
    assert str(target) in out
    headings = [p.text for p in Document(target).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Summary"


def test_refuses_an_unknown_round_and_an_unpublished_public_report(reported):
    with pytest.raises(CommandError, match="No round 999"):
        run("999", "--format", "pdf")
    with pytest.raises(CommandError, match="niet gepubliceerd"):
        run(str(reported.round.pk), "--format", "html", "--public")
