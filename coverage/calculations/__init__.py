"""The coverage service: coverage, gap, required pace and projection.

Plain, typed functions over pandas DataFrames and small dataclasses; no Django, no
I/O. The definitions follow ``docs/definitions.md`` (copied from the domain
contract) to the letter. Arithmetic that feeds a ``ceil`` or a rounding is done
with ``Fraction`` so that a figure such as 60% × 1,626,300 is never off by one
through floating-point error.

Frames used here (all produced by ``coverage.selectors``):

- ``monthly``: one row per region and month, columns
  ``year, month, region_code, active, nonactive`` (already summed over sectors
  and segments in SQL).
- ``workforce``: ``year, region_code, sector_code, basis, workers``; an empty
  ``region_code`` is the province, an empty ``sector_code`` is all sectors.
- ``regions``: ``region_code, name, branch_code``; ``branches``: ``branch_code, name``.
- ``targets``: ``year, scope_type, scope_code, basis, target_count, target_pct``.

One module per job (period, scopes, arithmetic, pace, projection, denominators,
targets, history, metrics, area_forecasts, summary, contract); this package
re-exports their public names, so ``from coverage.calculations import X`` is the
one way in.
"""

from __future__ import annotations

from .area_forecasts import BATCH_AREAS, with_december_forecasts
from .arithmetic import coverage_pct, gap_count, round_half_up, to_fraction
from .contract import summary_as_dict
from .denominators import (
    AreaFigures,
    Denominator,
    area_totals,
    figures_by_sector,
    region_denominators,
    scope_denominator,
)
from .history import (
    MONTHLY_COLUMNS,
    RegionHistory,
    active_series,
    monthly_rows,
    series_by_period,
)
from .metrics import ScopeMetrics, history_metrics, scope_metrics
from .pace import (
    AT_RISK_SHARE,
    Status,
    months_remaining,
    required_monthly_pace,
    run_rate,
    status,
)
from .period import InvalidPeriod, Period
from .projection import (
    HORIZON_MONTHS,
    projected_at_deadline,
    projected_month_reached,
    reached_beyond_horizon,
    target_path,
)
from .scopes import PROVINCE_CODE, ReferenceFrames, Scope, ScopeKind
from .summary import CHANGES_LOOKBACK, BreakdownRow, CoverageSummary, coverage_summary
from .targets import (
    MISMATCH_TOLERANCE,
    NO_TARGET,
    ResolvedTarget,
    TargetSource,
    TargetSpec,
    counts_from_other_basis,
    resolve_target,
    target_count_of,
    target_specs,
)

__all__ = [
    "AT_RISK_SHARE",
    "BATCH_AREAS",
    "CHANGES_LOOKBACK",
    "HORIZON_MONTHS",
    "MISMATCH_TOLERANCE",
    "MONTHLY_COLUMNS",
    "NO_TARGET",
    "PROVINCE_CODE",
    "AreaFigures",
    "BreakdownRow",
    "CoverageSummary",
    "Denominator",
    "InvalidPeriod",
    "Period",
    "ReferenceFrames",
    "RegionHistory",
    "ResolvedTarget",
    "Scope",
    "ScopeKind",
    "ScopeMetrics",
    "Status",
    "TargetSource",
    "TargetSpec",
    "active_series",
    "area_totals",
    "counts_from_other_basis",
    "coverage_pct",
    "coverage_summary",
    "figures_by_sector",
    "gap_count",
    "history_metrics",
    "monthly_rows",
    "months_remaining",
    "projected_at_deadline",
    "projected_month_reached",
    "reached_beyond_horizon",
    "region_denominators",
    "required_monthly_pace",
    "resolve_target",
    "round_half_up",
    "run_rate",
    "scope_denominator",
    "scope_metrics",
    "series_by_period",
    "status",
    "summary_as_dict",
    "target_count_of",
    "target_path",
    "target_specs",
    "to_fraction",
    "with_december_forecasts",
]
