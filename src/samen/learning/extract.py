"""Text of PDF and DOCX attachments, for search. Free of Django: it runs in the bounded
child process of samen.core.safeparse (address space, CPU and wall-clock ceilings; ADR
0009), called as the parsers "pdf_text" and "docx_text"."""

from __future__ import annotations

import io
from typing import Any

MAX_TEXT = 200_000  # characters kept for search
MAX_PAGES = 300


def pdf_text(content: bytes, limits: Any) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    parts: list[str] = []
    size = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES or size >= MAX_TEXT:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return "\n".join(parts)[:MAX_TEXT]


def docx_text(content: bytes, limits: Any) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts: list[str] = []
    size = 0
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
        size += len(paragraph.text)
        if size >= MAX_TEXT:
            break
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
                size += len(cell.text)
            if size >= MAX_TEXT:
                break
    return "\n".join(parts)[:MAX_TEXT]


EXTRACTORS = {"pdf_text": pdf_text, "docx_text": docx_text}
