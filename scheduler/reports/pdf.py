"""Printable pages as PDF: the one place HTML sheets become A4 documents (WeasyPrint).

Every sheet is first an HTML page (scheduler/reports/templates/, `print.css`); the PDF is that
same page laid out by WeasyPrint, so the printed sheet and the PDF never say different things.
WeasyPrint is imported on first use: loading Pango takes a moment that only those who print
should pay (the API and the CLI start without it).
"""

from __future__ import annotations

PDF_MEDIA_TYPE = "application/pdf"


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML page (UTF-8, self-contained: styles inline, no external files)."""
    from weasyprint import HTML  # here, not at the top: see the module notes

    return bytes(HTML(string=html).write_pdf())
