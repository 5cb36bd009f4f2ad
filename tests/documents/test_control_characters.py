"""The report writers survive characters that XML cannot hold, in texts stored before
the input boundary (samen.core.text) existed: defence in depth."""

import io

from docx import Document
from pypdf import PdfReader

from samen.documents import context, render
from samen.reporting.models import ProgressUpdate

VT, BELL, ESC = "\x0b", "\x07", "\x1b"


def test_writers_survive_texts_stored_before_the_boundary(reported, bundled_plan):
    """An update's text with a vertical tab and an escape, stored before the boundary
    existed (straight into the database), does not break the Word and PDF report."""
    r = reported.round
    snapshot = r.snapshot
    for entry in snapshot["updates"]:
        for key in ("report_achievements", "achievements"):
            if key in entry:
                entry[key] = f"Regel een{VT}regel twee{ESC}[31m{BELL}"
    type(r).objects.filter(pk=r.pk).update(snapshot=snapshot)
    ProgressUpdate.objects.filter(round=r).update(report_achievements=f"x{VT}y")
    r.refresh_from_db()
    ctx = context.build(r)
    word = Document(io.BytesIO(render.render(ctx, "docx").content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Regel een" in text and "\x0b" not in text and "\x1b" not in text
    pdf = PdfReader(io.BytesIO(render.render(ctx, "pdf").content))
    assert "Regel een" in "".join(page.extract_text() for page in pdf.pages)
