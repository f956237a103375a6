"""``/metode/``: *Metode & akurasi* — how every figure is computed, in plain words, and
the backtest of the forecast (DOMAIN.md "Backtest") on the province's own data.

The backtest reads the province's monthly totals and which regencies reported in
which month (for "Reporting completeness"), and is kept in the cache under the data
version, like the dashboard pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import selectors
from ..cache import cached, data_version
from ..calculations import Period
from ..forecast import (
    BACKTEST_HORIZONS,
    CHANGES_WINDOW,
    HORIZON_MONTHS,
    MIN_CHANGES,
    PATHS,
    BacktestRow,
    backtest,
)

# A band that holds the actual figure this often or less is too narrow (the forecast
# is too sure of itself); this often or more, wider than it needs to be.
NARROW_HIT_RATE = 0.7
WIDE_HIT_RATE = 0.9


@dataclass(frozen=True)
class ProvinceBacktest:
    """The backtest of the province and the data it stands on."""

    first: Period | None  # first and last month with counts
    last: Period | None
    months_with_data: int
    complete_months: int
    rows: list[BacktestRow]


def province_backtest() -> ProvinceBacktest:
    """The backtest of the province's series over every month in the database."""
    periods = selectors.available_periods()
    if not periods:
        return ProvinceBacktest(None, None, 0, 0, backtest({}, set()))
    series = selectors.monthly_scope_totals(until=periods[-1])
    columns = (series["year"], series["month"], series["active"])
    active = {
        Period(int(year), int(month)): int(count)
        for year, month, count in zip(*columns, strict=True)
    }
    province = selectors.reference_frames().province()
    complete = selectors.reporting_ledger().complete_periods(province.region_codes)
    return ProvinceBacktest(
        first=periods[0],
        last=periods[-1],
        months_with_data=len(active),
        complete_months=len(complete & set(active)),
        rows=backtest(active, complete),
    )


def row_reading(row: BacktestRow) -> dict[str, Any]:
    """One backtest row with what it means, in the reader's language."""
    accuracy = band = "–"
    if row.median_ape_run_rate is not None and row.median_ape_naive is not None:
        if row.median_ape_run_rate < row.median_ape_naive:
            accuracy = _("laju 3 bulan lebih tepat daripada angka tetap")
        elif row.median_ape_run_rate > row.median_ape_naive:
            accuracy = _("angka tetap lebih tepat daripada laju 3 bulan")
        else:
            accuracy = _("keduanya sama tepat")
    if row.hit_rate is not None:
        if row.hit_rate <= NARROW_HIT_RATE:
            band = _("rentang terlalu sempit (terlalu yakin)")
        elif row.hit_rate >= WIDE_HIT_RATE:
            band = _("rentang lebih lebar dari perlu (hati-hati)")
        else:
            band = _("rentang jujur (sekitar 80%)")
    return {
        "horizon": row.horizon,
        "n": row.n,
        "ape_run_rate": row.median_ape_run_rate,
        "ape_naive": row.median_ape_naive,
        "hit_pct": None if row.hit_rate is None else 100 * row.hit_rate,
        "accuracy": accuracy,
        "band": band,
    }


@require_safe
def methods(request: HttpRequest) -> HttpResponse:
    result = cached("methods", compute=province_backtest, version=data_version())
    context = {
        "backtest": result,
        "rows": [row_reading(row) for row in result.rows],
        "has_pairs": any(row.n for row in result.rows),
        "paths": PATHS,
        "min_changes": MIN_CHANGES,
        "window": CHANGES_WINDOW,
        "horizon_months": HORIZON_MONTHS,
        "horizon_years": HORIZON_MONTHS // 12,
        "max_h": BACKTEST_HORIZONS[-1],
        "narrow_pct": round(100 * NARROW_HIT_RATE),
        "wide_pct": round(100 * WIDE_HIT_RATE),
        "demo_data": settings.DEMO_DATA,
    }
    return render(request, "coverage/methods.html", context)
