"""The dashboard's Plotly figures: the presentation model's series, titled and captioned.

The numbers come from ``coverage.presentation`` (the same rows and series the
tables, downloads and PDF use); this module only picks the words, the language's
number marks and the figure builders of ``coverage.charts``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import charts, formatting, map_figure, presentation
from ..calculations import Period
from ..formatting import HYPHEN
from ..summaries import HEATMAP_MAX_REGIONS, DashboardData

GEOJSON = "geo/ntt_regencies.geojson"


def page_query(period: Period, basis: str) -> str:
    """The query string that keeps the period and basis across pages."""
    return urlencode({"period": str(period), "basis": basis})


def link_parts(name: str) -> tuple[str, str]:
    """The URL of ``name`` before and after its one code argument.

    The tables link each of up to 514 regencies; joining strings there instead of
    a ``{% url %}`` lookup per row takes the national page's template time down by
    a quarter.
    """
    marker = "CODE"
    before, after = reverse(name, args=[marker]).split(marker)
    return before, after


@dataclass(frozen=True)
class Chart:
    id: str
    figure: dict[str, Any]
    caption: str
    wide: bool = False


@dataclass(frozen=True)
class Charts:
    """The charts a page shows at once (``main``) and those folded under "Rincian"."""

    progress: Chart
    main: list[Chart]
    details: list[Chart]


@dataclass(frozen=True)
class Captions:
    """What the page says under its charts: the chosen basis (``note``), the BPS
    basis (``bps_note``) and the name of the chosen basis in a title."""

    note: str
    bps_note: str
    basis_name: str


def page_charts(data: DashboardData, captions: Captions, *, query: str) -> Charts:
    """Every chart of a dashboard page; ``query`` keeps period and basis in the map's links."""
    separators = formatting.separators()
    note = captions.note
    counts_note = _("Jumlah peserta aktif (tidak bergantung pada basis) · Periode %(period)s") % {
        "period": formatting.month_short(data.period)
    }
    details = [
        Chart(
            id="chart-regions", figure=_regions(data, separators, captions.basis_name), caption=note
        ),
        Chart(id="chart-segments", figure=_segments(data, separators), caption=counts_note),
        Chart(
            id="chart-sectors",
            figure=_sectors(data, separators),
            caption=counts_note + " · " + captions.bps_note,
            wide=True,
        ),
    ]
    heatmap = _heatmap(data, separators)
    if heatmap is not None:
        details.append(Chart(id="chart-heatmap", figure=heatmap, caption=counts_note, wide=True))
    return Charts(
        progress=Chart(
            id="chart-progress", figure=_progress(data, separators), caption=note, wide=True
        ),
        main=[
            Chart(
                id="chart-map",
                figure=_map(data, separators, captions.basis_name, query=query),
                caption=note + " · " + _("Klik kabupaten/kota untuk membuka halamannya."),
            ),
            Chart(id="chart-formal", figure=_formal(data, separators), caption=counts_note),
        ],
        details=details,
    )


def _floats(values: Sequence[Fraction | int | None]) -> list[float | None]:
    return [None if value is None else float(value) for value in values]


def _progress(data: DashboardData, separators: str) -> dict[str, Any]:
    series = presentation.progress_series(
        period=data.period, active_by_period=data.active_by_period, metrics=data.summary.metrics
    )
    return charts.progress_figure(
        months=[formatting.month_short(month) for month in series.months],
        actual=series.actual,
        target_path=_floats(series.target_path),
        projection=_floats(series.projection),
        band_low=series.band_low,
        band_high=series.band_high,
        band_label=_("Rentang 80 %"),
        title=_("Peserta aktif vs jalur target %(year)s — %(scope)s")
        % {"year": data.period.year, "scope": data.scope.name},
        actual_label=_("Peserta aktif"),
        target_label=_("Jalur target"),
        projection_label=_("Proyeksi laju saat ini"),
        axis_label=_("Peserta aktif"),
        separators=separators,
    )


def _regions(data: DashboardData, separators: str, basis_name: str) -> dict[str, Any]:
    rows = data.context_region_rows
    return charts.region_coverage_figure(
        names=[row.name for row in rows],
        coverage=_floats([row.coverage_pct for row in rows]),
        target_pct=_floats([presentation.target_pct(row) for row in rows]),
        highlight=[data.scope.kind == "region" and row.code == data.scope.code for row in rows],
        title=_("Cakupan per kabupaten/kota (%(basis)s)") % {"basis": basis_name},
        coverage_label=_("Cakupan"),
        target_label=_("Target"),
        axis_label=_("Cakupan (%)"),
        separators=separators,
    )


@functools.cache
def _regency_outlines() -> dict[str, list[list[tuple[float, float]]]]:
    """The regencies' outlines from the shipped GeoJSON (read once per process)."""
    path = finders.find(GEOJSON)
    if not isinstance(path, str):
        return {}
    return map_figure.regency_outlines(json.loads(Path(path).read_text(encoding="utf-8")))


