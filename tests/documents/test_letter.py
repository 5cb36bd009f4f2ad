"""The letter around the report: the programme team's introduction opens the
report, and the report can be produced inside the letter to parliament."""

import io

import pytest
from django.test import Client
from docx import Document

from samen.core.models import AuditEvent
from samen.documents import context
from samen.documents import render as renderers
from samen.reporting import publication
from samen.reporting.models import RoundLetter

FORM = {
    "version": "1",
    "introduction": "Hierbij ontvangt u de **voortgangsrapportage**. INTROWORD",
    "subject": "Voortgangsrapportage Samen tegen mensenhandel",
    "reference": "2026-0001234",
    "letter_date": "2026-12-01",
    "sender": "Ministerie van Justitie en Veiligheid\nDirectie Justitieel Jeugdbeleid",
    "addressee": "Aan de Voorzitter van de Tweede Kamer\nPostbus 20018\n2500 EA  Den Haag",
    "closing": "De Minister van Justitie en Veiligheid,\n\nJ. Jansen",
}


def write_letter(client, reported, adopt=True, **changes):
    client.force_login(reported.users.programme)
    data = {**FORM, **changes, **({"adopt": "1"} if adopt else {"save": "1"})}
    return client.post(f"/rapportage/rondes/{reported.round.pk}/brief", data)


def test_the_introduction_opens_the_report_once_adopted(client, reported):
    page = client.get(f"/rapportage/rondes/{reported.round.pk}/brief")
    assert page.status_code == 302  # signed out
    response = write_letter(client, reported, adopt=False)
    assert response.status_code == 302
    assert context.build(reported.round).introduction == ""  # a working text is not the report's
    write_letter(client, reported, version="1")  # the version the form was loaded at
    ctx = context.build(reported.round)
    assert ctx.introduction == FORM["introduction"]
    preview = client.get(f"/rapportage/rondes/{reported.round.pk}/rapport").content.decode()
    intro = preview.index('id="introduction-title"')
    assert intro < preview.index('id="summary-title"')
    assert "<strong>voortgangsrapportage</strong>" in preview[intro:]
    verbs = list(AuditEvent.objects.filter(verb__endswith="-letter").values_list("verb", flat=True))
    assert verbs == ["save-letter", "adopt-letter"]


def test_a_stale_form_does_not_overwrite_the_letter(client, reported):
    write_letter(client, reported)
    write_letter(client, reported, version="1")  # now at version 2
    response = write_letter(client, reported, introduction="Oud", version="1")
    assert response.status_code == 409
    assert RoundLetter.objects.get().report_introduction == FORM["introduction"]


def test_only_the_programme_team_writes_it_until_published(client, reported):
    for user in (reported.users.police, reported.users.viewer):
        client.force_login(user)
        assert client.get(f"/rapportage/rondes/{reported.round.pk}/brief").status_code == 403
    write_letter(client, reported)
    publication.publish_round(reported.users.programme, reported.round)
    assert write_letter(client, reported, version="2").status_code == 403


def test_the_letter_frame_in_html_and_docx(client, reported):
    write_letter(client, reported)
    ctx = context.build(reported.round)
    html = renderers.html(ctx, charts=[], frame="letter")
    html = html[html.index("<body") :]
    order = [
        "Directie Justitieel Jeugdbeleid",
        "Postbus 20018",
        "1 december 2026",
        "2026-0001234",
        "Voortgangsrapportage Samen tegen mensenhandel",
        "<strong>voortgangsrapportage</strong>",
        "J. Jansen",
        "Bijlage: Voortgangsrapportage",
        'id="summary-title"',
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert 'id="introduction-title"' not in html  # the introduction is the letter's body
    document = Document(io.BytesIO(renderers.render(ctx, "docx", frame="letter").content))
    text = [p.text for p in document.paragraphs]
    assert text.index("Ministerie van Justitie en Veiligheid") < text.index("Postbus 20018")
    assert "Kenmerk\t2026-0001234" in text and "Datum\t1 december 2026" in text
    assert any(t.startswith("Hierbij ontvangt u de voortgangsrapportage") for t in text)
    assert renderers.render(ctx, "docx", frame="letter").filename.startswith("kamerbrief-")


@pytest.mark.slow
def test_the_letter_frame_as_pdf(client, reported):
    from pypdf import PdfReader

    write_letter(client, reported)
    ctx = context.build(reported.round)
    pdf = renderers.render(ctx, "pdf", frame="letter").content
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "2026-0001234" in first and "Postbus 20018" in first


def test_the_introduction_is_public_only_once_published_and_not_after_withdrawal(client, reported):
    write_letter(client, reported)
    publication.publish_round(reported.users.programme, reported.round)
    public = Client()
    page = public.get(f"/openbaar/rondes/{reported.round.pk}").content.decode()
    assert "INTROWORD" in page and "Kamerbrief als PDF" in page
    publication.withdraw_publication(reported.users.programme, reported.round, "fout")
    assert RoundLetter.objects.get().public_introduction == ""
    assert "INTROWORD" not in public.get(f"/openbaar/rondes/{reported.round.pk}").content.decode()


def test_the_report_page_says_what_the_letter_still_lacks(client, reported):
    client.force_login(reported.users.programme)
    url = f"/rapportage/rondes/{reported.round.pk}/rapport"
    page = client.get(url).content.decode()
    assert "De brief is nog niet compleet. Nog leeg:" in page and "kenmerk" in page
    write_letter(client, reported)
    assert "De brief is nog niet compleet" not in client.get(url).content.decode()
