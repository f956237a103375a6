"""The monthly PDF summary: Django template → HTML → WeasyPrint → A4 PDF.

One job per module: ``render`` (the template, WeasyPrint and the collector control),
``context`` (what the template prints), ``tables`` (its breakdown rows), ``charts``
(matplotlib SVG charts), ``svg`` (SVG compaction), ``simulation`` (the scenarios page)
and ``programmes`` (the Pemda paragraph).
"""

from .render import RenderedReport, build_report, report_html, report_pdf_bytes

__all__ = ["RenderedReport", "build_report", "report_html", "report_pdf_bytes"]
