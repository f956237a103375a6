"""The report template's context: every figure and sentence, formatted in the active language.

The figures come from ``coverage.summaries.load_dashboard``, the same load the web
page uses, so the PDF and the page cannot disagree; the words come from
``coverage.narrative``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .. import presentation, selectors
from ..calculations import CoverageSummary, Period
from ..completeness import ReportingLedger
from ..formatting import long_date, month_year, number, percent, rate
from ..labels import basis_phrase, status_words
from ..narrative import (
    implied_denominator_sentence,
    incomplete_warning,
    missing_sentence,
    narrative_paragraphs,
    reached_beyond_horizon,
    reached_month_text,
)
from ..summaries import DashboardData
from .charts import formal_chart, map_chart, progress_chart, sector_chart, svg_data_uri
from .tables import area_rows, sector_rows, segment_rows, total_text

REPORT_TIME_ZONE = ZoneInfo("Asia/Makassar")
LAGGARD_ROWS = 8


def completeness_context(data: DashboardData, ledger: ReportingLedger) -> dict[str, str]:
    """Page 1's warning when the month is not complete for the scope (DOMAIN.md "Reporting
    completeness"): the reported share in words and the regencies still missing."""
    notice = presentation.incomplete_notice(
        ledger.completeness(data.period, data.scope.region_codes),
        presentation.region_names(data.reference.regions),
    )
    if notice is None:
        return {"completeness_warning": "", "completeness_missing": ""}
    return {
        "completeness_warning": incomplete_warning(notice.month),
        "completeness_missing": missing_sentence(notice.missing),
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
    span = presentation.run_rate_span(data.active_by_period.keys(), data.period)
    printed_label = _("%(date)s pukul %(time)s WITA") % {
        "date": long_date(printed.date()),
        "time": dateformat.format(printed, time_of_day_format()),
    }
    context_rows = data.context_region_rows
    remaining = m.months_remaining
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
        "region_rows": area_rows(presentation.gap_rows(context_rows, months_remaining=remaining)),
        "region_total": (
            total_text(presentation.total_row(context_rows)) if len(context_rows) > 1 else None
        ),
        "branch_rows": area_rows(
            presentation.largest_gap_first(
                presentation.gap_rows(summary.by_branch, months_remaining=remaining)
            )
        ),
        "laggard_rows": area_rows(
            presentation.furthest_behind(
                presentation.gap_rows(summary.by_region, months_remaining=remaining),
                limit=LAGGARD_ROWS,
            )
        ),
        "segment_rows": segment_rows(data),
        "sector_rows": sector_rows(data),
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
            "value": percent(sm.coverage_pct, 2) if sm.coverage_pct is not None else "–",
            "note": (
                _("penyebut %(workers)s pekerja (%(year)s)")
                % {"workers": number(sm.denominator.workers), "year": sm.denominator.year}
                if sm.denominator.workers
                else _("penyebut belum tersedia")
            ),
        }

    items = [
        {
            "label": _("Peserta aktif"),
            "value": number(m.active),
            "note": _("akhir %(period)s") % {"period": month_year(data.period)},
        },
        {
            "label": _("Peserta nonaktif"),
            "value": number(m.nonactive),
            "note": _("tidak dihitung dalam cakupan"),
        },
        coverage_item(data.ucj),
        coverage_item(data.bps),
        {
            "label": _("Target %(year)s") % {"year": data.period.year},
            "value": number(target.count) if target.count is not None else "–",
            "note": (
                (percent(target.pct, 2) + " · " if target.pct is not None else "")
                + _target_note(data)
            )
            if target.count is not None
            else _("belum ada target"),
        },
        {
            "label": _("Kekurangan"),
            "value": number(m.gap_count) if m.gap_count is not None else "–",
            "note": (
                _("%(pp)s poin persen") % {"pp": number(m.gap_pp, 2)}
                if m.gap_pp is not None and m.gap_count
                else ""
            ),
        },
        {
            "label": _("Laju yang diperlukan"),
            "value": (
                number(m.required_monthly_pace) if m.required_monthly_pace is not None else "–"
            ),
            "note": ngettext(
                "per bulan, %(months)s bulan tersisa",
                "per bulan, %(months)s bulan tersisa",
                m.months_remaining,
            )
            % {"months": number(m.months_remaining)},
        },
        {
            "label": ngettext(
                "Laju %(months)s bulan terakhir", "Laju %(months)s bulan terakhir", span or 3
            )
            % {"months": number(span or 3)},
            "value": rate(m.run_rate) if m.run_rate is not None else "–",
            "note": _("perubahan bersih per bulan")
            if m.run_rate is not None
            else _("data belum cukup"),
        },
        {
            "label": _("Proyeksi %(month)s") % {"month": month_year(december)},
            "value": (
                number(m.projected_at_deadline) if m.projected_at_deadline is not None else "–"
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
    if presentation.reached_after_deadline(m):
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
