"""The report as a Word document (python-docx) that a civil servant can keep
editing: real Heading styles, a table-of-contents field, page numbers, tables
whose header row repeats on every page, charts as pictures with alt text."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.core.markdown import _parser
from samen.core.text import scrubbed

if TYPE_CHECKING:
    from .charts import Chart
    from .context import ReportContext, Table

BLUE = "154273"


def docx(ctx: ReportContext, charts: list[Chart], frame: str = "report") -> bytes:
    """The report as DOCX; `frame="letter"`: the letter to parliament first, with
    the introduction as its body and the report as its annex."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    # Texts stored before the input boundary existed may hold characters that XML
    # cannot (python-docx refuses them): the writer survives them anyway.
    ctx = scrubbed(ctx)
    doc = Document()
    _set_up(doc, ctx)
    by_key = {c.key: c for c in charts}
    in_letter = frame == "letter"
    if in_letter:
        _letter(doc, ctx)
        doc.add_paragraph(ctx.annex_label.upper(), style="Subtitle")

    # Title page
    doc.add_paragraph(_("Together against human trafficking").upper(), style="Subtitle")
    doc.add_paragraph(ctx.title, style="Title")
    doc.add_paragraph(ctx.round_title, style="Subtitle")
    doc.add_paragraph(ctx.period_label)
    doc.add_paragraph(_("Date: %(date)s") % {"date": ctx.date_label})
    if ctx.layer == "public":
        doc.add_paragraph(_("Public version: the published text of approved updates."))
    if ctx.is_demo:
        doc.add_paragraph(_("Demo data: this report does not describe real progress."))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Contents: a TOC field that Word fills in (it asks to update fields on opening).
    contents = doc.add_paragraph(style="TOC Heading" if _has_style(doc, "TOC Heading") else None)
    contents.add_run(_("Contents")).bold = True
    toc = doc.add_paragraph()  # filled in once every heading exists (_fill_toc)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    if ctx.introduction and not in_letter:
        _heading(doc, _("Introduction"), 1)
        _markdown(doc, ctx.introduction)

    _heading(doc, _("Summary"), 1)
    for sentence in ctx.summary_sentences():
        doc.add_paragraph(sentence)
    _table(doc, ctx.status_table())
    _chart(doc, by_key.get("lines"))
    _table(doc, ctx.line_table())
    _chart(doc, by_key.get("forms"))
    _table(doc, ctx.form_table())
    _heading(doc, _("Changes since the previous round"), 2)
    if ctx.previous_title:
        _chart(doc, by_key.get("change"))
        if ctx.changed:
            _table(doc, ctx.change_table())
        else:
            doc.add_paragraph(_("No action changed status."))
    else:
        doc.add_paragraph(_("There is no earlier round to compare with."))

    _heading(doc, _("Progress per action line"), 1)
    for group in ctx.lines:
        _heading(doc, group.title, 2)
        for action in group.actions:
            _heading(doc, f"{action.code} {action.title}", 3)
            meta = doc.add_paragraph()
            meta.add_run(_("Action holders") + ": ").bold = True
            meta.add_run(", ".join(action.holders) or "—")
            meta.add_run("   " + _("Status") + ": ").bold = True
            status = action.status_text
            if action.changed:
                status += (
                    " (" + _("was: %(before)s") % {"before": action.previous_status_label} + ")"
                )
            meta.add_run(status)
            if not action.reports:
                doc.add_paragraph(_("No approved update in this round."))
            for rep in action.reports:
                if len(action.reports) > 1:
                    p = doc.add_paragraph()
                    p.add_run(rep.organisation).bold = True
                    p.add_run(f" · {rep.status_label}")
                    if rep.percent is not None:
                        p.add_run(f" · {rep.percent}%")
                elif rep.percent is not None:
                    doc.add_paragraph(_("%(percent)s%% complete") % {"percent": rep.percent})
                for label, text in (
                    (_("Achievements"), rep.achievements),
                    (_("Obstacles"), rep.obstacles),
                ):
                    doc.add_paragraph().add_run(label).bold = True
                    _markdown(doc, text or "—")

    _heading(doc, _("Per form of exploitation"), 1)
    doc.add_paragraph(
        _(
            "The plan states for every action which forms of exploitation it targets, to show "
            "what the actions must deliver for each form. Per form: the actions that target it, "
            "what they promise, and where they stand."
        )
    )
    for group in ctx.forms:
        _heading(doc, group.title, 2)
        if group.actions:
            _table(doc, group.table)
        else:
            doc.add_paragraph(_("No action in this round targets this form."))

    _heading(doc, _("Actions at risk or delayed"), 1)
    if ctx.delayed:
        _table(doc, ctx.delayed_table())
    if ctx.at_risk:
        _table(doc, ctx.at_risk_table())
    if not ctx.delayed and not ctx.at_risk:
        doc.add_paragraph(ctx.attention_sentence())

    for section in ctx.extra_sections:
        _heading(doc, section.title, 1)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        for table in section.tables:
            _table(doc, table)

    _heading(doc, _("Annex: status of every action"), 1)
    _table(doc, ctx.annex_table())
    _fill_toc(doc, toc)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- pieces ----------------------------------------------------------------------------


