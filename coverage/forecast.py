"""How sure is the projection: bootstrap probability, 80 % band and backtest.

Pure computation (numpy, no Django), following DOMAIN.md "Forecast: how sure is
the projection" and ``docs/definitions.md`` ("Peluang dan rentang"):

- ``monthly_changes`` — the last year's complete month-on-month changes of a scope;
- ``forecast`` — the share of ``PATHS`` simulated paths that reach the target by
  December (each month's change drawn uniformly, with replacement, from those
  changes) and the 10th/90th percentiles of the simulated values, month by month;
- ``pace_ratio`` — run rate ÷ required monthly pace;
- ``backtest`` — how far the run-rate projection, the naive "nothing changes"
  forecast and the band would have been from what was later reported.

Every call draws as a numpy Generator seeded afresh with ``SEED`` would (that draw
depends only on the number of changes and of months, so it is remembered), so the
same data always give the same answer, whatever was computed before.
"""

from __future__ import annotations

import functools
import statistics
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .calculations import Period, round_half_up

PATHS = 10_000
SEED = 20250429  # the day the one-million target was announced
MIN_CHANGES = 6
HORIZON_MONTHS = 120
CHANGES_WINDOW = 12  # months t−11 … t
BACKTEST_HORIZONS = range(1, 7)
PERCENTILES = (10, 90)

IntMatrix = npt.NDArray[np.int64]


def monthly_changes(
    active_by_period: Mapping[Period, int], complete: Collection[Period], period: Period
) -> tuple[int, ...]:
    """active(m) − active(m−1) for m from t−11 to t where m and m−1 both have data and
    are complete (oldest first)."""
    changes: list[int] = []
    for before, month in _change_months(period):
        if (
            month in complete
            and before in complete
            and month in active_by_period
            and before in active_by_period
        ):
            changes.append(int(active_by_period[month]) - int(active_by_period[before]))
    return tuple(changes)


@functools.lru_cache(maxsize=64)
def _change_months(period: Period) -> tuple[tuple[Period, Period], ...]:
    """``(m − 1, m)`` for m from t−11 to t (a summary asks for hundreds of areas)."""
    return tuple(
        (period.shift(-back - 1), period.shift(-back)) for back in range(CHANGES_WINDOW - 1, -1, -1)
    )


@dataclass(frozen=True)
class Forecast:
    """The probability of reaching the target by December and the simulated 80 % band."""

    probability: Fraction | None  # exact share k/10000 (JSON: 3 decimals) or 0/1
    p10: int | None  # December (deadline) percentiles of the simulated values
    p90: int | None
    band: tuple[tuple[Period, int, int], ...]  # (month, p10, p90) for t+1 … deadline


NOT_SIMULATED = Forecast(probability=None, p10=None, p90=None, band=())


@functools.lru_cache(maxsize=16)
def _draws(choices: int, months: int) -> npt.NDArray[np.intp]:
    """The indices of the changes drawn, month by month: ``months × PATHS``.

    One ``PATHS × months`` integer draw (uniform, with replacement) from a generator
    seeded with ``SEED``, as every call would make it afresh; it depends only on the
    number of changes and of months, so it is remembered (read-only), which gives the
    same numbers as drawing again. Stored transposed: a month's values are contiguous.
    """
    rng = np.random.default_rng(SEED)
    indices = rng.integers(0, choices, size=(PATHS, months))
    by_month = np.ascontiguousarray(indices.T, dtype=np.intp)
    by_month.flags.writeable = False
    return by_month


class _WorkArrays(threading.local):
    """Arrays one thread reuses from forecast to forecast.

    A forecast works on a few ``months × PATHS`` arrays (about 1 MB each); fresh ones
    for every call cost more in page faults than the arithmetic on them (the
    allocator hands such blocks back to the system when they are freed).
    """

    def __init__(self) -> None:
        shape = (WORK_MONTHS, PATHS)
        self.paths = np.empty(shape, dtype=np.int64)
        self.buckets = np.empty(shape, dtype=np.int64)
        self.chosen = np.empty(shape, dtype=bool)
        self.matches = np.empty(shape, dtype=bool)