def _map(data: DashboardData, separators: str, basis_name: str, *, query: str) -> dict[str, Any]:
    rows = data.context.by_region
    pct = functools.partial(formatting.percent, marks=formatting.current_marks(), minus=HYPHEN)
    before, after = link_parts("coverage:region")
    return map_figure.region_map_figure(
        outlines=_regency_outlines(),
        codes=[row.code for row in rows],
        names=[row.name for row in rows],
        coverage=_floats([row.coverage_pct for row in rows]),
        hover=[
            f"{row.name} · {pct(row.coverage_pct, 2)}"
            if row.coverage_pct is not None
            else f"{row.name} · {_('tanpa data penyebut')}"
            for row in rows
        ],
        links=[f"{before}{row.code}{after}?{query}" for row in rows],
        highlight=[
            data.scope.kind != "province" and row.code in data.scope.region_codes for row in rows
        ],
        title=_("Peta cakupan NTT (%(basis)s)") % {"basis": basis_name},
        colorbar_label=_("Cakupan"),
        separators=separators,
    )


def segment_rows(data: DashboardData) -> list[presentation.SegmentRow]:
    """The segments of the page's scope, in the order the summary lists them."""
    formal = presentation.formal_codes(data.reference.segments)
    return presentation.segment_rows(data.summary.by_segment, formal=formal)


def _formal(data: DashboardData, separators: str) -> dict[str, Any]:
    formal, informal = presentation.formal_split(segment_rows(data))
    return charts.formal_informal_figure(
        formal=formal,
        informal=informal,
        title=_("Formal vs informal, %(period)s") % {"period": formatting.month_short(data.period)},
        formal_label=_("Formal (PU + JAKON + PMI)"),
        informal_label=_("Informal (BPU)"),
        axis_label=_("Peserta aktif"),
        separators=separators,
    )


def _segments(data: DashboardData, separators: str) -> dict[str, Any]:
    frame = data.segment_series
    # a pivot of a few dozen rows: plain dicts cost a tenth of set_index/unstack
    by_month: dict[Period, dict[str, int]] = {}
    columns = (frame[name].tolist() for name in ("year", "month", "segment_code", "active"))
    for year, month, code, active in zip(*columns, strict=True):
        by_month.setdefault(Period(int(year), int(month)), {})[str(code)] = int(active)
    months = sorted(by_month)
    order = sorted(
        {code for counts in by_month.values() for code in counts}, key=presentation.segment_order
    )
    names = dict(
        zip(data.reference.segments["segment_code"], data.reference.segments["name"], strict=True)
    )
    return charts.segment_trend_figure(
        months=[formatting.month_short(month) for month in months],
        series={code: [by_month[month].get(code, 0) for month in months] for code in order},
        names={str(code): str(name) for code, name in names.items()},
        title=_("Peserta aktif per segmen dari waktu ke waktu"),
        axis_label=_("Peserta aktif"),
        separators=separators,
    )


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sector_rows(data: DashboardData) -> list[presentation.SectorRow]:
    """The sectors of the page's scope, in the order the summary lists them."""
    return presentation.sector_rows(data.summary.by_sector, bps=data.bps.by_sector)


def _sectors(data: DashboardData, separators: str) -> dict[str, Any]:
    rows = sorted(sector_rows(data), key=lambda row: row.active, reverse=True)
    return charts.sector_figure(
        labels=[f"{row.code} · {_short(row.name)}" for row in rows],
        active=[row.active for row in rows],
        coverage=_floats([row.bps_coverage for row in rows]),
        title=_("Sektor (KBLI 2020), %(period)s") % {"period": formatting.month_short(data.period)},
        active_title=_("Peserta aktif"),
        coverage_title=_("Cakupan angkatan kerja BPS"),
        separators=separators,
    )


def heatmap_note(data: DashboardData) -> str:
    """Why the regency × sector heatmap is missing on a scope with too many regencies."""
    if len(data.context_region_codes) <= HEATMAP_MAX_REGIONS:
        return ""
    return _(
        "Peta panas kabupaten/kota × sektor hanya ditampilkan untuk paling banyak "
        "%(limit)s kabupaten/kota; buka halaman cabang untuk melihatnya."
    ) % {"limit": HEATMAP_MAX_REGIONS}


def _heatmap(data: DashboardData, separators: str) -> dict[str, Any] | None:
    frame = data.region_sector
    if frame.empty:
        return None
    cells: dict[tuple[str, str], int] = {
        (str(region), str(sector)): int(active)
        for region, sector, active in zip(
            frame["region_code"].tolist(),
            frame["sector_code"].tolist(),
            frame["active"].tolist(),
            strict=True,
        )
    }
    region_codes = sorted({region for region, _sector in cells})
    sector_codes = sorted({sector for _region, sector in cells})
    regions = presentation.region_names(data.reference.regions)
    sectors = dict(
        zip(data.reference.sectors["sector_code"], data.reference.sectors["name"], strict=True)
    )
    return charts.region_sector_heatmap(
        regions=[regions.get(code, code) for code in region_codes],
        sectors=sector_codes,
        sector_names=[str(sectors.get(code, code)) for code in sector_codes],
        values=[
            [cells.get((region, sector), 0) for sector in sector_codes] for region in region_codes
        ],
        title=_("Peserta aktif per kabupaten/kota dan sektor"),
        colorbar_label=_("Peserta"),
        separators=separators,
    )