def _letter(doc: Any, ctx: ReportContext) -> None:
    """The letter's page: sender block, addressee, date, reference, subject, the
    introduction as its body, the closing, and a line naming the annex."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    letter = ctx.letter
    for line in letter.sender if letter else []:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)
        p.add_run(line).font.size = Pt(9)
    doc.add_paragraph()
    for line in letter.addressee if letter else []:
        doc.add_paragraph(line).paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    meta = [(_("Date"), ctx.letter_date_label)]
    if letter and letter.reference:
        meta.append((_("Reference"), letter.reference))
    meta.append((_("Subject"), (letter.subject if letter else "") or ctx.title))
    for label, value in meta:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(f"{label}\t").bold = True
        p.add_run(value)
    doc.add_paragraph()
    if ctx.introduction:
        _markdown(doc, ctx.introduction)
    for line in letter.closing if letter else []:
        doc.add_paragraph(line).paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    doc.add_paragraph(ctx.annex_label).runs[0].italic = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _styled(doc: Any, text: str, style_id: str) -> Any:
    """A paragraph in a style of the template, set by its id: python-docx looks a style
    up by name with a search through all styles, which a long report cannot afford."""
    paragraph = doc.add_paragraph(text)
    if style_id:
        paragraph._p.style = style_id
    return paragraph


def _heading(doc: Any, text: str, level: int) -> Any:
    return _styled(doc, text, f"Heading{level}")


def _has_style(doc: Any, name: str) -> bool:
    return any(s.name == name for s in doc.styles)


def _set_up(doc: Any, ctx: ReportContext) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    # The file's properties (File > Info in Word): the report's title, the programme
    # as author, the moment it was made; not python-docx's template defaults (2013).
    properties = doc.core_properties
    properties.title = f"{ctx.title} · {ctx.round_title}"
    properties.subject = ctx.period_label
    properties.language = "nl-NL" if ctx.language == "nl" else "en-GB"
    properties.author = properties.last_modified_by = settings.SAMEN_CONTACT["name"]
    properties.created = properties.modified = timezone.now().replace(microsecond=0)
    properties.comments = ""
    properties.category = _("Progress report")
    properties.revision = 1
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), properties.language)
    normal.element.get_or_add_rPr().append(lang)
    for level in (1, 2, 3):
        doc.styles[f"Heading {level}"].font.color.rgb = RGBColor.from_string(BLUE)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    # Page numbers: "page X of Y" in the footer, as fields Word keeps up to date.
    footer = section.footer.paragraphs[0]
    footer.alignment = 2  # right
    footer.add_run(_("Page") + " ")
    _field(footer, "PAGE")
    footer.add_run(" " + _("of") + " ")
    _field(footer, "NUMPAGES")
    # Ask Word to update the fields (the table of contents) when the file is opened.
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    _field_start(paragraph, instruction)
    paragraph.add_run(placeholder)
    _field_char(paragraph, "end")


def _field_char(paragraph: Any, kind: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


def _field_start(paragraph: Any, instruction: str) -> None:
    """A complex field's begin, instruction and separator; its shown result follows."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _field_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")


TOC_LEVELS = {"Heading1": 1, "Heading2": 2}


