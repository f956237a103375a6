"""Every headline figure of one scope: ``ScopeMetrics`` from its monthly history."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from .arithmetic import coverage_pct, gap_count
from .denominators import Denominator
from .history import series_by_period
from .pace import Status, months_remaining, required_monthly_pace, run_rate, status
from .period import Period
from .projection import projected_at_deadline, projected_month_reached, reached_beyond_horizon
from .targets import ResolvedTarget

if TYPE_CHECKING:
    from ..completeness import Completeness
    from ..forecast import Forecast


@dataclass(frozen=True)
class ScopeMetrics:
    """Every headline figure of one scope for one period and basis."""

    period: Period
    active: int
    nonactive: int
    denominator: Denominator
    target: ResolvedTarget
    coverage_pct: Fraction | None
    gap_count: int | None
    gap_pp: Fraction | None
    months_remaining: int
    required_monthly_pace: int | None
    run_rate: Fraction | None
    projected_at_deadline: int | None
    projected_month_reached: Period | None
    status: Status
    # Reporting completeness (DOMAIN.md "Reporting completeness"): an incomplete
    # month has status ``incomplete`` and no run rate, projection or forecast.
    complete: bool = True
    regions_reported: int | None = None
    regions_expected: int | None = None
    missing_region_codes: tuple[str, ...] = ()
    # DOMAIN.md "Horizon of the reached month": true when the target is reached
    # only more than 120 months after ``period`` (then ``projected_month_reached``
    # is none).
    reached_beyond_horizon: bool = False
    # DOMAIN.md "Forecast": the last year's complete monthly changes, the bootstrap
    # probability of reaching the target by December and its 10–90 % band.
    monthly_changes: tuple[int, ...] = ()
    probability_reaching_target: Fraction | None = None
    projection_p10: int | None = None
    projection_p90: int | None = None
    pace_ratio: Fraction | None = None
    # (month, p10, p90) of the simulated values for each month after ``period`` up
    # to December: the shaded band of the progress chart.
    projection_band: tuple[tuple[Period, int, int], ...] = ()


def scope_metrics(
    *,
    period: Period,
    series: pd.DataFrame,
    denominator: Denominator,
    target: ResolvedTarget,
    completeness: Completeness | None = None,
    complete_periods: Collection[Period] | None = None,
) -> ScopeMetrics:
    """All headline figures of a scope from its monthly series, denominator and target.

    ``completeness`` is how far ``period`` is reported for the scope and
    ``complete_periods`` the months complete for it (see ``history_metrics``).
    """
    return history_metrics(
        period=period,
        active_by_period=series_by_period(series),
        nonactive=series_by_period(series, "nonactive").get(period, 0),
        denominator=denominator,
        target=target,
        completeness=completeness,
        complete_periods=complete_periods,
    )


def history_metrics(
    *,
    period: Period,
    active_by_period: Mapping[Period, int],
    nonactive: int,
    denominator: Denominator,
    target: ResolvedTarget,
    completeness: Completeness | None = None,
    complete_periods: Collection[Period] | None = None,
    simulate: bool = True,
) -> ScopeMetrics:
    """All figures of a scope from its active participants per month (months with
    data only).

    ``simulate=False`` leaves the probability and its band to the caller, which
    computes many areas at once (``with_december_forecasts``).

    ``completeness`` none means the month counts as complete (no ledger known);
    ``complete_periods`` none means every month with data counts as complete. An
    incomplete ``period`` shows the reported sums with status ``incomplete`` and no
    run rate, projection or forecast; the run rate and the monthly changes only
    ever use complete months.
    """
    from .. import forecast as forecasting  # forecast.py imports Period from here

    complete = completeness is None or completeness.complete
    complete_months = frozenset(active_by_period if complete_periods is None else complete_periods)
    active = active_by_period.get(period, 0)
    remaining = months_remaining(period)
    gap = gap_count(target.count, active)
    pace = required_monthly_pace(gap, remaining)
    rate = run_rate(active_by_period, period, complete_months) if complete else None
    pct = coverage_pct(active, denominator.workers)
    changes = forecasting.monthly_changes(active_by_period, complete_months, period)
    state = status(
        period=period,
        active=active,
        target_count=target.count,
        rate=rate,
        pace=pace,
        complete=complete,
    )
    metrics = ScopeMetrics(
        period=period,
        active=active,
        nonactive=nonactive,
        denominator=denominator,
        target=target,
        coverage_pct=pct,
        gap_count=gap,
        gap_pp=None if target.pct is None or pct is None else target.pct - pct,
        months_remaining=remaining,
        required_monthly_pace=pace,
        run_rate=rate,
        projected_at_deadline=projected_at_deadline(active, rate, remaining),
        projected_month_reached=(
            projected_month_reached(
                period=period, active=active, target_count=target.count, rate=rate
            )
            if complete
            else None
        ),
        status=state,
        complete=complete,
        regions_reported=None if completeness is None else completeness.regions_reported,
        regions_expected=None if completeness is None else completeness.regions_expected,
        missing_region_codes=() if completeness is None else completeness.missing,
        reached_beyond_horizon=complete
        and reached_beyond_horizon(active=active, target_count=target.count, rate=rate),
        monthly_changes=changes,
        pace_ratio=forecasting.pace_ratio(rate, pace),
    )
    return with_forecast(metrics, forecast_of(metrics)) if simulate else metrics


def forecast_of(m: ScopeMetrics) -> Forecast:
    """``forecasting.forecast`` of the figures in ``m``."""
    from .. import forecast as forecasting  # forecast.py imports Period from here

    return forecasting.forecast(
        period=m.period,
        active=m.active,
        target_count=m.target.count,
        status=m.status,
        changes=m.monthly_changes,
        months_remaining=m.months_remaining,
    )


def with_forecast(m: ScopeMetrics, outlook: Forecast) -> ScopeMetrics:
    """``m`` with the probability, the p10–p90 band and its months from ``outlook``."""
    return replace(
        m,
        probability_reaching_target=outlook.probability,
        projection_p10=outlook.p10,
        projection_p90=outlook.p90,
        projection_band=outlook.band,
    )
