"""Request → load (summaries) → compute (calculations) → draw (charts) → template.

The pages and ``/api/coverage`` share ``coverage.summaries``, so a number on a
page and the same number in the API can never disagree.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import charts, selectors
from ..cache import cached, data_version
from ..calculations import (
    PROVINCE_CODE,
    BreakdownRow,
    CoverageSummary,
    Period,
    ReferenceFrames,
    ScopeKind,
    required_monthly_pace,
    summary_as_dict,
    target_path,
)
from ..models import Basis
from ..summaries import (
    HEATMAP_MAX_REGIONS,
    DashboardData,
    SummaryError,
    load_coverage_summary,
    load_dashboard,
    parse_basis,
    parse_period,
    resolve_period,
)
from .guards import problem

GEOJSON = "geo/ntt_regencies.geojson"


def status_label(status: str) -> str:
    labels = {
        "achieved": _("Tercapai"),
        "on_track": _("Sesuai jalur"),
        "at_risk": _("Berisiko"),
        "off_track": _("Tertinggal"),
        "missed": _("Tidak tercapai"),
        "insufficient_data": _("Data belum cukup"),
        "no_target": _("Belum ada target"),
    }
    return labels.get(status, status)


def basis_label(basis: str) -> str:
    return _("basis UCJ") if basis == Basis.UCJ else _("angkatan kerja BPS")


def _separators() -> str:
    """Plotly's decimal and thousands marks for the active language."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousands = formats.get_format("THOUSAND_SEPARATOR")
    return f"{decimal}{thousands}"


def _month_label(period: Period) -> str:
    return formats.date_format(datetime.date(period.year, period.month, 1), "M Y")


# --- the API ------------------------------------------------------------------------


@require_safe
def api_coverage(request: HttpRequest) -> HttpResponse:
    """``summary_as_dict`` of one scope, period and basis; errors as ``{"error": …}``.

    The JSON is cached under the data version, so a repeated question costs one
    indexed query and any write answers the next request with fresh numbers.
    """
    key = (
        request.GET.get("period", ""),
        request.GET.get("scope", ""),
        request.GET.get("basis", ""),
    )
    try:
        body = cached("api", *key, compute=lambda: _api_body(*key))
    except SummaryError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    return HttpResponse(body, content_type="application/json")


def _api_body(period_text: str, scope_code: str, basis_text: str) -> bytes:
    """Without a period: the latest month complete for the scope asked (DOMAIN.md)."""
    scope_code = scope_code or PROVINCE_CODE
    summary = load_coverage_summary(
        period=resolve_period(period_text, scope_code=scope_code),
        scope_code=scope_code,
        basis=parse_basis(basis_text or None),
    )
    return json.dumps(summary_as_dict(summary), ensure_ascii=False).encode()


# --- the pages --------------------------------------------------------------------------


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, scope_code=PROVINCE_CODE, kind="province")


@require_safe
def branch(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, scope_code=code.upper(), kind="branch")


@require_safe
def region(request: HttpRequest, bps_code: str) -> HttpResponse:
    return _dashboard(request, scope_code=bps_code, kind="region")


def _dashboard(request: HttpRequest, *, scope_code: str, kind: ScopeKind) -> HttpResponse:
    version = data_version()
    periods = cached("periods", compute=selectors.available_periods, version=version)
    if not periods:
        return render(request, "coverage/empty.html")
    try:
        text = request.GET.get("period")
        period = parse_period(text) if text else periods[-1]
        basis = parse_basis(request.GET.get("basis"))
        page = cached(
            "dashboard",
            period,
            scope_code,
            basis,
            compute=lambda: _page(
                period=period, scope_code=scope_code, basis=basis, periods=periods
            ),
            version=version,
        )
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    if page["kind"] != kind:
        return problem(request, _("Halaman ini tidak ditemukan."), status=404)
    context = {
        **page,
        # our own templates rendered these, escaping as usual
        "fragments": {name: mark_safe(html) for name, html in page["fragments"].items()},
        "demo_data": settings.DEMO_DATA,
    }
    return render(request, "coverage/dashboard.html", context)


def _page(
    *, period: Period, scope_code: str, basis: str, periods: Sequence[Period]
) -> dict[str, Any]:
    """What the cache keeps of a page: a few names and its reader-independent HTML.

    Navigation, heading, cards, charts and tables are the same for every reader,
    so they are rendered once per data version and language; what depends on the
    reader (the manager tools, the user menu, the CSRF token) is rendered around
    them on every request.
    """
    context = {
        **_page_context(period=period, scope_code=scope_code, basis=basis),
        "periods": list(reversed(periods)),
        "bases": [(Basis.UCJ.value, _("UCJ")), (Basis.BPS_AK.value, _("Angkatan kerja BPS"))],
        "query": urlencode({"period": str(period), "basis": basis}),
        "link": {
            "region": _link_parts("coverage:region"),
            "branch": _link_parts("coverage:branch"),
        },
    }
    scope = context["scope"]
    return {
        "kind": scope.kind,
        "scope": scope,
        "period": period,
        "basis": basis,
        "fragments": {
            name: str(render_to_string(f"coverage/_dashboard_{name}.html", context))
            for name in ("nav", "head", "body")
        },
    }


