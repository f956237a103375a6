"""Participants per region and month from the ``monthly`` frame, summed over any
set of regions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from .period import Period

MONTHLY_COLUMNS = ("year", "month", "region_code", "active", "nonactive")


def monthly_rows(monthly: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """``(year, month, region_code, active, nonactive)`` of each row of a ``monthly``
    frame as plain Python values (a few hundred rows: cheaper than pandas)."""
    return zip(*(monthly[column].tolist() for column in MONTHLY_COLUMNS), strict=True)


def active_series(monthly: pd.DataFrame, region_codes: Iterable[str]) -> pd.DataFrame:
    """Monthly totals of a set of regions: ``year, month, active, nonactive``.

    A month appears only if at least one of the regions has data in it. Summed in
    plain Python (a few hundred rows: cheaper than a pandas group-by).
    """
    codes = set(region_codes)
    sums: dict[tuple[int, int], list[int]] = {}
    for year, month, code, active, nonactive in monthly_rows(monthly):
        if code in codes:
            total = sums.setdefault((int(year), int(month)), [0, 0])
            total[0] += int(active)
            total[1] += int(nonactive)
    keys = sorted(sums)
    return pd.DataFrame(
        {
            "year": np.array([year for year, _month in keys], dtype=np.int64),
            "month": np.array([month for _year, month in keys], dtype=np.int64),
            "active": np.array([sums[key][0] for key in keys], dtype=np.int64),
            "nonactive": np.array([sums[key][1] for key in keys], dtype=np.int64),
        }
    )


def series_by_period(series: pd.DataFrame, column: str = "active") -> dict[Period, int]:
    """One column of an ``active_series`` frame (``active`` or ``nonactive``) by month."""
    columns = (series["year"], series["month"], series[column])
    return {Period(int(y), int(m)): int(value) for y, m, value in zip(*columns, strict=True)}


class RegionHistory:
    """Each region's active and non-active participants per month, from the
    ``monthly`` frame, summed over any set of regions without pandas (a summary
    sums it for the scope and for every branch and region row)."""

    def __init__(self, monthly: pd.DataFrame) -> None:
        self._active: dict[str, dict[int, int]] = {}
        self._nonactive: dict[str, dict[int, int]] = {}
        self._periods: dict[int, Period] = {}
        for year, month, code, active, nonactive in monthly_rows(monthly):
            index = int(year) * 12 + int(month) - 1
            if index not in self._periods:
                self._periods[index] = Period.from_index(index)
            region = str(code)
            self._active.setdefault(region, {})[index] = int(active)
            self._nonactive.setdefault(region, {})[index] = int(nonactive)

    def region_months(self) -> list[tuple[int, int, str]]:
        """``(year, month, region_code)`` of every region-month with a row."""
        return [
            (self._periods[index].year, self._periods[index].month, region)
            for region, months in self._active.items()
            for index in months
        ]

    def active_by_period(self, region_codes: Collection[str]) -> dict[Period, int]:
        """The regions' summed active participants in each month where any has a row."""
        summed: dict[int, int] = {}
        for code in region_codes:
            for index, active in self._active.get(code, {}).items():
                summed[index] = summed.get(index, 0) + active
        return {self._periods[index]: summed[index] for index in sorted(summed)}

    def nonactive_in(self, period: Period, region_codes: Collection[str]) -> int:
        return sum(self._nonactive.get(code, {}).get(period.index, 0) for code in region_codes)

    def series(self, region_codes: Collection[str]) -> pd.DataFrame:
        """``active_series(monthly, region_codes)``, summed from this history."""
        active: dict[int, int] = {}
        nonactive: dict[int, int] = {}
        for code in region_codes:
            for index, value in self._active.get(code, {}).items():
                active[index] = active.get(index, 0) + value
            for index, value in self._nonactive.get(code, {}).items():
                nonactive[index] = nonactive.get(index, 0) + value
        keys = sorted(active)
        return pd.DataFrame(
            {
                "year": np.array([self._periods[i].year for i in keys], dtype=np.int64),
                "month": np.array([self._periods[i].month for i in keys], dtype=np.int64),
                "active": np.array([active[i] for i in keys], dtype=np.int64),
                "nonactive": np.array([nonactive[i] for i in keys], dtype=np.int64),
            }
        )


# --- the JSON contract ---------------------------------------------------------------
