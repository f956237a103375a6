"""A scope's history and outlook → the progress chart's series (pure, no Django).

The web chart (Plotly) and the PDF chart (matplotlib) draw the same lines from
here: the actual count up to the reported month, the straight target path from
last December, the run-rate projection and its 80 % band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from ..calculations import Period, ScopeMetrics, target_path
from ..scenarios import ScenarioResult

T = TypeVar("T")
MONTHS_SHOWN = 24  # January of the previous year to December of the reported year


@dataclass(frozen=True)
class ProgressSeries:
    """One value (or ``None``: no point) per month of ``months``, for each line."""

    months: list[Period]
    actual: list[int | None]
    target_path: list[Fraction | None]
    projection: list[Fraction | None]
    band_low: list[int | None]
    band_high: list[int | None]


def progress_series(
    *, period: Period, active_by_period: Mapping[Period, int], metrics: ScopeMetrics
) -> ProgressSeries:
    """The lines of a scope's progress chart for reported month ``period``.

    The target path runs from last December's count to the target in December; the
    projection from the reported month's count at the run rate, to December.
    """
    first = Period(period.year - 1, 1)
    months = [first.shift(i) for i in range(MONTHS_SHOWN)]
    actual = actual_series(months, active_by_period=active_by_period, period=period)
    path: list[Fraction | None] = [None] * MONTHS_SHOWN
    december = active_by_period.get(Period(period.year - 1, 12))
    if december is not None and metrics.target.count is not None:
        for month in range(13):
            path[11 + month] = target_path(
                december_before=december, target_count=metrics.target.count, month=month
            )
    projection: list[Fraction | None] = [None] * MONTHS_SHOWN
    if metrics.run_rate is not None:
        start = period.index - first.index
        for k in range(metrics.months_remaining + 1):
            projection[start + k] = metrics.active + metrics.run_rate * k
    band_low, band_high = band_series(months=months, metrics=metrics)
    return ProgressSeries(
        months=months,
        actual=actual,
        target_path=path,
        projection=projection,
        band_low=band_low,
        band_high=band_high,
    )


def actual_series(
    months: Sequence[Period], *, active_by_period: Mapping[Period, int], period: Period
) -> list[int | None]:
    """The count of each of ``months`` up to the reported month ``period`` (``None``
    after it, and for a month without counts)."""
    return [active_by_period.get(month) if month <= period else None for month in months]


def scenario_series(
    result: ScenarioResult, months: Sequence[Period], *, scenario: bool
) -> list[int | None]:
    """A scenario's path (``scenario``) or its baseline over ``months``: from the
    reported month on, ``None`` before it and past the projection's horizon. The
    planner's chart and the PDF's "Simulasi" page draw these."""
    return [
        result.value_at(month, scenario=scenario) if month >= result.period else None
        for month in months
    ]


def points(values: Sequence[T | None]) -> tuple[list[int], list[T]]:
    """The positions and values of the points a line has (``None`` skipped)."""
    pairs = [(i, value) for i, value in enumerate(values) if value is not None]
    return [i for i, _value in pairs], [value for _i, value in pairs]


# --- the 80 % band on the progress chart ------------------------------------------------


def band_series(
    *, months: Sequence[Period], metrics: ScopeMetrics
) -> tuple[list[int | None], list[int | None]]:
    """The p10 and p90 lines of the projection band over ``months`` (``None`` outside it).

    The band starts at the reported month with no width (``active(t)`` for both), so
    the shaded area opens out of the last actual point.
    """
    by_month: dict[Period, tuple[int, int]] = {
        month: (low, high) for month, low, high in metrics.projection_band
    }
    if by_month:
        by_month.setdefault(metrics.period, (metrics.active, metrics.active))
    low = [by_month[month][0] if month in by_month else None for month in months]
    high = [by_month[month][1] if month in by_month else None for month in months]
    return low, high