def _link_parts(name: str) -> tuple[str, str]:
    """The URL of ``name`` before and after its one code argument.

    The tables link each of up to 514 regencies; joining strings there instead of
    a ``{% url %}`` lookup per row takes the national page's template time down by
    a quarter.
    """
    marker = "CODE"
    before, after = reverse(name, args=[marker]).split(marker)
    return before, after


def _page_context(*, period: Period, scope_code: str, basis: str) -> dict[str, Any]:
    """Everything the dashboard shows that does not depend on who is looking (cacheable)."""
    data = load_dashboard(period=period, scope_code=scope_code, basis=basis)
    sources = {
        data.summary.basis: data.workforce_source(data.summary),
        data.other.basis: data.workforce_source(data.other),
    }
    scope = data.scope
    branch_codes = (
        None
        if scope.kind == "province"
        else [scope.code if scope.kind == "branch" else scope.branch_code or ""]
    )
    return {
        "approval_state": selectors.approval_state(period=period, branch_codes=branch_codes),
        "data": data,
        "scope": data.scope,
        "period": period,
        "basis": basis,
        "basis_name": basis_label(basis),
        "other_basis_name": basis_label(data.other_basis),
        "nav": _navigation(data.reference),
        "head": _headline(data, sources),
        "charts": _charts(data, sources),
        "heatmap_note": _heatmap_note(data),
        "gap_rows": _gap_rows(data),
        "region_rows": data.summary.by_region,
        "branch_rows": data.summary.by_branch,
        "sector_rows": _sector_rows(data),
        "segment_rows": _segment_rows(data),
    }


@dataclass(frozen=True)
class NavBranch:
    code: str
    name: str
    regions: list[tuple[str, str]]


def _navigation(reference: ReferenceFrames) -> list[NavBranch]:
    regions = reference.regions
    by_branch: dict[str, list[tuple[str, str]]] = {}
    for code, name, branch in zip(
        regions["region_code"].tolist(),
        regions["name"].tolist(),
        regions["branch_code"].tolist(),
        strict=True,
    ):
        by_branch.setdefault(str(branch), []).append((str(code), str(name)))
    return [
        NavBranch(code=str(code), name=str(name), regions=by_branch.get(str(code), []))
        for code, name in zip(
            reference.branches["branch_code"].tolist(),
            reference.branches["name"].tolist(),
            strict=True,
        )
    ]


def _headline(data: DashboardData, sources: dict[str, str]) -> dict[str, Any]:
    """The cards: the chosen basis drives target, gap and pace; both coverages side by side."""
    metrics = data.summary.metrics
    target = metrics.target
    implied = None
    if target.implied_denominator is not None and metrics.denominator.workers:
        stored = metrics.denominator.workers
        implied = {
            "count": target.count,
            "pct": target.pct,
            "implied": target.implied_denominator,
            "stored": stored,
            "difference": 100 * (target.implied_denominator - stored) / stored,
            "mismatch": target.denominator_mismatch,
        }
    return {
        "m": metrics,
        "ucj": data.ucj.metrics,
        "bps": data.bps.metrics,
        "ucj_source": sources[Basis.UCJ],
        "bps_source": sources[Basis.BPS_AK],
        "status_label": status_label(metrics.status),
        "target_source": {"set": _("ditetapkan"), "allocated": _("dialokasikan")}.get(
            target.source or "", ""
        ),
        "implied": implied,
        "after_deadline": (
            metrics.projected_month_reached is not None
            and metrics.projected_month_reached > Period(metrics.period.year, 12)
        ),
    }


# --- charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    id: str
    figure: dict[str, Any]
    caption: str
    wide: bool = False


def _source_note(summary: CoverageSummary, sources: dict[str, str]) -> str:
    year = summary.metrics.denominator.year
    source = sources[summary.basis]
    return _("Basis: %(basis)s %(year)s · Sumber penyebut: %(source)s") % {
        "basis": basis_label(summary.basis),
        "year": year if year is not None else "–",
        "source": source or "–",
    }


