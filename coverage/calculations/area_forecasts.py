"""The December forecast of many areas at once, on shared seeded draws."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .metrics import ScopeMetrics, forecast_of, with_forecast

# Areas whose December forecasts are simulated together (see ``with_december_forecasts``).
BATCH_AREAS = 32


def with_december_forecasts(metrics: Sequence[ScopeMetrics]) -> list[ScopeMetrics]:
    """``metrics`` with the probability and the December p10/p90 of ``forecast``,
    computed for all of them at once (the band month by month is left out).

    The same numbers as ``forecasting.forecast`` gives each one (tested): the paths
    are its seeded draws, and since they depend only on how many changes there are
    and how many months remain, the draws are shared by every area with the same
    two, and only the December totals are formed (a matrix product of how often
    each change was drawn by the changes themselves). This keeps a province page's
    29 areas within a few milliseconds.
    """
    from .. import forecast as forecasting  # forecast.py imports Period from here

    results = list(metrics)
    groups: dict[tuple[int, int], list[int]] = {}
    for position, m in enumerate(results):
        if _needs_simulation(m):
            groups.setdefault((len(m.monthly_changes), m.months_remaining), []).append(position)
        else:
            # ``forecast`` simulates no path here: no band, as in the batches below
            results[position] = with_forecast(m, forecast_of(m))
    for (count, months), positions in groups.items():
        draws = _draw_counts(count, months)
        # A few dozen areas at a time: a national page's 600 areas × 10,000 paths
        # would otherwise be one 50 MB matrix.
        for first in range(0, len(positions), BATCH_AREAS):
            chunk = positions[first : first + BATCH_AREAS]
            changes = np.array([results[p].monthly_changes for p in chunk], dtype=np.int64)
            starts = np.array([results[p].active for p in chunk], dtype=np.int64)
            targets = np.array([results[p].target.count for p in chunk], dtype=np.int64)
            # One row of December values per area, in integers (einsum: exact, no BLAS).
            totals = starts[:, None] + np.einsum("ak,kp->ap", changes, draws)
            hits = np.count_nonzero(totals >= targets[:, None], axis=1)
            low, high = forecasting.percentile_band(totals)
            for row, position in enumerate(chunk):
                probability = Fraction(int(hits[row]), forecasting.PATHS)
                outlook = forecasting.Forecast(
                    probability=probability, p10=low[row], p90=high[row], band=()
                )
                results[position] = with_forecast(results[position], outlook)
    return results


def _needs_simulation(m: ScopeMetrics) -> bool:
    """Whether ``forecasting.forecast`` would simulate paths for ``m``."""
    from .. import forecast as forecasting  # forecast.py imports Period from here

    return (
        m.status not in ("incomplete", "achieved", "missed")
        and m.target.count is not None
        and len(m.monthly_changes) >= forecasting.MIN_CHANGES
        and m.months_remaining > 0
    )


@lru_cache(maxsize=32)
def _draw_counts(count: int, months: int) -> npt.NDArray[np.int64]:
    """``count × PATHS``: how often each of ``count`` changes is drawn on each path
    of ``months`` months, in ``forecasting.simulated_paths``'s seeded draw (the
    December value of a path whose changes are 1 for that change, 0 otherwise)."""
    from .. import forecast as forecasting  # forecast.py imports Period from here

    unit = np.eye(count, dtype=np.int64)
    counts = np.array(
        [
            forecasting.simulated_paths(active=0, changes=list(unit[index]), months=months)[-1]
            for index in range(count)
        ],
        dtype=np.int64,
    )
    counts.setflags(write=False)
    return counts
