"""The monthly PDF summary: Django template → HTML → WeasyPrint → A4 PDF.

The figures come from ``coverage.summaries.load_dashboard``, the same load the web
page uses, so the PDF and the page cannot disagree; the words come from
``coverage.narrative``.

Why the charts are drawn with matplotlib (SVG) rather than the page's Plotly
figures: exporting Plotly needs kaleido, which brings (or downloads) its own
Chrome and is fragile to set up on a server without network access. matplotlib
draws vector SVG in-process, needs nothing but the fonts already installed
(DejaVu Sans), and its output is deterministic (fixed hash salt, no date in the
metadata), so the same month gives the same charts. WeasyPrint embeds the SVG as
vectors, so the charts stay sharp when printed.
"""

from __future__ import annotations

import base64
import datetime
import gc
import io
import json
import math
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import matplotlib
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import selectors
from .calculations import (
    BreakdownRow,
    CoverageSummary,
    Period,
    required_monthly_pace,
    target_path,
)
from .completeness import ReportingLedger
from .narrative import (
    basis_phrase,
    format_number,
    format_pct,
    format_rate,
    furthest_behind,
    implied_denominator_sentence,
    incomplete_warning,
    long_date,
    missing_sentence,
    month_year,
    narrative_paragraphs,
    reached_beyond_horizon,
    reached_month_text,
    status_words,
)
from .programme_report import programme_paragraphs
from .scenarios import HORIZON_MONTHS, NamedScenario, ScenarioResult, project_named
from .summaries import DashboardData, load_dashboard

REPORT_TIME_ZONE = ZoneInfo("Asia/Makassar")
GEOJSON_PATH = Path(settings.BASE_DIR) / "static" / "geo" / "ntt_regencies.geojson"
TEMPLATE = "reports/summary.html"
LAGGARD_ROWS = 8
# Where a regency's label goes when its shape is too small or crowded for it (lng, lat,
# in the sea beside it, joined by a thin line); the others are labelled inside.
MAP_LABELS_AT: dict[str, tuple[float, float]] = {
    "5315": (119.7, -7.95),
    "5313": (120.35, -7.95),
    "5319": (120.95, -7.95),
    "5318": (121.55, -7.95),
    "5309": (122.5, -7.95),
    "5312": (120.95, -9.2),
    "5311": (121.65, -9.25),
    "5310": (122.35, -9.2),
    "5308": (123.25, -7.9),
    "5317": (118.95, -9.05),
    "5301": (119.4, -10.3),
    "5316": (119.95, -10.6),
    "5320": (121.65, -11.15),
    "5314": (123.05, -11.2),
    "5371": (122.85, -10.05),
    "5304": (124.45, -10.5),
    "5305": (123.7, -9.0),
    "5306": (125.55, -9.0),
    "5321": (125.55, -9.6),
}

