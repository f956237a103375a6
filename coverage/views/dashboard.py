"""Request → load (summaries) → compute (calculations) → draw (charts) → template.

The pages and ``/api/coverage`` share ``coverage.summaries``, so a number on a
page and the same number in the API can never disagree.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import charts, formatting, presentation, selectors
from ..cache import cached, data_version
from ..calculations import (
    PROVINCE_CODE,
    BreakdownRow,
    CoverageSummary,
    Period,
    ReferenceFrames,
    ScopeKind,
    summary_as_dict,
    target_path,
)
from ..formatting import HYPHEN
from ..labels import basis_choices, basis_phrase, basis_short, status_label, target_source
from ..models import Basis
from ..summaries import (
    HEATMAP_MAX_REGIONS,
    DashboardData,
    SummaryError,
    load_coverage_summary,
    load_dashboard,
    parse_basis,
    resolve_period,
)
from .completeness import completeness_context
from .guards import problem

GEOJSON = "geo/ntt_regencies.geojson"


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
        period=resolve_period(period_text, scope_code),
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
        period = cached(
            "period",
            text or "",
            scope_code,
            compute=lambda: resolve_period(text, scope_code),
            version=version,
        )
        basis = parse_basis(request.GET.get("basis"))
        page = cached(
            "dashboard",
            period,
            scope_code,
            basis,
            compute=lambda: _page(period=period, scope_code=scope_code, basis=basis),
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


def _page(*, period: Period, scope_code: str, basis: str) -> dict[str, Any]:
    """What the cache keeps of a page: a few names and its reader-independent HTML.

    Navigation, heading, cards, charts and tables are the same for every reader,
    so they are rendered once per data version and language; what depends on the
    reader (the manager tools, the user menu, the CSRF token) is rendered around
    them on every request.
    """
    page_context = _page_context(period=period, scope_code=scope_code, basis=basis)
    context = {
        **page_context,
        **completeness_context(
            scope=page_context["scope"], period=period, basis=basis, data=page_context["data"]
        ),
        "bases": basis_choices(),
        "query": _query(period, basis),
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


def _query(period: Period, basis: str) -> str:
    """The query string that keeps the period and basis across pages."""
    return urlencode({"period": str(period), "basis": basis})


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
        "basis_name": basis_phrase(basis),
        "other_basis_name": basis_phrase(data.other_basis),
        "nav": _navigation(data.reference),
        "head": _headline(data, sources),
        "charts": _charts(data, sources, query=_query(period, basis)),
        "heatmap_note": _heatmap_note(data),
        "behind": _behind_tables(data),
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
        "answer": presentation.answer(metrics),
        "tone": presentation.status_tone(metrics.status),
        "target_source": target_source(target.source),
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


@dataclass(frozen=True)
class Charts:
    """The charts a page shows at once (``main``) and those folded under "Rincian"."""

    progress: Chart
    main: list[Chart]
    details: list[Chart]


def _source_note(summary: CoverageSummary, sources: dict[str, str]) -> str:
    year = summary.metrics.denominator.year
    source = sources[summary.basis]
    return _("Basis %(basis)s %(year)s · Sumber: %(source)s") % {
        "basis": basis_short(summary.basis),
        "year": year if year is not None else "–",
        "source": source or "–",
    }


def _charts(data: DashboardData, sources: dict[str, str], *, query: str) -> Charts:
    separators = formatting.separators()
    note = _source_note(data.summary, sources)
    bps_note = _source_note(data.bps, sources)
    counts_note = _("Jumlah peserta aktif (tidak bergantung pada basis) · Periode %(period)s") % {
        "period": formatting.month_short(data.period)
    }
    details = [
        Chart(id="chart-regions", figure=_regions(data, separators), caption=note),
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
        details.append(Chart(id="chart-heatmap", figure=heatmap, caption=counts_note, wide=True))
    return Charts(
        progress=Chart(
            id="chart-progress", figure=_progress(data, separators), caption=note, wide=True
        ),
        main=[
            Chart(
                id="chart-map",
                figure=_map(data, separators, query=query),
                caption=note + " · " + _("Klik kabupaten/kota untuk membuka halamannya."),
            ),
            Chart(id="chart-formal", figure=_formal(data, separators), caption=counts_note),
        ],
        details=details,
    )


def _progress(data: DashboardData, separators: str) -> dict[str, Any]:
    metrics = data.summary.metrics
    year = data.period.year
    months = [Period(year - 1, 1).shift(i) for i in range(24)]
    by_period = data.active_by_period
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
    band_low, band_high = presentation.band_series(months=months, metrics=metrics)
    return charts.progress_figure(
        months=[formatting.month_short(month) for month in months],
        actual=actual,
        target_path=path,
        projection=projection,
        band_low=band_low,
        band_high=band_high,
        band_label=_("Rentang 80 %"),
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
        title=_("Cakupan per kabupaten/kota (%(basis)s)") % {"basis": basis_phrase(data.basis)},
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
    return charts.regency_outlines(json.loads(Path(path).read_text(encoding="utf-8")))


def _map(data: DashboardData, separators: str, *, query: str) -> dict[str, Any]:
    rows = data.context.by_region
    pct = functools.partial(formatting.percent, marks=formatting.current_marks(), minus=HYPHEN)
    before, after = _link_parts("coverage:region")
    return charts.region_map_figure(
        outlines=_regency_outlines(),
        codes=[row.code for row in rows],
        names=[row.name for row in rows],
        coverage=[_pct(row.coverage_pct) for row in rows],
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
        title=_("Peta cakupan NTT (%(basis)s)") % {"basis": basis_phrase(data.basis)},
        colorbar_label=_("Cakupan"),
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
    order: list[str] = [code for code in ("PU", "JAKON", "PMI", "BPU") if code in present]
    order += [code for code in present if code not in order]
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


def _sectors(data: DashboardData, separators: str) -> dict[str, Any]:
    rows = _sector_rows(data)
    rows = sorted(rows, key=lambda row: row["active"], reverse=True)
    return charts.sector_figure(
        labels=[f"{row['code']} · {_short(row['name'])}" for row in rows],
        active=[row["active"] for row in rows],
        coverage=[_pct(row["bps_coverage"]) for row in rows],
        title=_("Sektor (KBLI 2020), %(period)s") % {"period": formatting.month_short(data.period)},
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
class BehindTable:
    """One who-is-behind table: its grain, rows in reading order and where to download it."""

    grain: str  # "branch" or "region"
    dom_id: str
    rows_html: str  # the <tr> rows, see _behind_rows_html
    export_table: str
    export_scope: str


NONE = "—"


def _behind_rows_html(
    rows: Sequence[presentation.BehindRow], *, link: str, query: str, current_code: str = ""
) -> str:
    """The who-is-behind table's ``<tr>`` rows, built in Python.

    A national page lists 514 regencies: Django's template engine takes about 0.5 ms
    a row here (a dozen lookups and filters), this a tenth of that, with the same
    escaping and number formats (``coverage.formatting``).
    """
    cell = functools.partial(formatting.number, marks=formatting.current_marks(), minus=HYPHEN)
    pct = functools.partial(formatting.percent, marks=formatting.current_marks(), minus=HYPHEN)
    before, after = _link_parts(link)
    suffix = escape(f"{after}?{query}")
    labels: dict[str, str] = {}
    html = []
    for row in rows:
        if row.status is None:
            status = NONE
        else:
            label = labels.get(row.status) or labels.setdefault(
                row.status, escape(status_label(row.status))
            )
            status = (
                f'<span class="status-pill status-{escape(row.status)} tone-{row.tone}">'
                f"{label}</span>"
            )
        ratio = NONE if row.pace_ratio is None else cell(row.pace_ratio, 2) + "×"
        probability = escape(formatting.chance(row.probability))  # "< 1%", never a rounded 0%
        cells = [
            cell(row.active),
            pct(row.coverage_pct, 2),
            cell(row.target_count),
            cell(row.gap_count),
            NONE if row.run_rate is None else cell(row.run_rate),
            NONE if row.required_monthly_pace is None else cell(row.required_monthly_pace),
        ]
        code = escape(row.code)
        current = ' class="current-row" aria-current="page"' if row.code == current_code else ""
        html.append(
            f'<tr data-code="{code}"{current}><th scope="row"><a href="{escape(before)}{code}'
            f'{suffix}">{escape(row.name)}</a></th><td>{status}</td>'
            f'<td class="num">{ratio}</td><td class="num">{probability}</td>'
            + "".join(f'<td class="num">{cell}</td>' for cell in cells)
            + "</tr>"
        )
    return "\n".join(html)


def _behind_tables(data: DashboardData) -> list[BehindTable]:
    """The who-is-behind tables of a page, the first shown at once.

    The overview has one per branch and one per regency (a switch between them); a
    branch page one per regency; a regency page its branch's regencies, with itself
    marked.
    """
    scope = data.scope
    query = _query(data.period, data.basis)

    def regencies(rows: Sequence[BreakdownRow], current: str = "") -> str:
        return _behind_rows_html(
            presentation.behind_rows(rows),
            link="coverage:region",
            query=query,
            current_code=current,
        )

    if scope.kind == "province":
        return [
            BehindTable(
                grain="branch",
                dom_id="tertinggal",
                rows_html=_behind_rows_html(
                    presentation.behind_rows(data.summary.by_branch),
                    link="coverage:branch",
                    query=query,
                ),
                export_table="by_branch",
                export_scope=scope.code,
            ),
            BehindTable(
                grain="region",
                dom_id="tertinggal-kabupaten",
                rows_html=regencies(data.summary.by_region),
                export_table="by_region",
                export_scope=scope.code,
            ),
        ]
    if scope.kind == "branch":
        return [
            BehindTable(
                grain="region",
                dom_id="tertinggal",
                rows_html=regencies(data.summary.by_region),
                export_table="by_region",
                export_scope=scope.code,
            )
        ]
    return [
        BehindTable(
            grain="region",
            dom_id="tertinggal",
            rows_html=regencies(_context_rows(data), scope.code),
            export_table="by_region",
            export_scope=scope.branch_code or PROVINCE_CODE,
        )
    ]


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
