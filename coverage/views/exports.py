"""Downloads of the dashboard's tables (CSV, XLSX) and of its JSON summary.

Readable by anyone who can see the dashboard (it is public and read-only). The
tables hold the same rows as the page's tables, from the same load
(``load_dashboard``); ``coverage.exports`` turns them into bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import presentation
from ..calculations import BreakdownRow, summary_as_dict
from ..exports import Cell, Column, Table, table_csv_bytes, table_xlsx_bytes
from ..formatting import month_year
from ..labels import basis_phrase, segment_kind
from ..summaries import DashboardData, SummaryError, load_dashboard, parse_basis, resolve_period
from .dashboard import requested_summary
from .dashboard_charts import sector_rows, segment_rows
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


def _area_columns(code_header: str, name_header: str, *more: Column) -> list[Column]:
    """An area's code and name, its active participants, then ``more``."""
    return [Column(code_header), Column(name_header), Column(_("Peserta aktif"), "int"), *more]


def _area_cells(row: BreakdownRow | presentation.SectorRow, *more: Cell) -> list[Cell]:
    """An area's code and name, its active participants, then ``more``."""
    return [row.code, row.name, row.active, *more]


def branch_table(data: DashboardData) -> Table:
    headers = (_("Per kantor cabang"), _("Kode cabang"), _("Kantor cabang"))
    return _breakdown_table(data, headers, data.summary.by_branch)


def region_table(data: DashboardData) -> Table:
    headers = (_("Per kabupaten-kota"), _("Kode BPS"), _("Kabupaten/kota"))
    return _breakdown_table(data, headers, data.summary.by_region)


def _breakdown_table(
    data: DashboardData, headers: tuple[str, str, str], rows: Sequence[BreakdownRow]
) -> Table:
    """Branches or regencies (``headers``: the title, the code's and the name's header)."""
    title, code_header, name_header = headers
    basis = data.basis
    return Table(
        title=title,
        columns=_area_columns(
            code_header,
            name_header,
            Column(_basis_header(_("Penyebut"), basis), "int"),
            Column(_basis_header(_("Cakupan (%)"), basis), "pct"),
            Column(_("Target"), "int"),
            Column(_("Kesenjangan"), "int"),
        ),
        rows=[
            _area_cells(row, row.denominator, row.coverage_pct, row.target_count, row.gap_count)
            for row in rows
        ],
    )


def sector_table(data: DashboardData) -> Table:
    """As on the page: sector coverage is always against the BPS labour force by sector."""
    return Table(
        title=_("Per sektor"),
        columns=_area_columns(
            _("Kode KBLI"),
            _("Sektor"),
            Column(_("Angkatan kerja BPS"), "int"),
            Column(_("Cakupan angkatan kerja BPS (%)"), "pct"),
        ),
        rows=[_area_cells(row, row.bps_workers, row.bps_coverage) for row in sector_rows(data)],
    )


def segment_table(data: DashboardData) -> Table:
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
            [row.code, row.name, segment_kind(row.formal), row.active, row.share]
            for row in segment_rows(data)
        ],
    )


def _gap_cells(row: presentation.GapRow) -> list[Cell]:
    return [row.area.target_count, row.area.gap_count, row.gap_share, row.monthly_pace]


def gap_table(data: DashboardData) -> Table:
    """Who must close how much: the gap of each branch (province page) and regency, its
    share of the level's total gap and the monthly pace it needs until December."""
    remaining = data.summary.metrics.months_remaining
    levels: list[tuple[str, Sequence[BreakdownRow]]] = []
    if data.scope.kind == "province":
        levels.append((_("Kantor cabang"), data.summary.by_branch))
    levels.append((_("Kabupaten/kota"), data.summary.by_region))
    rows: list[list[Cell]] = [
        [level, *_area_cells(row.area, *_gap_cells(row))]
        for level, source in levels
        for row in presentation.largest_gap_first(
            presentation.gap_rows(source, months_remaining=remaining)
        )
    ]
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
        rows=rows,
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
        summary = requested_summary(period, scope, request.GET.get("basis"))
    except SummaryError as error:
        return problem(request, error.message, status=error.status)
    response = JsonResponse(
        summary_as_dict(summary), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    month, basis = summary.metrics.period, summary.basis
    name = f"ringkasan-cakupan-{summary.scope.code.lower()}-{month}-{basis.lower()}.json"
    return attachment(response, name)