ACTUAL = "#1f5fa8"
TARGET = "#2e7d32"
PROJECTION = "#e07b00"
MUTED = "#9aa5b1"
GRID = "#e6e9ee"
TEXT = "#1f2933"
FORMAL = "#1f5fa8"
INFORMAL = "#e07b00"
NO_DATA = "#e3e6ea"
COVERAGE_COLOURS = LinearSegmentedColormap.from_list(
    "coverage", ["#f1f6fb", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
)
RC: dict[Any, Any] = {  # matplotlib rcParams (its stubs key them by Literal names)
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "svg.fonttype": "none",
    "svg.hashsalt": "jamsostek-ntt-report",
    "axes.edgecolor": MUTED,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    pages: int


# --- the public entry points --------------------------------------------------------------


def report_pdf_bytes(
    *,
    period: Period,
    scope_code: str,
    basis: str = "UCJ",
    lang: str = "id",
    approved: bool | None = None,
    scenarios: Sequence[NamedScenario] | None = None,
) -> bytes:
    """The PDF of ``scope_code`` for ``period``; raises ``SummaryError`` like the pages.

    ``scenarios`` (saved planner scenarios) add a "Simulasi" page comparing them
    with the baseline projection.
    """
    return build_report(
        period=period,
        scope_code=scope_code,
        basis=basis,
        lang=lang,
        approved=approved,
        scenarios=scenarios,
    ).pdf


def build_report(
    *,
    period: Period,
    scope_code: str,
    basis: str = "UCJ",
    lang: str = "id",
    approved: bool | None = None,
    printed_at: datetime.datetime | None = None,
    scenarios: Sequence[NamedScenario] | None = None,
) -> RenderedReport:
    """The PDF and its page count (``approved`` None or False prints "provisional")."""
    from weasyprint import HTML  # imported here: loading Pango is only needed for a PDF

    with collector_paused():
        html = report_html(
            period=period,
            scope_code=scope_code,
            basis=basis,
            lang=lang,
            approved=approved,
            printed_at=printed_at,
            scenarios=scenarios,
        )
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


# --- the template's context ---------------------------------------------------------------


def completeness_context(data: DashboardData, ledger: ReportingLedger) -> dict[str, str]:
    """Page 1's warning when the month is not complete for the scope (DOMAIN.md "Reporting
    completeness"): the reported share in words and the regencies still missing."""
    choice = ledger.completeness(data.period, data.scope.region_codes)
    if choice.complete:
        return {"completeness_warning": "", "completeness_missing": ""}
    regions = data.reference.regions
    names = {
        str(code): str(name)
        for code, name in zip(regions["region_code"], regions["name"], strict=True)
    }
    return {
        "completeness_warning": incomplete_warning(choice),
        "completeness_missing": missing_sentence(choice, names),
    }


def report_context(
    data: DashboardData,
    *,
    approved: bool | None,
    printed_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Everything the template prints, already formatted in the active language."""
    summary = data.summary
    m = summary.metrics
    printed = timezone.localtime(printed_at or timezone.now(), REPORT_TIME_ZONE)
    span = run_rate_span(data.series, data.period)
    printed_label = _("%(date)s pukul %(time)s WITA") % {
        "date": long_date(printed.date()),
        "time": dateformat.format(printed, time_of_day_format()),
    }
    context_rows = [row for row in data.context.by_region if row.code in data.context_region_codes]
    return {
        "lang": translation.get_language() or "id",
        "scope": data.scope,
        "scope_title": _scope_title(data),
        "period_label": month_year(data.period),
        "printed_label": printed_label,
        "approved": bool(approved),
        "demo_data": settings.DEMO_DATA,
        "basis_label": basis_phrase(data.basis),
        "status_label": status_words(m.status),
        "status": m.status,
        "headline": _headline_items(data, span),
        "sources": _sources(data),
        "narrative": narrative_paragraphs(summary, bps=data.bps, run_rate_months=span),
        "progress_chart": svg_data_uri(progress_chart(data)),
        "map_chart": svg_data_uri(map_chart(data)),
        "formal_chart": svg_data_uri(formal_chart(data)),
        "sector_chart": svg_data_uri(sector_chart(data)),
        "region_rows": _region_rows(context_rows, months_remaining=m.months_remaining),
        "region_total": _total_row(context_rows) if len(context_rows) > 1 else None,
        "branch_rows": _gap_rows(summary.by_branch, months_remaining=m.months_remaining),
        "laggard_rows": _gap_rows(
            furthest_behind(summary.by_region, limit=LAGGARD_ROWS),
            months_remaining=m.months_remaining,
        ),
        "segment_rows": _segment_rows(data),
        "sector_rows": _sector_rows(data),
        "implied_note": implied_denominator_sentence(m, basis=summary.basis),
        "implied_mismatch": m.target.denominator_mismatch,
        "css_footer": css_string(
            " · ".join(
                [
                    _scope_title(data),
                    month_year(data.period),
                    _("Dicetak %(when)s") % {"when": printed_label},
                ]
            )
        ),
        "css_page_counter": css_counter_content(
            _("Halaman %(page)s dari %(pages)s"), counters=("page", "pages")
        ),
        "months_remaining": m.months_remaining,
        "december_label": month_year(Period(data.period.year, 12)),
        "year": str(data.period.year),
    }


def css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return mark_safe(f'"{escaped}"'.replace("\n", " "))  # escaped above


def css_counter_content(pattern: str, *, counters: Sequence[str]) -> SafeString:
    """A CSS ``content`` value from a translated ``pattern`` with ``%(name)s`` counters.

    "Halaman %(page)s dari %(pages)s" becomes ``"Halaman " counter(page) " dari "
    counter(pages)``: the words stay in the order the translation puts them, each
    counter becomes ``counter(name)`` and the text between them a quoted CSS string.
    """
    mark = "\x00"
    pieces = (pattern % {name: f"{mark}{name}{mark}" for name in counters}).split(mark)
    parts = [
        f"counter({piece})" if index % 2 else css_string(piece)
        for index, piece in enumerate(pieces)
        if index % 2 or piece
    ]
    return mark_safe(" ".join(parts))  # text parts escaped by css_string, names are ours


def time_of_day_format() -> str:
    """How the active language writes a clock time: 06.16 in Indonesian, 06:16 in English."""
    # Translators: a Django date-format string for a time of day (H = hour 00-23,
    # i = minutes). Indonesian writes 06.16; English needs "H:i" (06:16).
    return pgettext("time format", "H.i")


def _scope_title(data: DashboardData) -> str:
    if data.scope.kind == "province":
        return _("Provinsi %(name)s") % {"name": data.scope.name}
    if data.scope.kind == "branch":
        return _("Kantor Cabang %(name)s") % {"name": data.scope.name}
    return data.scope.name


def run_rate_span(series: Any, period: Period) -> int | None:
    """How many months the run rate spans: the largest of 3, 2, 1 with data (else none)."""
    months = {Period(int(y), int(m)) for y, m in zip(series["year"], series["month"], strict=True)}
    if period not in months:
        return None
    return next((k for k in (3, 2, 1) if period.shift(-k) in months), None)


def _target_note(data: DashboardData) -> str:
    """Where the scope's target comes from: the note of its own target, or the allocation."""
    target = data.summary.metrics.target
    if target.source == "allocated":
        return _("dialokasikan menurut porsi penyebut dari target cabang/provinsi")
    if target.source != "set":
        return ""
    frame = selectors.targets_frame(year=data.period.year)
    scope_type = data.scope.kind
    rows = frame[(frame["scope_type"] == scope_type) & (frame["scope_code"] == data.scope.code)]
    same_basis = rows[rows["basis"] == data.basis]
    rows = same_basis if not same_basis.empty else rows
    note = str(rows["note"].iloc[0]) if not rows.empty and rows["note"].iloc[0] else ""
    if not note:
        return _("ditetapkan")
    return _("ditetapkan — %(note)s") % {"note": note}


def _headline_items(data: DashboardData, span: int | None) -> list[dict[str, str]]:
    m = data.summary.metrics
    target = m.target
    december = Period(data.period.year, 12)

    def coverage_item(summary: CoverageSummary) -> dict[str, str]:
        sm = summary.metrics
        return {
            "label": _("Cakupan %(basis)s") % {"basis": basis_phrase(summary.basis)},
            "value": format_pct(sm.coverage_pct, 2) if sm.coverage_pct is not None else "–",
            "note": (
                _("penyebut %(workers)s pekerja (%(year)s)")
                % {"workers": format_number(sm.denominator.workers), "year": sm.denominator.year}
                if sm.denominator.workers
                else _("penyebut belum tersedia")
            ),
        }

    items = [
        {
            "label": _("Peserta aktif"),
            "value": format_number(m.active),
            "note": _("akhir %(period)s") % {"period": month_year(data.period)},
        },
        {
            "label": _("Peserta nonaktif"),
            "value": format_number(m.nonactive),
            "note": _("tidak dihitung dalam cakupan"),
        },
        coverage_item(data.ucj),
        coverage_item(data.bps),
        {
            "label": _("Target %(year)s") % {"year": data.period.year},
            "value": format_number(target.count) if target.count is not None else "–",
            "note": (
                (format_pct(target.pct, 2) + " · " if target.pct is not None else "")
                + _target_note(data)
            )
            if target.count is not None
            else _("belum ada target"),
        },
        {
            "label": _("Kekurangan"),
            "value": format_number(m.gap_count) if m.gap_count is not None else "–",
            "note": (
                _("%(pp)s poin persen") % {"pp": format_number(m.gap_pp, 2)}
                if m.gap_pp is not None and m.gap_count
                else ""
            ),
        },
        {
            "label": _("Laju yang diperlukan"),
            "value": (
                format_number(m.required_monthly_pace)
                if m.required_monthly_pace is not None
                else "–"
            ),
            "note": ngettext(
                "per bulan, %(months)s bulan tersisa",
                "per bulan, %(months)s bulan tersisa",
                m.months_remaining,
            )
            % {"months": format_number(m.months_remaining)},
        },
        {
            "label": ngettext(
                "Laju %(months)s bulan terakhir", "Laju %(months)s bulan terakhir", span or 3
            )
            % {"months": format_number(span or 3)},
            "value": format_rate(m.run_rate) if m.run_rate is not None else "–",
            "note": _("perubahan bersih per bulan")
            if m.run_rate is not None
            else _("data belum cukup"),
        },
        {
            "label": _("Proyeksi %(month)s") % {"month": month_year(december)},
            "value": (
                format_number(m.projected_at_deadline)
                if m.projected_at_deadline is not None
                else "–"
            ),
            "note": _("bila laju saat ini berlanjut"),
        },
        {
            "label": _("Target tercapai pada"),
            "value": reached_month_text(m) or "–",
            "note": _reached_note(data),
        },
    ]
    return items


def _reached_note(data: DashboardData) -> str:
    m = data.summary.metrics
    reached = m.projected_month_reached
    if m.target.count is None:
        return _("belum ada target")
    if reached_beyond_horizon(m):
        return _("setelah tenggat Desember")
    if reached is None:
        return _("tidak tercapai dengan laju saat ini") if m.run_rate is not None else ""
    if reached > Period(data.period.year, 12):
        return _("setelah tenggat Desember")
    return _("sebelum atau pada tenggat")


def _sources(data: DashboardData) -> list[str]:
    lines = []
    for summary in (data.ucj, data.bps):
        source = data.workforce_source(summary)
        year = summary.metrics.denominator.year
        if source:
            lines.append(
                _("Penyebut %(basis)s %(year)s: %(source)s")
                % {"basis": basis_phrase(summary.basis), "year": year, "source": source}
            )
    return lines


def _pct_text(value: Fraction | None) -> str:
    return format_pct(value, 1) if value is not None else "–"


def _count_text(value: int | None) -> str:
    return format_number(value) if value is not None else "–"


def _target_pct(row: BreakdownRow) -> Fraction | None:
    if row.target_count is None or not row.denominator:
        return None
    return Fraction(100 * row.target_count, row.denominator)


def _region_rows(rows: Sequence[BreakdownRow], *, months_remaining: int) -> list[dict[str, str]]:
    return [
        {
            "code": row.code,
            "name": row.name,
            "active": _count_text(row.active),
            "denominator": _count_text(row.denominator),
            "coverage": _pct_text(row.coverage_pct),
            "target": _count_text(row.target_count),
            "target_pct": _pct_text(_target_pct(row)),
            "gap": _count_text(row.gap_count),
            "pace": _count_text(required_monthly_pace(row.gap_count, months_remaining)),
        }
        for row in rows
    ]


def _total_row(rows: Sequence[BreakdownRow]) -> dict[str, str]:
    active = sum(row.active for row in rows)
    with_denominator = [row for row in rows if row.denominator]
    denominator = sum(row.denominator or 0 for row in with_denominator)
    return {
        "active": format_number(active),
        "denominator": format_number(denominator) if with_denominator else "–",
        "coverage": (
            _pct_text(Fraction(100 * sum(r.active for r in with_denominator), denominator))
            if denominator
            else "–"
        ),
        "gap": format_number(sum(row.gap_count or 0 for row in rows)),
    }


def _gap_rows(rows: Sequence[BreakdownRow], *, months_remaining: int) -> list[dict[str, str]]:
    ordered = sorted(rows, key=lambda row: (-(row.gap_count or 0), row.name))
    return _region_rows(ordered, months_remaining=months_remaining)


def _formal_codes(data: DashboardData) -> set[str]:
    segments = data.reference.segments
    return {str(code) for code in segments.loc[segments["is_formal"], "segment_code"]}


def _segment_rows(data: DashboardData) -> list[dict[str, str]]:
    formal = _formal_codes(data)
    total = sum(row.active for row in data.summary.by_segment)
    order = {"PU": 0, "JAKON": 1, "PMI": 2, "BPU": 3}
    rows = sorted(data.summary.by_segment, key=lambda row: (order.get(row.code, 9), row.code))
    return [
        {
            "code": row.code,
            "name": row.name,
            "kind": _("formal") if row.code in formal else _("informal"),
            "active": format_number(row.active),
            "share": _pct_text(Fraction(100 * row.active, total)) if total else "–",
        }
        for row in rows
    ]


def _sector_rows(data: DashboardData) -> list[dict[str, str]]:
    bps = {row.code: row for row in data.bps.by_sector}
    total = sum(row.active for row in data.summary.by_sector)
    rows = sorted(data.summary.by_sector, key=lambda row: (-row.active, row.code))
    return [
        {
            "code": row.code,
            "name": row.name,
            "short_name": _short(row.name, 46),
            "active": format_number(row.active),
            "share": _pct_text(Fraction(100 * row.active, total)) if total else "–",
            "bps_workers": _count_text(bps[row.code].denominator if row.code in bps else None),
            "bps_coverage": _pct_text(bps[row.code].coverage_pct if row.code in bps else None),
        }
        for row in rows
    ]


# --- charts: matplotlib → SVG ---------------------------------------------------------------


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@contextmanager
def _figure(width_cm: float, height_cm: float) -> Iterator[Figure]:
    with matplotlib.rc_context(RC):
        yield Figure(figsize=(width_cm / 2.54, height_cm / 2.54))


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
    return compact_svg(buffer.getvalue())


SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_NS = "{http://www.w3.org/1999/xlink}"
# Kept in ``style``: matplotlib's own ``<style>`` sets these two for every element, and a
# stylesheet rule outranks an attribute but not a ``style``.
STYLE_ONLY = frozenset({"stroke-linecap", "stroke-linejoin"})


def compact_svg(svg: str) -> str:
    """matplotlib's SVG with the same drawing in fewer, cheaper nodes for WeasyPrint.

    WeasyPrint draws each SVG node in Python, and parses each ``style`` attribute with
    its CSS parser; this drops what draws nothing (the metadata, and the ``<g id>``
    matplotlib wraps around every artist, with no attribute but an id) and turns
    ``style`` declarations into the equivalent presentation attributes. Half of the
    nodes go, the PDF looks the same (pixel for pixel), and a report takes ~50 ms less.
    """
    root = ElementTree.fromstring(svg)
    _compact_children(root)
    root.tag = "svg"
    root.set("xmlns", SVG_NS[1:-1])
    root.set("xmlns:xlink", XLINK_NS[1:-1])
    return ElementTree.tostring(root, encoding="unicode")


def _compact_children(parent: ElementTree.Element) -> None:
    children: list[ElementTree.Element] = []
    for child in parent:
        if child.tag == f"{SVG_NS}metadata":
            continue
        _compact_children(child)
        # Names without namespace prefixes: the root declares SVG as the default namespace.
        child.tag = child.tag.removeprefix(SVG_NS)
        if (href := child.attrib.pop(f"{XLINK_NS}href", None)) is not None:
            child.set("xlink:href", href)
        if style := child.attrib.pop("style", None):
            kept = []
            for declaration in style.split(";"):
                name, _colon, value = (part.strip() for part in declaration.partition(":"))
                if name in STYLE_ONLY or name in child.attrib:
                    kept.append(f"{name}: {value}")
                elif name:
                    child.set(name, value)
            if kept:
                child.set("style", "; ".join(kept))
        if child.tag == "g" and set(child.keys()) <= {"id"}:
            children.extend(child)  # nothing refers to a group's id: only the group goes
        else:
            children.append(child)
    parent[:] = children


def _thousands(value: float, _position: int) -> str:
    return format_number(value)


def _month_label(period: Period) -> str:
    return datetime.date(period.year, period.month, 1).strftime("%m/%y")


def progress_chart(data: DashboardData) -> str:
    """Active participants per month against the target path and the projection.

    The same series as the web chart: January of the previous year to December,
    the straight path from last December to the target, the run rate forward.
    """
    m = data.summary.metrics
    year = data.period.year
    months = [Period(year - 1, 1).shift(i) for i in range(24)]
    by_period = {
        Period(int(y), int(mo)): int(a)
        for y, mo, a in zip(
            data.series["year"], data.series["month"], data.series["active"], strict=True
        )
    }
    with _figure(17.5, 7.2) as figure:
        axes = figure.add_subplot()
        xs = [i for i, month in enumerate(months) if month in by_period and month <= data.period]
        axes.plot(
            xs,
            [by_period[months[i]] for i in xs],
            color=ACTUAL,
            linewidth=2,
            marker="o",
            markersize=2.5,
            label=_("Peserta aktif"),
        )
        december = by_period.get(Period(year - 1, 12))
        if december is not None and m.target.count is not None:
            axes.plot(
                list(range(11, 24)),
                [
                    float(
                        target_path(december_before=december, target_count=m.target.count, month=k)
                    )
                    for k in range(13)
                ],
                color=TARGET,
                linewidth=1.5,
                linestyle="--",
                label=_("Jalur target"),
            )
            axes.annotate(
                _("Target %(count)s") % {"count": format_number(m.target.count)},
                xy=(23, m.target.count),
                xytext=(-4, 6),
                textcoords="offset points",
                ha="right",
                color=TARGET,
                fontsize=7,
            )
        if m.run_rate is not None:
            start = data.period.index - months[0].index
            axes.plot(
                [start + k for k in range(m.months_remaining + 1)],
                [float(m.active + m.run_rate * k) for k in range(m.months_remaining + 1)],
                color=PROJECTION,
                linewidth=1.5,
                linestyle=":",
                label=_("Proyeksi laju saat ini"),
            )
        axes.set_xticks(range(24))
        axes.set_xticklabels([_month_label(month) for month in months], rotation=90, fontsize=6.5)
        axes.set_xlim(-0.5, 23.5)
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.yaxis.set_major_locator(MaxNLocator(6))
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_ylabel(_("Peserta aktif"))
        axes.legend(loc="upper left", frameon=False, ncols=3, fontsize=7)
        figure.subplots_adjust(left=0.1, right=0.99, top=0.95, bottom=0.2)
        return _svg(figure)


@lru_cache(maxsize=1)
def regency_polygons() -> dict[str, list[list[tuple[float, float]]]]:
    """The outer rings of each regency (lng, lat), keyed by BPS code."""
    collection = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in collection["features"]:
        geometry = feature["geometry"]
        parts = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        shapes[str(feature["properties"]["bps_code"])] = [
            [(float(x), float(y)) for x, y in part[0]] for part in parts
        ]
    return shapes


def _label_point(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[float, float]:
    """The centre of the bounding box of the largest ring: good enough for a label."""
    largest = max(rings, key=lambda ring: _ring_area(ring))
    xs = [x for x, _y in largest]
    ys = [y for _x, y in largest]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _ring_area(ring: Sequence[tuple[float, float]]) -> float:
    return abs(
        sum(
            x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True)
        )
    )


def map_chart(data: DashboardData) -> str:
    """The 22 regencies coloured by coverage % on the chosen basis (grey: no denominator)."""
    rows = {row.code: row for row in data.context.by_region}
    shapes = regency_polygons()
    values = [float(row.coverage_pct) for row in rows.values() if row.coverage_pct is not None]
    top = max(values, default=100.0)
    norm = Normalize(vmin=0, vmax=max(10.0, math.ceil(top / 10) * 10))
    highlight = data.scope.region_codes if data.scope.kind != "province" else frozenset()
    with _figure(18.0, 9.6) as figure:
        axes = figure.add_axes((0.0, 0.0, 0.9, 1.0))
        polygons, colours, edges, widths = [], [], [], []
        for code, rings in sorted(shapes.items()):
            row = rows.get(code)
            pct = row.coverage_pct if row is not None else None
            colour = COVERAGE_COLOURS(norm(float(pct))) if pct is not None else NO_DATA
            for ring in rings:
                polygons.append(ring)
                colours.append(colour)
                edges.append(TEXT if code in highlight else "#ffffff")
                widths.append(1.2 if code in highlight else 0.4)
        axes.add_collection(
            PolyCollection(polygons, facecolors=colours, edgecolors=edges, linewidths=widths)
        )
        for code, rings in shapes.items():
            row = rows.get(code)
            if row is None:
                continue
            anchor = _label_point(rings)
            at = MAP_LABELS_AT.get(code)
            pct = row.coverage_pct
            dark = at is None and pct is not None and norm(float(pct)) > 0.55
            text = f"{textwrap.fill(row.name, 12)}\n{_pct_text(pct)}"
            if at is not None:
                axes.plot(*zip(anchor, at, strict=True), color=MUTED, linewidth=0.4)
            axes.text(
                *(at or anchor),
                text,
                ha="center",
                va="center",
                fontsize=5.2,
                color="#ffffff" if dark else TEXT,
                linespacing=1.05,
                bbox=(
                    {"boxstyle": "round,pad=0.15", "facecolor": "#ffffff", "edgecolor": "none"}
                    if at is not None
                    else None
                ),
            )
        axes.set_xlim(118.45, 126.0)
        axes.set_ylim(-11.35, -7.7)
        axes.set_aspect("equal")
        axes.axis("off")
        colour_axes = figure.add_axes((0.91, 0.15, 0.018, 0.7))
        bar = figure.colorbar(ScalarMappable(norm=norm, cmap=COVERAGE_COLOURS), cax=colour_axes)
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_pct(v, 0)))
        bar.outline.set_visible(False)
        bar.set_label(_("Cakupan (%(basis)s)") % {"basis": basis_phrase(data.basis)}, fontsize=7)
        return _svg(figure)


def formal_chart(data: DashboardData) -> str:
    """Formal (PU + JAKON + PMI) against informal (BPU) active participants."""
    formal_codes = _formal_codes(data)
    formal = sum(row.active for row in data.summary.by_segment if row.code in formal_codes)
    informal = sum(row.active for row in data.summary.by_segment if row.code not in formal_codes)
    total = formal + informal
    labels = [_("Formal"), _("Informal (BPU)")]
    with _figure(17.5, 2.9) as figure:
        axes = figure.add_subplot()
        bars = axes.barh([1, 0], [formal, informal], color=[FORMAL, INFORMAL], height=0.6)
        axes.set_yticks([1, 0], labels)
        axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.xaxis.set_major_locator(MaxNLocator(4))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        axes.set_xlim(0, max(total, 1) * 1.02)
        for bar, value in zip(bars, [formal, informal], strict=True):
            share = _pct_text(Fraction(100 * value, total)) if total else "–"
            axes.text(
                bar.get_width() + max(total, 1) * 0.01,
                bar.get_y() + bar.get_height() / 2,
                f"{format_number(value)} ({share})",
                va="center",
                fontsize=7,
            )
        figure.subplots_adjust(left=0.14, right=0.97, top=0.96, bottom=0.24)
        return _svg(figure)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sector_chart(data: DashboardData) -> str:
    """Active participants per KBLI section, largest first."""
    rows = sorted(data.summary.by_sector, key=lambda row: (row.active, row.code))
    with _figure(17.5, max(3.5, 0.25 * len(rows) + 0.9)) as figure:
        axes = figure.add_subplot()
        positions = list(range(len(rows)))
        axes.barh(positions, [row.active for row in rows], color=ACTUAL, height=0.65)
        axes.set_yticks(positions, [f"{row.code} · {_short(row.name)}" for row in rows])
        axes.tick_params(axis="y", labelsize=7)
        axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.xaxis.set_major_locator(MaxNLocator(5))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        peak = max((row.active for row in rows), default=1) or 1
        axes.set_xlim(0, peak * 1.12)
        for position, row in zip(positions, rows, strict=True):
            axes.text(
                row.active + peak * 0.01,
                position,
                format_number(row.active),
                va="center",
                fontsize=6.5,
            )
        figure.subplots_adjust(left=0.33, right=0.98, top=0.99, bottom=0.08)
        return _svg(figure)


# --- the "Simulasi" page: saved scenarios against the baseline --------------------------------

SCENARIO_COLOURS = ["#1f5fa8", "#c2185b", "#00897b", "#6d4c41"]


def scenario_results(
    data: DashboardData, scenarios: Sequence[NamedScenario]
) -> list[tuple[NamedScenario, ScenarioResult]]:
    """Each scenario projected on the report's scope from the report's month."""
    m = data.summary.metrics
    return [
        (
            scenario,
            project_named(
                scenario,
                scope=data.scope,
                period=data.period,
                active=m.active,
                run_rate=m.run_rate,
                stored_target=m.target.count,
            ),
        )
        for scenario in scenarios
    ]


def _reached_text(month: Period | None) -> str:
    if month is None:
        return _("tidak dalam %(months)s bulan") % {"months": HORIZON_MONTHS}
    return month_year(month)


def scenario_context(data: DashboardData, scenarios: Sequence[NamedScenario]) -> dict[str, Any]:
    """The comparison table, its chart and each scenario's levers, formatted."""
    results = scenario_results(data, scenarios)
    if not results:
        return {}
    baseline = results[0][1]
    rows = [
        {
            "name": _("Laju saat ini (tanpa pengungkit)"),
            "target": _count_text(baseline.target_count),
            "extra": "–",
            "december": format_number(baseline.baseline_at_deadline),
            "versus": "–",
            "gap": _count_text(baseline.baseline_gap_at_deadline),
            "reached": _reached_text(baseline.baseline_month_reached),
            "baseline": True,
        }
    ]
    levers = []
    for scenario, result in results:
        rows.append(
            {
                "name": scenario.name,
                "target": _count_text(result.target_count),
                "extra": format_number(sum(lever.monthly for lever in scenario.levers)),
                "december": format_number(result.scenario_at_deadline),
                "versus": "+" + format_number(result.extra_at_deadline),
                "gap": _count_text(result.scenario_gap_at_deadline),
                "reached": _reached_text(result.scenario_month_reached),
                "baseline": False,
            }
        )
        levers.append(
            {
                "name": scenario.name,
                "items": [
                    _("%(label)s: +%(monthly)s per bulan mulai %(start)s")
                    % {
                        "label": lever.label,
                        "monthly": format_number(lever.monthly),
                        "start": month_year(lever.start),
                    }
                    for lever in scenario.levers
                ],
            }
        )
    return {
        "scenario_rows": rows,
        "scenario_levers": levers,
        "scenario_chart": svg_data_uri(scenario_chart(data, results)),
        "scenario_horizon": HORIZON_MONTHS,
    }


def _path_value(result: ScenarioResult, month: Period, *, scenario: bool) -> float:
    """A path's value in a month of the chart (always within the 60-month horizon)."""
    values = result.scenario if scenario else result.baseline
    return float(values[month.index - result.period.index])


def scenario_chart(
    data: DashboardData, results: Sequence[tuple[NamedScenario, ScenarioResult]]
) -> str:
    """Active participants this year, the baseline and every scenario to the later of
    December and the month the slowest-but-reaching scenario meets the target."""
    year = data.period.year
    first = Period(year, 1)
    baseline = results[0][1]
    reached = [r.scenario_month_reached for _s, r in results if r.scenario_month_reached]
    last = max([Period(year, 12), *reached])
    last = min(last, data.period.shift(36))
    months = [first.shift(i) for i in range(last.index - first.index + 1)]
    by_period = {
        Period(int(y), int(mo)): int(a)
        for y, mo, a in zip(
            data.series["year"], data.series["month"], data.series["active"], strict=True
        )
    }
    with _figure(17.5, 8.0) as figure:
        axes = figure.add_subplot()
        xs = [i for i, month in enumerate(months) if month in by_period and month <= data.period]
        axes.plot(
            xs,
            [by_period[months[i]] for i in xs],
            color=TEXT,
            linewidth=2,
            marker="o",
            markersize=2.5,
            label=_("Peserta aktif"),
        )
        future = [i for i, month in enumerate(months) if month >= data.period]
        axes.plot(
            future,
            [_path_value(baseline, months[i], scenario=False) for i in future],
            color=PROJECTION,
            linewidth=1.5,
            linestyle=":",
            label=_("Laju saat ini"),
        )
        for index, (scenario, result) in enumerate(results):
            axes.plot(
                future,
                [_path_value(result, months[i], scenario=True) for i in future],
                color=SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)],
                linewidth=1.8,
                label=_short(scenario.name, 28),
            )
        if baseline.target_count is not None:
            axes.axhline(baseline.target_count, color=TARGET, linewidth=1.2, linestyle="--")
            axes.annotate(
                _("Target %(count)s") % {"count": format_number(baseline.target_count)},
                xy=(0, baseline.target_count),
                xytext=(2, 4),
                textcoords="offset points",
                color=TARGET,
                fontsize=7,
            )
        december = Period(year, 12).index - first.index
        axes.axvline(december, color=MUTED, linewidth=0.8)
        step = 1 if len(months) <= 24 else 2
        axes.set_xticks(range(0, len(months), step))
        axes.set_xticklabels(
            [_month_label(month) for month in months[::step]], rotation=90, fontsize=6.5
        )
        axes.set_xlim(-0.5, len(months) - 0.5)
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.yaxis.set_major_locator(MaxNLocator(6))
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_ylabel(_("Peserta aktif"))
        axes.legend(loc="lower right", frameon=False, ncols=2, fontsize=7)
        figure.subplots_adjust(left=0.1, right=0.99, top=0.97, bottom=0.17)
        return _svg(figure)