WORK_MONTHS = 12
_WORK = _WorkArrays()


def simulated_paths(
    *, active: int, changes: Sequence[int], months: int, out: IntMatrix | None = None
) -> IntMatrix:
    """``months × PATHS`` simulated stocks: row j is every path's value j+1 months after t.

    Each path adds ``months`` changes drawn uniformly, with replacement, from
    ``changes`` to ``active`` (a cumulative sum along the path). Written into ``out``
    (``months × PATHS``) when given.
    """
    if months < 0:
        raise ValueError("months must not be negative")
    draws = _draws(len(changes), months)
    steps: IntMatrix = np.take(
        np.asarray(changes, dtype=np.int64), draws, out=out, mode="clip"
    )  # every index is valid; "clip" only spares numpy a buffered copy
    for month in range(months):
        steps[month] += steps[month - 1] if month else active
    return steps


# np.percentile's default ("linear") method for PATHS values, set up once: percentile q
# lies at virtual index (PATHS − 1) × q/100 of the sorted values, between the value at
# its floor and the next one, at fraction gamma. The constants and the interpolation
# below are numpy's own arithmetic, step for step, so the result is the same to the
# last bit (tests/test_forecast.py compares them on many random and tied samples).
_QUANTILES = np.true_divide(np.asarray(PERCENTILES), 100)
_VIRTUAL = (PATHS - 1) * _QUANTILES
_FLOORS = np.floor(_VIRTUAL).astype(np.intp)
_GAMMA = (_VIRTUAL - _FLOORS)[:, np.newaxis]
_RANKS = np.concatenate((_FLOORS, _FLOORS + 1))  # sorted positions to find
_BUCKET_BITS = 10
_BUCKETS = 1 << _BUCKET_BITS


def _order_statistics(paths: IntMatrix, work: _WorkArrays | None) -> IntMatrix:
    """The values at sorted positions ``_RANKS`` of every row (``len(_RANKS) × rows``).

    What sorting each row would give, found without sorting: every value goes to one
    of ``_BUCKETS`` buckets of its row by a non-decreasing map of the value, one
    ``bincount`` counts them, the cumulative counts name the bucket that holds each
    wanted position, and only the few values in those buckets are sorted. Integer
    arithmetic throughout, in place where it can be (fresh large arrays cost page
    faults): ``work`` lends its arrays when they are large enough.
    """
    rows = paths.shape[0]
    if work is not None and rows <= WORK_MONTHS:
        buckets, chosen, matches = work.buckets[:rows], work.chosen[:rows], work.matches[:rows]
    else:
        buckets = np.empty(paths.shape, dtype=np.int64)
        chosen = np.empty(paths.shape, dtype=bool)
        matches = np.empty(paths.shape, dtype=bool)
    lowest = paths.min(axis=1)
    spreads = (paths.max(axis=1) - lowest).tolist()
    # bucket = value >> shift − row minimum >> shift: non-decreasing in the value, and
    # below _BUCKETS with a shift that leaves the spread fewer than _BUCKETS / 2 steps
    shifts = np.array([max(int(spread).bit_length() + 1 - _BUCKET_BITS, 0) for spread in spreads])
    np.right_shift(paths, shifts[:, np.newaxis], out=buckets)
    first_buckets = np.right_shift(lowest, shifts) - np.arange(rows, dtype=np.int64) * _BUCKETS
    buckets -= first_buckets[:, np.newaxis]
    counts = np.bincount(buckets.ravel(), minlength=rows * _BUCKETS)
    # cumulative counts over all rows: row r's run ends at (r + 1) × PATHS, so one
    # search finds, per row and position, the first bucket whose count passes it
    cumulative = counts.cumsum()
    targets = _RANKS + (np.arange(rows, dtype=np.int64) * paths.shape[1])[:, np.newaxis]
    holder = np.searchsorted(cumulative, targets, side="right")
    below = cumulative[holder] - counts[holder] - (targets - _RANKS)  # in lower buckets
    np.equal(buckets, holder[:, :1], out=chosen)
    for column in range(1, len(_RANKS)):
        np.equal(buckets, holder[:, column : column + 1], out=matches)
        chosen |= matches
    values, their_buckets = paths[chosen], buckets[chosen]
    order = np.lexsort((values, their_buckets))
    values, their_buckets = values[order], their_buckets[order]
    starts = np.searchsorted(their_buckets, holder, side="left")
    found: IntMatrix = values[starts + (_RANKS - below)]
    return found.T


