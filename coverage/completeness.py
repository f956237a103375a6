"""Reporting completeness: which regencies a month is waiting for (pure, no Django).

Counts arrive regency by regency; until every expected regency has reported, a
month's sums are partial and must not be read as a fall in coverage. The rules
are DOMAIN.md "Reporting completeness":

- ``regions_expected(t)``: the scope's regencies with a count row in some month
  *before* ``t`` (a regency that never reported is not expected);
- ``regions_reported(t)``: the scope's regencies with a row in ``t``;
- ``t`` is complete for the scope when every expected regency reported;
- the default period of a scope is the latest month, among those with data for
  it, that is complete for it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property

from .calculations import Period


@dataclass(frozen=True)
class Completeness:
    """How far month ``period`` has been reported for one scope."""

    period: Period
    expected: frozenset[str]
    reported: frozenset[str]

    @property
    def complete(self) -> bool:
        return self.expected <= self.reported

    @property
    def regions_expected(self) -> int:
        return len(self.expected)

    @property
    def regions_reported(self) -> int:
        return len(self.reported)

    @property
    def missing(self) -> tuple[str, ...]:
        """Expected regencies without a row in ``period``, by code."""
        return tuple(sorted(self.expected - self.reported))


class ReportingLedger:
    """Which regency reported which month, built from ``(year, month, region_code)``
    rows (one per regency-month with at least one count row).

    ``first_reported`` may come from a separate, cheaper query (the earliest month
    per regency); when it is omitted it is derived from ``rows``, which must then
    reach back to the first month of every regency.
    """

    def __init__(
        self,
        rows: Iterable[tuple[int, int, str]],
        *,
        first_reported: dict[str, Period] | None = None,
    ) -> None:
        reported: dict[Period, set[str]] = {}
        for year, month, region in rows:
            reported.setdefault(Period(int(year), int(month)), set()).add(str(region))
        self._reported = {period: frozenset(codes) for period, codes in reported.items()}
        if first_reported is None:
            first_reported = {}
            for period in sorted(self._reported):
                for code in self._reported[period]:
                    first_reported.setdefault(code, period)
        self._first = dict(first_reported)

    @cached_property
    def periods(self) -> list[Period]:
        """Months with at least one row, oldest first."""
        return sorted(self._reported)

    def reported_in(self, period: Period, region_codes: Collection[str]) -> frozenset[str]:
        return self._reported.get(period, frozenset()) & frozenset(region_codes)

    def expected_in(self, period: Period, region_codes: Collection[str]) -> frozenset[str]:
        return frozenset(
            code
            for code in region_codes
            if (first := self._first.get(code)) is not None and first < period
        )

    def completeness(self, period: Period, region_codes: Collection[str]) -> Completeness:
        return Completeness(
            period=period,
            expected=self.expected_in(period, region_codes),
            reported=self.reported_in(period, region_codes),
        )

    def is_complete(self, period: Period, region_codes: Collection[str]) -> bool:
        return self.completeness(period, region_codes).complete

    def complete_periods(self, region_codes: Collection[str]) -> frozenset[Period]:
        """Months with data for the scope that are complete for it."""
        codes = frozenset(region_codes)
        return frozenset(
            period
            for period in self.periods
            if self.reported_in(period, codes) and self.is_complete(period, codes)
        )

    def default_period(self, region_codes: Collection[str]) -> Period | None:
        """The latest month with data for the scope that is complete for it."""
        codes = frozenset(region_codes)
        for period in reversed(self.periods):
            if self.reported_in(period, codes) and self.is_complete(period, codes):
                return period
        return None
