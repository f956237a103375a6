"""Downloads of the dashboard's tables (CSV, XLSX) and of its JSON summary.

Readable by anyone who can see the dashboard (it is public and read-only). The
tables hold the same rows as the page's tables, from the same load
(``load_dashboard``); ``coverage.exports`` turns them into bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..calculations import BreakdownRow, required_monthly_pace, summary_as_dict
from ..exports import Column, Table, table_csv_bytes, table_xlsx_bytes
from ..formatting import month_year
from ..labels import basis_phrase, segment_kind
from ..models import Basis
from ..summaries import (
    DashboardData,
    SummaryError,
    load_coverage_summary,
    load_dashboard,
    parse_basis,
    resolve_period,
)
from .guards import problem
from .reports import attachment

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_NAMES = {
    "by_branch": "per-cabang",
    "by_region": "per-kabupaten-kota",
    "by_sector": "per-sektor",
    "by_segment": "per-segmen",
    "gap": "kesenjangan",
}


def _basis_header(text: str, basis: str) -> str:
    return f"{text} ({basis_phrase(basis)})"


def branch_table(data: DashboardData) -> Table:
    return _breakdown_table(
        data,
        title=_("Per kantor cabang"),
        code_header=_("Kode cabang"),
        name_header=_("Kantor cabang"),
        rows=data.summary.by_branch,
    )


def region_table(data: DashboardData) -> Table:
    return _breakdown_table(
        data,
        title=_("Per kabupaten-kota"),
        code_header=_("Kode BPS"),
        name_header=_("Kabupaten/kota"),
        rows=data.summary.by_region,
    )


def _breakdown_table(
    data: DashboardData,
    *,
    title: str,
    code_header: str,
    name_header: str,
    rows: Sequence[BreakdownRow],
) -> Table:
    basis = data.basis
    return Table(
        title=title,
        columns=[
            Column(code_header),
            Column(name_header),
            Column(_("Peserta aktif"), "int"),
            Column(_basis_header(_("Penyebut"), basis), "int"),
            Column(_basis_header(_("Cakupan (%)"), basis), "pct"),
            Column(_("Target"), "int"),
            Column(_("Kesenjangan"), "int"),
        ],
        rows=[
            [
                row.code,
                row.name,
                row.active,
                row.denominator,
                row.coverage_pct,
                row.target_count,
                row.gap_count,
            ]
            for row in rows
        ],
    )


def sector_table(data: DashboardData) -> Table:
    """As on the page: sector coverage is always against the BPS labour force by sector."""
    bps = {row.code: row for row in data.bps.by_sector}
    return Table(
        title=_("Per sektor"),
        columns=[
            Column(_("Kode KBLI")),
            Column(_("Sektor")),
            Column(_("Peserta aktif"), "int"),
            Column(_("Angkatan kerja BPS"), "int"),
            Column(_("Cakupan angkatan kerja BPS (%)"), "pct"),
        ],
        rows=[
            [
                row.code,
                row.name,
                row.active,
                bps[row.code].denominator if row.code in bps else None,
                bps[row.code].coverage_pct if row.code in bps else None,
            ]
            for row in data.summary.by_sector
        ],
    )


def segment_table(data: DashboardData) -> Table:
    segments = data.reference.segments
    formal = dict(zip(segments["segment_code"], segments["is_formal"], strict=True))
    total = sum(row.active for row in data.summary.by_segment)
    return Table(
        title=_("Per segmen"),
        columns=[
            Column(_("Kode segmen")),
            Column(_("Segmen")),
            Column(_("Jenis")),
            Column(_("Peserta aktif"), "int"),
            Column(_("Porsi (%)"), "pct"),
        ],
        rows=[
            [
                row.code,
                row.name,
                segment_kind(bool(formal.get(row.code))),
                row.active,
                Fraction(100 * row.active, total) if total else None,
            ]
            for row in data.summary.by_segment
        ],
    )


def gap_table(data: DashboardData) -> Table:
    """Who must close how much: the gap of each branch (province page) and regency, its
    share of the level's total gap and the monthly pace it needs until December."""
    remaining = data.summary.metrics.months_remaining
    levels: list[tuple[str, Sequence[BreakdownRow]]] = []
    if data.scope.kind == "province":
        levels.append((_("Kantor cabang"), data.summary.by_branch))
    levels.append((_("Kabupaten/kota"), data.summary.by_region))
    rows: list[list[object]] = []
    for level, source in levels:
        total = sum(row.gap_count or 0 for row in source)
        for row in sorted(source, key=lambda row: (-(row.gap_count or 0), row.name)):
            rows.append(
                [
                    level,
                    row.code,
                    row.name,
                    row.active,
                    row.target_count,
                    row.gap_count,
                    Fraction(100 * row.gap_count, total)
                    if total and row.gap_count is not None
                    else None,
                    required_monthly_pace(row.gap_count, remaining),
                ]
            )
    return Table(
        title=_("Kesenjangan"),
        columns=[
            Column(_("Tingkat")),
            Column(_("Kode")),
            Column(_("Nama")),
            Column(_("Peserta aktif"), "int"),
            Column(_basis_header(_("Target"), data.basis), "int"),
            Column(_("Kesenjangan"), "int"),
            Column(_("Porsi kesenjangan (%)"), "pct"),
            Column(_("Laju dibutuhkan per bulan"), "int"),
        ],
        rows=rows,  # type: ignore[arg-type]  # cells are str, int, Fraction or None
    )


