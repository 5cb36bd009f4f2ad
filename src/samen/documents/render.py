"""Turn a report context into a file: HTML, PDF (WeasyPrint, from that same
HTML) or DOCX (python-docx, see word.py). Heavy libraries load on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samen.core.text import scrubbed, xml_safe

from . import charts as chart_specs
from .context import ReportContext

FORMATS = ("docx", "pdf", "html")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
STYLESHEET = Path(__file__).with_name("report.css")

Progress = Callable[[int, str], None]


@dataclass
class Rendered:
    content: bytes
    filename: str
    content_type: str


def filename(ctx: ReportContext, fmt: str, frame: str = "report") -> str:
    stem = "voortgangsrapportage" if ctx.language == "nl" else "progress-report"
    if frame == "letter":
        stem = ("kamerbrief-" if ctx.language == "nl" else "letter-") + stem
    suffix = "-openbaar" if ctx.layer == "public" and ctx.language == "nl" else ""
    suffix = "-public" if ctx.layer == "public" and ctx.language != "nl" else suffix
    return f"{stem}-{ctx.period_start:%Y-%m}-{ctx.period_end:%Y-%m}{suffix}.{fmt}"


def html(
    ctx: ReportContext, charts: list[chart_specs.Chart] | None = None, frame: str = "report"
) -> str:
    """The report as one self-contained HTML document (styles and charts inline);
    `frame="letter"`: the letter to parliament with the report as its annex."""
    with translation.override(ctx.language):
        charts = chart_specs.charts(ctx) if charts is None else charts
        document = render_to_string(
            "documents/report_document.html",
            {
                "report": ctx,
                "charts": charts,
                "stylesheet": STYLESHEET.read_text(),
                "in_letter": frame == "letter",
                "author": settings.SAMEN_CONTACT["name"],
                "created": timezone.now().replace(microsecond=0),
            },
        )
    # Defence in depth: texts stored before the input boundary existed may hold
    # characters that no XML/HTML parser or UTF-8 encoder accepts.
    return xml_safe(document)


def body(ctx: ReportContext, charts: list[chart_specs.Chart]) -> str:
    """The report's body for a web page, in the report's language whatever the page's."""
    with translation.override(ctx.language):
        return xml_safe(
            render_to_string("documents/_report_body.html", {"report": ctx, "charts": charts})
        )


def pdf(
    ctx: ReportContext, charts: list[chart_specs.Chart] | None = None, frame: str = "report"
) -> bytes:
    from weasyprint import HTML

    document = html(ctx, charts, frame)
    return HTML(string=document, base_url=str(STYLESHEET.parent)).write_pdf(
        pdf_variant="pdf/ua-1", custom_metadata=True
    )


def render(
    ctx: ReportContext, fmt: str, progress: Progress | None = None, frame: str = "report"
) -> Rendered:
    """The report of `ctx` in `fmt`; `progress(percent, step)` is told how far it is
    (`step` is a key of models.GeneratedReport.STEPS); `frame="letter"` puts it in
    the letter to parliament, as its annex."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    tell = progress or (lambda percent, step: None)
    ctx = scrubbed(ctx)  # charts and every writer get texts that XML can hold
    with translation.override(ctx.language):
        tell(20, "charts")
        charts = chart_specs.charts(ctx)
        if fmt == "docx":
            from .word import docx

            for chart in charts:
                chart.png()
            tell(50, "docx")
            content = docx(ctx, charts, frame)
        elif fmt == "pdf":
            for chart in charts:
                chart.svg()
            tell(50, "pdf")
            content = pdf(ctx, charts, frame)
        else:
            tell(50, "html")
            content = html(ctx, charts, frame).encode()
        tell(100, "done")
    return Rendered(content, filename(ctx, fmt, frame), CONTENT_TYPES[fmt])
