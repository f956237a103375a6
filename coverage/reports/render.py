"""Rendering the monthly PDF: the context into the template, the HTML through WeasyPrint.

Also the control of Python's garbage collector around a rendering (see
``collector_paused``), which keeps a long-running server's memory flat.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .. import selectors
from ..calculations import Period
from ..scenarios import NamedScenario
from ..summaries import load_dashboard
from .context import completeness_context, report_context
from .programmes import programme_paragraphs
from .simulation import scenario_context

TEMPLATE = "reports/summary.html"


@dataclass(frozen=True)
class RenderedReport:
    """A rendered PDF and its number of pages (the command line prints it)."""

    pdf: bytes
    pages: int


class ReportOptions(TypedDict, total=False):
    """How a report is printed, beyond its month and scope (defaults: ``report_html``)."""

    basis: str
    lang: str
    approved: bool | None
    printed_at: datetime.datetime | None
    scenarios: Sequence[NamedScenario] | None


def report_pdf_bytes(*, period: Period, scope_code: str, **options: Unpack[ReportOptions]) -> bytes:
    """The PDF of ``scope_code`` for ``period``; raises ``SummaryError`` like the pages.

    ``scenarios`` (saved planner scenarios) add a "Simulasi" page comparing them
    with the baseline projection.
    """
    return build_report(period=period, scope_code=scope_code, **options).pdf


def build_report(
    *, period: Period, scope_code: str, **options: Unpack[ReportOptions]
) -> RenderedReport:
    """The PDF and its page count (``approved`` None or False prints "provisional")."""
    from weasyprint import HTML  # imported here: loading Pango is only needed for a PDF

    with collector_paused():
        html = report_html(period=period, scope_code=scope_code, **options)
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
        report = RenderedReport(pdf=document.write_pdf(), pages=len(document.pages))
        # let go before the collector runs on leaving the block, so that one young
        # collection frees the layout tree instead of promoting it
        del document, html
    return report


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then collect the young objects.

    A report leaves ~80 000 objects in reference cycles (matplotlib artists, WeasyPrint
    boxes). With the collector running they survive into the old generation and set
    off 2-4 full collections per report, each walking every object of the process
    (Django, pandas, matplotlib: ~200 000): ~0.15-0.25 s of a ~1.15 s report. Paused,
    they stay young and one collection of the youngest generation frees them (~0.04 s),
    so memory does not grow. If the collector is already off (the caller's choice, or a report
    rendering in another thread), it is left as it is.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def report_html(
    *,
    period: Period,
    scope_code: str,
    basis: str = "UCJ",
    lang: str = "id",
    approved: bool | None = None,
    printed_at: datetime.datetime | None = None,
    scenarios: Sequence[NamedScenario] | None = None,
) -> str:
    """The report as one self-contained HTML document (styles and charts inline)."""
    with translation.override(lang):
        data = load_dashboard(period=period, scope_code=scope_code, basis=basis)
        context = report_context(data, approved=approved, printed_at=printed_at)
        context["narrative"] = [*context["narrative"], *programme_paragraphs(data)]
        context.update(completeness_context(data, selectors.reporting_ledger()))
        if scenarios:
            context.update(scenario_context(data, scenarios))
        return render_to_string(TEMPLATE, context)