TABLES: dict[str, Callable[[DashboardData], Table]] = {
    "by_branch": branch_table,
    "by_region": region_table,
    "by_sector": sector_table,
    "by_segment": segment_table,
    "gap": gap_table,
}


def _notes(data: DashboardData) -> list[str]:
    notes = [
        _("Cakupan: %(scope)s · posisi akhir %(period)s · %(basis)s")
        % {
            "scope": data.scope.name,
            "period": month_year(data.period),
            "basis": basis_phrase(data.basis),
        },
        _("Cakupan = peserta aktif ÷ penyebut; persentase dalam poin persen (34,02 = 34,02%)."),
    ]
    if settings.DEMO_DATA:
        notes.append(_("Data contoh (sintetis), bukan data resmi."))
    return notes


@require_safe
def table_export(
    request: HttpRequest, table: str, scope: str, fmt: str, period: str | None = None
) -> HttpResponse:
    """``/ekspor/<table>/<scope>/<YYYY-MM>.<csv|xlsx>?basis=…`` (without the month: the
    scope's latest complete month)."""
    try:
        month = resolve_period(period, scope)
        basis = parse_basis(request.GET.get("basis"))
        data = load_dashboard(period=month, scope_code=scope, basis=basis)
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    built = TABLES[table](data)
    body = table_csv_bytes(built) if fmt == "csv" else table_xlsx_bytes(built, notes=_notes(data))
    name = f"cakupan-{FILE_NAMES[table]}-{data.scope.code.lower()}-{month}-{basis.lower()}.{fmt}"
    return attachment(HttpResponse(body, content_type=CONTENT_TYPES[fmt]), name)


@require_safe
def summary_json(request: HttpRequest, scope: str, period: str | None = None) -> HttpResponse:
    """``/ekspor/ringkasan/<scope>/<YYYY-MM>.json``: ``/api/coverage``'s dict as a file
    (without the month: the scope's latest complete month)."""
    try:
        month = resolve_period(period, scope)
        basis = parse_basis(request.GET.get("basis") or Basis.UCJ)
        summary = load_coverage_summary(period=month, scope_code=scope, basis=basis)
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    response = JsonResponse(
        summary_as_dict(summary), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    name = f"ringkasan-cakupan-{summary.scope.code.lower()}-{month}-{basis.lower()}.json"
    return attachment(response, name)