def _charts(data: DashboardData, sources: dict[str, str]) -> list[Chart]:
    separators = _separators()
    note = _source_note(data.summary, sources)
    bps_note = _source_note(data.bps, sources)
    counts_note = _("Jumlah peserta aktif (tidak bergantung pada basis) · Periode %(period)s") % {
        "period": _month_label(data.period)
    }
    result = [
        Chart(
            id="chart-progress",
            figure=_progress(data, separators),
            caption=note,
            wide=True,
        ),
        Chart(id="chart-regions", figure=_regions(data, separators), caption=note),
        Chart(id="chart-map", figure=_map(data, separators), caption=note),
        Chart(id="chart-formal", figure=_formal(data, separators), caption=counts_note),
        Chart(id="chart-segments", figure=_segments(data, separators), caption=counts_note),
        Chart(
            id="chart-sectors",
            figure=_sectors(data, separators),
            caption=counts_note + " · " + bps_note,
            wide=True,
        ),
    ]
    heatmap = _heatmap(data, separators)
    if heatmap is not None:
        result.append(Chart(id="chart-heatmap", figure=heatmap, caption=counts_note, wide=True))
    return result


def _progress(data: DashboardData, separators: str) -> dict[str, Any]:
    metrics = data.summary.metrics
    year = data.period.year
    months = [Period(year - 1, 1).shift(i) for i in range(24)]
    by_period = {
        Period(int(y), int(m)): int(a)
        for y, m, a in zip(
            data.series["year"], data.series["month"], data.series["active"], strict=True
        )
    }
    actual = [by_period.get(month) if month <= data.period else None for month in months]
    december = by_period.get(Period(year - 1, 12))
    path: list[float | None] = [None] * 24
    if december is not None and metrics.target.count is not None:
        for month in range(13):
            path[11 + month] = float(
                target_path(
                    december_before=december, target_count=metrics.target.count, month=month
                )
            )
    projection: list[float | None] = [None] * 24
    if metrics.run_rate is not None:
        start = data.period.index - months[0].index
        for k in range(metrics.months_remaining + 1):
            projection[start + k] = float(metrics.active + metrics.run_rate * k)
    return charts.progress_figure(
        months=[_month_label(month) for month in months],
        actual=actual,
        target_path=path,
        projection=projection,
        title=_("Peserta aktif vs jalur target %(year)s — %(scope)s")
        % {"year": year, "scope": data.scope.name},
        actual_label=_("Peserta aktif"),
        target_label=_("Jalur target"),
        projection_label=_("Proyeksi laju saat ini"),
        axis_label=_("Peserta aktif"),
        separators=separators,
    )


