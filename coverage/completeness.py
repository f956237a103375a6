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

    Months are kept as month indexes (``Period.index``): a summary asks for the
    completeness of some thirty areas over thirteen months each.
    """

    def __init__(
        self,
        rows: Iterable[tuple[int, int, str]],
        *,
        first_reported: dict[str, Period] | None = None,
    ) -> None:
        reported: dict[int, set[str]] = {}
        for year, month, region in rows:
            reported.setdefault(int(year) * 12 + int(month) - 1, set()).add(str(region))
        self._reported = {index: frozenset(codes) for index, codes in reported.items()}
        first: dict[str, int] = {}
        if first_reported is None:
            for index in sorted(self._reported):
                for code in self._reported[index]:
                    first.setdefault(code, index)
        else:
            first = {code: period.index for code, period in first_reported.items()}
        self._first = first

    @cached_property
    def periods(self) -> list[Period]:
        """Months with at least one row, oldest first."""
        return [Period.from_index(index) for index in sorted(self._reported)]

    def reported_in(self, period: Period, region_codes: Collection[str]) -> frozenset[str]:
        return self._reported.get(period.index, frozenset()) & frozenset(region_codes)

    def expected_in(self, period: Period, region_codes: Collection[str]) -> frozenset[str]:
        return self._expected(period.index, region_codes)

    def _expected(self, index: int, region_codes: Collection[str]) -> frozenset[str]:
        first = self._first
        return frozenset(code for code in region_codes if code in first and first[code] < index)

    def completeness(self, period: Period, region_codes: Collection[str]) -> Completeness:
        return Completeness(
            period=period,
            expected=self.expected_in(period, region_codes),
            reported=self.reported_in(period, region_codes),
        )

    def is_complete(self, period: Period, region_codes: Collection[str]) -> bool:
        return self._complete_with_data(period.index, frozenset(region_codes), need_data=False)

    def _complete_with_data(self, index: int, codes: frozenset[str], *, need_data: bool) -> bool:
        """Every expected regency of ``codes`` reported in month ``index`` (and, with
        ``need_data``, at least one of ``codes`` did)."""
        reported = self._reported.get(index, frozenset())
        if need_data and reported.isdisjoint(codes):
            return False
        return self._expected(index, codes) <= reported

    @cached_property
    def _months_of(self) -> dict[str, frozenset[int]]:
        """Each regency's months with a row."""
        months: dict[str, set[int]] = {}
        for index, codes in self._reported.items():
            for code in codes:
                months.setdefault(code, set()).add(index)
        return {code: frozenset(indexes) for code, indexes in months.items()}

    @cached_property
    def _gaps_of(self) -> dict[str, frozenset[int]]:
        """Each regency's months (among those with any row) after its first report in
        which it sent nothing: the months it leaves incomplete."""
        return {
            code: frozenset(
                index
                for index, codes in self._reported.items()
                if index > first and code not in codes
            )
            for code, first in self._first.items()
        }

    def complete_periods(
        self,
        region_codes: Collection[str],
        *,
        since: Period | None = None,
        until: Period | None = None,
    ) -> frozenset[Period]:
        """Months with data for the scope that are complete for it (from ``since``
        up to ``until``, both included, when given): the months in which one of its
        regencies reported, less those that one of them left out."""
        codes = list(region_codes)
        with_data: set[int] = set().union(*(self._months_of.get(code, ()) for code in codes))
        # A regency's own months are never gaps of its own (a page asks for each of its
        # hundreds of regency rows): only a set of several can leave a month incomplete.
        gaps: set[int] = (
            set().union(*(self._gaps_of.get(code, ()) for code in codes))
            if len(codes) > 1
            else set()
        )
        low = since.index if since is not None else None
        high = until.index if until is not None else None
        return frozenset(
            map(
                Period.from_index,
                [
                    index
                    for index in with_data - gaps
                    if (low is None or index >= low) and (high is None or index <= high)
                ],
            )
        )

    def default_period(self, region_codes: Collection[str]) -> Period | None:
        """The latest month with data for the scope that is complete for it."""
        codes = frozenset(region_codes)
        for index in sorted(self._reported, reverse=True):
            if self._complete_with_data(index, codes, need_data=True):
                return Period.from_index(index)
        return None