def percentile_values(paths: IntMatrix, work: _WorkArrays | None = None) -> npt.NDArray[np.float64]:
    """``np.percentile(paths, PERCENTILES, axis=1)`` for rows of ``PATHS`` values, bit for
    bit, at a fraction of its cost (it partitions every row)."""
    if paths.shape[1] != PATHS:
        return np.asarray(np.percentile(paths, PERCENTILES, axis=1), dtype=np.float64)
    ranked = _order_statistics(paths, work)
    below, above = ranked[: len(_FLOORS)], ranked[len(_FLOORS) :]
    difference = above - below
    values: npt.NDArray[np.float64] = below + difference * _GAMMA
    np.subtract(above, difference * (1 - _GAMMA), out=values, where=_GAMMA >= 0.5)
    return values


def _round_half_away(values: npt.NDArray[np.float64]) -> list[int]:
    """Round each value to the nearest integer, halves away from zero (1,5 → 2; −1,5 → −2)."""
    rounded = np.sign(values) * np.floor(np.abs(values) + 0.5)
    return [int(value) for value in rounded]


def percentile_band(
    paths: IntMatrix, work: _WorkArrays | None = None
) -> tuple[list[int], list[int]]:
    """The 10th and 90th percentiles of each row (numpy's default linear method),
    rounded half away from zero."""
    low, high = percentile_values(paths, work)
    return _round_half_away(low), _round_half_away(high)


def _simulate(*, active: int, changes: Sequence[int], months: int) -> IntMatrix:
    """``simulated_paths`` in this thread's work array (valid until the next call)."""
    out = _WORK.paths[:months] if months <= WORK_MONTHS else None
    return simulated_paths(active=active, changes=changes, months=months, out=out)


def forecast(
    *,
    period: Period,
    active: int,
    target_count: int | None,
    status: str,
    changes: Sequence[int],
    months_remaining: int,
) -> Forecast:
    """The bootstrap probability of ``active + c₁ + … + cₙ ≥ target_count`` by December.

    ``achieved`` → 1 and ``missed`` → 0 without simulation (no band); ``incomplete``,
    no target, or fewer than ``MIN_CHANGES`` changes → nothing. Otherwise ``PATHS``
    paths of ``months_remaining`` draws from ``changes``; ``months_remaining = 0``
    (which the status rules already make ``achieved`` or ``missed``) simulates no
    month: the probability is then 0 or 1 and both percentiles are ``active``.
    """
    if status == "incomplete" or target_count is None:
        return NOT_SIMULATED
    if status == "achieved":
        return Forecast(probability=Fraction(1), p10=None, p90=None, band=())
    if status == "missed":
        return Forecast(probability=Fraction(0), p10=None, p90=None, band=())
    if len(changes) < MIN_CHANGES:
        return NOT_SIMULATED
    if months_remaining == 0:
        reached = Fraction(1 if active >= target_count else 0)
        return Forecast(probability=reached, p10=active, p90=active, band=())
    paths = _simulate(active=active, changes=changes, months=months_remaining)
    hits = int(np.count_nonzero(paths[-1] >= target_count))
    low, high = percentile_band(paths, _WORK)
    band = tuple(
        (period.shift(offset + 1), low[offset], high[offset]) for offset in range(months_remaining)
    )
    return Forecast(probability=Fraction(hits, PATHS), p10=low[-1], p90=high[-1], band=band)