def _fill_toc(doc: Any, anchor: Any) -> None:
    """The contents as a TOC field whose shown result already lists the headings.

    Word rebuilds it with page numbers when the file is opened (updateFields);
    a word processor that does not update fields (LibreOffice, a viewer) still
    shows every chapter and section instead of an empty field.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm

    for level in (1, 2):
        if not any(s.style_id == f"TOC{level}" for s in doc.styles):
            style = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.style_id = f"TOC{level}"
            style.base_style = doc.styles["Normal"]
            style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            style.paragraph_format.space_after = Cm(0.1)
            style.font.bold = level == 1
    headings = [
        (p.text, TOC_LEVELS[p._p.style]) for p in doc.paragraphs if p._p.style in TOC_LEVELS
    ]
    for i, (text, level) in enumerate(headings):
        entry = anchor.insert_paragraph_before()
        entry._p.style = f"TOC{level}"
        if i == 0:
            _field_start(entry, 'TOC \\o "1-2" \\h \\z \\u')
        entry.add_run(text)
    if not headings:
        _field_start(anchor, 'TOC \\o "1-2" \\h \\z \\u')
    hint = anchor.add_run(_("Page numbers appear when this table of contents is updated (F9)."))
    hint.italic = True
    _field_char(anchor, "end")


def _table(doc: Any, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    _styled(doc, table.caption, "Caption")
    out = doc.add_table(rows=1, cols=len(table.header))
    out.style = "Table Grid"
    header = out.rows[0]
    # The header row repeats at the top of every page the table runs onto.
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    # A wide table (e.g. a column per status) gets a smaller header, so that no
    # header word has to break to fit the page.
    header_pt = 9.0 if len(table.header) < WIDE_TABLE else 7.5
    for cell, text in zip(header.cells, table.header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(header_pt)
        run.font.color.rgb = RGBColor.from_string("FFFFFF")
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), BLUE)
        cell._tc.get_or_add_tcPr().append(shading)
    for values in table.rows:
        cells = out.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = ""
            cell.paragraphs[0].add_run(text).font.size = Pt(10)
            if i >= table.numeric_from:
                cell.paragraphs[0].alignment = 2
    _set_widths(out, table, header_pt)
    doc.add_paragraph()


WIDE_TABLE = 7  # columns


def _set_widths(out: Any, table: Table, header_pt: float = 9.0, total_cm: float = 16.0) -> None:
    """Columns as wide as their text needs (equal widths break words in narrow
    numeric columns and squeeze the names)."""
    from docx.shared import Cm

    def longest_word(texts: list[str]) -> int:
        return max((len(word) for text in texts for word in text.split()), default=1)

    count = len(table.header)
    head_cm = 0.2 * header_pt / 9  # per character of a bold header word
    numeric = [i >= table.numeric_from for i in range(count)]
    texts = [[row[i] for row in table.rows] for i in range(count)]
    # A number is never broken: as wide as the longest value in 10 pt (e.g. an amount
    # in euros) or the header's longest word in 9 pt, whichever is wider; capped.
    fixed = [
        min(
            3.3,
            max(
                1.2,
                head_cm * longest_word([head]) + 0.35,
                0.21 * max((len(t) for t in column), default=1) + 0.35,
            ),
        )
        for column, head in zip(texts, table.header, strict=True)
    ]
    minimums = [
        min(
            4.0,
            max(
                1.2,
                0.19 * longest_word(column or [""]) + 0.3,
                head_cm * longest_word([head]) + 0.35,
            ),
        )
        for column, head in zip(texts, table.header, strict=True)
    ]
    lengths = [min(max((len(t) for t in column), default=5), 45) or 5 for column in texts]
    free = total_cm - sum(f for f, n in zip(fixed, numeric, strict=True) if n)
    share = sum(length for length, n in zip(lengths, numeric, strict=True) if not n) or 1
    widths = [
        fixed[i] if numeric[i] else max(minimums[i], free * lengths[i] / share)
        for i in range(count)
    ]
    excess = sum(widths) - total_cm
    if excess > 0:  # take it from the text columns above their minimum, in proportion
        room = [0.0 if numeric[i] else widths[i] - minimums[i] for i in range(count)]
        spare = sum(room) or 1
        widths = [w - excess * r / spare for w, r in zip(widths, room, strict=True)]
    if sum(widths) > total_cm:  # many columns: everything gives a little
        widths = [w * total_cm / sum(widths) for w in widths]
    out.autofit = False
    for column, width in zip(out.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    for row in out.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _chart(doc: Any, chart: Chart | None) -> None:
    if chart is None:
        return
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(chart.png()), width=Cm(16))
    picture = doc.inline_shapes[-1]
    picture._inline.docPr.set("title", chart.title)
    picture._inline.docPr.set("descr", f"{chart.title}. {chart.description}")
    _styled(doc, chart.title, "Caption")


def _markdown(doc: Any, text: str) -> None:
    """The programme team's Markdown as Word paragraphs, lists and emphasis."""
    list_style = ""
    bold = italic = False
    for token in _parser().parse(text):
        if token.type == "bullet_list_open":
            list_style = "ListBullet"
        elif token.type == "ordered_list_open":
            list_style = "ListNumber"
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_style = ""
        elif token.type == "inline":
            paragraph = _styled(doc, "", list_style)
            for child in token.children or []:
                if child.type == "strong_open":
                    bold = True
                elif child.type == "strong_close":
                    bold = False
                elif child.type == "em_open":
                    italic = True
                elif child.type == "em_close":
                    italic = False
                elif child.type in ("text", "code_inline"):
                    run = paragraph.add_run(child.content)
                    run.bold, run.italic = bold or None, italic or None
                elif child.type in ("softbreak", "hardbreak"):
                    paragraph.add_run(" ")