def _pct(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _target_pct(row: BreakdownRow) -> float | None:
    if row.target_count is None or not row.denominator:
        return None
    return 100 * row.target_count / row.denominator


def _context_rows(data: DashboardData) -> list[BreakdownRow]:
    codes = data.context_region_codes
    return [row for row in data.context.by_region if row.code in codes]


def _regions(data: DashboardData, separators: str) -> dict[str, Any]:
    rows = _context_rows(data)
    return charts.region_coverage_figure(
        names=[row.name for row in rows],
        coverage=[_pct(row.coverage_pct) for row in rows],
        target_pct=[_target_pct(row) for row in rows],
        highlight=[data.scope.kind == "region" and row.code == data.scope.code for row in rows],
        title=_("Cakupan per kabupaten/kota (%(basis)s)") % {"basis": basis_label(data.basis)},
        coverage_label=_("Cakupan"),
        target_label=_("Target"),
        axis_label=_("Cakupan (%)"),
        separators=separators,
    )


def _map(data: DashboardData, separators: str) -> dict[str, Any]:
    rows = data.context.by_region
    return charts.region_map_figure(
        geojson_url=static(GEOJSON),
        codes=[row.code for row in rows],
        names=[row.name for row in rows],
        coverage=[_pct(row.coverage_pct) for row in rows],
        highlight=[
            data.scope.kind != "province" and row.code in data.scope.region_codes for row in rows
        ],
        title=_("Peta cakupan NTT (%(basis)s)") % {"basis": basis_label(data.basis)},
        colorbar_label=_("Cakupan"),
        no_data_label=_("tanpa data penyebut"),
        separators=separators,
    )


def _formal_split(data: DashboardData) -> tuple[int, int]:
    formal_codes = set(
        data.reference.segments.loc[data.reference.segments["is_formal"], "segment_code"]
    )
    formal = sum(row.active for row in data.summary.by_segment if row.code in formal_codes)
    informal = sum(row.active for row in data.summary.by_segment if row.code not in formal_codes)
    return formal, informal


def _formal(data: DashboardData, separators: str) -> dict[str, Any]:
    formal, informal = _formal_split(data)
    return charts.formal_informal_figure(
        formal=formal,
        informal=informal,
        title=_("Formal vs informal, %(period)s") % {"period": _month_label(data.period)},
        formal_label=_("Formal (PU + JAKON + PMI)"),
        informal_label=_("Informal (BPU)"),
        axis_label=_("Peserta aktif"),
        separators=separators,
    )


def _segments(data: DashboardData, separators: str) -> dict[str, Any]:
    frame = data.segment_series
    # a pivot of a few dozen rows: plain dicts cost a tenth of set_index/unstack
    by_month: dict[Period, dict[str, int]] = {}
    for year, month, code, active in zip(
        frame["year"].tolist(),
        frame["month"].tolist(),
        frame["segment_code"].tolist(),
        frame["active"].tolist(),
        strict=True,
    ):
        by_month.setdefault(Period(int(year), int(month)), {})[str(code)] = int(active)
    months = sorted(by_month)
    present = sorted({code for counts in by_month.values() for code in counts})
    order = [code for code in ("PU", "JAKON", "PMI", "BPU") if code in present]
    order += [code for code in present if code not in order]
    names = dict(
        zip(data.reference.segments["segment_code"], data.reference.segments["name"], strict=True)
    )
    return charts.segment_trend_figure(
        months=[_month_label(month) for month in months],
        series={code: [by_month[month].get(code, 0) for month in months] for code in order},
        names={str(code): str(name) for code, name in names.items()},
        title=_("Peserta aktif per segmen dari waktu ke waktu"),
        axis_label=_("Peserta aktif"),
        separators=separators,
    )


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sectors(data: DashboardData, separators: str) -> dict[str, Any]:
    rows = _sector_rows(data)
    rows = sorted(rows, key=lambda row: row["active"], reverse=True)
    return charts.sector_figure(
        labels=[f"{row['code']} · {_short(row['name'])}" for row in rows],
        active=[row["active"] for row in rows],
        coverage=[_pct(row["bps_coverage"]) for row in rows],
        title=_("Sektor (KBLI 2020), %(period)s") % {"period": _month_label(data.period)},
        active_title=_("Peserta aktif"),
        coverage_title=_("Cakupan angkatan kerja BPS"),
        separators=separators,
    )


def _heatmap_note(data: DashboardData) -> str:
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
    regions = dict(
        zip(data.reference.regions["region_code"], data.reference.regions["name"], strict=True)
    )
    sectors = dict(
        zip(data.reference.sectors["sector_code"], data.reference.sectors["name"], strict=True)
    )
    return charts.region_sector_heatmap(
        regions=[str(regions.get(code, code)) for code in region_codes],
        sectors=sector_codes,
        sector_names=[str(sectors.get(code, code)) for code in sector_codes],
        values=[
            [cells.get((region, sector), 0) for sector in sector_codes] for region in region_codes
        ],
        title=_("Peserta aktif per kabupaten/kota dan sektor"),
        colorbar_label=_("Peserta"),
        separators=separators,
    )


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    kind: str
    code: str
    name: str
    active: int
    target_count: int | None
    gap_count: int | None
    share: float | None
    pace: int | None


def _gap_rows(data: DashboardData) -> dict[str, list[GapRow]]:
    """Who must close how much: each branch's and region's gap and the monthly pace it needs."""
    remaining = data.summary.metrics.months_remaining

    def rows(kind: str, source: Sequence[BreakdownRow]) -> list[GapRow]:
        total = sum(row.gap_count or 0 for row in source)
        return [
            GapRow(
                kind=kind,
                code=row.code,
                name=row.name,
                active=row.active,
                target_count=row.target_count,
                gap_count=row.gap_count,
                share=(100 * row.gap_count / total)
                if total and row.gap_count is not None
                else None,
                pace=required_monthly_pace(row.gap_count, remaining),
            )
            for row in sorted(source, key=lambda row: row.gap_count or 0, reverse=True)
        ]

    result = {"regions": rows("region", data.summary.by_region)}
    if data.scope.kind == "province":
        result["branches"] = rows("branch", data.summary.by_branch)
    return result


def _sector_rows(data: DashboardData) -> list[dict[str, Any]]:
    bps = {row.code: row for row in data.bps.by_sector}
    return [
        {
            "code": row.code,
            "name": row.name,
            "active": row.active,
            "bps_workers": bps[row.code].denominator if row.code in bps else None,
            "bps_coverage": bps[row.code].coverage_pct if row.code in bps else None,
        }
        for row in data.summary.by_sector
    ]


def _segment_rows(data: DashboardData) -> list[dict[str, Any]]:
    formal = dict(
        zip(
            data.reference.segments["segment_code"],
            data.reference.segments["is_formal"],
            strict=True,
        )
    )
    total = sum(row.active for row in data.summary.by_segment)
    return [
        {
            "code": row.code,
            "name": row.name,
            "formal": bool(formal.get(row.code, False)),
            "active": row.active,
            "share": 100 * row.active / total if total else None,
        }
        for row in data.summary.by_segment
    ]