def pace_ratio(run_rate: Fraction | None, required_monthly_pace: int | None) -> Fraction | None:
    """Run rate as a share of the pace the target needs (1 = exactly on pace).

    None when either is none, or when the pace is 0 (nothing left to gain).
    """
    if run_rate is None or required_monthly_pace is None or required_monthly_pace == 0:
        return None
    return Fraction(run_rate) / required_monthly_pace


# --- backtest ------------------------------------------------------------------------


@dataclass(frozen=True)
class BacktestRow:
    """One forecast horizon of the backtest: how many (t, t+h) pairs, the median
    absolute percentage errors (in percent) and the share of actuals inside the band."""

    horizon: int
    n: int
    median_ape_run_rate: float | None
    median_ape_naive: float | None
    hit_rate: float | None


def complete_run_rate(
    active_by_period: Mapping[Period, int], complete: Collection[Period], period: Period
) -> Fraction | None:
    """``calculations.run_rate`` over complete months only: (active(t) − active(t−k)) ÷ k
    with k the largest of 3, 2, 1 for which t−k is complete and has data."""
    if period not in active_by_period or period not in complete:
        return None
    for k in (3, 2, 1):
        earlier = period.shift(-k)
        if earlier in complete and earlier in active_by_period:
            return Fraction(active_by_period[period] - active_by_period[earlier], k)
    return None


def _ape(forecast_value: int, actual: int) -> Fraction:
    """Absolute percentage error of ``forecast_value`` against ``actual`` (> 0), in percent."""
    return Fraction(100 * abs(forecast_value - actual), actual)


def backtest(
    active_by_period: Mapping[Period, int], complete: Collection[Period]
) -> list[BacktestRow]:
    """Every forecast the data allows, checked against what came later.

    For each complete month t with data, a run rate (over complete months) and at
    least ``MIN_CHANGES`` monthly changes, and each horizon h = 1 … 6 whose month t+h
    is complete, has data and is above 0 (an APE against 0 is undefined): the APE
    of round(active(t) + run_rate × h), the APE of the naive active(t), and whether
    active(t+h) lies inside [p10, p90] of an h-month simulation from t's changes
    (exactly what ``forecast`` gives with ``months_remaining = h``). One row per h,
    always; a horizon without pairs has n = 0 and no medians or hit rate.
    """
    run_rate_errors: dict[int, list[Fraction]] = {h: [] for h in BACKTEST_HORIZONS}
    naive_errors: dict[int, list[Fraction]] = {h: [] for h in BACKTEST_HORIZONS}
    hits: dict[int, list[bool]] = {h: [] for h in BACKTEST_HORIZONS}
    for period in sorted(p for p in active_by_period if p in complete):
        rate = complete_run_rate(active_by_period, complete, period)
        changes = monthly_changes(active_by_period, complete, period)
        if rate is None or len(changes) < MIN_CHANGES:
            continue
        start = int(active_by_period[period])
        for h in BACKTEST_HORIZONS:
            later = period.shift(h)
            if later not in complete or later not in active_by_period:
                continue
            actual = int(active_by_period[later])
            if actual <= 0:
                continue
            projected = round_half_up(start + rate * h)
            paths = _simulate(active=start, changes=changes, months=h)
            low, high = percentile_band(paths[-1:], _WORK)
            run_rate_errors[h].append(_ape(projected, actual))
            naive_errors[h].append(_ape(start, actual))
            hits[h].append(low[0] <= actual <= high[0])
    return [
        BacktestRow(
            horizon=h,
            n=len(hits[h]),
            median_ape_run_rate=_median(run_rate_errors[h]),
            median_ape_naive=_median(naive_errors[h]),
            hit_rate=(sum(hits[h]) / len(hits[h])) if hits[h] else None,
        )
        for h in BACKTEST_HORIZONS
    ]


def _median(values: list[Fraction]) -> float | None:
    """The exact median (the mean of the middle two for an even count), as a float."""
    if not values:
        return None
    return float(statistics.median(values))
