"""``forecast``: the bootstrap of ``coverage.forecast`` for a whole overview.

An uncached overview computes one forecast for the province, each of the 6 branches
and each of the 22 regencies: 29 calls of ``coverage.forecast.forecast`` with 12
monthly changes each and 10,000 paths. Timed for January (11 months to December,
the most a forecast simulates) and April (8 months, the demo data's default month),
with the draw of indices already remembered (as in a running server) and, once,
without it (the first overview after a start); and as an overview really runs
them: the province's forecast with its monthly band, and the December forecasts of
the 28 branch and regency rows in one batch (``with_december_forecasts``), which the
goal of issue #15 (≤ ~10 ms) is judged on. Pure computation: no database.

Run as part of ``make bench`` or alone: ``.venv/bin/python -m benchmarks --only forecast``
(or ``.venv/bin/python -m benchmarks.forecast``, which prints the rows).
"""

from __future__ import annotations

import time

import numpy as np

from coverage import forecast as fc
from coverage.calculations import (
    Denominator,
    Period,
    ResolvedTarget,
    ScopeMetrics,
    history_metrics,
    with_december_forecasts,
)

from .common import Result, goal, load_average, measure, stats, timed

TITLE = "Forecast simulation (province + 6 branches + 22 regencies)"
COMMAND = ".venv/bin/python -m benchmarks --only forecast"
GOAL_MS = 10.0
SCOPES = 29


def _scopes() -> list[tuple[int, int, tuple[int, ...]]]:
    """(active, target, changes) for 29 scopes of province, branch and regency size."""
    rng = np.random.default_rng(29)
    sizes = [550_000] + [90_000] * 6 + [25_000] * 22
    scopes = []
    for size in sizes:
        pace = size // 100
        changes = tuple(int(c) for c in rng.normal(pace, pace, size=12).round())
        scopes.append((size, size * 18 // 10, changes))
    return scopes


def _forecast(period: Period, scope: tuple[int, int, tuple[int, ...]]) -> None:
    """One scope's forecast with its monthly band, as a page runs it."""
    active, target, changes = scope
    fc.forecast(
        period=period,
        active=active,
        target_count=target,
        status="off_track",
        changes=changes,
        months_remaining=12 - period.month,
    )


def _overview(period: Period) -> None:
    for scope in _scopes():
        _forecast(period, scope)


def _area_metrics(period: Period) -> list[ScopeMetrics]:
    """The 28 branch and regency rows of ``_scopes`` as a summary builds them: full
    metrics from a year of history, the simulation left to the batch."""
    metrics = []
    for active, target, changes in _scopes()[1:]:
        history = {period: active}
        for back, change in enumerate(reversed(changes)):
            month = period.shift(-back)
            history[month.shift(-1)] = history[month] - change
        metrics.append(
            history_metrics(
                period=period,
                active_by_period=history,
                nonactive=0,
                denominator=Denominator(workers=target * 2, year=period.year),
                target=ResolvedTarget(count=target, pct=None, source="set"),
                simulate=False,
            )
        )
    return metrics


def _overview_as_served(period: Period, areas: list[ScopeMetrics]) -> None:
    """What an uncached overview runs: the province's forecast with its monthly band,
    and the December forecasts of its 28 branch and regency rows in one batch."""
    _forecast(period, _scopes()[0])
    with_december_forecasts(areas)


def _cpu_ms(period: Period, repeats: int) -> list[float]:
    """CPU time of this thread per overview's forecasts: on a shared machine the wall
    time also counts the time other processes had the cores."""
    samples = []
    for _ in range(repeats):
        t0 = time.thread_time()
        _overview(period)
        samples.append((time.thread_time() - t0) * 1000.0)
    return samples


def run(*, quick: bool = False, database_url: str = "") -> Result:
    repeats = 10 if quick else 50
    load_before = load_average()
    january, april = Period(2025, 1), Period(2025, 4)
    fc._draws.cache_clear()
    cold_ms = timed(lambda: _overview(january))
    jan, jan_samples = measure(lambda: _overview(january), warmup=2, repeats=repeats, budget_s=30)
    apr, _ = measure(lambda: _overview(april), warmup=2, repeats=repeats, budget_s=30)
    one, _ = measure(
        lambda: fc.forecast(
            period=january,
            active=550_000,
            target_count=1_000_000,
            status="off_track",
            changes=_scopes()[0][2],
            months_remaining=11,
        ),
        warmup=2,
        repeats=repeats * 4,
        budget_s=30,
    )
    cpu = stats(_cpu_ms(january, repeats))
    areas = _area_metrics(january)
    served, _ = measure(
        lambda: _overview_as_served(january, areas), warmup=2, repeats=repeats, budget_s=30
    )
    rows = [
        {"measure": f"{SCOPES} forecasts, January (11 months simulated)", **jan},
        {"measure": f"{SCOPES} forecasts, January, CPU time of the thread", **cpu},
        {"measure": f"{SCOPES} forecasts, April (8 months, the demo's default)", **apr},
        {"measure": f"{SCOPES} forecasts, January, first call (draw not yet remembered)"}
        | stats([cold_ms]),
        {"measure": "one forecast, January", **one},
        {
            "measure": "as an overview runs them, January: the province's forecast with "
            "its band + the 28 rows' December forecasts in one batch",
            **served,
        },
    ]
    p50 = cpu["p50_ms"]
    return {
        "name": "forecast",
        "title": TITLE,
        "status": "ok",
        "command": COMMAND,
        "what": (
            f"{SCOPES} calls of `coverage.forecast.forecast` ({fc.PATHS:,} paths, 12 monthly "
            "changes each) as an uncached overview makes them; no database."
        ),
        "rows": rows,
        "samples_ms": jan_samples,
        "loadavg": [load_before, load_average()],
        "goals": [
            goal(
                "Forecasts of an uncached overview (29 scopes, 11 months)",
                f"≤ ~{GOAL_MS:.0f} ms",
                f"p50 {p50:.1f} ms CPU for 29 separate forecasts (wall p50 "
                f"{jan['p50_ms']:.1f} ms at load {load_before[0]:.1f}); as an overview runs "
                f"them (one with its band, 28 in a batch): wall p50 {served['p50_ms']:.1f} ms",
                "met" if served["p50_ms"] <= GOAL_MS else "missed",
                "per scope: gathering 110,000 drawn changes, their running sums and a "
                "bucket count of them for the percentiles; a handful of passes over "
                "the paths, each a few hundredths of a millisecond",
            )
        ],
    }


if __name__ == "__main__":
    result = run()
    for row in result["rows"]:
        print(f"{row['measure']}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms (n={row['n']})")
    print(f"load average before and after: {result['loadavg']}")
