"""The JSON contract: one dict shape for the pages, ``/api/coverage`` and the CLI."""

from __future__ import annotations

from fractions import Fraction

from .arithmetic import round_half_up
from .metrics import ScopeMetrics
from .period import Period
from .summary import BreakdownRow, CoverageSummary


def _pct(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _number(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _decimals(value: Fraction | None, places: int) -> float | None:
    """``value`` rounded half away from zero to ``places`` decimals, exactly."""
    if value is None:
        return None
    scale = 10**places
    return round_half_up(value * scale) / scale


def _month(value: Period | None) -> str | None:
    return None if value is None else str(value)


def _forecast_fields(m: ScopeMetrics) -> dict[str, object]:
    """The keys that a scope and each of its branch and region rows share."""
    return {
        "status": m.status,
        "run_rate": _number(m.run_rate),
        "required_monthly_pace": m.required_monthly_pace,
        "projected_at_deadline": m.projected_at_deadline,
        "projected_month_reached": _month(m.projected_month_reached),
        "reached_beyond_horizon": m.reached_beyond_horizon,
        "probability_reaching_target": _decimals(m.probability_reaching_target, 3),
        "projection_p10": m.projection_p10,
        "projection_p90": m.projection_p90,
        "pace_ratio": _decimals(m.pace_ratio, 2),
        "complete": m.complete,
        "regions_reported": m.regions_reported,
        "regions_expected": m.regions_expected,
    }


def summary_as_dict(summary: CoverageSummary) -> dict[str, object]:
    """The one result shape shared by the pages, ``/api/coverage`` and the CLI."""
    m = summary.metrics
    return {
        "period": str(m.period),
        "scope": summary.scope.code,
        "scope_type": summary.scope.kind,
        "scope_name": summary.scope.name,
        "basis": summary.basis,
        "active": m.active,
        "nonactive": m.nonactive,
        "denominator": m.denominator.workers,
        "denominator_year": m.denominator.year,
        "coverage_pct": _pct(m.coverage_pct),
        "target_count": m.target.count,
        "target_pct": _pct(m.target.pct),
        "target_source": m.target.source,
        "implied_denominator": _number(m.target.implied_denominator),
        "denominator_mismatch": m.target.denominator_mismatch,
        "gap_count": m.gap_count,
        "gap_pp": _pct(m.gap_pp),
        "months_remaining": m.months_remaining,
        **_forecast_fields(m),
        "by_branch": [_row_as_dict(row) for row in summary.by_branch],
        "by_region": [_row_as_dict(row) for row in summary.by_region],
        "by_sector": [_row_as_dict(row) for row in summary.by_sector],
        "by_segment": [_row_as_dict(row) for row in summary.by_segment],
    }


def _row_as_dict(row: BreakdownRow) -> dict[str, object]:
    return {
        "code": row.code,
        "name": row.name,
        "active": row.active,
        "denominator": row.denominator,
        "coverage_pct": _pct(row.coverage_pct),
        "target_count": row.target_count,
        "gap_count": row.gap_count,
        **({} if row.metrics is None else _forecast_fields(row.metrics)),
    }
